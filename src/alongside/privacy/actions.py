"""Answering data subject requests: export, erase, anonymise, withdraw; applying retention.

Each function is one transaction and writes its audit record in it. Audit details hold the
request reference, record types and counts, never what the records said.
"""

from __future__ import annotations

import datetime as dt
import graphlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.evaluation import pseudonym_key
from alongside.evaluation.access import open_codes_for_user
from alongside.evaluation.actions import withdraw_participant
from alongside.evaluation.models import Participant
from alongside.evaluation.pseudonym_key import PseudonymKeyError
from alongside.organisation.models import Person
from alongside.practice import rollups
from alongside.practice.models import ServiceUser
from alongside.privacy import export, retention
from alongside.privacy.walker import Found, collect
from alongside.qualitative.models import Coding, Segment, Source, Speaker

AnyUser = AbstractBaseUser | AnonymousUser
ERASED = "Erased"
ERASED_TEXT = "[erased]"
# Fields that hold a person's name: anonymising writes "Erased" there instead of a blank.
NAME_FIELDS = frozenset({"preferred_name", "given_name", "family_name"})
REFERENCE_MAX = 200


def _reference(request_reference: str) -> str:
    text = " ".join(request_reference.split())
    if not text:
        raise ValidationError(
            {"request_reference": "Give the reference of the request this answers."},
            code="required",
        )
    if len(text) > REFERENCE_MAX:
        raise ValidationError(
            {"request_reference": f"Keep the reference under {REFERENCE_MAX} characters."},
            code="max_length",
        )
    return text


@dataclass(frozen=True)
class Export:
    name: str
    json_bytes: bytes
    pdf_bytes: bytes
    counts: dict[str, int]

    def zip_bytes(self) -> bytes:
        return export.export_zip(self.name, self.json_bytes, self.pdf_bytes)


def export_subject(*, by: AnyUser | None, subject: models.Model, request_reference: str) -> Export:
    """Everything held about a service user, participant or person, audited as an export."""
    reference = _reference(request_reference)
    with transaction.atomic():
        found = collect(subject)
        data = export.export_data(found, request_reference=reference)
        try:
            sealed = export.sealed_codes(data["records"])
            codes = open_codes_for_user(by, sealed) if sealed else {}
        except PseudonymKeyError as error:
            raise ValidationError(
                f"The participant's code cannot be opened, so nothing was exported. {error}",
                code="pseudonym-key",
            ) from error
        export.reveal_codes(data["records"], codes)
        made = Export(
            name=export.subject_name(subject),
            json_bytes=export.export_json(data),
            pdf_bytes=export.export_pdf(found, data),
            counts=found.counts(),
        )
        audit.record(
            actor=by,
            action=AuditAction.EXPORT,
            obj=subject,
            detail={
                "request": "subject-access",
                "request_reference": reference,
                "format": "json+pdf",
                "counts": made.counts,
            },
        )
    return made


