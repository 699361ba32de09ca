"""Request-scoped context for the audit trail, and the second step of sign-in."""

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from alongside.core import two_factor
from alongside.core.audit import current_ip


def client_ip(
    remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int
) -> str | None:
    """The client's address, seen through `trusted_proxies` reverse proxies of our own.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the client is the entry that many places from the right. Entries further left were written
    by the client and can be forged, so they are never used; with no trusted proxy the header is
    ignored altogether.
    """
    if trusted_proxies <= 0 or not forwarded_for:
        return remote_addr or None
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if len(hops) < trusted_proxies:
        return remote_addr or None
    return hops[-trusted_proxies]


class RequestContextMiddleware:
    """Make the client's address available to audit records written while serving a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted_proxies = settings.ALONGSIDE_TRUSTED_PROXIES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_ip(
            request.META.get("REMOTE_ADDR"),
            request.META.get("HTTP_X_FORWARDED_FOR"),
            self.trusted_proxies,
        )
        token = current_ip.set(address)
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


V = TypeVar("V", bound=Callable[..., Any])


def second_step_not_required(view: V) -> V:
    """Mark a view a signed-in user may use before passing the second step (sign-out, set-up)."""
    view.second_step_not_required = True  # type: ignore[attr-defined]
    return view


class SecondFactorMiddleware:
    """Hold a signed-in user at the second step of sign-in until they pass it.

    Runs after django-otp's OTPMiddleware (which knows whether this session passed a code) and
    after LoginRequiredMiddleware. Someone with an authenticator must enter a code once per
    session; a staff member without one, where it is required, must set one up first. Public
    views stay public, and views marked `second_step_not_required` stay reachable. Whether the
    person has an authenticator is remembered in the session from sign-in (and refreshed by the
    pages that change it), so ordinary pages cost no extra query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if not getattr(view_func, "login_required", True) or getattr(
            view_func, "second_step_not_required", False
        ):
            return None
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if two_factor.session_has_second_factor(request):
            destination = "two_factor_verify"
        elif two_factor.second_factor_required(user):
            destination = "two_factor_setup"
        else:
            return None
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(destination)}?{query}")
