"""The whole of a peer support episode in a real browser, on a phone-sized screen:
a clinician refers, the PSW accepts, logs the first contact, sets a goal with the person,
records progress, closes the goal and ends the episode; the history stays on the record."""

import re

from tests.functional.browser import fits_the_screen, follow, h1, sign_in


def _choose(page, label, option):
    """Pick an option in a select or a radio group, whichever the form uses."""
    control = page.get_by_label(label, exact=True)
    if control.count() == 1 and control.evaluate("e => e.tagName") == "SELECT":
        control.select_option(label=option)
    else:
        page.get_by_label(option, exact=True).check()


def test_refer_accept_contact_goal_progress_ending(personas, live_server, phone):
    clinician = phone()
    sign_in(clinician, live_server, personas.clinician.user.username)
    clinician.goto(f"{live_server.url}/practice/referrals/new/")
    clinician.get_by_label("Reference for someone new").fill("SU-8001")
    clinician.get_by_label("Name they like to be called").fill("Oisín")
    clinician.get_by_label("They have consented to peer support").check()
    clinician.get_by_label("Date of consent").fill("2026-11-01")
    clinician.get_by_label("Reason for the referral").fill("Wants to get back out walking.")
    clinician.get_by_label("What the person hopes for").fill("A walking buddy")
    follow(clinician.get_by_role("button", name="Send the referral"))
    assert h1(clinician) == "Referral of SU-8001"

    psw = phone()
    sign_in(psw, live_server, personas.psw.user.username)
    psw.goto(f"{live_server.url}/practice/referrals/")
    follow(psw.get_by_role("row", name=re.compile("SU-8001")).get_by_role("link").first)
    fits_the_screen(psw)
    follow(psw.get_by_role("button", name="Accept"))
    assert "Accepted" in psw.locator("dl.facts").inner_text()

    follow(psw.get_by_role("link", name="SU-8001's record"))
    assert "Oisín" in h1(psw)
    fits_the_screen(psw)
    follow(psw.get_by_role("link", name="Log a contact"))
    psw.get_by_label("Note").fill("First meeting over coffee; planned a walk on the prom.")
    _choose(psw, "How", "In person")
    _choose(psw, "Where", "Community venue")
    follow(psw.get_by_role("button", name="Save contact"))
    assert "saved" in psw.get_by_role("status").inner_text()

    psw.goto(f"{live_server.url}/practice/referrals/")
    row = psw.get_by_role("row", name=re.compile("SU-8001")).inner_text()
    assert re.search(r"\b\d+\b", row.split("SU-8001")[-1]), "days to first contact shown"

    psw.goto(f"{live_server.url}/practice/caseload/")
    follow(psw.get_by_role("link", name="Oisín", exact=True))
    follow(psw.get_by_role("link", name="Set a goal"))
    psw.get_by_label("The goal, in their own words").fill("Walk the prom every Sunday")
    _choose(psw, "CHIME process", "Connectedness")
    _choose(psw, "Who set this goal", "The service user, in their own words")
    follow(psw.get_by_role("button", name="Save goal"))
    assert h1(psw) == "Goal for Oisín"
    assert "Walk the prom every Sunday" in psw.locator("main").inner_text()
    fits_the_screen(psw)

    follow(psw.get_by_role("link", name="Add a rating"))
    psw.get_by_label("Rating, from 0 to 10").fill("6")
    psw.get_by_label("Note").fill("Two Sundays out of three.")
    follow(psw.get_by_role("button", name="Save rating"))
    assert "6" in psw.locator("main").inner_text()

    follow(psw.get_by_role("link", name="Close goal"))
    _choose(psw, "How did this goal end?", "Achieved")
    follow(psw.get_by_role("button", name="Close goal"))

    psw.goto(f"{live_server.url}/practice/caseload/")
    follow(psw.get_by_role("link", name="Oisín", exact=True))
    follow(psw.get_by_role("link", name="End this episode"))
    _choose(psw, "Was the ending planned?", "Planned: agreed with the person")
    _choose(psw, "Main reason", "Goals achieved")
    psw.get_by_label("Community activities").check()
    psw.get_by_label("Independence").fill("Walks with the group on his own now.")
    follow(psw.get_by_role("button", name="End the episode"))
    fits_the_screen(psw)

    page_text = psw.locator("main").inner_text()
    assert "Ended" in page_text
    assert "Planned: goals achieved" in page_text
    psw.goto(f"{live_server.url}/practice/caseload/")
    assert psw.get_by_role("link", name="Oisín", exact=True).count() == 0
