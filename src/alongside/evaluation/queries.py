"""Reading study data for checks, pages and the pure summaries.

`counted_participants` and `counted_answers` are the only way analyses, exports and reports
read study data: they leave out everyone who has withdrawn, from the moment they withdrew,
whether or not their stored data was kept.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Collate

from alongside.core import json_entries
from alongside.evaluation import pseudonym_key
from alongside.evaluation.imports import KnownParticipant, StudyContext
from alongside.evaluation.models import Approval, Cohort, Participant, Response, Site, Study
from alongside.evaluation.rows import AnswerCount, AnswerRow, ParticipantCount, ParticipantRow
from alongside.evaluation.summaries import refuse_second_answer
from alongside.measures.models import InstrumentVersion


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
        .order_by(_by_pseudonym(), "instrument_version__code", "id")
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


# Participants sent at a time by the streamed exports: a few thousand answers' worth of memory.
ANSWER_BATCH = 2000


def _by_pseudonym() -> F | Collate:
    """Participants' pseudonyms in the order Python sorts text. SQLite compares text by code
    point already; PostgreSQL does under the "C" collation, whatever the database's own."""
    pseudonym = F("participant__pseudonym")
    return Collate(pseudonym, "C") if connection.vendor == "postgresql" else pseudonym


def counted_answers_in_batches(
    study: Study, *, size: int | None = None
) -> Iterator[tuple[list[ParticipantRow], list[AnswerRow]]]:
    """`counted_participants` a batch at a time in pseudonym order, each batch with its
    participants' answers from `counted_answers` (one pass over them, in the same order): the
    batches' sorted rows joined are the whole sorted."""
    size = size or ANSWER_BATCH
    people = sorted(counted_participants(study), key=lambda person: person.pseudonym)
    answers = counted_answers(study)
    pending = next(answers, None)
    for start in range(0, len(people), size):
        batch = people[start : start + size]
        last = batch[-1].pseudonym
        theirs = []
        while pending is not None and pending.pseudonym <= last:
            theirs.append(pending)
            pending = next(answers, None)
        yield batch, theirs
    if pending is not None:
        raise ValueError(f"answer from {pending.pseudonym}, who has no participant row")


def participant_tally(study: Study) -> list[ParticipantCount]:
    """Counted participants by site, cohort, method and team type, counted in the database."""
    return [
        ParticipantCount(site, cohort, method, team_type or None, n)
        for site, cohort, method, team_type, n in _counted(study)
        .order_by()
        .values_list("site__code", "cohort__code", "method", "team_type")
        .annotate(n=Count("id"))
        .order_by("site__code", "cohort__code", "method", "team_type")
    ]


def _answers_of_one_response_each(study: Study) -> bool:
    """True when nobody counted has two responses to one instrument version (the usual case:
    an import replaces a response). Otherwise someone may have answered an item twice, which
    the summaries refuse, so their rows are read one by one to say who."""
    return not (
        Response.objects.filter(participant__in=_counted(study))
        .order_by()
        .values("participant", "instrument_version")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )


def answer_tally(study: Study) -> list[AnswerCount]:
    """Every answer of every counted participant, counted by instrument, item, cohort, site,
    team type and value in one GROUP BY, as `counted_answers` would give them one by one."""
    if not _answers_of_one_response_each(study):
        return _tally_in_python(study)
    responses = (
        Response.objects.filter(participant__in=_counted(study))
        .order_by()
        .values(
            "answers",
            "instrument_version_id",
            cohort=F("participant__cohort_id"),
            site=F("participant__site_id"),
            team=F("participant__team_type"),
        )
    )
    inner, params = responses.query.sql_with_params()
    # Counted by key (narrow, quick to hash), named afterwards.
    rows = json_entries.count_entries(
        f"({inner}) AS r",
        params,
        "r.answers",
        group_by=["r.instrument_version_id", "r.cohort", "r.site", "r.team"],
    )
    instruments = dict(InstrumentVersion.objects.values_list("pk", "code"))
    cohorts = dict(Cohort.objects.filter(study=study).values_list("pk", "code"))
    sites = dict(Site.objects.filter(study=study).values_list("pk", "code"))
    tally: Counter[tuple[str, str, str, str, str | None, Any]] = Counter()
    for version, cohort, site, team_type, item, value, n in rows:
        key = (instruments[version], item, cohorts[cohort], sites[site], team_type or None, value)
        tally[key] += n
    return [AnswerCount(*key, n) for key, n in tally.items()]


def _tally_in_python(study: Study) -> list[AnswerCount]:
    team_types = {p.pseudonym: p.team_type for p in counted_participants(study)}
    tally: Counter[tuple[str, str, str, str, str | None, int | None]] = Counter()
    seen: set[tuple[str, str, str]] = set()
    for answer in counted_answers(study):
        refuse_second_answer(seen, answer)
        team_type = team_types[answer.pseudonym]
        tally[
            (answer.instrument, answer.item, answer.cohort, answer.site, team_type, answer.value)
        ] += 1
    return [AnswerCount(*key, n) for key, n in tally.items()]


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
