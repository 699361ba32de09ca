"""In Chromium on a 360 px screen: an evaluator codes a passage with the keyboard alone, marks it
as a quote and finds it, names taken out, in the quote bank; selecting words codes just those."""

from alongside.qualitative.models import Coding, Source
from tests.functional.browser import fits_the_screen, follow, h1, sign_in
from tests.integration.url_rules.qualitative import SLUG, qual_project


def test_code_a_passage_by_keyboard_and_see_it_in_the_quote_bank(personas, live_server, phone_page):
    project = qual_project(personas)
    source = Source.objects.get(project=project)
    page = phone_page
    sign_in(page, live_server, personas.evaluator.user.username)
    follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Qualitative"))
    follow(page.get_by_role("link", name="Talking about peer support"))
    follow(page.get_by_role("link", name="interview-1"))
    assert h1(page) == "interview-1"
    fits_the_screen(page)

    passage = page.locator("#segment-3")
    passage.locator("summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.labels[0].textContent") == "Connection / Groups"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Coded with Groups." in page.get_by_role("status").inner_text()
    coding = Coding.objects.get(source=source, segment__order=3)
    assert coding.coder == personas.evaluator.user

    page.locator("#segment-3").get_by_role("button", name="Mark as a quote").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("link", name="Quote bank").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert h1(page) == "Quote bank"
    fits_the_screen(page)
    quotes = page.locator("figure.quote").all_inner_texts()
    assert any(
        "I go to the walking group on Tuesdays." in q and "Service users" in q for q in quotes
    )
    assert not any("Aoife" in q for q in quotes)
    assert any("[peer support worker] just listened" in q for q in quotes)


def test_selecting_words_codes_just_those(personas, live_server, phone_page):
    project = qual_project(personas)
    source = Source.objects.get(project=project)
    page = phone_page
    sign_in(page, live_server, personas.evaluator.user.username)
    page.goto(f"{live_server.url}/qualitative/{SLUG}/sources/{source.pk}/")
    page.evaluate(
        """() => {
        const text = document.querySelector('#segment-3 .segment__text').firstChild;
        const at = text.data.indexOf('walking group');
        const range = document.createRange();
        range.setStart(text, at);
        range.setEnd(text, at + 'walking group'.length);
        const selection = document.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }"""
    )
    form = page.locator("#selection-form")
    form.get_by_text("Selected: “walking group”").wait_for()
    form.get_by_label("Connection / Groups").check()
    follow(form.get_by_role("button", name="Apply to the selection"))
    coding = Coding.objects.get(source=source, code__name="Groups")
    assert coding.text == "walking group"
