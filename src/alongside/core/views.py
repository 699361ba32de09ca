from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from alongside.core import audit
from alongside.core.access import Permission, require_permission
from alongside.core.forms import AuditFilterForm
from alongside.core.models import AuditAction, AuditEvent, Notification
from alongside.core.notifications import mark_read


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


@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own notifications, newest first; anyone signed in has this page."""
    own = Notification.objects.filter(recipient_id=request.user.pk)
    page = Paginator(own, 50).get_page(request.GET.get("page"))
    audit.record_list_view(
        actor=request.user,
        model=Notification,
        ids=[n.pk for n in page.object_list],
        listing="own notifications",
    )
    return render(request, "core/notifications.html", {"page": page})


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's own notifications read and go where it points."""
    notification = Notification.objects.filter(pk=pk, recipient_id=request.user.pk).first()
    if notification is None:
        audit.record(
            actor=request.user,
            action=AuditAction.DENIED,
            object_type=audit.object_type_of(Notification),
            object_id=pk,
        )
        raise Http404("No notification found.")
    mark_read(by=request.user, notification=notification)
    safe = url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(
        notification.url if notification.url and safe else reverse("core:notifications")
    )
