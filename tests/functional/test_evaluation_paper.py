"""In a real browser, on a phone-sized screen: one evaluator keys a paper form by keyboard only,
a second keys it again (blind) with one answer different, and a third person resolves the
difference; only then does the form's response exist."""

import re

from alongside.evaluation.models import PaperForm, PaperFormStatus, Response
from tests.functional.browser import fits_the_screen, follow, h1, sign_in
from tests.integration.url_rules.evaluation_paper import ITEMS, evaluator, paper_study
from tests.pseudonyms import code_of

FIRST = {"valued": "4", "services": "very much", "recovery": "3", "lead_recovery": "2"}
FIRST |= {"control": "", "hope": "Quite a lot", "understood": "4", "community": "1"}
FIRST |= {"find_way": "0", "heard": "2"}


def test_a_paper_form_keyed_twice_and_resolved(personas, live_server, phone):
    study = paper_study([personas.user("evaluator")])
    second_user = evaluator(study, username="keyer-two")
    third_user = evaluator(study, username="resolver")
    papers = f"{live_server.url}/evaluation/{study.slug}/paper/"

    first = phone()
    sign_in(first, live_server, personas.user("evaluator").username)
    first.goto(f"{live_server.url}/evaluation/{study.slug}/")
    follow(first.get_by_role("link", name="Paper forms"))
    assert h1(first) == "Paper forms"
    fits_the_screen(first)
    follow(first.get_by_role("link", name="Key a new form"))
    follow(first.get_by_role("link", name=re.compile("Service users: Your experience")))
    assert h1(first) == "Key a paper form"
    fits_the_screen(first)
    # Keyboard only: the form number has the focus; Tab moves through every field in order.
    assert first.evaluate("document.activeElement.name") == "reference"
    first.keyboard.type("F-100")
    first.keyboard.press("Tab")
    assert first.evaluate("document.activeElement.name") == "participant_code"
    first.keyboard.type("SU-500")
    first.keyboard.press("Tab")
    assert first.evaluate("document.activeElement.name") == "site"
    first.keyboard.type("CHO2")
    for item in ITEMS:
        first.keyboard.press("Tab")
        assert first.evaluate("document.activeElement.name") == f"item-{item}"
        first.keyboard.type(FIRST[item])
    first.keyboard.press("Tab")
    assert first.evaluate("document.activeElement.name") == "double_entry"
    assert first.evaluate("document.activeElement.checked")
    first.keyboard.press("Tab")
    assert first.evaluate("document.activeElement.textContent").strip() == "Check and save"
    with first.expect_navigation():
        first.keyboard.press("Enter")
    assert "Form F-100 saved, waiting for someone else" in first.get_by_role("status").inner_text()
    form = PaperForm.objects.get(study=study, reference="F-100")
    assert form.site.code == "CHO2"
    assert form.status == PaperFormStatus.AWAITING_SECOND_ENTRY
    assert not Response.objects.filter(paper_form=form).exists()

    two = phone()
    sign_in(two, live_server, second_user.username)
    two.goto(papers)
    fits_the_screen(two)
    assert "SU-500" not in two.content()
    follow(two.get_by_role("link", name="Second entry of form F-100"))
    assert h1(two) == "Second entry of form F-100"
    fits_the_screen(two)
    assert two.get_by_label("Participant code").input_value() == ""
    two.get_by_label("Participant code").fill("SU-500")
    two.get_by_label("Site").select_option("CHO2")
    two.get_by_label("Cohort").select_option("service-users")
    for item in ITEMS:
        value = "Somewhat" if item == "hope" else FIRST[item]
        field = two.get_by_label(re.compile(f"^{item}:"))
        assert field.input_value() == ""
        field.fill(value)
    follow(two.get_by_role("button", name="Check and save"))
    assert "the entries disagree" in two.get_by_role("status").inner_text()

    three = phone()
    sign_in(three, live_server, third_user.username)
    three.goto(papers)
    follow(three.get_by_role("link", name=re.compile(r"^Entries disagree.*\(1\)")))
    follow(three.get_by_role("link", name="Resolve form F-100"))
    assert h1(three) == "Resolve form F-100"
    fits_the_screen(three)
    group = three.get_by_role("group", name=re.compile("^hope:"))
    assert group.get_by_label("First entry: 3 (Quite a lot)").is_visible()
    group.get_by_label("Second entry: 2 (Somewhat)").check()
    follow(three.get_by_role("button", name="Save and verify"))
    assert "Form F-100 resolved and verified." in three.get_by_role("status").inner_text()

    form.refresh_from_db()
    assert form.status == PaperFormStatus.VERIFIED
    assert form.resolved_by == third_user
    assert form.response.answers["hope"] == 2
    assert form.response.answers["services"] == 4
    assert form.response.answers["control"] is None
    assert code_of(form.response.participant) == "SU-500"
