"""In a real browser, on a phone-sized screen: a clinician refers someone new, the PSW declines
the referral as not appropriate and says why (by keyboard), and the clinician hears back."""

import os
import re

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WHY = "Needs a medication review with the team first; please refer again after it."

pytestmark = [
    pytest.mark.functional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"Chromium is not installed at {CHROMIUM}; `make browser` installs it (needs root).",
    ),
]


@pytest.fixture
def phone(browser):
    """A new phone-sized browser per person, so that each signs in on their own."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 360, "height": 740})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _fits_the_screen(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways on a 360 px screen ({width} px wide)"


def _h1(page):
    return page.get_by_role("heading", level=1).inner_text()


def test_a_declined_referral_reaches_the_referrer(personas, live_server, phone):
    clinician = phone()
    _sign_in(clinician, live_server, personas.clinician.user.username)
    clinician.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    clinician.get_by_role("link", name="Make a referral").click()
    assert _h1(clinician) == "Make a referral"
    _fits_the_screen(clinician)
    clinician.get_by_label("Reference for someone new").fill("SU-7001")
    clinician.get_by_label("Name they like to be called").fill("Fionnuala")
    clinician.get_by_label("Reason for the referral").fill("Lonely since her sister moved away.")
    clinician.get_by_label("What the person hopes for").fill("Meet people who get it")
    clinician.get_by_label("Urgency").select_option(label="Soon")
    clinician.get_by_role("button", name="Send the referral").click()
    assert _h1(clinician) == "Referral of SU-7001"
    assert "Awaiting decision" in clinician.locator("dl.facts").inner_text()

    psw = phone()
    _sign_in(psw, live_server, personas.psw.user.username)
    psw.goto(f"{live_server.url}/practice/referrals/")
    _fits_the_screen(psw)
    psw.get_by_role("row", name=re.compile("SU-7001")).get_by_role("link").click()
    assert _h1(psw) == "Referral of SU-7001"
    _fits_the_screen(psw)
    # The decline form, by keyboard: reason, then Tab to the why, then Tab to the button.
    reason = psw.get_by_label("Reason", exact=True)
    reason.focus()
    reason.select_option("not-appropriate")
    psw.keyboard.press("Tab")
    assert psw.evaluate("document.activeElement.name") == "decline-detail"
    psw.keyboard.type(WHY)
    psw.keyboard.press("Tab")
    assert psw.evaluate("document.activeElement.textContent").strip() == "Decline"
    psw.keyboard.press("Enter")
    psw.wait_for_load_state()
    assert "Declined. The referrer has been told." in psw.get_by_role("status").inner_text()

    clinician = phone()
    _sign_in(clinician, live_server, personas.clinician.user.username)
    clinician.goto(f"{live_server.url}/notifications/")
    assert _h1(clinician) == "Notifications"
    _fits_the_screen(clinician)
    news = clinician.get_by_role(
        "button",
        name="Referral SU-7001 to Riverside CMHT was declined: not appropriate for peer support.",
    )
    assert news.is_visible()
    news.click()
    assert _h1(clinician) == "Referral of SU-7001"
    facts = clinician.locator("dl.facts").inner_text()
    assert "Declined" in facts
    assert "Not appropriate for peer support" in facts
    assert WHY in facts
    _fits_the_screen(clinician)
