"""Group programmes, sessions and attendance: what is saved, refused and audited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alongside.core.models import AuditAction, AuditEvent
from alongside.core.records import EditConflict
from alongside.practice.actions.groups import (
    add_group_session,
    create_group,
    record_attendance,
    update_group,
)
from alongside.practice.models import (
    Activity,
    CaseloadEntry,
    Contact,
    GroupProgramme,
    GroupSession,
)
from tests import factories
from tests.integration.url_rules.contacts import ensure_default_activities
from tests.integration.url_rules.groups import GroupProgrammeFactory, GroupSessionFactory

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _activities(db):
    ensure_default_activities()


def _written():
    return (
        GroupProgramme.objects.count(),
        GroupSession.objects.count(),
        Contact.objects.count(),
        AuditEvent.objects.count(),
    )


def _create(personas, **changes):
    values = {
        "by": personas.psw.user,
        "team": personas.team_a,
        "name": "Walking group",
        "description": "Cliff path, Tuesdays",
        "facilitators": [personas.psw, personas.senior],
        "start": dt.date(2025, 1, 1),
        "end": None,
    }
    values.update(changes)
    return create_group(**values)


def test_a_group_is_started_with_its_facilitators_and_audited(personas):
    group = _create(personas)
    assert set(group.facilitators.all()) == {personas.psw, personas.senior}
    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert event.object_type == "practice.groupprogramme"
    assert "facilitators" in event.detail["fields"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "walking GROUP"}, "name"),
        ({"end": dt.date(2024, 12, 31)}, "end"),
        ({"facilitators": []}, "facilitators"),
        ({"facilitators": "psw_b"}, "facilitators"),
        ({"facilitators": "clinician"}, "facilitators"),
    ],
)
def test_a_bad_group_is_refused_by_field_and_nothing_is_written(personas, changes, field):
    GroupProgrammeFactory(team=personas.team_a, name="Walking group")
    if isinstance(changes.get("facilitators"), str):
        changes["facilitators"] = [getattr(personas, changes["facilitators"])]
    before = _written()
    with pytest.raises(ValidationError) as refused:
        _create(personas, name=changes.pop("name", "Cinema club"), **changes)
    assert field in refused.value.message_dict
    assert _written() == before


def test_the_same_name_is_fine_on_another_team(personas):
    GroupProgrammeFactory(team=personas.team_b, name="Walking group")
    assert _create(personas).name == "Walking group"


def test_changing_a_group_is_versioned_and_audits_the_facilitators(personas):
    group = _create(personas)
    before = AuditEvent.objects.count()
    update_group(
        by=personas.psw.user,
        programme=group,
        expected_version=1,
        name="Walking group",
        description="Cliff path, Tuesdays and Fridays",
        facilitators=[personas.psw],
        start=group.start,
        end=None,
    )
    group.refresh_from_db()
    assert group.version == 2
    assert list(group.facilitators.all()) == [personas.psw]
    fields = [e.detail["fields"] for e in AuditEvent.objects.order_by("pk")[before:]]
    assert fields == [["description"], ["facilitators"]]


def test_a_stale_change_to_a_group_is_a_conflict(personas):
    group = _create(personas)
    stale = GroupProgramme.objects.get(pk=group.pk)
    update_group(
        by=personas.psw.user,
        programme=group,
        expected_version=1,
        name="Walkers",
        description="",
        facilitators=[personas.psw],
        start=group.start,
        end=None,
    )
    before = _written()
    with pytest.raises(EditConflict):
        update_group(
            by=personas.senior.user,
            programme=stale,
            expected_version=1,
            name="Ramblers",
            description="",
            facilitators=[personas.senior],
            start=stale.start,
            end=None,
        )
    assert _written() == before
    group.refresh_from_db()
    assert group.name == "Walkers"
    assert list(group.facilitators.all()) == [personas.psw]


def test_a_group_cannot_end_before_its_sessions(personas):
    group = _create(personas)
    GroupSessionFactory(programme=group, date=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError) as refused:
        update_group(
            by=personas.psw.user,
            programme=group,
            expected_version=1,
            name=group.name,
            description="",
            facilitators=[personas.psw],
            start=group.start,
            end=dt.date(2025, 5, 31),
        )
    assert "start" in refused.value.message_dict


def test_a_session_is_added_within_the_programme(personas):
    group = _create(personas, end=dt.date(2025, 12, 31))
    session = add_group_session(
        by=personas.psw.user,
        programme=group,
        date=dt.date(2025, 3, 4),
        duration_minutes=120,
        setting="community",
        topic=" Cliff loop ",
    )
    assert session.topic == "Cliff loop"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="practice.groupsession"
    ).exists()


@pytest.mark.parametrize(
    ("date", "duration", "field"),
    [
        (dt.date(2024, 12, 31), 90, "date"),
        (dt.date(2026, 1, 1), 90, "date"),
        (dt.date(2025, 3, 4), 0, "duration_minutes"),
    ],
)
def test_a_session_outside_the_programme_or_of_no_length_is_refused(
    personas, date, duration, field
):
    group = _create(personas, end=dt.date(2025, 12, 31))
    before = _written()
    with pytest.raises(ValidationError) as refused:
        add_group_session(
            by=personas.psw.user,
            programme=group,
            date=date,
            duration_minutes=duration,
            setting="community",
            topic="",
        )
    assert field in refused.value.message_dict
    assert _written() == before


@pytest.fixture
def session(personas):
    return GroupSessionFactory(
        programme=_create(personas),
        date=TODAY() - dt.timedelta(days=1),
        duration_minutes=75,
        setting="recovery-college",
    )


@pytest.fixture
def second_su(personas):
    """Another of PSW A's service users."""
    return factories.CaseloadEntryFactory(
        worker=personas.psw, service_user__team=personas.team_a
    ).service_user


