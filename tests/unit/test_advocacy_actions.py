"""Advocacy actions: raising, recording the team's answer, withdrawing; refusals write nothing."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.core.models import AuditAction, AuditEvent
from alongside.core.records import EditConflict
from alongside.practice.actions.advocacy import (
    raise_advocacy,
    record_advocacy_outcome,
    withdraw_advocacy,
)
from alongside.practice.models import AdvocacyItem

TODAY = timezone.localdate()
LAST_WEEK = TODAY - dt.timedelta(days=7)


def _snapshot():
    return (
        list(AuditEvent.objects.values_list("pk", flat=True)),
        list(
            AdvocacyItem.objects.values_list(
                "pk", "version", "outcome", "raised_on", "team_response", "outcome_note"
            )
        ),
    )


@contextmanager
def refused(field=None, match=None, error=ValidationError):
    """The action raises `error` (beside `field`, if given) and writes nothing."""
    before = _snapshot()
    with pytest.raises(error) as caught:
        yield caught
    if field is not None:
        assert field in caught.value.message_dict, caught.value
    if match is not None:
        assert match in " ".join(caught.value.messages)
    assert _snapshot() == before


def item_for(p, **overrides):
    values = {
        "by": p.psw.user,
        "service_user": p.su_a,
        "request": "Review the evening medication",
        "recorded_on": LAST_WEEK,
    }
    values.update(overrides)
    return raise_advocacy(**values)


def outcome(p, item, **overrides):
    values = {
        "by": p.clinician.user,
        "item": item,
        "expected_version": item.version,
        "raised_on": TODAY,
        "team_response": "The consultant will review it at the next appointment",
        "outcome": "agreed",
        "outcome_note": "",
    }
    values.update(overrides)
    return record_advocacy_outcome(**values)


def test_a_psw_raises_a_request_for_the_service_users_team(personas):
    p = personas
    item = item_for(p, request="  Review the evening medication  ")
    assert item.team == p.team_a
    assert item.episode == p.su_a.caseload_entries.get()
    assert (item.recorded_by, item.request, item.outcome) == (
        p.psw,
        "Review the evening medication",
        "waiting",
    )
    event = AuditEvent.objects.get(object_type="practice.advocacyitem")
    assert (event.action, event.detail) == (
        AuditAction.CREATE,
        {"fields": ["recorded_on", "request", "team"]},
    )


def test_nothing_is_raised_for_someone_not_on_the_psws_caseload(personas):
    with refused(match="not on your current caseload"):
        item_for(personas, service_user=personas.su_b)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"request": " "}, "request"), ({"recorded_on": TODAY + dt.timedelta(days=1)}, "recorded_on")],
)
def test_bad_request_input_is_refused_beside_the_field(personas, overrides, field):
    with refused(field=field):
        item_for(personas, **overrides)


def test_a_clinician_records_the_teams_answer(personas):
    p = personas
    item = outcome(p, item_for(p), outcome_note=" Next review in May ")
    item.refresh_from_db()
    assert (item.raised_on, item.outcome, item.outcome_note, item.version) == (
        TODAY,
        "agreed",
        "Next review in May",
        2,
    )
    event = AuditEvent.objects.filter(object_type="practice.advocacyitem").latest("pk")
    assert event.detail == {"fields": ["outcome", "outcome_note", "raised_on", "team_response"]}


def test_raised_and_awaiting_a_response_needs_no_response_yet(personas):
    p = personas
    item = outcome(p, item_for(p), outcome="raised", team_response="")
    assert item.outcome == "raised"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"raised_on": None}, "raised_on"),
        ({"raised_on": LAST_WEEK - dt.timedelta(days=1)}, "raised_on"),
        ({"raised_on": TODAY + dt.timedelta(days=1)}, "raised_on"),
        ({"outcome": "not-agreed", "team_response": "  "}, "team_response"),
        ({"outcome": "withdrawn"}, "outcome"),
        ({"outcome": "waiting"}, "outcome"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_the_database_rules_reach_the_form_as_field_messages(personas, overrides, field):
    item = item_for(personas)
    with refused(field=field):
        outcome(personas, item, **overrides)


def test_two_people_recording_the_outcome_at_once_get_a_conflict(personas):
    p = personas
    item = item_for(p)
    stale = AdvocacyItem.objects.get(pk=item.pk)
    outcome(p, item, outcome="partly")
    with refused(error=EditConflict):
        outcome(p, stale, by=p.psw.user, outcome="not-agreed")
    assert AdvocacyItem.objects.get(pk=item.pk).outcome == "partly"


def test_a_request_is_withdrawn_before_the_team_answers(personas):
    p = personas
    item = withdraw_advocacy(by=p.psw.user, item=item_for(p), expected_version=1, note=" Sorted ")
    item.refresh_from_db()
    assert (item.outcome, item.outcome_note, item.version) == ("withdrawn", "Sorted", 2)


def test_an_answered_request_cannot_be_withdrawn(personas):
    p = personas
    item = outcome(p, item_for(p))
    with refused(match="already closed"):
        withdraw_advocacy(by=p.psw.user, item=item, expected_version=item.version)


def test_a_stale_withdrawal_is_a_conflict(personas):
    p = personas
    item = item_for(p)
    stale = AdvocacyItem.objects.get(pk=item.pk)
    outcome(p, item, outcome="raised", team_response="")
    with refused(error=EditConflict):
        withdraw_advocacy(by=p.psw.user, item=stale, expected_version=1)


def test_a_withdrawn_request_has_no_outcome_to_record(personas):
    p = personas
    item = withdraw_advocacy(by=p.psw.user, item=item_for(p), expected_version=1)
    with refused(match="withdrew"):
        outcome(p, item)
