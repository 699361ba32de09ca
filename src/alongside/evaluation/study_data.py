"""One study's data as the pure summaries and exports take it: read once, withdrawn left out.

Counts (participants and answers counted in the database) serve the pages and the report;
the rows, one per participant and per answer, are read only when something asks for them,
which only the exports do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from alongside.evaluation import queries
from alongside.evaluation.models import Approval, CohortInstrument, Study
from alongside.evaluation.report import build_report
from alongside.evaluation.response_rates import invitation_counts
from alongside.evaluation.rows import AnswerCount, AnswerRow, ParticipantCount, ParticipantRow
from alongside.measures.definitions import Instrument


@dataclass(frozen=True)
class StudyData:
    slug: str
    sites: tuple[str, ...]
    cohorts: tuple[str, ...]
    approvals: dict[tuple[str, str], str]
    participant_counts: tuple[ParticipantCount, ...]
    instruments: tuple[Instrument, ...]
    cohort_instruments: dict[str, tuple[str, ...]]
    # (site, cohort) -> (invited, completed), where personal survey links were sent
    invitations: dict[tuple[str, str], tuple[int, int]]
    # The study's disclosure threshold: counts from 1 to this minus one are hidden.
    threshold: int
    study: Study = field(compare=False, repr=False)

    @property
    def participant_total(self) -> int:
        """How many participants are counted (not withdrawn)."""
        return sum(count.n for count in self.participant_counts)

    @cached_property
    def participants(self) -> tuple[ParticipantRow, ...]:
        return tuple(queries.counted_participants(self.study))

    @cached_property
    def answers(self) -> tuple[AnswerRow, ...]:
        return tuple(queries.counted_answers(self.study))

    @cached_property
    def answer_counts(self) -> tuple[AnswerCount, ...]:
        return tuple(queries.answer_tally(self.study))


def study_data(study: Study) -> StudyData:
    approvals = {
        (site, cohort): status
        for site, cohort, status in Approval.objects.filter(study=study).values_list(
            "site__code", "cohort__code", "status"
        )
    }
    links = CohortInstrument.objects.filter(cohort__study=study).select_related(
        "cohort", "instrument_version"
    )
    by_cohort: dict[str, list[str]] = {}
    versions = {}
    for link in links.order_by("cohort__code", "instrument_version__code"):
        by_cohort.setdefault(link.cohort.code, []).append(link.instrument_version.code)
        versions[link.instrument_version.pk] = link.instrument_version
    return StudyData(
        slug=study.slug,
        sites=tuple(study.sites.order_by("code").values_list("code", flat=True)),
        cohorts=tuple(study.cohorts.order_by("code").values_list("code", flat=True)),
        approvals=approvals,
        participant_counts=tuple(queries.participant_tally(study)),
        instruments=tuple(v.instrument() for v in versions.values()),
        cohort_instruments={cohort: tuple(codes) for cohort, codes in by_cohort.items()},
        invitations={
            (site, cohort): (invited, completed)
            for site, cohort, invited, completed in invitation_counts(study)
        },
        threshold=study.disclosure_threshold,
        study=study,
    )


def report_for(data: StudyData, *, suppress: bool, from_rows: bool = False) -> dict[str, Any]:
    """The report data (docs/formats/report-json.md) of one study's data: from the counts, or
    `from_rows`, from every participant and answer read one by one (the same report, slower)."""
    return build_report(
        study=data.slug,
        sites=data.sites,
        cohorts=data.cohorts,
        approvals=data.approvals,
        participants=data.participants if from_rows else data.participant_counts,
        answers=data.answers if from_rows else data.answer_counts,
        instruments=data.instruments,
        cohort_instruments=data.cohort_instruments,
        invitations=data.invitations or None,
        suppress=suppress,
        threshold=data.threshold,
    )
