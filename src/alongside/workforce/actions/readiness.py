"""Recording a team's readiness checklist."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core.access import AnyUser, Permission
from alongside.core.models import AuditAction
from alongside.core.records import save_audited
from alongside.organisation.models import Team
from alongside.workforce.actions.common import acting_person, require
from alongside.workforce.models import ReadinessChecklist, ReadinessPhase
from alongside.workforce.readiness import WEIGHTS, Checklist


def record_readiness(
    *,
    by: AnyUser,
    team: Team,
    phase: str,
    assessed_on: dt.date,
    checklist: Checklist,
) -> ReadinessChecklist:
    """Add an assessment of the team's readiness; earlier ones stay as history."""
    require(by, Permission.MANAGE_READINESS)
    errors: dict[str, str] = {}
    if phase not in ReadinessPhase.values:
        errors["phase"] = "Choose before or after placement."
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = "The assessment date cannot be in the future."
    if not 0 <= checklist.staff_trained_percent <= 100:
        errors["staff_trained_percent"] = "Give a share from 0 to 100."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return save_audited(
            ReadinessChecklist(
                team=team,
                phase=phase,
                assessed_on=assessed_on,
                recorded_by=acting_person(by),
                **{name: getattr(checklist, name) for name in WEIGHTS},
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["team", "phase", "assessed_on", *WEIGHTS],
        )
