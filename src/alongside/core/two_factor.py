"""Two-step sign-in: an authenticator app (TOTP) and single-use recovery codes.

Who must use it (every staff role when `ALONGSIDE_REQUIRE_2FA` is on, as it always is in
production), and the actions that set it up, check a code, replace the recovery codes and remove
it. Each action is one transaction with its audit record; no secret or code is ever written to
the audit trail or a log. Recovery codes are stored only as hashes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import quote, urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from alongside.core import audit, throttle
from alongside.core.access import RoleCode, principal_for
from alongside.core.models import AuditAction

AnyUser = AbstractBaseUser | AnonymousUser

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# Accepted codes may be one 30-second step early or late, for phones whose clocks drift.
TOLERANCE_STEPS = 1


def holds_staff_role(user: AnyUser) -> bool:
    """Staff: anyone with a role other than service user, and Django staff or superusers."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return any(role != RoleCode.SERVICE_USER for role in principal_for(user).roles)


def second_factor_required(user: AnyUser) -> bool:
    return bool(settings.ALONGSIDE_REQUIRE_2FA) and holds_staff_role(user)


def authenticator_for(user: AnyUser) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def has_second_factor(user: AnyUser) -> bool:
    return (
        user.is_authenticated
        and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
    )


# Whether the signed-in user has an authenticator, remembered in their session from sign-in so
# that pages need not ask the database on every request.
SESSION_FIELD = "alongside_has_second_factor"


def remember_second_factor(request: HttpRequest, user: AnyUser | None = None) -> bool:
    user = user or request.user
    value = has_second_factor(user)
    request.session[SESSION_FIELD] = [user.pk, value]
    return value


def session_has_second_factor(request: HttpRequest) -> bool:
    """`has_second_factor` as remembered for this session (worked out if it is not)."""
    remembered = request.session.get(SESSION_FIELD)
    if isinstance(remembered, list) and len(remembered) == 2 and remembered[0] == request.user.pk:
        return bool(remembered[1])
    return remember_second_factor(request)


def remember_at_sign_in(
    sender: object, request: HttpRequest | None, user: AnyUser, **kwargs: object
) -> None:
    """Connected to `user_logged_in` (in the core app's `ready`): every way of signing in."""
    if request is not None and hasattr(request, "session"):
        remember_second_factor(request, user)


def recovery_codes_left(user: AnyUser) -> int:
    left: int = StaticToken.objects.filter(
        device__user_id=user.pk, device__confirmed=True, device__name=RECOVERY_NAME
    ).count()
    return left


# The secret, as the person sees it -----------------------------------------------------------


def new_secret() -> str:
    """A new TOTP key: 20 random bytes, hex-encoded as django-otp stores it."""
    secret: str = random_hex(20)
    return secret


