"""Recording, correcting and deleting contacts: what is saved, what is refused, what is audited.

Every refusal is checked to write nothing at all: no contact, no tag, no audit event.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.core.models import AuditAction, AuditEvent
from alongside.core.records import EditConflict
from alongside.practice.actions.contacts import (
    contact_errors,
    delete_contact,
    record_contact,
    update_contact,
)
from alongside.practice.forms.contacts import FIRST_DEFAULTS, last_used_values
from alongside.practice.models import (
    Activity,
    CaseloadEntry,
    Contact,
    ContactChimeTag,
    ContactFormat,
)
from tests import factories
from tests.integration.url_rules.contacts import ContactFactory, ensure_default_activities
from tests.integration.url_rules.groups import GroupSessionFactory

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _activities(db):
    ensure_default_activities()


def _activity(code):
    return Activity.objects.get(code=code)


def _log(personas, **changes):
    values = {
        "by": personas.psw.user,
        "worker": personas.psw,
        "service_user": personas.su_a,
        "date": TODAY(),
        "duration_minutes": 30,
        "mode": "phone",
        "setting": "home",
        "activities": [_activity("emotional-support")],
        "chime": ["hope"],
        "note": "  Planned the week and chose the Tuesday walk.  ",
    }
    values.update(changes)
    return record_contact(**values)


def _written():
    return (Contact.objects.count(), ContactChimeTag.objects.count(), AuditEvent.objects.count())


def test_a_contact_is_saved_in_the_open_episode_with_its_tags_and_audited(personas):
    contact = _log(personas)
    contact.refresh_from_db()
    assert contact.episode == CaseloadEntry.objects.get(service_user=personas.su_a)
    assert contact.worker == personas.psw
    assert contact.note == "Planned the week and chose the Tuesday walk."
    assert contact.contact_format == ContactFormat.ONE_TO_ONE
    assert [a.code for a in contact.activities.all()] == ["emotional-support"]
    assert [t.domain for t in contact.chime_tags.all()] == ["hope"]
    (event,) = AuditEvent.objects.filter(action=AuditAction.CREATE)
    assert event.object_id == str(contact.pk)
    assert "note" in event.detail["fields"]
    assert "Tuesday" not in str(event.detail)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": dt.date.today() + dt.timedelta(days=2)}, "date"),
        ({"date": factories.LONG_AGO - dt.timedelta(days=1)}, "date"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 721}, "duration_minutes"),
        ({"note": "x" * 1001}, "note"),
        ({"chime": ["hope", "happiness"]}, "chime"),
        ({"mode": "carrier-pigeon"}, "mode"),
        ({"setting": "moon"}, "setting"),
    ],
)
def test_bad_details_are_refused_by_field_and_nothing_is_written(personas, changes, field):
    before = _written()
    with pytest.raises(ValidationError) as refused:
        _log(personas, **changes)
    assert field in refused.value.message_dict
    assert _written() == before


def test_a_retired_activity_cannot_be_chosen_for_a_new_contact(personas):
    retired = _activity("other")
    Activity.objects.filter(pk=retired.pk).update(active=False)
    retired.refresh_from_db()
    before = _written()
    with pytest.raises(ValidationError) as refused:
        _log(personas, activities=[retired])
    assert "activities" in refused.value.message_dict
    assert _written() == before


def test_a_psw_cannot_log_a_contact_with_someone_on_another_caseload(personas):
    before = _written()
    with pytest.raises(ValidationError, match="not on your current caseload"):
        _log(personas, service_user=personas.su_b)
    assert _written() == before


def test_no_contact_once_the_episode_has_ended(personas):
    CaseloadEntry.objects.filter(service_user=personas.su_a).update(
        status="ended", end=TODAY() - dt.timedelta(days=1)
    )
    before = _written()
    with pytest.raises(ValidationError, match="not on your current caseload"):
        _log(personas)
    assert _written() == before


@pytest.mark.parametrize(
    ("date_offset", "duration", "note_length", "chime", "fields"),
    [
        (0, 30, 10, ["hope"], set()),
        (-3, 1, 0, [], set()),
        (0, 720, 1000, ["connectedness", "empowerment"], set()),
        (1, 30, 10, [], {"date"}),
        (0, 0, 10, [], {"duration_minutes"}),
        (0, 30, 1001, [], {"note"}),
        (0, 30, 10, ["courage"], {"chime"}),
        (1, 721, 1001, ["courage"], {"date", "duration_minutes", "note", "chime"}),
    ],
)
def test_contact_errors_name_each_bad_field(date_offset, duration, note_length, chime, fields):
    errors = contact_errors(
        date=dt.date.today() + dt.timedelta(days=date_offset),
        duration_minutes=duration,
        note="n" * note_length,
        chime=chime,
        episode=None,
    )
    assert set(errors) == fields


def _update(contact, **changes):
    values = {
        "by": contact.worker.user,
        "contact": contact,
        "expected_version": contact.version,
        "date": contact.date,
        "duration_minutes": contact.duration_minutes,
        "mode": contact.mode,
        "setting": contact.setting,
        "contact_format": contact.contact_format,
        "activities": list(contact.activities.all()),
        "chime": [t.domain for t in contact.chime_tags.all()],
        "note": contact.note,
    }
    values.update(changes)
    return update_contact(**values)


def test_a_correction_bumps_the_version_and_audits_fields_and_tags(personas):
    contact = _log(personas)
    before = AuditEvent.objects.count()
    _update(
        contact,
        duration_minutes=50,
        chime=["hope", "meaning"],
        activities=[_activity("goal-work")],
    )
    contact.refresh_from_db()
    assert contact.version == 2
    assert contact.duration_minutes == 50
    assert {t.domain for t in contact.chime_tags.all()} == {"hope", "meaning"}
    assert [a.code for a in contact.activities.all()] == ["goal-work"]
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [e.detail["fields"] for e in events] == [["duration_minutes"], ["activities", "chime"]]


def test_a_stale_correction_is_a_conflict_and_changes_nothing(personas):
    contact = _log(personas)
    _update(contact, note="First correction")
    stale = Contact.objects.get(pk=contact.pk)
    stale.version = 1
    before = _written()
    with pytest.raises(EditConflict):
        _update(stale, expected_version=1, note="Second, stale", chime=[], activities=[])
    assert _written() == before
    contact.refresh_from_db()
    assert contact.note == "First correction"
    assert [t.domain for t in contact.chime_tags.all()] == ["hope"]
    assert contact.activities.count() == 1


def test_a_correction_with_bad_details_is_refused_by_field(personas):
    contact = _log(personas)
    before = _written()
    with pytest.raises(ValidationError) as refused:
        _update(contact, duration_minutes=0, date=TODAY() + dt.timedelta(days=1))
    assert set(refused.value.message_dict) == {"duration_minutes", "date"}
    assert _written() == before


def test_a_retired_activity_stays_on_a_corrected_contact_but_cannot_be_added(personas):
    kept, other = _activity("goal-work"), _activity("other")
    contact = _log(personas, activities=[kept])
    Activity.objects.filter(pk__in=[kept.pk, other.pk]).update(active=False)
    kept.refresh_from_db()
    other.refresh_from_db()
    _update(contact, activities=[kept], note="Still goal work")
    contact.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _update(contact, activities=[kept, other])
    assert "activities" in refused.value.message_dict


def _session_contact(personas):
    session = GroupSessionFactory(programme__team=personas.team_a)
    return ContactFactory(
        service_user=personas.su_a,
        contact_format=ContactFormat.GROUP,
        group_session=session,
        date=session.date,
        duration_minutes=session.duration_minutes,
        setting=session.setting,
    )


def test_a_group_session_contact_keeps_the_sessions_details(personas):
    contact = _session_contact(personas)
    before = _written()
    with pytest.raises(ValidationError, match="group session"):
        _update(contact, duration_minutes=20)
    assert _written() == before
    _update(contact, note="Led the second half of the walk")
    contact.refresh_from_db()
    assert contact.note == "Led the second half of the walk"


def test_the_author_deletes_a_mistaken_contact_within_a_day(personas):
    contact = _log(personas)
    delete_contact(by=personas.psw.user, contact=contact, expected_version=1)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not ContactChimeTag.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert event.object_id == str(contact.pk)


@pytest.mark.parametrize("case", ["someone else", "too late", "group session", "stale"])
def test_deleting_is_refused_unless_the_author_acts_within_a_day(personas, case):
    contact = _session_contact(personas) if case == "group session" else _log(personas)
    by = personas.senior.user if case == "someone else" else personas.psw.user
    if case == "too late":
        Contact.objects.filter(pk=contact.pk).update(
            recorded_at=timezone.now() - dt.timedelta(hours=25)
        )
        contact.refresh_from_db()
    version = 7 if case == "stale" else contact.version
    before = _written()
    with pytest.raises(ValidationError):
        delete_contact(by=by, contact=contact, expected_version=version)
    assert _written() == before


def test_defaults_come_from_the_workers_latest_one_to_one_contact(personas):
    assert last_used_values(personas.psw) == FIRST_DEFAULTS
    other_su = factories.CaseloadEntryFactory(worker=personas.psw).service_user
    _log(personas, mode="video", setting="recovery-college", duration_minutes=20)
    _log(
        personas,
        service_user=other_su,
        mode="text",
        setting="other",
        duration_minutes=5,
        activities=[_activity("practical-support"), _activity("other")],
    )
    _session_contact(personas)  # a group session is not a routine contact: ignored
    Activity.objects.filter(code="other").update(active=False)
    assert last_used_values(personas.psw) == {
        "mode": "text",
        "setting": "other",
        "duration_minutes": 5,
        "activities": [_activity("practical-support").pk],
    }
    assert last_used_values(personas.psw_b) == FIRST_DEFAULTS


def test_logging_a_contact_can_set_the_next_planned_one(personas):
    import datetime as dt

    from django.utils import timezone

    from alongside.practice.actions.contacts import record_contact

    today = timezone.localdate()
    record_contact(
        by=personas.psw.user,
        worker=personas.psw,
        service_user=personas.su_a,
        date=today,
        duration_minutes=30,
        mode="phone",
        setting="home",
        activities=[],
        chime=[],
        note="",
        next_planned_contact=today + dt.timedelta(days=7),
    )
    episode = personas.su_a.caseload_entries.get()
    assert episode.next_planned_contact == today + dt.timedelta(days=7)


def test_the_next_contact_cannot_be_before_this_one(personas):
    import datetime as dt

    import pytest
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from alongside.practice.actions.contacts import record_contact
    from alongside.practice.models import Contact

    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        record_contact(
            by=personas.psw.user,
            worker=personas.psw,
            service_user=personas.su_a,
            date=today,
            duration_minutes=30,
            mode="phone",
            setting="home",
            activities=[],
            chime=[],
            note="",
            next_planned_contact=today - dt.timedelta(days=1),
        )
    assert "next_planned_contact" in caught.value.message_dict
    assert not Contact.objects.exists()
    assert personas.su_a.caseload_entries.get().next_planned_contact is None
