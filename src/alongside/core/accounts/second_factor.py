"""Pages of two-step sign-in: set it up, pass it, see it, new recovery codes, remove, reset."""

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from alongside.core import audit, throttle, two_factor
from alongside.core.access import Permission, get_object_for_user
from alongside.core.accounts.forms import CodeForm
from alongside.core.forms import render_form_page, run_action
from alongside.core.middleware import second_step_not_required
from alongside.core.models import AuditAction

SETUP_SESSION_FIELD = "two_factor_pending_secret"
WRONG_CODE = "That code did not match. Try the newest code in your app, or a recovery code."


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _passed(request: HttpRequest, device: Any) -> None:
    """Mark this session as having passed the second step, under a new session key."""
    otp_login(request, device)
    request.session.cycle_key()


def _signed_out_and_locked(request: HttpRequest) -> HttpResponse:
    """Too many wrong codes: sign the person out and show the sign-in page's lock message."""
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action=AuditAction.LOGOUT,
            object_type="session",
            detail={"reason": "locked-out"},
        )
    logout(request)
    return render(
        request,
        "registration/login.html",
        {
            "form": AuthenticationForm(request),
            "locked": True,
            "lock_minutes": throttle.lock_minutes(),
        },
        status=429,
    )


def _show_codes(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    # Shown once: the views that call this are never_cache, so no cache keeps the codes.
    return render(
        request,
        "core/two_factor_codes.html",
        {"codes": codes, "first_time": first_time, "next": _next_url(request)},
    )


@never_cache
@second_step_not_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with a first code, get recovery codes."""
    if two_factor.has_second_factor(request.user):
        if not request.user.is_verified():  # type: ignore[union-attr]
            # Holding the password is not enough to replace someone's authenticator.
            return redirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
        return redirect("two_factor")
    secret = request.session.get(SETUP_SESSION_FIELD) or two_factor.new_secret()
    request.session[SETUP_SESSION_FIELD] = secret
    form = CodeForm(
        request.POST or None, help_text="The six-digit code your app shows for Alongside."
    )
    if request.method == "POST":
        codes = run_action(
            form,
            lambda: two_factor.set_up_authenticator(
                user=request.user,  # type: ignore[arg-type]
                secret_hex=secret,
                code=form.cleaned_data["code"],
            ),
        )
        if codes:
            del request.session[SETUP_SESSION_FIELD]
            _passed(request, two_factor.authenticator_for(request.user))
            two_factor.remember_second_factor(request)
            return _show_codes(request, codes, first_time=True)
    uri = two_factor.provisioning_uri(request.user.get_username(), secret)
    return render(
        request,
        "core/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(uri),
            "secret": two_factor.secret_for_typing(secret),
            "required": two_factor.second_factor_required(request.user),
            "next": _next_url(request),
        },
    )


@never_cache
@second_step_not_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: a code from the app, or a recovery code."""
    if request.user.is_verified() or not two_factor.remember_second_factor(request):  # type: ignore[union-attr]
        return redirect(_next_url(request))
    form = CodeForm(
        request.POST or None,
        help_text="The six-digit code your app shows for Alongside, or one of your recovery codes.",
    )
    if request.method == "POST" and form.is_valid():
        result = two_factor.check_code(user=request.user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        if result.ok:
            _passed(request, result.device)
            if result.method == "recovery-code":
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Make new ones from "
                    "“Two-step sign-in” if you are running low.",
                )
            return redirect(_next_url(request))
        if result.locked:
            return _signed_out_and_locked(request)
        form.add_error("code", WRONG_CODE)
    return render(
        request, "core/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@require_http_methods(["GET"])
def overview(request: HttpRequest) -> HttpResponse:
    """Whether two-step sign-in is on, and what one can do about it."""
    return render(
        request,
        "core/two_factor.html",
        {
            "enabled": two_factor.has_second_factor(request.user),
            "required": two_factor.second_factor_required(request.user),
            "codes_left": two_factor.recovery_codes_left(request.user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Make new recovery codes; the old ones stop working."""
    if not two_factor.has_second_factor(request.user):
        return redirect("two_factor")
    if request.method == "POST":
        codes = two_factor.replace_recovery_codes(user=request.user)  # type: ignore[arg-type]
        return _show_codes(request, codes, first_time=False)
    return render(request, "core/two_factor_new_codes.html")


@never_cache
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in off (to set it up again on a new phone): needs a current code."""
    if not two_factor.has_second_factor(request.user):
        return redirect("two_factor")
    form = CodeForm(
        request.POST or None,
        help_text="A code from your app, or one of your recovery codes, to show it is you.",
    )
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        result = two_factor.check_code(user=user, code=form.cleaned_data["code"], purpose="remove")
        if result.ok:
            two_factor.remove_second_factor(user=user, by=user)
            two_factor.remember_second_factor(request)
            messages.success(
                request, "Two-step sign-in is off. Your recovery codes no longer work."
            )
            return redirect(
                "two_factor_setup" if two_factor.second_factor_required(user) else "two_factor"
            )
        if result.locked:
            return _signed_out_and_locked(request)
        form.add_error("code", WRONG_CODE)
    required = two_factor.second_factor_required(request.user)
    return render_form_page(
        request,
        form,
        title="Turn off two-step sign-in",
        lede=(
            "Your app's codes and your recovery codes will stop working. "
            + (
                "You will then set it up again, for example on a new phone."
                if required
                else "You can set it up again at any time."
            )
        ),
        submit="Turn off",
        cancel_url=reverse("two_factor"),
    )


@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator removes someone's second step, say after they lost their phone."""
    person_model = apps.get_model("organisation", "Person")
    person: Any = get_object_for_user(person_model, request.user, pk, Permission.MANAGE_PEOPLE)
    target = person.user
    enabled = target is not None and two_factor.has_second_factor(target)
    if request.method == "POST" and enabled:
        two_factor.remove_second_factor(user=target, by=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            f"Two-step sign-in is reset for {person.full_name}. They will set it up again "
            "after signing in with their password.",
        )
        return redirect("organisation:person", pk=person.pk)
    return render(request, "core/two_factor_reset.html", {"person": person, "enabled": enabled})
