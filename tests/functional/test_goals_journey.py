"""In a real browser, on a phone-sized screen: a PSW sets a goal with the person and ticks a step
by keyboard; the person rates it from their own account by keyboard; the PSW raises something
with the team and opens the ending form. No page scrolls sideways at 360 px."""

import re

from django.utils import timezone

from alongside.practice.actions.advocacy import raise_advocacy
from alongside.practice.models import Goal, GoalProgress
from tests.functional.browser import fits_the_screen, follow, h1, sign_in

GOAL = "Get back to the choir on Thursday evenings, even if I only listen at first"


def test_a_goal_from_setting_to_the_persons_own_rating(personas, live_server, phone):
    psw = phone()
    sign_in(psw, live_server, personas.psw.user.username)
    psw.goto(f"{live_server.url}/practice/service-users/{personas.su_a.pk}/")
    follow(psw.get_by_role("link", name="Set a goal"))
    assert h1(psw).startswith("New goal for")
    fits_the_screen(psw)
    psw.get_by_label("The goal, in their own words").fill(GOAL)
    psw.get_by_label("Who set this goal").select_option("service-user")
    psw.get_by_label("CHIME process").select_option("connectedness")
    psw.get_by_label("Steps").fill("Find out when they meet\nGo once to listen")
    follow(psw.get_by_role("button", name="Save goal"))
    assert h1(psw).startswith("Goal for")
    fits_the_screen(psw)

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
    sign_in(person, live_server, personas.service_user_login.user.username)
    person.goto(f"{live_server.url}/practice/my-goals/")
    assert h1(person) == "My goals"
    fits_the_screen(person)
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
    fits_the_screen(psw)
    assert psw.get_by_role("img", name="1 rating out of 10, oldest first: 6").is_visible()


def test_advocacy_and_ending_pages_fit_a_phone(personas, live_server, phone):
    raise_advocacy(
        by=personas.psw.user,
        service_user=personas.su_a,
        request="Would like her review moved to the afternoon because of the bus times",
        recorded_on=timezone.localdate(),
    )
    clinician = phone()
    sign_in(clinician, live_server, personas.clinician.user.username)
    clinician.goto(f"{live_server.url}/practice/advocacy/")
    assert h1(clinician) == "Advocacy to the team"
    fits_the_screen(clinician)
    follow(clinician.get_by_role("link", name="request from Niamh-on-caseload-A"))
    fits_the_screen(clinician)
    follow(clinician.get_by_role("link", name="Record the team's response"))
    fits_the_screen(clinician)
    clinician.get_by_label("Outcome", exact=True).select_option("agreed")
    follow(clinician.get_by_role("button", name="Save"))
    assert (
        clinician.locator("#id_raised_on_error")
        .inner_text()
        .endswith("Give the date it was raised at the team meeting.")
    )

    psw = phone()
    sign_in(psw, live_server, personas.psw.user.username)
    psw.goto(f"{live_server.url}/practice/service-users/{personas.su_a.pk}/")
    follow(psw.get_by_role("link", name="End this episode"))
    assert h1(psw).startswith("End ")
    fits_the_screen(psw)
    follow(psw.get_by_role("button", name="End the episode"))
    assert psw.locator("#id_reason_error").is_visible()
    fits_the_screen(psw)
