"""Reading study data for checks, pages and the pure summaries.

`counted_participants` and `counted_answers` are the only way analyses, exports and reports
read study data: they leave out everyone who has withdrawn, from the moment they withdrew,
whether or not their stored data was kept.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from django.db.models import Count, QuerySet

from alongside.evaluation import pseudonym_key
from alongside.evaluation.imports import KnownParticipant, StudyContext
from alongside.evaluation.models import Approval, Participant, Response, Study
from alongside.evaluation.rows import AnswerRow, ParticipantRow


def import_context(study: Study) -> StudyContext:
    """What an import file is checked against: participants are known by their code's digest."""
    approvals = {
        (site, cohort): status
        for site, cohort, status in Approval.objects.filter(study=study).values_list(
            "site__code", "cohort__code", "status"
        )
    }
    known = {
        digest: KnownParticipant(site, cohort, withdrawn is not None)
        for digest, site, cohort, withdrawn in Participant.objects.filter(study=study)
        .order_by()
        .values_list("code_digest", "site__code", "cohort__code", "withdrawn_at")
    }
    return StudyContext(
        sites=frozenset(study.sites.values_list("code", flat=True)),
        cohorts=frozenset(study.cohorts.values_list("code", flat=True)),
        approvals=approvals,
        known=known,
        # An import reads its file twice (check, then write): each code is digested once.
        digest=functools.lru_cache(maxsize=None)(pseudonym_key.keyring().digest),
    )


def _counted(study: Study) -> QuerySet[Participant]:
    return Participant.objects.filter(study=study, withdrawn_at__isnull=True)


def counted_participants(study: Study) -> list[ParticipantRow]:
    """Every participant who has not withdrawn, by pseudonym, in pseudonym order."""
    return [
        ParticipantRow(pseudonym, site, cohort, method, team_type or None)
        for pseudonym, site, cohort, method, team_type in _counted(study)
        .order_by("pseudonym")
        .values_list("pseudonym", "site__code", "cohort__code", "method", "team_type")
    ]


def counted_answers(study: Study) -> Iterator[AnswerRow]:
    """Every answer (None when missing) of every participant who has not withdrawn."""
    responses = (
        Response.objects.filter(participant__in=_counted(study))
        .order_by("participant__pseudonym", "instrument_version__code", "id")
        .values_list(
            "participant__pseudonym",
            "participant__site__code",
            "participant__cohort__code",
            "instrument_version__code",
            "answers",
        )
    )
    for pseudonym, site, cohort, instrument, answers in responses.iterator(chunk_size=2000):
        for item, value in answers.items():
            yield AnswerRow(pseudonym, site, cohort, instrument, item, value)


def participant_counts(study: Study) -> dict[tuple[str, str], int]:
    """Counted participants per (site code, cohort code)."""
    return {
        (row["site__code"], row["cohort__code"]): row["n"]
        for row in _counted(study).values("site__code", "cohort__code").annotate(n=Count("id"))
    }


def sealed_codes(study: Study) -> dict[str, str]:
    """Pseudonym to the sealed code, for exports with identifiers only: evaluation.access's
    `open_codes_for_user` opens them for those allowed."""
    return dict(_counted(study).values_list("pseudonym", "code_sealed"))
