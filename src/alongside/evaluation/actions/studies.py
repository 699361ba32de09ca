"""Writes to evaluation studies: each function is one transaction with its audit record."""

from __future__ import annotations

import array
import contextlib
import datetime
import gc
import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone

from alongside.core import audit
from alongside.core.access import Permission, has_permission
from alongside.core.models import AuditAction
from alongside.core.records import AnyUser, save_audited
from alongside.evaluation import imports, pseudonym_key, queries
from alongside.evaluation.models import (
    Approval,
    Cohort,
    CohortInstrument,
    Consent,
    ConsentPurpose,
    Participant,
    Response,
    ResponseSource,
    Site,
    Study,
    StudyMember,
)
from alongside.evaluation.studyfile import StudyDefinition, approval_refusal
from alongside.measures.models import InstrumentVersion

BATCH = 2000
PlaceT = TypeVar("PlaceT", Site, Cohort)
LineT = TypeVar("LineT")


def require_approval(*, study: Study, site: Site, cohort: Cohort) -> None:
    """Refuse, naming site, cohort and status, unless the pair has ethics approval.

    Every path that adds a participant calls this before writing.
    """
    status = (
        Approval.objects.filter(study=study, site=site, cohort=cohort)
        .values_list("status", flat=True)
        .first()
    )
    refusal = approval_refusal(site.code, cohort.code, status)
    if refusal is not None:
        raise ValidationError(refusal, code="not-approved")


def _sync_places(
    study: Study, model: type[PlaceT], wanted: dict[str, str], kind: str
) -> dict[str, PlaceT]:
    existing = {row.code: row for row in model.objects.filter(study=study)}
    removed = [existing[code] for code in sorted(set(existing) - set(wanted))]
    in_use = [row.code for row in removed if row.participants.exists()]
    if in_use:
        raise ValidationError(
            f"the file removes {kind} {', '.join(in_use)}, which already "
            f"{'has' if len(in_use) == 1 else 'have'} participants: keep "
            f"{'it' if len(in_use) == 1 else 'them'} in the file",
            code="in-use",
        )
    for row in removed:
        row.delete()
    rows: dict[str, PlaceT] = {}
    for code, name in wanted.items():
        row = existing.get(code) or model(study=study, code=code)
        if row.pk is None or row.name != name:
            row.name = name
            row.full_clean()
            row.save()
        rows[code] = row
    return rows


def load_study(*, by: AnyUser | None, definition: StudyDefinition) -> tuple[Study, bool]:
    """Create or update the study named by the definition's slug, to match it exactly."""
    with transaction.atomic():
        study = Study.objects.select_for_update().filter(slug=definition.slug).first()
        created = study is None
        if study is None:
            study = Study(slug=definition.slug)
        study.title = definition.title
        study.period_start = definition.period_start
        study.period_end = definition.period_end
        study.methods = list(definition.methods)
        if definition.information_sheet_version is not None:
            study.information_sheet_version = definition.information_sheet_version
        if definition.disclosure_threshold is not None:
            study.disclosure_threshold = definition.disclosure_threshold
        study.source_digest = definition.digest
        study.full_clean()
        study.save()
        sites = _sync_places(study, Site, {s.code: s.name for s in definition.sites}, "site")
        cohorts = _sync_places(
            study, Cohort, {c.code: c.name for c in definition.cohorts}, "cohort"
        )
        Approval.objects.filter(study=study).delete()
        Approval.objects.bulk_create(
            Approval(
                study=study,
                site=sites[a.site],
                cohort=cohorts[a.cohort],
                status=a.status,
                committee=a.committee,
                reference=a.reference,
            )
            for a in definition.approvals
        )
        CohortInstrument.objects.filter(cohort__study=study).delete()
        for cohort_code, keys in definition.instruments:
            for code, version in keys:
                CohortInstrument.objects.create(
                    cohort=cohorts[cohort_code],
                    instrument_version=InstrumentVersion.objects.get(code=code, version=version),
                )
        audit.record(
            actor=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=study,
            detail={
                "sites": len(sites),
                "cohorts": len(cohorts),
                "approvals": len(definition.approvals),
                "digest": definition.digest,
            },
        )
    return study, created


