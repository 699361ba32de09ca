from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from alongside.core import audit
from alongside.core.access import Permission, has_permission
from alongside.core.forms import AuditFilterForm
from alongside.core.models import AuditEvent


def _require(request: HttpRequest, permission: Permission) -> None:
    if not has_permission(request.user, permission):
        raise PermissionDenied


@require_GET
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Browse and filter the audit trail. One URL: the whole page, or just the results for htmx."""
    _require(request, Permission.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        events = form.apply(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "core/audit.html#results" if request.htmx else "core/audit.html"
    return render(request, template, {"form": form, "page": page})


@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    _require(request, Permission.VIEW_AUDIT)
    result = audit.verify()
    return render(request, "core/audit.html#verify-result", {"result": result})
