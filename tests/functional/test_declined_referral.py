"""In a real browser, on a phone-sized screen: a clinician refers someone new, the PSW declines
the referral as not appropriate and says why (by keyboard), and the clinician hears back."""

import re

from tests.functional.browser import fits_the_screen, follow, h1, sign_in

WHY = "Needs a medication review with the team first; please refer again after it."


def test_a_declined_referral_reaches_the_referrer(personas, live_server, phone):
    clinician = phone()
    sign_in(clinician, live_server, personas.clinician.user.username)
    follow(clinician.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals"))
    follow(clinician.get_by_role("link", name="Make a referral"))
    assert h1(clinician) == "Make a referral"
    fits_the_screen(clinician)
    clinician.get_by_label("Reference for someone new").fill("SU-7001")
    clinician.get_by_label("Name they like to be called").fill("Fionnuala")
    clinician.get_by_label("Reason for the referral").fill("Lonely since her sister moved away.")
    clinician.get_by_label("What the person hopes for").fill("Meet people who get it")
    clinician.get_by_label("Urgency").select_option(label="Soon")
    follow(clinician.get_by_role("button", name="Send the referral"))
    assert h1(clinician) == "Referral of SU-7001"
    assert "Awaiting decision" in clinician.locator("dl.facts").inner_text()

    psw = phone()
    sign_in(psw, live_server, personas.psw.user.username)
    psw.goto(f"{live_server.url}/practice/referrals/")
    fits_the_screen(psw)
    follow(psw.get_by_role("row", name=re.compile("SU-7001")).get_by_role("link"))
    assert h1(psw) == "Referral of SU-7001"
    fits_the_screen(psw)
    # The decline form, by keyboard: reason, then Tab to the why, then Tab to the button.
    reason = psw.get_by_label("Reason", exact=True)
    reason.focus()
    reason.select_option("not-appropriate")
    psw.keyboard.press("Tab")
    assert psw.evaluate("document.activeElement.name") == "decline-detail"
    psw.keyboard.type(WHY)
    psw.keyboard.press("Tab")
    assert psw.evaluate("document.activeElement.textContent").strip() == "Decline"
    with psw.expect_navigation():
        psw.keyboard.press("Enter")
    assert "Declined. The referrer has been told." in psw.get_by_role("status").inner_text()

    clinician = phone()
    sign_in(clinician, live_server, personas.clinician.user.username)
    clinician.goto(f"{live_server.url}/notifications/")
    assert h1(clinician) == "Notifications"
    fits_the_screen(clinician)
    news = clinician.get_by_role(
        "button",
        name="Referral SU-7001 to Riverside CMHT was declined: not appropriate for peer support.",
    )
    assert news.is_visible()
    follow(news)
    assert h1(clinician) == "Referral of SU-7001"
    facts = clinician.locator("dl.facts").inner_text()
    assert "Declined" in facts
    assert "Not appropriate for peer support" in facts
    assert WHY in facts
    fits_the_screen(clinician)