def _lock(study: Study) -> Study:
    return Study.objects.select_for_update().get(pk=study.pk)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large file is checked and written.

    An import makes hundreds of thousands of short-lived, acyclic objects (rows, lines, ids);
    the collector would otherwise walk every long-lived one again and again (a quarter of the
    time). Reference counting still frees them as usual; the collector resumes after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _batches(items: Iterable[LineT]) -> Iterator[list[LineT]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


# A participant to register: (code, digest of the code, site, cohort, method, team type).
NewParticipant = tuple[str, str, Site, Cohort, str, str]


class Registrar:
    """Registers a file's new participants batch by batch, with fresh pseudonyms.

    Pseudonyms are numbered in a random order over the whole file (not batch by batch), so a
    pseudonym says nothing about where its person stood in the file. Each code is stored as the
    digest given with it and sealed with the pseudonym key, never as it is.
    """

    def __init__(self, study: Study, new: int) -> None:
        self.study = study
        start = Participant.objects.filter(study=study).count()
        self.numbers = array.array("L", range(start + 1, start + new + 1))
        random.SystemRandom().shuffle(self.numbers)
        self.used = 0
        self.approved: set[tuple[int, int]] = set()
        self.seal = pseudonym_key.keyring().seal

    def create(self, new: Sequence[NewParticipant]) -> dict[str, int]:
        """Insert new participants; returns their ids by the digest of their code."""
        seal = self.seal
        return self.create_sealed(
            [
                (seal(code), digest, site, cohort, method, team)
                for code, digest, site, cohort, method, team in new
            ]
        )

    def create_sealed(self, new: Sequence[NewParticipant]) -> dict[str, int]:
        """As `create`, for codes already sealed (a paper keying holds its code sealed)."""
        for site, cohort in {(s.pk, c.pk): (s, c) for _, _, s, c, _, _ in new}.values():
            if (site.pk, cohort.pk) not in self.approved:
                require_approval(study=self.study, site=site, cohort=cohort)
                self.approved.add((site.pk, cohort.pk))
        numbers = self.numbers[self.used : self.used + len(new)]
        self.used += len(new)
        _insert(
            Participant,
            (
                "study",
                "code_sealed",
                "code_digest",
                "pseudonym",
                "site",
                "cohort",
                "method",
                "team_type",
            ),
            [
                (self.study.pk, sealed, digest, f"P-{n:04d}", site.pk, cohort.pk, method, team)
                for n, (sealed, digest, site, cohort, method, team) in zip(
                    numbers, new, strict=True
                )
            ],
            withdrawn_at=None,
            keep_data_on_withdrawal=True,
        )
        return _ids(self.study, [digest for _, digest, *_ in new])


def _insert(
    model: type[Participant | Response],
    fields: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    **fixed: Any,
) -> None:
    """Insert many rows with one prepared statement: what bulk_create does, without building
    and preparing a model instance per row (which is most of a large import's time).

    `rows` hold values the database takes as they are (text, numbers, ids); `fixed` are the
    same on every row; a `created_at` is set to now. Saves send no signals, as bulk_create.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    extra = (*fixed.values(), now)
    column = {field.name: str(field.column) for field in opts.concrete_fields}
    columns = [column[name] for name in (*fields, *fixed, "created_at")]
    quote = connection.ops.quote_name
    # Only names from the model's own metadata are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*row, *extra) for row in rows])


def _ids(study: Study, digests: Sequence[str]) -> dict[str, int]:
    """Participant ids by the digest of their code.

    Unordered: sorting by the model's ordering (pseudonym) would make the database walk the
    whole study for every batch instead of looking each digest up in the unique index.
    """
    return dict(
        Participant.objects.filter(study=study, code_digest__in=digests)
        .order_by()
        .values_list("code_digest", "pk")
    )


@dataclass(frozen=True)
class ImportResult:
    rows: int
    participants_created: int
    responses_created: int = 0
    responses_replaced: int = 0
    responses_unchanged: int = 0


def import_participants(
    *,
    by: AnyUser | None,
    study: Study,
    data: bytes | IO[bytes],
    filename: str,
    progress: imports.Progress | None = None,
) -> ImportResult:
    """Register the participants in a file, all or none (ImportRejected lists every problem).

    A participant already registered at the same site and cohort is left as they are. `data`
    is the file's bytes or a seekable binary file. The whole file is checked before anything
    is written; then it is read again and written in batches, in the same transaction.
    """
    table = imports.read_table(data, filename=filename)
    with _no_cycle_collection(), transaction.atomic():
        study = _lock(study)
        context = queries.import_context(study)
        rows = new_count = 0
        for line in imports.participant_lines(table, context, progress=progress):
            rows += 1
            new_count += line.digest not in context.known
        sites = {s.code: s for s in study.sites.all()}
        cohorts = {c.code: c for c in study.cohorts.all()}
        registrar = Registrar(study, new_count)
        for batch in _batches(imports.participant_lines(table, context)):
            registrar.create(
                [
                    (
                        line.code,
                        line.digest,
                        sites[line.site],
                        cohorts[line.cohort],
                        line.method,
                        line.team_type,
                    )
                    for line in batch
                    if line.digest not in context.known
                ]
            )
        result = ImportResult(rows=rows, participants_created=registrar.used)
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            object_type="evaluation.participant",
            detail={"study": study.slug, "import": "participants", **result.__dict__},
        )
    return result


def import_responses(
    *,
    by: AnyUser | None,
    study: Study,
    cohort_code: str,
    instrument_code: str,
    data: bytes | IO[bytes],
    filename: str,
    progress: imports.Progress | None = None,
) -> ImportResult:
    """Import one cohort's answers to one instrument, all or none.

    A new participant is registered; a known one is matched by its code's digest. Each
    participant holds one imported response per instrument version: importing again replaces its
    answers when they differ and leaves it alone when they do not, so the same file twice
    changes nothing.
    `data` is the file's bytes or a seekable binary file. The whole file is checked before
    anything is written; then it is read again and written in batches, in the same transaction.
    """
    cohort = Cohort.objects.filter(study=study, code=cohort_code).first()
    if cohort is None:
        listed = ", ".join(study.cohorts.values_list("code", flat=True))
        raise imports.ImportRejected(
            [imports.RowProblem(None, None, cohort_code, f"no such cohort (cohorts: {listed})")]
        )
    link = (
        CohortInstrument.objects.filter(cohort=cohort, instrument_version__code=instrument_code)
        .select_related("instrument_version")
        .order_by("-instrument_version__loaded_at")
        .first()
    )
    if link is None:
        listed = ", ".join(
            CohortInstrument.objects.filter(cohort=cohort).values_list(
                "instrument_version__code", flat=True
            )
        )
        raise imports.ImportRejected(
            [
                imports.RowProblem(
                    None,
                    None,
                    instrument_code,
                    f"cohort {cohort_code} does not complete this instrument "
                    f"(it completes: {listed or 'none'})",
                )
            ]
        )
    version = link.instrument_version
    instrument = version.instrument()
    table = imports.read_table(data, filename=filename)
    with _no_cycle_collection(), transaction.atomic():
        study = _lock(study)
        context = queries.import_context(study)
        rows = new_count = 0
        for line in imports.response_lines(
            table, context, cohort=cohort_code, instrument=instrument, progress=progress
        ):
            rows += 1
            new_count += line.digest not in context.known
        sites = {s.code: s for s in study.sites.all()}
        registrar = Registrar(study, new_count)
        created = replaced = unchanged = 0
        lines = imports.response_lines(table, context, cohort=cohort_code, instrument=instrument)
        for batch in _batches(lines):
            known = [line.digest for line in batch if line.digest in context.known]
            ids = _ids(study, known) if known else {}
            ids.update(
                registrar.create(
                    [
                        (line.code, line.digest, sites[line.site], cohort, line.method, "")
                        for line in batch
                        if line.digest not in context.known
                    ]
                )
            )
            existing = (
                {
                    participant: (pk, answers)
                    for participant, pk, answers in Response.objects.filter(
                        participant_id__in=[ids[digest] for digest in known],
                        instrument_version=version,
                        source=ResponseSource.IMPORT,
                    )
                    .order_by()
                    .values_list("participant_id", "pk", "answers")
                }
                if known
                else {}
            )
            to_create: list[tuple[Any, ...]] = []
            to_update: list[Response] = []
            for line in batch:
                answers = dict(line.answers)
                held = existing.get(ids[line.digest])
                if held is None:
                    to_create.append((ids[line.digest], version.pk, ResponseSource.IMPORT, answers))
                elif held[1] != answers:
                    to_update.append(Response(pk=held[0], answers=answers))
                else:
                    unchanged += 1
            connection = connections[router.db_for_write(Response)]
            encoder = Response._meta.get_field("answers").encoder
            _insert(
                Response,
                ("participant", "instrument_version", "source", "answers"),
                [(*row[:3], connection.ops.adapt_json_value(row[3], encoder)) for row in to_create],
            )
            Response.objects.bulk_update(to_update, ["answers"], batch_size=BATCH)
            created += len(to_create)
            replaced += len(to_update)
        result = ImportResult(
            rows=rows,
            participants_created=registrar.used,
            responses_created=created,
            responses_replaced=replaced,
            responses_unchanged=unchanged,
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            object_type="evaluation.response",
            detail={
                "study": study.slug,
                "cohort": cohort_code,
                "instrument": f"{version.code} {version.version}",
                **result.__dict__,
            },
        )
    return result


def record_consent(
    *,
    by: AnyUser | None,
    participant: Participant,
    purpose: ConsentPurpose,
    given: bool,
    information_sheet_version: str,
    date: datetime.date,
) -> Consent:
    """Record (or change) the person's answer for one purpose."""
    with transaction.atomic():
        consent = Consent.objects.filter(participant=participant, purpose=purpose).first()
        created = consent is None
        if consent is None:
            consent = Consent(participant=participant, purpose=purpose)
        consent.given = given
        consent.information_sheet_version = information_sheet_version
        consent.date = date
        return save_audited(
            consent,
            by=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            fields=["given", "information_sheet_version", "date"],
        )


def withdraw_participant(
    *, by: AnyUser | None, participant: Participant, keep_data: bool
) -> Participant:
    """Leave the person out of every analysis from now on; erase their answers if they chose.

    The participant row stays (without it the person could be imported again by mistake).
    """
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.withdrawn_at is not None:
            raise ValidationError("This participant has already withdrawn.", code="withdrawn")
        erased = 0
        if not keep_data:
            erased, _ = Response.objects.filter(participant=participant).delete()
        participant.withdrawn_at = timezone.now()
        participant.keep_data_on_withdrawal = keep_data
        save_audited(
            participant,
            by=by,
            action=AuditAction.UPDATE,
            fields=["withdrawn_at", "keep_data_on_withdrawal"],
        )
        audit.record(
            actor=by,
            action=AuditAction.DELETE if erased else AuditAction.UPDATE,
            obj=participant,
            detail={"withdrawn": True, "keep_data": keep_data, "responses_erased": erased},
        )
    return participant


def add_study_member(
    *, by: AnyUser | None, study: Study, user: Any, may_see_identifiers: bool = False
) -> StudyMember:
    """Let an evaluator work on this study (or change whether they may see identifiers).

    Identifiers are participant codes, opened with the pseudonym key: only someone who holds the
    administrator role may be allowed them.
    """
    if may_see_identifiers and not has_permission(user, Permission.OPEN_PARTICIPANT_CODES):
        raise ValidationError(
            {
                "may_see_identifiers": ValidationError(
                    f"{user} cannot be allowed identifiers: participant codes are opened with "
                    "the pseudonym key, which only administrators may read.",
                    code="not-administrator",
                )
            }
        )
    with transaction.atomic():
        member = StudyMember.objects.filter(study=study, user=user).first()
        created = member is None
        if member is None:
            member = StudyMember(study=study, user=user)
        member.may_see_identifiers = may_see_identifiers
        return save_audited(
            member,
            by=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            fields=["may_see_identifiers"],
        )


def remove_study_member(*, by: AnyUser | None, study: Study, user: Any) -> None:
    with transaction.atomic():
        member = StudyMember.objects.filter(study=study, user=user).first()
        if member is None:
            raise ValidationError(f"{user} is not a member of {study.slug}.", code="not-member")
        audit.record(actor=by, action=AuditAction.DELETE, obj=member, detail={"study": study.slug})
        member.delete()
