"""Writes of the reports app: narrative sections and report builds, each audited."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.core.records import EditConflict, save_audited, update_versioned
from alongside.evaluation.models import Study
from alongside.reports.assembly import NARRATIVE_SECTIONS
from alongside.reports.models import BuildFormat, BuildStatus, NarrativeSection, ReportBuild

AnyUser = AbstractBaseUser | AnonymousUser
MAX_NARRATIVE = 20_000


@transaction.atomic
def save_narrative(
    *, by: AnyUser, study: Study, key: str, text: str, expected_version: int
) -> NarrativeSection:
    """Write one narrative section; `expected_version` is the version the writer started from
    (0 for a section not written yet), so that two editors cannot overwrite each other."""
    if key not in NARRATIVE_SECTIONS:
        raise ValidationError(f"No report section {key!r}.")
    if len(text) > MAX_NARRATIVE:
        raise ValidationError(f"A section holds at most {MAX_NARRATIVE} characters.")
    existing = NarrativeSection.objects.filter(study=study, key=key).first()
    if existing is None:
        if expected_version != 0:
            raise EditConflict
        section = NarrativeSection(study=study, key=key, text=text, updated_by_id=by.pk)
        return save_audited(section, by=by, action=AuditAction.CREATE, fields=["key", "text"])
    return update_versioned(
        existing,
        by=by,
        expected_version=expected_version,
        changes={"text": text, "updated_by_id": by.pk},
    )


@transaction.atomic
def request_build(*, by: AnyUser, study: Study, fmt: str, suppressed: bool) -> ReportBuild:
    """Queue a build of the study's report in one format."""
    if by.pk is None:
        raise ValidationError("Only a signed-in person can ask for a report build.")
    build = ReportBuild(
        study=study,
        requested_by_id=by.pk,
        format=BuildFormat(fmt),
        suppressed=suppressed,
        status=BuildStatus.QUEUED,
    )
    return save_audited(
        build, by=by, action=AuditAction.CREATE, fields=["format", "suppressed"], validate=False
    )


def set_build_progress(*, build_id: int, progress: int, step: str) -> None:
    """Move a build's progress bar. Not audited: a progress tick is not an event about data;
    the request and the finished export are."""
    ReportBuild.objects.filter(pk=build_id).update(
        status=BuildStatus.RUNNING, progress=max(0, min(progress, 100)), step=step[:100]
    )


@transaction.atomic
def finish_build(*, build_id: int, content: bytes, digest: str, seconds: float) -> ReportBuild:
    """Store the built file; the export is audited as made for whoever asked for it."""
    build = ReportBuild.objects.select_related("requested_by").get(pk=build_id)
    ReportBuild.objects.filter(pk=build_id).update(
        status=BuildStatus.DONE,
        progress=100,
        step="Ready",
        content=content,
        digest=digest,
        seconds=seconds,
        finished_at=timezone.now(),
    )
    audit.record(
        actor=build.requested_by,
        action=AuditAction.EXPORT,
        obj=build.study,
        detail={"format": f"report-{build.format}", "suppressed": build.suppressed},
    )
    build.refresh_from_db()
    return build


@transaction.atomic
def fail_build(*, build_id: int, reason: str) -> None:
    ReportBuild.objects.filter(pk=build_id).update(
        status=BuildStatus.FAILED, step=reason[:100], finished_at=timezone.now()
    )
    audit.record(
        actor=None,
        action=AuditAction.UPDATE,
        object_type="reports.reportbuild",
        object_id=build_id,
        detail={"fields": ["status"]},
    )
