"""Advocacy: what a service user wants raised with their team, and what came of it.

The PSW records the request; the PSW or a clinician of the team records when it was raised at
the team meeting, what the team said and the outcome; the person may withdraw it before the
team has answered. The database's rules (a date it was raised for any outcome past "not raised
yet", never before it was recorded) are checked here first, so they reach the form as plain
messages beside the right field.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core.access import AnyUser
from alongside.core.models import AuditAction
from alongside.core.records import save_audited, update_versioned
from alongside.practice.actions.endings import (
    acting_person_id,
    long_date,
    not_in_future,
    open_episode_for,
)
from alongside.practice.models import AdvocacyItem, AdvocacyOutcome, ServiceUser

OPEN_OUTCOMES = (AdvocacyOutcome.WAITING, AdvocacyOutcome.RAISED)
# Outcomes a team meeting can give; withdrawal has its own action.
RECORDABLE_OUTCOMES = (
    AdvocacyOutcome.RAISED,
    AdvocacyOutcome.AGREED,
    AdvocacyOutcome.PARTLY,
    AdvocacyOutcome.NOT_AGREED,
)
DECIDED_OUTCOMES = (AdvocacyOutcome.AGREED, AdvocacyOutcome.PARTLY, AdvocacyOutcome.NOT_AGREED)


def raise_advocacy(
    *, by: AnyUser, service_user: ServiceUser, request: str, recorded_on: dt.date
) -> AdvocacyItem:
    """Record what the person wants raised at their team's meeting."""
    if not request.strip():
        raise ValidationError({"request": "Write what the person wants raised with the team."})
    not_in_future("recorded_on", recorded_on, "The date")
    with transaction.atomic():
        episode = open_episode_for(by, service_user)
        return save_audited(
            AdvocacyItem(
                service_user=service_user,
                episode=episode,
                team_id=service_user.team_id,
                request=request.strip(),
                recorded_by_id=acting_person_id(by),
                recorded_on=recorded_on,
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["request", "recorded_on", "team"],
        )


def record_advocacy_outcome(
    *,
    by: AnyUser,
    item: AdvocacyItem,
    expected_version: int,
    raised_on: dt.date | None,
    team_response: str,
    outcome: str,
    outcome_note: str,
) -> AdvocacyItem:
    """Record when the request was raised, what the team said, and where it landed."""
    if item.outcome == AdvocacyOutcome.WITHDRAWN:
        raise ValidationError("The person withdrew this request, so it has no outcome to record.")
    errors: dict[str, str] = {}
    if outcome not in RECORDABLE_OUTCOMES:
        errors["outcome"] = "Choose the outcome."
    if raised_on is None:
        errors["raised_on"] = "Give the date it was raised at the team meeting."
    elif raised_on < item.recorded_on:
        errors["raised_on"] = (
            f"It cannot have been raised before it was recorded ({long_date(item.recorded_on)})."
        )
    elif raised_on > timezone.localdate():
        errors["raised_on"] = "The date it was raised cannot be in the future."
    if outcome in DECIDED_OUTCOMES and not team_response.strip():
        errors["team_response"] = "Say what the team said."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return update_versioned(
            item,
            by=by,
            expected_version=expected_version,
            changes={
                "raised_on": raised_on,
                "team_response": team_response.strip(),
                "outcome": outcome,
                "outcome_note": outcome_note.strip(),
            },
        )


def withdraw_advocacy(
    *, by: AnyUser, item: AdvocacyItem, expected_version: int, note: str = ""
) -> AdvocacyItem:
    """The person no longer wants it raised. Possible until the team has answered."""
    if item.outcome not in OPEN_OUTCOMES:
        raise ValidationError(
            f"This request is already closed ({item.get_outcome_display().lower()}), so it "
            "cannot be withdrawn."
        )
    with transaction.atomic():
        return update_versioned(
            item,
            by=by,
            expected_version=expected_version,
            changes={"outcome": AdvocacyOutcome.WITHDRAWN, "outcome_note": note.strip()},
        )
