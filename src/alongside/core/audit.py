"""Write and verify the audit trail.

`record` must run inside the transaction of the change it records, so that the change and its
audit record commit or roll back together. Chain hashes make tampering detectable: each event's
hash covers its own fields and the previous event's hash.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from alongside.core.models import AuditAction, AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64

# The client address of the request being served, set by RequestContextMiddleware.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "alongside_current_ip", default=None
)


def object_type_of(obj: models.Model | type[models.Model]) -> str:
    return str(obj._meta.label_lower)


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The chain hash of one event: SHA-256 over the previous hash and canonical JSON."""
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "ip_address": event.ip_address,
        "detail": event.detail,
    }


def record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the trail, in the caller's transaction.

    Give either `obj`, or `object_type` (an app label and model, or a name such as "session")
    with an optional `object_id`. `detail` must never hold personal data: field names, counts and
    reasons only.
    """
    if obj is not None:
        object_type, object_id = object_type_of(obj), obj.pk
    if not object_type:
        raise ValueError("An audit event needs an object or an object type.")
    authenticated = actor is not None and actor.is_authenticated
    with transaction.atomic():
        # The head row comes from a migration; it is re-made only if a database flush (as in
        # transactional tests) emptied the table. Re-made over surviving events, it starts at
        # the genesis hash again, which `verify` reports as a broken link.
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        event = AuditEvent(
            at=timezone.now(),
            actor_id=actor.pk if authenticated and actor is not None else None,
            actor_label=actor.get_username() if authenticated and actor is not None else "",
            action=action,
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            ip_address=current_ip.get(),
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event.prev_hash, _hashed_fields(event))
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


def record_list_view(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    model: type[models.Model],
    ids: list[Any],
    listing: str,
) -> AuditEvent | None:
    """Audit a page that shows several records' personal data: which list, which records.

    Nothing is written for an empty list: no personal data was shown.
    """
    if not ids:
        return None
    return record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=object_type_of(model),
        detail={"list": listing, "ids": [str(i) for i in ids], "count": len(ids)},
    )


@dataclass(frozen=True)
class Breach:
    """Where the chain stops being trustworthy, and why."""

    event_id: int | None
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    breaches: tuple[Breach, ...]

    @property
    def ok(self) -> bool:
        return not self.breaches


def _events_in_order(batch_size: int = 2000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def verify() -> VerifyResult:
    """Recompute every hash in order; report each event whose content or link does not match."""
    breaches: list[Breach] = []
    expected_prev = GENESIS_HASH
    checked = 0
    for event in _events_in_order():
        checked += 1
        if event.prev_hash != expected_prev:
            breaches.append(
                Breach(event.id, "does not follow the event before it (one was removed or edited)")
            )
        if event_hash(event.prev_hash, _hashed_fields(event)) != event.hash:
            breaches.append(Breach(event.id, "its content does not match its hash (it was edited)"))
        expected_prev = event.hash
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead(last_hash=GENESIS_HASH)
    if head.count != checked or head.last_hash != expected_prev:
        breaches.append(
            Breach(
                None,
                f"the chain head expects {head.count} events ending in {head.last_hash[:12]}, "
                f"found {checked} ending in {expected_prev[:12]} (events were removed)",
            )
        )
    return VerifyResult(checked=checked, breaches=tuple(breaches))
