"""CPD: asking to attend a course or event, deciding, and recording it done with a certificate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from alongside.core.access import AnyUser, Permission, has_permission
from alongside.core.models import AuditAction
from alongside.core.records import save_audited
from alongside.workforce.actions.common import acting_person, require
from alongside.workforce.models import CpdEvent, CpdRequest, CpdStatus

CERTIFICATE_TYPES = ("pdf", "png", "jpg", "jpeg")
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024


def find_or_add_event(
    *, by: AnyUser, title: str, provider: str, hours: Decimal, date: dt.date
) -> CpdEvent:
    """The course or event with this title, provider and date, added if it is new."""
    title, provider = title.strip(), provider.strip()
    with transaction.atomic():
        event = CpdEvent.objects.filter(title=title, provider=provider, date=date).first()
        if event is not None:
            return event
        return save_audited(
            CpdEvent(title=title, provider=provider, hours=hours, date=date),
            by=by,
            action=AuditAction.CREATE,
            fields=["title", "provider", "hours", "date"],
        )


def request_cpd(*, by: AnyUser, event: CpdEvent, reason: str = "") -> CpdRequest:
    """A peer support worker asks to attend a course or event."""
    require(by, Permission.REQUEST_CPD)
    with transaction.atomic():
        person = acting_person(by)
        if CpdRequest.objects.filter(person=person, event=event).exists():
            raise ValidationError({"event": "You have already asked to attend this."})
        return save_audited(
            CpdRequest(
                person=person,
                event=event,
                reason=reason.strip(),
                requested_on=timezone.localdate(),
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["person", "event", "status", "requested_on", "reason"],
        )


def decide_cpd(*, by: AnyUser, request: CpdRequest, approve: bool, note: str = "") -> CpdRequest:
    """Approve or decline a request: a supervisor for a supervisee, or a programme lead."""
    with transaction.atomic():
        request = CpdRequest.objects.select_for_update().get(pk=request.pk)
        if not has_permission(by, Permission.APPROVE_CPD, request):
            raise PermissionDenied
        decider = acting_person(by)
        if decider.pk == request.person_id:
            raise PermissionDenied
        if request.status != CpdStatus.REQUESTED:
            raise ValidationError("This request has already been decided.")
        if not approve and not note.strip():
            raise ValidationError({"note": "Say why, so that the person knows what would help."})
        request.status = CpdStatus.APPROVED if approve else CpdStatus.DECLINED
        request.decided_by = decider
        request.decided_on = timezone.localdate()
        request.decision_note = note.strip()
        return save_audited(
            request,
            by=by,
            action=AuditAction.UPDATE,
            fields=["status", "decided_by", "decided_on", "decision_note"],
        )


def complete_cpd(
    *, by: AnyUser, request: CpdRequest, certificate: File[Any] | None = None
) -> CpdRequest:
    """The person records that they attended, with the certificate if there is one."""
    with transaction.atomic():
        request = CpdRequest.objects.select_for_update().get(pk=request.pk)
        if not has_permission(by, Permission.REQUEST_CPD, request):
            raise PermissionDenied
        if request.status not in (CpdStatus.APPROVED, CpdStatus.COMPLETED):
            raise ValidationError("Only an approved request can be marked as attended.")
        fields = ["status"]
        if certificate is not None:
            name = certificate.name or ""
            suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix not in CERTIFICATE_TYPES:
                raise ValidationError(
                    {"certificate": "Upload the certificate as a PDF, PNG or JPEG file."}
                )
            if (certificate.size or 0) > CERTIFICATE_MAX_BYTES:
                raise ValidationError({"certificate": "The file is larger than 5 MB."})
            request.certificate.save(name, certificate, save=False)
            fields.append("certificate")
        request.status = CpdStatus.COMPLETED
        return save_audited(request, by=by, action=AuditAction.UPDATE, fields=fields)
