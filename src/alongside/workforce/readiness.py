"""The readiness score of a team: a pure function of its checklist.

Each item carries a weight; the score is the weighted share of items in place, 0 to 100. The
share of staff trained in recovery principles counts in proportion (half the team trained earns
half its weight). Weights favour what the seed evaluation found mattered most before a peer
support worker arrived: a briefed team and endorsement by its managers and clinical lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Item name -> weight. The weights add up to 100, so the score is in points.
WEIGHTS: dict[str, int] = {
    "team_briefed": 20,
    "staff_trained_percent": 15,
    "management_endorsement": 15,
    "clinical_lead_endorsement": 15,
    "job_description_shared": 10,
    "supervision_arranged": 15,
    "resources_in_place": 10,
}
READY_FROM = 70
PARTLY_READY_FROM = 40

Band = Literal["ready", "partly ready", "not ready"]


@dataclass(frozen=True)
class Checklist:
    team_briefed: bool
    staff_trained_percent: int
    management_endorsement: bool
    clinical_lead_endorsement: bool
    job_description_shared: bool
    supervision_arranged: bool
    resources_in_place: bool


def readiness_score(checklist: Checklist) -> int:
    """0 (nothing in place) to 100 (everything in place), rounded half up to a whole number."""
    trained = checklist.staff_trained_percent
    if not 0 <= trained <= 100:
        raise ValueError(f"staff_trained_percent must be 0-100, got {trained}")
    points = 0.0
    for name, weight in WEIGHTS.items():
        if name == "staff_trained_percent":
            points += weight * trained / 100
        elif getattr(checklist, name):
            points += weight
    return int(points + 0.5)


def readiness_band(score: int) -> Band:
    if score >= READY_FROM:
        return "ready"
    if score >= PARTLY_READY_FROM:
        return "partly ready"
    return "not ready"


def missing_items(checklist: Checklist) -> list[str]:
    """The checklist items not (fully) in place, by name, in checklist order."""
    return [
        name
        for name in WEIGHTS
        if (
            checklist.staff_trained_percent < 100
            if name == "staff_trained_percent"
            else not getattr(checklist, name)
        )
    ]