def _mark(personas, session, people, **kwargs):
    return record_attendance(
        by=personas.psw.user,
        session=session,
        service_users=people,
        worker=personas.psw,
        **kwargs,
    )


def test_attendance_makes_one_group_contact_per_attendee(personas, session, second_su):
    walking = Activity.objects.get(code="community-connection")
    _mark(personas, session, [personas.su_a, second_su], activities=[walking])
    contacts = Contact.objects.filter(group_session=session)
    assert sorted(c.service_user_id for c in contacts) == sorted([personas.su_a.pk, second_su.pk])
    for contact in contacts:
        assert (contact.date, contact.duration_minutes, contact.setting, contact.mode) == (
            session.date,
            75,
            "recovery-college",
            "in-person",
        )
        assert contact.contact_format == "group"
        assert contact.worker == personas.psw
        assert contact.episode == CaseloadEntry.objects.get(service_user=contact.service_user)
        assert list(contact.activities.all()) == [walking]
    assert (
        AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="practice.contact").count()
        == 2
    )


def test_saving_the_same_attendance_again_changes_nothing(personas, session, second_su):
    _mark(personas, session, [personas.su_a, second_su])
    before = _written()
    ids = set(Contact.objects.values_list("pk", flat=True))
    _mark(personas, session, [personas.su_a, second_su], expected={personas.su_a.pk, second_su.pk})
    _mark(personas, session, [second_su, personas.su_a], expected=set())  # a double submit
    assert _written() == before
    assert set(Contact.objects.values_list("pk", flat=True)) == ids


def test_unmarking_someone_removes_their_contact_and_audits_it(personas, session, second_su):
    _mark(personas, session, [personas.su_a, second_su])
    _mark(personas, session, [second_su])
    assert list(Contact.objects.values_list("service_user_id", flat=True)) == [second_su.pk]
    deleted = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert deleted.detail == {"reason": "unmarked from group session attendance"}


def test_a_psw_cannot_mark_someone_they_do_not_support_and_nothing_is_written(personas, session):
    before = _written()
    with pytest.raises(ValidationError) as refused:
        _mark(personas, session, [personas.su_a, personas.su_b])
    assert "attendees" in refused.value.message_dict
    assert personas.su_b.reference in str(refused.value)
    assert _written() == before


def test_a_psws_marks_never_touch_a_colleagues_people(personas, session):
    colleague = factories.PersonFactory()
    factories.MembershipFactory(person=colleague, team=personas.team_a)
    theirs = factories.CaseloadEntryFactory(
        worker=colleague, service_user__team=personas.team_a
    ).service_user
    record_attendance(by=colleague.user, session=session, service_users=[theirs], worker=colleague)
    _mark(personas, session, [personas.su_a])
    _mark(personas, session, [])
    assert list(Contact.objects.values_list("service_user_id", flat=True)) == [theirs.pk]


def test_a_planned_session_takes_no_attendance(personas, session):
    GroupSession.objects.filter(pk=session.pk).update(date=TODAY() + dt.timedelta(days=1))
    session.refresh_from_db()
    before = _written()
    with pytest.raises(ValidationError, match="on or after the day"):
        _mark(personas, session, [personas.su_a])
    assert _written() == before


def test_marks_changed_by_someone_else_since_the_form_was_read_are_a_conflict(
    personas, session, second_su
):
    _mark(personas, session, [personas.su_a])  # saved while another form, read empty, was open
    before = _written()
    with pytest.raises(EditConflict):
        _mark(personas, session, [second_su], expected=set())
    assert _written() == before


def test_the_database_refuses_two_contacts_for_one_person_and_session(personas, session):
    (contact,) = _mark(personas, session, [personas.su_a])
    duplicate = Contact.objects.get(pk=contact.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.bulk_create([duplicate])


def test_a_save_racing_another_for_the_same_person_is_refused_whole(
    personas, session, second_su, monkeypatch
):
    from alongside.practice.actions import groups as actions

    real_save = actions.save_audited

    def save_after_a_colleague(obj, **kwargs):
        # The other request's contact lands between this one's check and its insert.
        racing = Contact(
            service_user=obj.service_user,
            worker=obj.worker,
            date=obj.date,
            duration_minutes=obj.duration_minutes,
            mode=obj.mode,
            setting=obj.setting,
            contact_format=obj.contact_format,
            group_session=obj.group_session,
        )
        Contact.objects.bulk_create([racing])
        return real_save(obj, **{**kwargs, "validate": False})

    monkeypatch.setattr(actions, "save_audited", save_after_a_colleague)
    before = _written()
    with pytest.raises(ValidationError, match="at the same time"):
        _mark(personas, session, [personas.su_a, second_su])
    assert _written() == before