def secret_for_typing(secret_hex: str) -> str:
    """The key in base32, in groups of four, for typing into an app that cannot scan."""
    text = b32encode(unhexlify(secret_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(username: str, secret_hex: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    issuer = str(settings.OTP_TOTP_ISSUER)
    params = urlencode(
        {
            "secret": b32encode(unhexlify(secret_hex)).decode().rstrip("="),
            "algorithm": "SHA1",
            "digits": 6,
            "period": 30,
        }
    )
    label = quote(f"{issuer}:{username}")
    return f"otpauth://totp/{label}?{params}&issuer={quote(issuer)}"


def qr_code_svg(data: str) -> str:
    """The QR code as an inline SVG element (no script, no style: it passes the CSP)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # Size it by its viewBox, with a name for screen readers.
    return re.sub(
        r'<svg width="[^"]*" height="[^"]*"',
        '<svg class="qr-code" width="240" height="240" role="img" '
        'aria-label="QR code for your authenticator app"',
        svg,
        count=1,
    )


def totp_step_matched(secret_hex: str, code: str) -> int | None:
    """The time step whose code this is (within the tolerance), or None."""
    digits = re.sub(r"\s+", "", code)
    if not re.fullmatch(r"\d{6}", digits):
        return None
    totp = TOTP(unhexlify(secret_hex), step=30, t0=0, digits=6, drift=0)
    if totp.verify(int(digits), tolerance=TOLERANCE_STEPS):
        return int(totp.t())
    return None


# Recovery codes -----------------------------------------------------------------------------


def _normalised(code: str) -> str:
    return re.sub(r"[^a-z0-9]", "", code.casefold())


def stored_form(code: str) -> str:
    """What the database keeps of a recovery code: a hash, so a backup holds no working code.

    Codes carry 80 random bits, so an unkeyed hash cannot be reversed by trying them all.
    """
    return hashlib.sha256(_normalised(code).encode()).hexdigest()[:16]


def new_recovery_code() -> str:
    """16 base32 characters (80 bits), shown in groups of four: `abcd-efgh-ijkl-mnop`."""
    text = b32encode(secrets.token_bytes(10)).decode().casefold()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def looks_like_recovery_code(code: str) -> bool:
    return len(_normalised(code)) == 16


def _replace_recovery_codes(user: AbstractBaseUser) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=stored_form(code)) for code in codes
    )
    return codes


def _second_factor_event(
    *, actor: AnyUser | None, user: AbstractBaseUser, event: str, action: AuditAction
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type="auth.user",
        object_id=user.pk,
        detail={"second_factor": event},
    )


# Actions ------------------------------------------------------------------------------------


def set_up_authenticator(*, user: AbstractBaseUser, secret_hex: str, code: str) -> list[str]:
    """Confirm the authenticator app with its first code; return the new recovery codes.

    Any earlier authenticator and recovery codes of the user are replaced.
    """
    step = totp_step_matched(secret_hex, code)
    if step is None:
        raise ValidationError(
            {"code": "That code did not match. Check the app shows Alongside and try again."}
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR_NAME, key=secret_hex, confirmed=True, last_t=step
        )
        codes = _replace_recovery_codes(user)
        _second_factor_event(actor=user, user=user, event="set-up", action=AuditAction.CREATE)
    return codes


def replace_recovery_codes(*, user: AbstractBaseUser) -> list[str]:
    """New recovery codes for a user with an authenticator; the old ones stop working."""
    if not has_second_factor(user):
        raise ValidationError("Set up two-step sign-in first.")
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        _second_factor_event(
            actor=user, user=user, event="recovery-codes-replaced", action=AuditAction.UPDATE
        )
    return codes


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a code typed at the second step (or to confirm a removal)."""

    device: TOTPDevice | StaticDevice | None
    method: str = ""
    locked: bool = False

    @property
    def ok(self) -> bool:
        return self.device is not None


def _matching_device(
    user: AbstractBaseUser, code: str
) -> tuple[TOTPDevice | StaticDevice | None, str]:
    if looks_like_recovery_code(code):
        static = (
            StaticDevice.objects.select_for_update()
            .filter(user_id=user.pk, confirmed=True, name=RECOVERY_NAME)
            .first()
        )
        if static is not None and static.verify_token(stored_form(code)):
            return static, "recovery-code"
        return None, ""
    totp = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=True).first()
    if totp is not None and totp.verify_token(re.sub(r"\s+", "", code)):
        return totp, "authenticator"
    return None, ""


def check_code(*, user: AbstractBaseUser, code: str, purpose: str = "sign-in") -> CheckResult:
    """Check a code from the authenticator or a recovery code.

    A passed second step of sign-in is audited (which kind of code, never the code); any other
    purpose (confirming a removal) is audited by the action that follows. A recovery code that
    matches is used up. A wrong code counts as a failed sign-in for the username (and the
    address): enough of them lock the username, and the result says so.
    """
    attempt = throttle.Attempt(username=user.get_username(), address=audit.current_ip.get())
    if throttle.locked_until(attempt) is not None:
        # Locked meanwhile (from another session, say): no code is checked until it ends.
        with transaction.atomic():
            audit.record(
                actor=user,
                action=AuditAction.LOGIN_FAILED,
                object_type="session",
                detail={"reason": "locked", "purpose": purpose},
            )
        return CheckResult(device=None, locked=True)
    with transaction.atomic():
        device, method = _matching_device(user, code)
        if device is not None:
            if purpose == "sign-in":
                detail: dict[str, object] = {"second_factor": method}
                if method == "recovery-code":
                    detail["recovery_codes_left"] = recovery_codes_left(user)
                audit.record(
                    actor=user, action=AuditAction.LOGIN, object_type="session", detail=detail
                )
                throttle.clear_username(user.get_username())
            return CheckResult(device=device, method=method)
        audit.record(
            actor=user,
            action=AuditAction.LOGIN_FAILED,
            object_type="session",
            detail={"second_factor": "wrong-code", "purpose": purpose},
        )
        locked = throttle.record_failure(attempt)
    return CheckResult(device=None, locked=bool(locked))


def remove_second_factor(*, user: AbstractBaseUser, by: AbstractBaseUser) -> None:
    """Remove the authenticator and recovery codes: by the user (after a code) or an admin."""
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user_id=user.pk).delete()
        StaticDevice.objects.filter(user_id=user.pk).delete()
        if not removed:
            raise ValidationError("There is no two-step sign-in to remove.")
        _second_factor_event(
            actor=by,
            user=user,
            event="removed" if by.pk == user.pk else "reset-by-administrator",
            action=AuditAction.DELETE,
        )
