"""In Chromium on a 360 px screen: a PSW logs a routine contact with the keyboard alone, in under
30 seconds and a handful of key presses beyond the words of the note."""

import time

import pytest
from django.utils import timezone

from alongside.practice.actions.contacts import record_contact
from alongside.practice.models import Activity, Contact
from tests.functional.browser import sign_in
from tests.integration.url_rules.contacts import ensure_default_activities
from tests.integration.url_rules.groups import GroupProgrammeFactory, GroupSessionFactory

TIME_LIMIT_SECONDS = 30
KEY_LIMIT = 15


@pytest.fixture(autouse=True)
def _activities(transactional_db):
    ensure_default_activities()


class Keyboard:
    """Presses keys one at a time and counts them."""

    def __init__(self, page):
        self.page = page
        self.presses = 0

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)
            self.presses += 1

    def type(self, text):
        self.page.keyboard.type(text)


def test_a_psw_logs_a_routine_contact_by_keyboard_in_seconds(personas, live_server, phone_page):
    emotional = Activity.objects.get(code="emotional-support")
    community = Activity.objects.get(code="community-connection")
    # The PSW's last contact sets the defaults for the next one.
    record_contact(
        by=personas.psw.user,
        worker=personas.psw,
        service_user=personas.su_a,
        date=timezone.localdate(),
        duration_minutes=30,
        mode="phone",
        setting="home",
        activities=[emotional],
        chime=[],
        note="Talked through the week ahead.",
    )
    note = "Rang the library together and she booked a place at the book club."
    page = phone_page
    sign_in(page, live_server, personas.psw.user.username)
    keys = Keyboard(page)

    started = time.monotonic()
    page.goto(f"{live_server.url}/practice/service-users/{personas.su_a.pk}/contacts/new/")
    assert page.evaluate("document.activeElement.id") == "id_note", "the note has the focus"
    keys.type(note)
    keys.press("Tab", times=3)  # Emotional support (ticked from last time), Practical, Community
    assert page.evaluate("document.activeElement.id") == "id_activities_2"
    keys.press("Space")
    keys.press("Enter")  # saves from any box, as a browser's Enter does
    page.wait_for_url("**/practice/caseload/")
    elapsed = time.monotonic() - started

    assert (
        f"Contact with {personas.su_a.reference} saved." in page.get_by_role("status").inner_text()
    )
    contact = Contact.objects.exclude(note__startswith="Talked").get()
    assert contact.note == note
    assert contact.date == timezone.localdate()
    assert (contact.mode, contact.setting, contact.duration_minutes) == ("phone", "home", 30)
    assert set(contact.activities.all()) == {emotional, community}
    assert contact.worker == personas.psw
    assert elapsed < TIME_LIMIT_SECONDS, f"logging took {elapsed:.1f} s"
    assert keys.presses < KEY_LIMIT, f"{keys.presses} key presses beyond the note"
    print(f"\nlogged a contact in {elapsed:.2f} s with {keys.presses} key presses beyond the note")


def test_the_contact_form_fits_a_phone_and_reports_bad_input_beside_the_field(
    personas, live_server, phone_page
):
    page = phone_page
    sign_in(page, live_server, personas.psw.user.username)
    page.goto(f"{live_server.url}/practice/service-users/{personas.su_a.pk}/contacts/new/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the form scrolls sideways on a 360 px screen ({width} px wide)"
    for box in page.locator(".choice").all():
        assert box.bounding_box()["height"] >= 44, "touch targets are at least 44 px tall"

    keys = Keyboard(page)
    page.get_by_label("Minutes").focus()
    keys.press("Control+a")
    keys.type("0")
    with page.expect_navigation():
        keys.press("Enter")
    error = page.locator(".field--error .field-error")
    assert "from 1 to 720" in error.inner_text()
    assert not Contact.objects.exists()


def test_attendance_is_marked_by_keyboard_and_saved_in_place(personas, live_server, phone_page):
    group = GroupProgrammeFactory(
        name="Walking group", team=personas.team_a, facilitators=[personas.psw]
    )
    session = GroupSessionFactory(programme=group)
    page = phone_page
    sign_in(page, live_server, personas.psw.user.username)
    page.goto(f"{live_server.url}/practice/groups/sessions/{session.pk}/attendance/")
    page.get_by_label(personas.su_a.preferred_name).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    status.wait_for()
    assert "Attendance saved." in status.inner_text()
    assert page.url.endswith(f"/practice/groups/sessions/{session.pk}/attendance/")
    assert page.get_by_label(personas.su_a.preferred_name).is_checked()
    (contact,) = Contact.objects.filter(group_session=session)
    assert contact.service_user == personas.su_a
    for url in (
        f"/practice/groups/{group.pk}/",
        f"/practice/service-users/{personas.su_a.pk}/",
        f"/practice/service-users/{personas.su_a.pk}/contacts/",
    ):
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} scrolls sideways on a 360 px screen ({width} px wide)"
