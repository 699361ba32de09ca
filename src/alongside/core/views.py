from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from alongside.core import audit
from alongside.core.access import Permission, require_permission
from alongside.core.forms import AuditFilterForm
from alongside.core.models import AuditEvent


def _trail_context(request: HttpRequest) -> dict[str, object]:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        events = form.apply(events)
    return {"form": form, "page": Paginator(events, 50).get_page(request.GET.get("page"))}


@require_GET
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Browse and filter the audit trail. One URL: the whole page, or just the results for htmx."""
    require_permission(request.user, Permission.VIEW_AUDIT)
    template = "core/audit.html#results" if request.htmx else "core/audit.html"
    return render(request, template, _trail_context(request))


@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Recompute the hash chain; htmx gets the verdict alone, a plain form post the whole page."""
    require_permission(request.user, Permission.VIEW_AUDIT)
    result = audit.verify()
    if request.htmx:
        return render(request, "core/audit.html#verify-result", {"result": result})
    return render(request, "core/audit.html", {**_trail_context(request), "result": result})
