"""What the browser tests share: signing in, and checks every page should pass on a phone."""

from tests.factories import PASSWORD

PHONE = {"width": 360, "height": 740}


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))


def follow(target):
    """Click a link or a submit button and wait until the page it leads to has loaded.

    Without the wait, the next step can read the page being left, or a new page whose
    body has not arrived yet."""
    with target.page.expect_navigation():
        target.click()


def fits_the_screen(page):
    page.wait_for_load_state()
    # A locator waits for the new document if a navigation is still under way.
    width = page.locator("html").evaluate("html => html.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 360 px screen"


def h1(page):
    return page.get_by_role("heading", level=1).inner_text()
