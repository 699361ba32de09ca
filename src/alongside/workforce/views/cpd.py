"""CPD: the list (one's own, supervisees' and, for a lead, the programme's), requests,
decisions, attendance with a certificate, and the programme's CPD access rate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core import audit
from alongside.core.access import (
    Permission,
    has_permission,
    principal_for,
    require_permission,
    visible,
)
from alongside.core.forms import render_form_page, run_action
from alongside.core.models import AuditAction
from alongside.workforce.access import get_cpd_request_for_user
from alongside.workforce.actions.cpd import complete_cpd, decide_cpd, find_or_add_event, request_cpd
from alongside.workforce.forms import CpdCompleteForm, CpdDecisionForm, CpdRequestForm
from alongside.workforce.models import CpdRequest, CpdStatus
from alongside.workforce.tiles import cpd_access

_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


@require_GET
def cpd(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_CPD)
    me = principal_for(request.user).person_id
    reachable = visible(CpdRequest, request.user, Permission.VIEW_CPD).select_related(
        "event", "person"
    )
    mine = list(reachable.filter(person_id=me)) if me else []
    to_decide = list(
        visible(CpdRequest, request.user, Permission.APPROVE_CPD)
        .filter(status=CpdStatus.REQUESTED)
        .exclude(person_id=me)
        .select_related("event", "person")
    )
    others = list(reachable.exclude(person_id=me).exclude(status=CpdStatus.REQUESTED)[:50])
    audit.record_list_view(
        actor=request.user,
        model=CpdRequest,
        ids=[r.pk for r in mine + to_decide + others],
        listing="CPD requests",
    )
    show_rate = has_permission(request.user, Permission.VIEW_WORKFORCE)
    return render(
        request,
        "workforce/cpd.html",
        {
            "mine": mine,
            "to_decide": to_decide,
            "others": others,
            "access": cpd_access() if show_rate else None,
            "can_request": has_permission(request.user, Permission.REQUEST_CPD),
        },
    )


@require_http_methods(["GET", "POST"])
def cpd_request(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.REQUEST_CPD)
    form = CpdRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":

        def ask() -> CpdRequest:
            data = form.cleaned_data
            with transaction.atomic():
                event = data["event"] or find_or_add_event(
                    by=request.user,
                    title=data["title"],
                    provider=data["provider"],
                    hours=data["hours"],
                    date=data["date"],
                )
                return request_cpd(by=request.user, event=event, reason=data["reason"])

        made = run_action(form, ask)
        if made is not None:
            messages.success(request, "Request sent. You will hear when it is decided.")
            return redirect("workforce:cpd")
    return render_form_page(
        request,
        form,
        title="Ask for CPD",
        submit="Send request",
        cancel_url=reverse("workforce:cpd"),
        lede="Choose a listed course or event, or describe a new one.",
    )


@require_http_methods(["GET", "POST"])
def cpd_decide(request: HttpRequest, pk: int) -> HttpResponse:
    cpd_req = get_cpd_request_for_user(request.user, pk, Permission.APPROVE_CPD)
    form = CpdDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = run_action(
            form,
            lambda: decide_cpd(
                by=request.user,
                request=cpd_req,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(request, f"Request {done.get_status_display().lower()}.")
            return redirect("workforce:cpd")
    return render_form_page(
        request,
        form,
        title="Decide a CPD request",
        submit="Save decision",
        cancel_url=reverse("workforce:cpd"),
        lede=f"{cpd_req.person.full_name} asks to attend {cpd_req.event} "
        f"({cpd_req.event.provider}, {cpd_req.event.hours} hours). {cpd_req.reason}",
    )


@require_http_methods(["GET", "POST"])
def cpd_complete(request: HttpRequest, pk: int) -> HttpResponse:
    cpd_req = get_cpd_request_for_user(request.user, pk, Permission.REQUEST_CPD)
    form = CpdCompleteForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda: complete_cpd(
                by=request.user, request=cpd_req, certificate=form.cleaned_data["certificate"]
            ),
        )
        if done is not None:
            messages.success(request, "Recorded as attended.")
            return redirect("workforce:cpd")
    return render(
        request,
        "workforce/cpd_complete.html",
        {"form": form, "cpd_request": cpd_req, "cancel_url": reverse("workforce:cpd")},
    )


@require_GET
def cpd_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    cpd_req = get_cpd_request_for_user(request.user, pk, Permission.VIEW_CPD)
    if not cpd_req.certificate:
        raise Http404("No certificate.")
    try:
        with cpd_req.certificate.open("rb") as handle:
            content = handle.read()
    except (OSError, ValidationError) as missing:
        raise Http404("No certificate.") from missing
    audit.record(
        actor=request.user, action=AuditAction.EXPORT, obj=cpd_req, detail={"file": "certificate"}
    )
    suffix = cpd_req.certificate.name.rsplit(".", 1)[-1]
    response = HttpResponse(
        content, content_type=_CONTENT_TYPES.get(suffix, "application/octet-stream")
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{cpd_req.pk}.{suffix}"'
    return response


urlpatterns = [
    path("cpd/", cpd, name="cpd"),
    path("cpd/request/", cpd_request, name="cpd-request"),
    path("cpd/<int:pk>/decide/", cpd_decide, name="cpd-decide"),
    path("cpd/<int:pk>/attended/", cpd_complete, name="cpd-complete"),
    path("cpd/<int:pk>/certificate/", cpd_certificate, name="cpd-certificate"),
]
