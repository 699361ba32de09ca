"""Request-scoped context for the audit trail."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
