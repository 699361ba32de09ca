"""Writes to evaluation studies: each function is one transaction with its audit record."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.core.records import AnyUser, save_audited
from alongside.evaluation import imports, queries
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
)
from alongside.evaluation.studyfile import StudyDefinition, approval_refusal
from alongside.measures.models import InstrumentVersion

BATCH = 2000
PlaceT = TypeVar("PlaceT", Site, Cohort)


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


def _create_participants(
    study: Study, new: Sequence[tuple[str, Site, Cohort, str, str]]
) -> dict[str, int]:
    """Insert new participants with fresh pseudonyms; returns their ids by code.

    Pseudonyms are numbered in a random order, so a pseudonym says nothing about where its
    person stood in the file.
    """
    for site, cohort in {(s.pk, c.pk): (s, c) for _, s, c, _, _ in new}.values():
        require_approval(study=study, site=site, cohort=cohort)
    order = list(new)
    random.SystemRandom().shuffle(order)
    start = Participant.objects.filter(study=study).count()
    Participant.objects.bulk_create(
        (
            Participant(
                study=study,
                code=code,
                pseudonym=f"P-{start + number:04d}",
                site=site,
                cohort=cohort,
                method=method,
                team_type=team_type,
            )
            for number, (code, site, cohort, method, team_type) in enumerate(order, start=1)
        ),
        batch_size=BATCH,
    )
    codes = [code for code, *_ in new]
    ids: dict[str, int] = {}
    for offset in range(0, len(codes), BATCH):
        ids.update(
            Participant.objects.filter(
                study=study, code__in=codes[offset : offset + BATCH]
            ).values_list("code", "pk")
        )
    return ids


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
    data: bytes,
    filename: str,
    progress: imports.Progress | None = None,
) -> ImportResult:
    """Register the participants in a file, all or none (ImportRejected lists every problem).

    A participant already registered at the same site and cohort is left as they are.
    """
    table = imports.read_table(data, filename=filename)
    with transaction.atomic():
        study = _lock(study)
        lines = imports.check_participants(table, queries.import_context(study), progress=progress)
        sites = {s.code: s for s in study.sites.all()}
        cohorts = {c.code: c for c in study.cohorts.all()}
        known = set(Participant.objects.filter(study=study).values_list("code", flat=True))
        new = [
            (line.code, sites[line.site], cohorts[line.cohort], line.method, line.team_type)
            for line in lines
            if line.code not in known
        ]
        _create_participants(study, new)
        result = ImportResult(rows=len(lines), participants_created=len(new))
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
    data: bytes,
    filename: str,
    progress: imports.Progress | None = None,
) -> ImportResult:
    """Import one cohort's answers to one instrument, all or none.

    A new participant is registered; a known one is matched by code. Each participant holds
    one imported response per instrument version: importing again replaces its answers when
    they differ and leaves it alone when they do not, so the same file twice changes nothing.
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
    table = imports.read_table(data, filename=filename)
    with transaction.atomic():
        study = _lock(study)
        lines = imports.check_responses(
            table,
            queries.import_context(study),
            cohort=cohort_code,
            instrument=version.instrument(),
            progress=progress,
        )
        sites = {s.code: s for s in study.sites.all()}
        ids = dict(Participant.objects.filter(study=study).values_list("code", "pk"))
        new = [
            (line.code, sites[line.site], cohort, line.method, "")
            for line in lines
            if line.code not in ids
        ]
        ids.update(_create_participants(study, new))
        existing = {
            response.participant_id: response
            for response in Response.objects.filter(
                participant__study=study,
                instrument_version=version,
                source=ResponseSource.IMPORT,
            )
        }
        to_create, to_update, unchanged = [], [], 0
        for line in lines:
            answers = dict(line.answers)
            response = existing.get(ids[line.code])
            if response is None:
                to_create.append(
                    Response(
                        participant_id=ids[line.code],
                        instrument_version=version,
                        source=ResponseSource.IMPORT,
                        answers=answers,
                    )
                )
            elif response.answers != answers:
                response.answers = answers
                to_update.append(response)
            else:
                unchanged += 1
        Response.objects.bulk_create(to_create, batch_size=BATCH)
        Response.objects.bulk_update(to_update, ["answers"], batch_size=BATCH)
        result = ImportResult(
            rows=len(lines),
            participants_created=len(new),
            responses_created=len(to_create),
            responses_replaced=len(to_update),
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
