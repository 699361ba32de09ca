"""In a real browser on a 360 px phone: a PSW, where two-step sign-in is required, is sent to set
it up after their password, scans (here: reads) the key, confirms with a code, keeps the recovery
codes, signs out, and signs in again with password and code."""

from base64 import b32decode

from django_otp.oath import TOTP

from tests.factories import PASSWORD
from tests.functional.browser import fits_the_screen, follow, h1, sign_in


def code_for(typed_key, drift=0):
    key = b32decode(typed_key.replace(" ", ""))
    return f"{TOTP(key, drift=drift).token():06d}"


def test_a_psw_sets_up_two_step_sign_in_and_signs_in_with_a_code(
    personas, live_server, phone_page, settings
):
    # The live server runs in this process, so the setting reaches it.
    settings.ALONGSIDE_REQUIRE_2FA = True
    page = phone_page
    username = personas.psw.user.username
    sign_in(page, live_server, username)
    assert h1(page) == "Set up two-step sign-in"
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    fits_the_screen(page)

    # Nothing else opens until it is set up.
    page.goto(f"{live_server.url}/practice/caseload/")
    assert h1(page) == "Set up two-step sign-in"

    typed_key = page.locator("#totp-secret").inner_text()
    # The previous step's code: the sign-in below then uses the current one.
    page.get_by_label("Code", exact=True).fill(code_for(typed_key, drift=-1))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert h1(page) == "Two-step sign-in is on"
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    assert codes.count() == 10
    fits_the_screen(page)
    follow(page.get_by_role("link", name="I have kept my codes: continue"))
    page.goto(f"{live_server.url}/practice/caseload/")
    assert h1(page) == "My caseload"

    follow(page.get_by_role("button", name="Sign out"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))
    assert h1(page) == "Enter your code"
    fits_the_screen(page)
    page.get_by_label("Code", exact=True).fill("000000")
    follow(page.get_by_role("button", name="Continue"))
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("Code", exact=True).fill(code_for(typed_key))
    follow(page.get_by_role("button", name="Continue"))
    page.goto(f"{live_server.url}/practice/caseload/")
    assert h1(page) == "My caseload"
