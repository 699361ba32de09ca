"""In a real browser (Debian's Chromium driven by Playwright): a PSW signs in and sees their
caseload, on a phone-sized screen, by keyboard."""

import re

from django.utils import timezone

from tests.functional.browser import follow, sign_in


def test_a_psw_signs_in_and_sees_their_caseload(personas, live_server, phone_page):
    entry = personas.su_a.caseload_entries.get()
    entry.next_planned_contact = timezone.localdate()
    entry.save()
    page = phone_page
    sign_in(page, live_server, personas.psw.user.username)

    today = page.get_by_role("region", name=re.compile("caseload today", re.I))
    assert today.get_by_role("link", name="Niamh-on-caseload-A", exact=True).is_visible()
    assert page.get_by_text("Declan-on-caseload-B").count() == 0

    follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload"))
    assert page.get_by_role("heading", level=1).inner_text() == "My caseload"
    follow(page.get_by_role("link", name="Niamh-on-caseload-A", exact=True))
    assert "Niamh-on-caseload-A" in page.get_by_role("heading", level=1).inner_text()

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a 360 px screen ({width} px wide)"


def test_the_skip_link_is_the_first_stop_for_the_keyboard(personas, live_server, phone_page):
    page = phone_page
    sign_in(page, live_server, personas.psw.user.username)
    page.get_by_role("heading", level=1).wait_for()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_wrong_password_is_refused_with_a_clear_message(personas, live_server, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(personas.psw.user.username)
    page.get_by_label("Password").fill("not the password")
    follow(page.get_by_role("button", name="Sign in"))
    assert page.get_by_role("alert").is_visible()
    assert "did not match" in page.get_by_role("alert").inner_text()
