"""Episodes of peer support: pausing, winding down, resuming and ending them.

Ending an episode never closes anything else on the PSW's behalf. Open goals in particular are
the person's own: rather than mark them "let go" silently, `end_episode` refuses while any goal
of the episode is still open and names them, so the PSW decides with the person whether each
was achieved, changed or let go. A re-referral opens a new episode; this one stays as it ended.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core.access import AnyUser, principal_for
from alongside.core.models import AuditAction
from alongside.core.periods import current
from alongside.core.records import save_audited, update_versioned
from alongside.practice import rollups
from alongside.practice.models import (
    CaseloadEntry,
    CaseloadStatus,
    Ending,
    EndingReason,
    Goal,
    GoalStatus,
    ServiceUser,
)

OPEN_EPISODE_STATUSES = (CaseloadStatus.ACTIVE, CaseloadStatus.ON_HOLD, CaseloadStatus.ENDING)


def acting_person_id(by: AnyUser) -> int:
    """The person record of the signed-in user, who is named as having recorded the change."""
    person_id = principal_for(by).person_id
    if person_id is None:
        raise ValidationError(
            "Your account is not linked to a person, so nothing can be recorded in your name. "
            "Ask your administrator to link it."
        )
    return person_id


def open_episode_for(by: AnyUser, service_user: ServiceUser) -> CaseloadEntry:
    """The episode in which this user currently works with the service user, or refuse."""
    episode = (
        CaseloadEntry.objects.filter(
            current(),
            service_user=service_user,
            worker_id=acting_person_id(by),
            status__in=OPEN_EPISODE_STATUSES,
        )
        .order_by("-start", "-pk")
        .first()
    )
    if episode is None:
        raise ValidationError(
            f"{service_user.preferred_name} is not on your current caseload, so this cannot be "
            "recorded by you."
        )
    return episode


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def not_in_future(field: str, value: dt.date, what: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be in the future."})


def _change_status(
    *,
    by: AnyUser,
    episode: CaseloadEntry,
    expected_version: int,
    to: CaseloadStatus,
    allowed_from: tuple[CaseloadStatus, ...],
) -> CaseloadEntry:
    if episode.status == CaseloadStatus.ENDED:
        raise ValidationError(
            "This episode has ended, so its status cannot change. A re-referral opens a new one."
        )
    if episode.status == to:
        raise ValidationError({"status": f"The episode is already {to.label.lower()}."})
    if episode.status not in allowed_from:
        raise ValidationError({"status": f"The episode cannot become {to.label.lower()} now."})
    with transaction.atomic(), rollups.tracking(episode):
        return update_versioned(
            episode, by=by, expected_version=expected_version, changes={"status": to}
        )


def put_on_hold(*, by: AnyUser, episode: CaseloadEntry, expected_version: int) -> CaseloadEntry:
    """Pause the work for a while (a hospital stay, a holiday) without ending it."""
    return _change_status(
        by=by,
        episode=episode,
        expected_version=expected_version,
        to=CaseloadStatus.ON_HOLD,
        allowed_from=(CaseloadStatus.ACTIVE, CaseloadStatus.ENDING),
    )


def mark_episode_ending(
    *, by: AnyUser, episode: CaseloadEntry, expected_version: int
) -> CaseloadEntry:
    """The PSW and the person are working towards an ending."""
    return _change_status(
        by=by,
        episode=episode,
        expected_version=expected_version,
        to=CaseloadStatus.ENDING,
        allowed_from=(CaseloadStatus.ACTIVE, CaseloadStatus.ON_HOLD),
    )


def resume(*, by: AnyUser, episode: CaseloadEntry, expected_version: int) -> CaseloadEntry:
    """Back to active work after a pause or a planned ending that did not happen."""
    return _change_status(
        by=by,
        episode=episode,
        expected_version=expected_version,
        to=CaseloadStatus.ACTIVE,
        allowed_from=(CaseloadStatus.ON_HOLD, CaseloadStatus.ENDING),
    )


def open_goals_of(episode: CaseloadEntry) -> list[Goal]:
    """Goals set in this episode that are still being worked on."""
    return list(Goal.objects.filter(episode=episode, status=GoalStatus.OPEN).order_by("set_on"))


def end_episode(
    *,
    by: AnyUser,
    episode: CaseloadEntry,
    expected_version: int,
    ended_on: dt.date,
    planned: bool,
    reason: str,
    now_community_activities: bool,
    now_work: bool,
    now_education: bool,
    now_other_supports: bool,
    now_note: str,
    independence_note: str,
) -> Ending:
    """End the episode (status and end date in one versioned update) and record how it ended."""
    if episode.status == CaseloadStatus.ENDED:
        raise ValidationError("This episode has already ended.")
    if reason not in EndingReason.values:
        raise ValidationError({"reason": "Choose the reason the episode ended."})
    not_in_future("ended_on", ended_on, "The end date")
    if ended_on < episode.start:
        raise ValidationError(
            {
                "ended_on": "The end date cannot be before the episode started "
                f"({long_date(episode.start)})."
            }
        )
    recorded_by_id = acting_person_id(by)
    with transaction.atomic(), rollups.tracking(episode):
        still_open = open_goals_of(episode)
        if still_open:
            names = "; ".join(f"“{goal.text}”" for goal in still_open)
            raise ValidationError(
                "Some goals are still open. Decide with the person whether each was achieved, "
                f"changed or let go, then end the episode. Open goals: {names}",
                code="open-goals",
            )
        update_versioned(
            episode,
            by=by,
            expected_version=expected_version,
            changes={"status": CaseloadStatus.ENDED, "end": ended_on},
        )
        ending = Ending(
            episode=episode,
            ended_on=ended_on,
            planned=planned,
            reason=reason,
            now_community_activities=now_community_activities,
            now_work=now_work,
            now_education=now_education,
            now_other_supports=now_other_supports,
            now_note=now_note,
            independence_note=independence_note,
            recorded_by_id=recorded_by_id,
        )
        return save_audited(
            ending,
            by=by,
            action=AuditAction.CREATE,
            fields=[
                "ended_on",
                "planned",
                "reason",
                "now_community_activities",
                "now_work",
                "now_education",
                "now_other_supports",
                "now_note",
                "independence_note",
            ],
        )
