"""Workforce and readiness: supervision, CPD, roles and conditions, team readiness, the
role-understanding pulse, the practice exchange and the guidance library."""

from alongside.workforce.models.cpd import ACCESS_STATUSES, CpdEvent, CpdRequest, CpdStatus
from alongside.workforce.models.exchange import Reply, Thread
from alongside.workforce.models.guidance import GuidanceDocument, GuidanceTag, GuidanceVersion
from alongside.workforce.models.pulse import PulseResponse, PulseRound, RespondentGroup
from alongside.workforce.models.readiness import ReadinessChecklist, ReadinessPhase
from alongside.workforce.models.roles import Grade, Resource, WorkResources, WorkTerms
from alongside.workforce.models.supervision import (
    MAX_SESSION_MINUTES,
    ONE_TO_ONE_TYPES,
    PeerGroupAttendance,
    PeerGroupSession,
    SupervisionSession,
    SupervisionType,
)

__all__ = [
    "ACCESS_STATUSES",
    "MAX_SESSION_MINUTES",
    "ONE_TO_ONE_TYPES",
    "CpdEvent",
    "CpdRequest",
    "CpdStatus",
    "Grade",
    "GuidanceDocument",
    "GuidanceTag",
    "GuidanceVersion",
    "PeerGroupAttendance",
    "PeerGroupSession",
    "PulseResponse",
    "PulseRound",
    "ReadinessChecklist",
    "ReadinessPhase",
    "Reply",
    "Resource",
    "RespondentGroup",
    "SupervisionSession",
    "SupervisionType",
    "Thread",
    "WorkResources",
    "WorkTerms",
]