def _deletion_order(models_found: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """Models in an order that deletes every row before the rows it points at."""
    present = set(models_found)
    order: graphlib.TopologicalSorter[type[models.Model]] = graphlib.TopologicalSorter()
    for model in present:
        order.add(model)
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if target in present and target is not model:
                order.add(target, model)  # `model` points at `target`: delete `model` first
    return list(order.static_order())


def _delete_found(found: Found) -> dict[str, int]:
    counts: dict[str, int] = {}
    try:
        for model in _deletion_order(found.models()):
            pks = found.pks(model)
            model._default_manager.filter(pk__in=pks).delete()
            counts[model._meta.label_lower] = len(pks)
    except ProtectedError as error:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise ValidationError(
            "Other records still point at this person's records, so nothing was erased: "
            f"{', '.join(kinds)}. Anonymise instead, or ask a developer.",
            code="protected",
        ) from error
    return counts


def blank_value(field: models.Field[Any, Any], value: Any) -> Any:
    """What an anonymised personal field keeps: dates to the month, names "Erased", no text."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if isinstance(field, models.DateField):
        return value.replace(day=1)
    if field.name in NAME_FIELDS:
        return ERASED
    if isinstance(field, models.CharField | models.TextField):
        return ""
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.JSONField):
        default = field.get_default()
        return type(default)() if isinstance(default, dict | list) else {}
    if field.null:
        return None
    # A number that cannot be empty (a goal's 0-10 rating) stays: alone it identifies nobody.
    return value


def _anonymise_row(obj: models.Model, extra: dict[str, Any] | None = None) -> bool:
    personal: frozenset[str] = getattr(type(obj), "PERSONAL_FIELDS", frozenset())
    changes: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name not in personal:
            continue
        value = getattr(obj, f.attname)
        blank = blank_value(f, value)
        if blank != value:
            changes[f.attname] = blank
    changes.update(extra or {})
    if not changes:
        return False
    if any(f.name == "version" for f in obj._meta.concrete_fields):
        changes["version"] = models.F("version") + 1  # an open edit form now finds a conflict
    type(obj)._default_manager.filter(pk=obj.pk).update(**changes)
    return True


def _close_login(person: Person) -> None:
    """The person's login can no longer be used, and keeps nothing that names them."""
    if person.user_id is None:
        return
    user_model = get_user_model()
    user = user_model._default_manager.get(pk=person.user_id)
    user.set_unusable_password()
    user_model._default_manager.filter(pk=user.pk).update(
        password=user.password,
        is_active=False,
        username=f"erased-{user.pk}",
        first_name="",
        last_name="",
        email="",
    )


def _erase_login(person: Person | None) -> int:
    if person is None or person.user_id is None:
        return 0
    user_model = get_user_model()
    try:
        deleted, _ = user_model._default_manager.filter(pk=person.user_id).delete()
    except ProtectedError:
        _close_login(person)
        return 0
    return 1 if deleted else 0


def _locked_service_user(service_user: ServiceUser) -> ServiceUser:
    return ServiceUser.objects.select_for_update().get(pk=service_user.pk)


def _erase_service_user_rows(subject: ServiceUser) -> dict[str, int]:
    login = subject.person
    counts = _delete_found(collect(subject))
    if login is not None:
        counts["auth.user"] = _erase_login(login)
    return counts


def _anonymise_service_user_rows(subject: ServiceUser) -> dict[str, int]:
    extra = {subject.pk: {"reference": f"ERASED-{subject.pk}", "key_clinician": None}}
    counts = anonymise_found(collect(subject), extra={ServiceUser: extra})
    if subject.person is not None:
        _close_login(subject.person)
    return counts


def erase_service_user(
    *, by: AnyUser | None, service_user: ServiceUser, request_reference: str
) -> dict[str, int]:
    """Delete every record held about the service user, their own login included."""
    reference = _reference(request_reference)
    with transaction.atomic():
        subject = _locked_service_user(service_user)
        # Deletes send signals that recount the report rollups; count once, at the end.
        with rollups.deferred():
            counts = _erase_service_user_rows(subject)
        audit.record(
            actor=by,
            action=AuditAction.DELETE,
            object_type=subject._meta.label_lower,
            object_id=subject.pk,
            detail={"request": "erase", "request_reference": reference, "counts": counts},
        )
    return counts


def anonymise_service_user(
    *, by: AnyUser | None, service_user: ServiceUser, request_reference: str
) -> dict[str, int]:
    """Blank everything personal but keep the records, so that programme figures still count.

    Names become "Erased", text and notes are emptied, dates keep only their month, answers
    and scores are removed; the reference is replaced so it cannot be matched elsewhere, and
    the person's own login is closed.
    """
    reference = _reference(request_reference)
    with transaction.atomic():
        subject = _locked_service_user(service_user)
        # Bulk updates send no signals, and moved dates move the rollups' buckets.
        with rollups.tracking_service_user(subject.pk):
            counts = _anonymise_service_user_rows(subject)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=subject,
            detail={"request": "anonymise", "request_reference": reference, "counts": counts},
        )
    return counts


def anonymise_found(
    found: Found, *, extra: dict[type[models.Model], dict[Any, dict[str, Any]]] | None = None
) -> dict[str, int]:
    """Blank the personal fields of every row found; `extra` sets more fields on given rows."""
    extra = extra or {}
    counts: dict[str, int] = {}
    for model in found.models():
        more = extra.get(model, {})
        changed = sum(_anonymise_row(obj, more.get(obj.pk)) for obj in found.rows[model].values())
        if changed:
            counts[model._meta.label_lower] = changed
    return counts


def placeholder(span: str) -> str:
    """Text of the same length (in code points) as `span`, saying it was erased.

    Line ends stay where they were, so that a source's lines and every offset stay valid.
    """
    out = []
    filler = 0
    for char in span:
        if char == "\n":
            out.append(char)
            filler = 0
        else:
            out.append(ERASED_TEXT[filler % len(ERASED_TEXT)])
            filler += 1
    return "".join(out)


def erase_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = placeholder(text[start:end])
    return "".join(chars)


def _overlapping(spans: list[tuple[int, int]]) -> models.Q:
    condition = models.Q(pk__in=[])
    for start, end in spans:
        condition |= models.Q(start__lt=end, end__gt=start)
    return condition


