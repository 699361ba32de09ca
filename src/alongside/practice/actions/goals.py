"""Recovery goals: set in the person's own words, worked through in steps, rated over time.

A goal is always the service user's: they set it, or it was agreed with them. Progress is a
rating from 0 to 10 with a note, added by the PSW with the person or by the person in their
own account. Only open goals change; a closed goal (achieved, changed or let go) is history.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from alongside.core import audit
from alongside.core.access import AnyUser
from alongside.core.models import AuditAction
from alongside.core.records import save_audited, update_versioned
from alongside.practice import rollups
from alongside.practice.actions.endings import (
    acting_person_id,
    long_date,
    not_in_future,
    open_episode_for,
)
from alongside.practice.models import (
    Chime,
    Goal,
    GoalProgress,
    GoalSetBy,
    GoalStatus,
    GoalStep,
    ServiceUser,
)

STEP_MAX_LENGTH = GoalStep._meta.get_field("text").max_length or 300
CLOSING_STATUSES = (GoalStatus.ACHIEVED, GoalStatus.CHANGED, GoalStatus.LET_GO)
LOWEST_RATING, HIGHEST_RATING = 0, 10


def _check_goal_fields(*, text: str, chime_domain: str, steps: list[str]) -> list[str]:
    """Refuse an empty goal or an unknown CHIME process; return the non-blank steps."""
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Write the goal in the person's own words."
    if chime_domain not in Chime.values:
        errors["chime_domain"] = "Choose the CHIME process this goal is about."
    cleaned = [step.strip() for step in steps if step.strip()]
    if any(len(step) > STEP_MAX_LENGTH for step in cleaned):
        errors["steps"] = f"Keep each step to {STEP_MAX_LENGTH} characters or fewer."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_open(goal: Goal, doing: str) -> None:
    if goal.status != GoalStatus.OPEN:
        raise ValidationError(
            f"This goal is closed ({goal.get_status_display().lower()}), so {doing}."
        )


def _not_before_set(field: str, day: dt.date, goal: Goal, what: str) -> None:
    if day < goal.set_on:
        raise ValidationError(
            {field: f"{what} cannot be before the goal was set ({long_date(goal.set_on)})."}
        )


def _add_step(by: AnyUser, goal: Goal, text: str, order: int) -> GoalStep:
    step = GoalStep(goal=goal, text=text, order=order)
    return save_audited(step, by=by, action=AuditAction.CREATE, fields=["text", "order"])


def set_goal(
    *,
    by: AnyUser,
    service_user: ServiceUser,
    text: str,
    set_by: str,
    chime_domain: str,
    steps: list[str],
    set_on: dt.date,
) -> Goal:
    """Record a goal for someone on the PSW's current caseload, in the episode now open."""
    cleaned_steps = _check_goal_fields(text=text, chime_domain=chime_domain, steps=steps)
    if set_by not in GoalSetBy.values:
        raise ValidationError(
            {
                "set_by": "A goal is the person's own: say whether they set it themselves or "
                "agreed it with you."
            }
        )
    not_in_future("set_on", set_on, "The date the goal was set")
    with transaction.atomic():
        episode = open_episode_for(by, service_user)
        goal = save_audited(
            Goal(
                service_user=service_user,
                episode=episode,
                text=text.strip(),
                set_by=set_by,
                chime_domain=chime_domain,
                set_on=set_on,
                recorded_by_id=acting_person_id(by),
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["text", "set_by", "chime_domain", "set_on"],
        )
        for order, step_text in enumerate(cleaned_steps):
            _add_step(by, goal, step_text, order)
    return goal


def update_goal(
    *,
    by: AnyUser,
    goal: Goal,
    expected_version: int,
    text: str,
    chime_domain: str,
    steps: list[str],
) -> Goal:
    """Reword an open goal, change its CHIME process, or rewrite its steps.

    Steps whose text is unchanged keep their place in history (and their tick); steps no longer
    listed are removed; new ones are added in the order given.
    """
    _require_open(goal, "it can no longer be edited")
    cleaned_steps = _check_goal_fields(text=text, chime_domain=chime_domain, steps=steps)
    with transaction.atomic(), rollups.tracking(goal):
        update_versioned(
            goal,
            by=by,
            expected_version=expected_version,
            changes={"text": text.strip(), "chime_domain": chime_domain},
        )
        unused = list(GoalStep.objects.filter(goal=goal))
        for order, step_text in enumerate(cleaned_steps):
            kept = next((step for step in unused if step.text == step_text), None)
            if kept is None:
                _add_step(by, goal, step_text, order)
                continue
            unused.remove(kept)
            if kept.order != order:
                kept.order = order
                save_audited(
                    kept,
                    by=by,
                    action=AuditAction.UPDATE,
                    fields=["order"],
                    update_fields=["order"],
                )
        for removed in unused:
            audit.record(actor=by, action=AuditAction.DELETE, obj=removed)
            removed.delete()
    return goal


def record_progress(
    *,
    by: AnyUser,
    goal: Goal,
    rating: int,
    note: str,
    rated_on: dt.date,
    by_service_user: bool,
) -> GoalProgress:
    """Add a rating from 0 to 10, with a note, to an open goal."""
    if not LOWEST_RATING <= rating <= HIGHEST_RATING:
        raise ValidationError(
            {"rating": f"Choose a number from {LOWEST_RATING} to {HIGHEST_RATING}."}
        )
    not_in_future("rated_on", rated_on, "The date of the rating")
    _not_before_set("rated_on", rated_on, goal, "The date of the rating")
    recorded_by_id = acting_person_id(by)
    if by_service_user and goal.service_user.person_id != recorded_by_id:
        raise ValidationError("Only the person whose goal this is can rate it as themselves.")
    with transaction.atomic():
        # Read the status under a lock, so a goal closed a moment ago takes no more ratings.
        goal.status = (
            Goal.objects.select_for_update().values_list("status", flat=True).get(pk=goal.pk)
        )
        _require_open(goal, "no more progress can be added")
        return save_audited(
            GoalProgress(
                goal=goal,
                rating=rating,
                note=note.strip(),
                rated_on=rated_on,
                by_service_user=by_service_user,
                recorded_by_id=recorded_by_id,
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["rating", "note", "rated_on", "by_service_user"],
        )


def close_goal(
    *,
    by: AnyUser,
    goal: Goal,
    expected_version: int,
    status: str,
    closed_on: dt.date,
) -> Goal:
    """Close a goal as achieved, changed (the person wants something else now) or let go."""
    _require_open(goal, "it cannot be closed again")
    if status not in CLOSING_STATUSES:
        raise ValidationError({"status": "Choose achieved, changed or let go."})
    not_in_future("closed_on", closed_on, "The date the goal closed")
    _not_before_set("closed_on", closed_on, goal, "The date the goal closed")
    with transaction.atomic(), rollups.tracking(goal):
        return update_versioned(
            goal,
            by=by,
            expected_version=expected_version,
            changes={"status": status, "closed_on": closed_on},
        )


def tick_step(*, by: AnyUser, step: GoalStep, done_on: dt.date | None) -> GoalStep:
    """Mark a step done on a date, or (with no date) not done after all."""
    _require_open(step.goal, "its steps stay as they were")
    if done_on is not None:
        not_in_future("done_on", done_on, "The date the step was done")
        _not_before_set("done_on", done_on, step.goal, "The date the step was done")
    with transaction.atomic():
        step.done_on = done_on
        return save_audited(
            step, by=by, action=AuditAction.UPDATE, fields=["done_on"], update_fields=["done_on"]
        )
