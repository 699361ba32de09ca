"""Plain rows handed from the evaluation data to the pure summaries, reports and exports.

Rows carry study pseudonyms, never the participant codes given in imported files, and only
participants who are counted (not withdrawn; see ``queries.counted_participants``).
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    """One counted participant."""

    pseudonym: str
    site: str
    cohort: str
    method: str
    team_type: str | None


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One item answer (``value`` None when missing) of a counted participant."""

    pseudonym: str
    site: str
    cohort: str
    instrument: str
    item: str
    value: int | None
