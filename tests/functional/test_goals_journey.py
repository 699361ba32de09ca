"""In a real browser, on a phone-sized screen: a PSW sets a goal with the person and ticks a step
by keyboard; the person rates it from their own account by keyboard; the PSW raises something
with the team and opens the ending form. No page scrolls sideways at 360 px."""

import os
import re

import pytest
from django.utils import timezone

from alongside.practice.actions.advocacy import raise_advocacy
from alongside.practice.models import Goal, GoalProgress
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
GOAL = "Get back to the choir on Thursday evenings, even if I only listen at first"

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


def test_a_goal_from_setting_to_the_persons_own_rating(personas, live_server, phone):
    psw = phone()
    _sign_in(psw, live_server, personas.psw.user.username)
    psw.goto(f"{live_server.url}/practice/service-users/{personas.su_a.pk}/")
    psw.get_by_role("link", name="Set a goal").click()
    assert _h1(psw).startswith("New goal for")
    _fits_the_screen(psw)
    psw.get_by_label("The goal, in their own words").fill(GOAL)
    psw.get_by_label("Who set this goal").select_option("service-user")
    psw.get_by_label("CHIME process").select_option("connectedness")
    psw.get_by_label("Steps").fill("Find out when they meet\nGo once to listen")
    with psw.expect_navigation():
        psw.get_by_role("button", name="Save goal").click()
    assert _h1(psw).startswith("Goal for")
    _fits_the_screen(psw)

    # Tick a step by keyboard: htmx swaps the list and focus stays on the same button.
    toggle = psw.get_by_role("button", name=re.compile(r"^Mark done\s*: Find out when they meet"))
    toggle.focus()
    psw.keyboard.press("Enter")
    untick = psw.get_by_role("button", name=re.compile(r"^Mark not done\s*: Find out when"))
    untick.wait_for()
    assert psw.evaluate("document.activeElement.textContent").startswith("Mark not done")
    goal = Goal.objects.get()
    assert goal.steps.get(order=0).done_on == timezone.localdate()

    person = phone()
    _sign_in(person, live_server, personas.service_user_login.user.username)
    person.goto(f"{live_server.url}/practice/my-goals/")
    assert _h1(person) == "My goals"
    _fits_the_screen(person)
    rating = person.get_by_label("How are you getting on with this, from 0 to 10?")
    rating.focus()
    person.keyboard.type("6")
    person.keyboard.press("Tab")
    person.keyboard.type("Went on Thursday and sat at the back")
    person.keyboard.press("Tab")
    assert person.evaluate("document.activeElement.textContent").startswith("Save")
    with person.expect_navigation():
        person.keyboard.press("Enter")
    assert person.get_by_text("Thank you. Your rating is saved.").is_visible()
    entry = GoalProgress.objects.get()
    assert (entry.rating, entry.by_service_user) == (6, True)
    chart = person.get_by_role("img", name="1 rating out of 10, oldest first: 6")
    assert chart.count() == 1

    psw.goto(f"{live_server.url}/practice/service-users/{personas.su_a.pk}/")
    _fits_the_screen(psw)
    assert psw.get_by_role("img", name="1 rating out of 10, oldest first: 6").is_visible()


def test_advocacy_and_ending_pages_fit_a_phone(personas, live_server, phone):
    raise_advocacy(
        by=personas.psw.user,
        service_user=personas.su_a,
        request="Would like her review moved to the afternoon because of the bus times",
        recorded_on=timezone.localdate(),
    )
    clinician = phone()
    _sign_in(clinician, live_server, personas.clinician.user.username)
    clinician.goto(f"{live_server.url}/practice/advocacy/")
    assert _h1(clinician) == "Advocacy to the team"
    _fits_the_screen(clinician)
    clinician.get_by_role("link", name="request from Niamh-on-caseload-A").click()
    _fits_the_screen(clinician)
    clinician.get_by_role("link", name="Record the team's response").click()
    _fits_the_screen(clinician)
    clinician.get_by_label("Outcome", exact=True).select_option("agreed")
    with clinician.expect_navigation():
        clinician.get_by_role("button", name="Save").click()
    assert (
        clinician.locator("#id_raised_on_error")
        .inner_text()
        .endswith("Give the date it was raised at the team meeting.")
    )

    psw = phone()
    _sign_in(psw, live_server, personas.psw.user.username)
    psw.goto(f"{live_server.url}/practice/service-users/{personas.su_a.pk}/")
    psw.get_by_role("link", name="End this episode").click()
    assert _h1(psw).startswith("End ")
    _fits_the_screen(psw)
    with psw.expect_navigation():
        psw.get_by_role("button", name="End the episode").click()
    assert psw.locator("#id_reason_error").is_visible()
    _fits_the_screen(psw)