def _erase_qualitative(participant: Participant) -> dict[str, int]:
    """Replace what the participant said with placeholders of the same length; remove the
    codings of those words. Everyone else's offsets, segments and codings stay valid."""
    counts = {"qualitative.segment": 0, "qualitative.coding": 0, "qualitative.speaker": 0}
    speakers = list(Speaker.objects.filter(participant=participant))
    segments = Segment.objects.filter(speaker__in=speakers).order_by("source", "start")
    by_source: dict[int, list[tuple[int, int]]] = {}
    for segment in segments:
        by_source.setdefault(segment.source_id, []).append((segment.start, segment.end))
        counts["qualitative.segment"] += 1
    for source in Source.objects.select_for_update().filter(pk__in=by_source):
        spans = by_source[source.pk]
        Source.objects.filter(pk=source.pk).update(text=erase_spans(source.text, spans))
        codings = Coding.objects.filter(source=source).filter(
            _overlapping(spans) | models.Q(segment__speaker__in=speakers)
        )
        _, per_model = codings.delete()
        counts["qualitative.coding"] += per_model.get("qualitative.Coding", 0)
    for speaker in speakers:
        Speaker.objects.filter(pk=speaker.pk).update(label=f"{ERASED} {speaker.pk}")
        counts["qualitative.speaker"] += 1
    return counts


def erase_participant(
    *, by: AnyUser | None, participant: Participant, request_reference: str
) -> dict[str, int]:
    """Delete the participant's answers, consents, links and paper forms; erase their words.

    The participant row stays under its pseudonym, withdrawn, with its code replaced (digest
    and sealed copy of `erased-<id>`), so that the study's counts of withdrawals stay true and
    nothing links it back to the person.
    """
    reference = _reference(request_reference)
    with transaction.atomic():
        subject = Participant.objects.select_for_update().get(pk=participant.pk)
        counts = _erase_qualitative(subject)
        found = collect(subject)
        kept = {Participant, Speaker, Segment}
        for model in _deletion_order(m for m in found.models() if m not in kept):
            pks = found.pks(model)
            model._default_manager.filter(pk__in=pks).delete()
            label = model._meta.label_lower
            counts[label] = counts.get(label, 0) + len(pks)
        ring = pseudonym_key.keyring()
        erased = f"erased-{subject.pk}"
        Participant.objects.filter(pk=subject.pk).update(
            code_digest=ring.digest(erased),
            code_sealed=ring.seal(erased),
            withdrawn_at=subject.withdrawn_at or timezone.now(),
            keep_data_on_withdrawal=False,
        )
        audit.record(
            actor=by,
            action=AuditAction.DELETE,
            obj=subject,
            detail={"request": "erase", "request_reference": reference, "counts": counts},
        )
    return counts


def withdraw_participant_on_request(
    *, by: AnyUser | None, participant: Participant, keep_data: bool, request_reference: str
) -> Participant:
    """The study's own withdrawal, made by an administrator answering a request."""
    reference = _reference(request_reference)
    with transaction.atomic():
        withdrawn = withdraw_participant(by=by, participant=participant, keep_data=keep_data)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=withdrawn,
            detail={"request": "withdraw", "request_reference": reference, "keep_data": keep_data},
        )
    return withdrawn


def apply_retention(
    *, by: AnyUser | None, dry_run: bool, today: dt.date | None = None
) -> list[retention.Outcome]:
    """Apply every retention rule (or, dry, count what it would touch); one audit record."""
    today = today or timezone.localdate()
    rules = retention.configured_rules()
    outcomes: list[retention.Outcome] = []
    with transaction.atomic():
        for rule in rules:
            due = rule.due(today)
            count = len(due)
            if not dry_run and count:
                _apply_rule(rule, due)
            outcomes.append(retention.Outcome(rule=rule, count=count, applied=not dry_run))
        audit.record(
            actor=by,
            action=AuditAction.UPDATE if not dry_run else AuditAction.VIEW,
            object_type="privacy.retention",
            detail={
                "dry_run": dry_run,
                "on": today.isoformat(),
                "counts": {o.rule.code: o.count for o in outcomes},
                "actions": {o.rule.code: o.rule.action for o in outcomes},
            },
        )
    return outcomes


def _apply_rule(rule: retention.Rule, due: list[Any]) -> None:
    if rule.code == retention.SERVICE_USERS:
        for service_user in due:
            if rule.action == retention.DELETE:
                _erase_service_user_rows(service_user)
            else:
                _anonymise_service_user_rows(service_user)
    elif rule.action == retention.DELETE:
        type(due[0])._default_manager.filter(pk__in=[obj.pk for obj in due]).delete()
    else:
        for obj in due:
            _anonymise_row(obj)
