"""In Chromium on a 360 px screen: an evaluator runs assisted coding, watches the progress to
the end, accepts a suggestion and finds the coding, by them, on the coding page."""

import pytest

from alongside.qualitative import actions, assist
from alongside.qualitative.models import Code, Coding, SuggestionDecision
from tests.functional.browser import fits_the_screen, follow, h1, sign_in
from tests.integration.url_rules.qualitative import SLUG, qual_project


@pytest.fixture(autouse=True)
def word_counts(monkeypatch):
    """The light method keeps the test quick (the embedding model loads in seconds)."""
    monkeypatch.setattr(assist, "embedding_available", lambda: False)


def test_run_suggestions_accept_one_and_see_the_coding(personas, live_server, phone_page):
    project = qual_project(personas)
    evaluator = personas.user("evaluator")
    text = "".join(
        f"Interviewer: Go on.\nSU-2: {words}\n"
        for words in (
            "The walking group on Tuesdays got me out of the house.",
            "She listened to me properly, without rushing.",
            "The group is where I met people like me.",
        )
    )
    source = actions.add_transcript(
        by=None, project=project, data=text.encode(), filename="interview-2.txt"
    )
    codes = {c.name: c for c in Code.objects.filter(project=project)}
    for order, name in ((1, "Groups"), (3, "Being listened to")):
        actions.code_segment(
            by=evaluator, segment=source.segments.get(order=order), codes=[codes[name]]
        )

    page = phone_page
    sign_in(page, live_server, evaluator.username)
    page.goto(f"{live_server.url}/qualitative/{SLUG}/")
    follow(page.get_by_role("link", name="Assisted coding"))
    assert h1(page) == "Assisted coding"
    fits_the_screen(page)

    page.get_by_role("button", name="Suggest codes for the uncoded passages").click()  # htmx
    status = page.locator("#progress-text")
    status.filter(has_text="Finished: suggestions for").wait_for(timeout=30_000)
    assert page.locator("#progress progress").get_attribute("value") == page.locator(
        "#progress progress"
    ).get_attribute("max")
    page.get_by_text("Top 1:").wait_for()
    suggestions = page.locator("#suggestions")
    suggestions.get_by_role("heading", name="interview-2, passage 6 (Service users)").wait_for()
    fits_the_screen(page)

    card = page.locator("article", has=page.get_by_role("heading", name="interview-2, passage 6"))
    accept = card.get_by_role("button", name="Accept").first
    label = accept.get_attribute("aria-label").removeprefix("Accept ")
    accept.click()  # htmx: the card changes in place
    card.get_by_role("status").filter(has_text=f"Coded with {label}.").wait_for()

    coding = Coding.objects.get(source=source, segment__order=5)
    assert coding.coder == evaluator
    assert SuggestionDecision.objects.get(segment=coding.segment).accepted

    follow(card.get_by_role("link", name="See it on the coding page"))
    assert h1(page) == "interview-2"
    passage = page.locator("#segment-5")
    assert coding.code.name in passage.inner_text()
