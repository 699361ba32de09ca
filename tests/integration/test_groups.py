"""Group pages: who sees which groups and names, starting and changing groups, attendance."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.core.models import AuditAction, AuditEvent
from alongside.practice.models import Activity, Contact, GroupProgramme, GroupSession
from tests import factories
from tests.integration.url_rules.contacts import ensure_default_activities
from tests.integration.url_rules.groups import GroupProgrammeFactory, GroupSessionFactory

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _activities(db):
    ensure_default_activities()


@pytest.fixture
def walking(personas):
    return GroupProgrammeFactory(
        name="Walking group", team=personas.team_a, facilitators=[personas.psw]
    )


@pytest.fixture
def yesterday(walking):
    return GroupSessionFactory(programme=walking, date=TODAY() - dt.timedelta(days=1))


def _attendance_url(session):
    return f"/practice/groups/sessions/{session.pk}/attendance/"


def _mark(client, session, people, **extra):
    form = client.get(_attendance_url(session)).context["form"]
    data = {"attendees": [p.pk for p in people], "marked": form["marked"].value(), **extra}
    return client.post(_attendance_url(session), data)


def test_the_list_shows_the_teams_groups_with_next_session_and_attendance(
    personas, client_for, walking, yesterday
):
    GroupSessionFactory(programme=walking, date=TODAY() + dt.timedelta(days=6))
    client = client_for("psw")
    _mark(client, yesterday, [personas.su_a])
    response = client.get("/practice/groups/")
    (row,) = response.context["programmes"]
    assert row.next_session == TODAY() + dt.timedelta(days=6)
    assert (row.session_count, row.attendance) == (1, 1)
    assert "Start a group" in response.text
    other_team = client_for("psw_b").get("/practice/groups/")
    assert "Walking group" not in other_team.text
    supervisor = client_for("supervisor").get("/practice/groups/")
    assert "Walking group" in supervisor.text
    assert "Start a group" not in supervisor.text


def test_the_group_list_costs_the_same_queries_for_2_or_25_groups(
    personas, client_for, django_assert_max_num_queries
):
    def groups(n, start):
        for i in range(start, start + n):
            group = GroupProgrammeFactory(
                name=f"Group {i}", team=personas.team_a, facilitators=[personas.psw]
            )
            GroupSessionFactory(programme=group)

    client = client_for("psw")
    groups(2, 0)
    with CaptureQueriesContext(connection) as few:
        client.get("/practice/groups/")
    groups(23, 2)
    with django_assert_max_num_queries(len(few)):
        response = client.get("/practice/groups/")
    assert len(response.context["programmes"]) == 25


def test_attendee_names_are_shown_only_to_those_who_may_see_the_person(
    personas, client_for, walking, yesterday
):
    _mark(client_for("psw"), yesterday, [personas.su_a])
    name = personas.su_a.preferred_name
    assert name in client_for("psw").get(f"/practice/groups/{walking.pk}/").text
    assert name in client_for("supervisor").get(f"/practice/groups/{walking.pk}/").text
    senior = client_for("senior").get(f"/practice/groups/{walking.pk}/")
    assert name not in senior.text
    assert "1 came." in senior.text
    assert client_for("psw_b").get(f"/practice/groups/{walking.pk}/").status_code == 404
    listed = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="practice.serviceuser")
    assert listed.filter(detail__list=f"attendance at group {walking.pk}").exists()


def test_a_psw_starts_a_group_on_their_team(personas, client_for):
    response = client_for("psw").post(
        "/practice/groups/new/",
        {
            "name": "Cinema club",
            "team": personas.team_a.pk,
            "facilitators": [personas.psw.pk],
            "start": "2025-02-01",
        },
    )
    group = GroupProgramme.objects.get()
    assert response.url == f"/practice/groups/{group.pk}/"
    assert (group.team, list(group.facilitators.all())) == (personas.team_a, [personas.psw])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "2025-01-01"}, "on or after the start date"),
        ({"name": ""}, "This field is required"),
        ({"team": "team_b"}, "Select a valid choice"),
        ({"facilitators": []}, "This field is required"),
    ],
)
def test_a_bad_new_group_is_refused_beside_the_field(personas, client_for, changes, message):
    data = {
        "name": "Cinema club",
        "team": personas.team_a.pk,
        "facilitators": [personas.psw.pk],
        "start": "2025-02-01",
    }
    if changes.get("team") == "team_b":
        changes["team"] = personas.team_b.pk
    data.update(changes)
    response = client_for("psw").post("/practice/groups/new/", data)
    assert response.status_code == 200
    assert message in response.text
    assert 'class="field-error"' in response.text
    assert not GroupProgramme.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_the_create_form_offers_only_the_users_teams_and_their_psws(personas, client_for):
    form = client_for("psw").get("/practice/groups/new/").context["form"]
    assert list(form.fields["team"].queryset) == [personas.team_a]
    assert set(form.fields["facilitators"].queryset) == {personas.psw, personas.senior}
    assert form.initial["facilitators"] == [personas.psw.pk]


def test_two_people_changing_a_group_get_a_conflict(personas, client_for, walking):
    url = f"/practice/groups/{walking.pk}/edit/"
    data = {
        "version": 1,
        "name": "Walking group",
        "facilitators": [personas.psw.pk],
        "start": walking.start.isoformat(),
    }
    first = client_for("psw").post(url, {**data, "description": "Tuesdays"})
    assert first.status_code == 302
    second = client_for("senior").post(url, {**data, "description": "Fridays"})
    assert "Someone else changed this record" in second.text
    walking.refresh_from_db()
    assert walking.description == "Tuesdays"


def test_a_session_is_added_and_one_outside_the_dates_is_refused(personas, client_for, walking):
    client = client_for("psw")
    url = f"/practice/groups/{walking.pk}/sessions/new/"
    data = {"date": TODAY().isoformat(), "duration_minutes": 90, "setting": "community"}
    assert client.post(url, data).url == f"/practice/groups/{walking.pk}/"
    refused = client.post(url, {**data, "date": "2019-12-31"})
    assert "must fall within the programme" in refused.text
    assert GroupSession.objects.count() == 1


def test_the_checklist_lists_only_the_psws_own_people(personas, client_for, yesterday):
    response = client_for("psw").get(_attendance_url(yesterday))
    choices = list(response.context["form"].fields["attendees"].queryset)
    assert choices == [personas.su_a]
    assert personas.su_b.preferred_name not in response.text


def test_marking_attendance_makes_one_contact_each_and_again_changes_nothing(
    personas, client_for, walking, yesterday
):
    client = client_for("psw")
    second = factories.CaseloadEntryFactory(
        worker=personas.psw, service_user__team=personas.team_a
    ).service_user
    walking_activity = Activity.objects.get(code="community-connection")
    response = _mark(client, yesterday, [personas.su_a, second], activities=[walking_activity.pk])
    assert response.url == f"/practice/groups/{walking.pk}/"
    contacts = Contact.objects.filter(group_session=yesterday)
    assert sorted(c.service_user_id for c in contacts) == sorted([personas.su_a.pk, second.pk])
    ids = set(contacts.values_list("pk", flat=True))
    writes = AuditEvent.objects.exclude(action=AuditAction.VIEW).count()
    again = _mark(client, yesterday, [personas.su_a, second])
    assert again.status_code == 302
    assert set(Contact.objects.values_list("pk", flat=True)) == ids
    assert AuditEvent.objects.exclude(action=AuditAction.VIEW).count() == writes
    _mark(client, yesterday, [second])
    assert list(Contact.objects.values_list("service_user_id", flat=True)) == [second.pk]


def test_with_htmx_the_saved_form_comes_back_in_place(personas, client_for, yesterday):
    client = client_for("psw")
    response = client.post(
        _attendance_url(yesterday),
        {"attendees": [personas.su_a.pk], "marked": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="attendance">')
    assert "Attendance saved." in response.text
    assert f'value="{personas.su_a.pk}"' in response.text
    assert Contact.objects.filter(group_session=yesterday).count() == 1


def test_marking_someone_else_s_service_user_is_refused_and_writes_nothing(
    personas, client_for, yesterday
):
    response = client_for("psw").post(
        _attendance_url(yesterday), {"attendees": [personas.su_a.pk, personas.su_b.pk]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Contact.objects.exists()


def test_stale_marks_get_a_conflict(personas, client_for, yesterday):
    client = client_for("psw")
    stale = client.get(_attendance_url(yesterday)).context["form"]["marked"].value()
    _mark(client, yesterday, [personas.su_a])
    response = client.post(_attendance_url(yesterday), {"attendees": [], "marked": stale})
    assert "Someone else changed this record" in response.text
    assert Contact.objects.count() == 1


def test_a_planned_session_shows_no_checklist(personas, client_for, walking):
    planned = GroupSessionFactory(programme=walking, date=TODAY() + dt.timedelta(days=3))
    response = client_for("psw").get(_attendance_url(planned))
    assert "You can mark who came on or after the day" in response.text
    assert "<form" not in response.text.split('id="attendance"')[1]
