"""Sign-in throttling: too many failures for one username, or from one address, lock it a while.

Counts live in the database (`SignInThrottle`) so that every app process sees the same numbers.
A count runs in a window that starts at the first failure; reaching the limit within the window
locks the username (or address) until `ALONGSIDE_SIGNIN_LOCK_SECONDS` later. Nothing counted is
stored in clear: rows and audit records hold a keyed hash.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alongside.core import audit
from alongside.core.models import AuditAction, SignInThrottle

Kind = SignInThrottle.Kind


def keyed_hash(kind: str, value: str) -> str:
    """A hash of what is counted that cannot be reversed by guessing without the secret key."""
    message = f"{kind}:{value.strip().casefold()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _limit(kind: str) -> int:
    if kind == Kind.ADDRESS:
        return int(settings.ALONGSIDE_SIGNIN_ADDRESS_FAILURES)
    return int(settings.ALONGSIDE_SIGNIN_FAILURES)


def _period() -> timedelta:
    return timedelta(seconds=int(settings.ALONGSIDE_SIGNIN_LOCK_SECONDS))


def lock_minutes() -> int:
    """How long a lock lasts, in whole minutes (at least one), for the page that says so."""
    return max(1, -(-int(_period().total_seconds()) // 60))


@dataclass(frozen=True)
class Attempt:
    """What sign-in is about to be tried: the username typed and the client's address."""

    username: str
    address: str | None

    def counted(self) -> list[tuple[str, str]]:
        keys: list[tuple[str, str]] = []
        if self.username.strip():
            keys.append((Kind.USERNAME, keyed_hash(Kind.USERNAME, self.username)))
        if self.address:
            keys.append((Kind.ADDRESS, keyed_hash(Kind.ADDRESS, self.address)))
        return keys


def locked_until(attempt: Attempt, *, now: datetime | None = None) -> datetime | None:
    """When the latest lock on this username or address ends, or None if neither is locked."""
    now = now or timezone.now()
    ends = [
        row.locked_until
        for kind, key in attempt.counted()
        for row in SignInThrottle.objects.filter(kind=kind, key=key, locked_until__gt=now)
        if row.locked_until is not None
    ]
    return max(ends, default=None)


def record_failure(attempt: Attempt, *, now: datetime | None = None) -> list[str]:
    """Count one failure against the username and the address; return the kinds just locked.

    Each lock that starts is audited with the hash of what was locked, never the username.
    Runs in the caller's transaction (rows are locked so concurrent failures all count).
    """
    now = now or timezone.now()
    newly_locked = []
    with transaction.atomic():
        _forget_stale(now)
        for kind, key in attempt.counted():
            row, _ = SignInThrottle.objects.select_for_update().get_or_create(
                kind=kind, key=key, defaults={"window_started_at": now}
            )
            if row.locked_until is not None and row.locked_until > now:
                continue
            if now - row.window_started_at >= _period() or row.locked_until is not None:
                row.failures, row.window_started_at, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= _limit(kind):
                row.locked_until = now + _period()
                newly_locked.append(kind)
                audit.record(
                    actor=None,
                    action=AuditAction.LOGIN_FAILED,
                    object_type="session",
                    detail={
                        "reason": "locked-out",
                        "locked": str(kind),
                        "key": key[:16],
                        "failures": row.failures,
                        "minutes": lock_minutes(),
                    },
                )
            row.save()
    return newly_locked


def _forget_stale(now: datetime) -> None:
    """Drop counts whose window and lock are long over, so the table stays small."""
    stale = now - 2 * _period()
    SignInThrottle.objects.filter(window_started_at__lt=stale).exclude(
        locked_until__gt=now
    ).delete()


def clear_username(username: str) -> None:
    """Forget the failures of a username after it signs in successfully."""
    SignInThrottle.objects.filter(
        kind=Kind.USERNAME, key=keyed_hash(Kind.USERNAME, username)
    ).delete()
