"""Plain rows handed from the evaluation data to the pure summaries, reports and exports.

Rows carry study pseudonyms, never the participant codes given in imported files, and only
participants who are counted (not withdrawn; see ``queries.counted_participants``). The
``...Count`` rows are the same data counted in the database (``queries.participant_tally`` and
``queries.answer_tally``): the summaries take either, so that a report on 200,000 responses does
not carry two million answers through Python.
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


@dataclass(frozen=True, slots=True)
class ParticipantCount:
    """How many counted participants share a site, cohort, method and team type."""

    site: str
    cohort: str
    method: str
    team_type: str | None
    n: int


@dataclass(frozen=True, slots=True)
class AnswerCount:
    """How many answers of counted participants gave ``value`` (None: missing) to one item, by
    cohort, site and team type."""

    instrument: str
    item: str
    cohort: str
    site: str
    team_type: str | None
    value: int | None
    n: int
