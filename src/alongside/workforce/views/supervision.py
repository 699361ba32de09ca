"""Supervision: the log (phone-first form), one session with its private notes, peer groups,
and the programme's coverage."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import (
    Permission,
    has_permission,
    principal_for,
    require_permission,
    visible,
)
from alongside.core.forms import run_action
from alongside.core.periods import current
from alongside.organisation.models import Person, Region
from alongside.workforce.access import (
    PSW_ROLES,
    get_session_for_user,
    loggable_supervisees,
    may_read_notes,
    possible_supervisors,
    region_ids,
)
from alongside.workforce.actions.supervision import (
    log_supervision,
    record_peer_group,
)
from alongside.workforce.forms import CoverageForm, PeerGroupForm, SupervisionForm
from alongside.workforce.models import PeerGroupSession, SupervisionSession
from alongside.workforce.tiles import DEFAULT_WEEKS, supervision_coverage


@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_SUPERVISION)
    sessions = list(
        visible(SupervisionSession, request.user, Permission.VIEW_SUPERVISION)
        .select_related("supervisor", "supervisee")
        .order_by("-date", "-pk")[:100]
    )
    me = principal_for(request.user).person_id
    groups = (
        PeerGroupSession.objects.filter(attendees__pk=me)
        .select_related("region")
        .order_by("-date")[:20]
        if me
        else []
    )
    return render(
        request,
        "workforce/supervision.html",
        {
            "sessions": sessions,
            "groups": list(groups),
            "can_log": has_permission(request.user, Permission.LOG_SUPERVISION),
        },
    )


def _supervisee_choice(request: HttpRequest) -> Person | None:
    supervisees = loggable_supervisees(request.user)
    wanted = request.POST.get("supervisee") or request.GET.get("supervisee")
    if wanted:
        return supervisees.filter(pk=wanted if str(wanted).isdigit() else -1).first()
    return supervisees.first() if supervisees.count() == 1 else None


@require_http_methods(["GET", "POST"])
def supervision_log(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.LOG_SUPERVISION)
    supervisees = loggable_supervisees(request.user)
    chosen = _supervisee_choice(request)
    supervisors = (
        possible_supervisors(request.user, chosen) if chosen is not None else Person.objects.none()
    )
    if chosen is None:
        # A supervisor with several supervisees: anyone they supervise, or themselves.
        supervisors = Person.objects.filter(pk=principal_for(request.user).person_id or -1)
    form = SupervisionForm(
        request.POST if request.method == "POST" else None,
        supervisees=supervisees,
        supervisors=supervisors,
    )
    if request.method == "POST":
        session = run_action(
            form,
            lambda: log_supervision(
                by=request.user,
                supervisee=form.cleaned_data["supervisee"],
                supervisor=form.cleaned_data["supervisor"],
                date=form.cleaned_data["date"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                session_type=form.cleaned_data["session_type"],
                protected_time=form.cleaned_data["protected_time"],
                private_notes=form.cleaned_data["private_notes"],
                supervisor_discipline=form.cleaned_data["supervisor_discipline"],
            ),
        )
        if session is not None:
            messages.success(request, "Supervision session saved.")
            return redirect("workforce:supervision")
    return render(
        request,
        "workforce/supervision_form.html",
        {"form": form, "cancel_url": reverse("workforce:supervision")},
    )


@require_GET
def supervision_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk, Permission.VIEW_SUPERVISION)
    return render(
        request,
        "workforce/supervision_session.html",
        {"session": session, "show_notes": may_read_notes(request.user, session)},
    )


@require_http_methods(["GET", "POST"])
def peer_group_log(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.LOG_SUPERVISION)
    principal = principal_for(request.user)
    regions = Region.objects.filter(pk__in=region_ids(principal))
    attendees = (
        Person.objects.filter(
            current("memberships__"),
            memberships__role__in=PSW_ROLES,
            memberships__team__area__region__in=regions,
        )
        .distinct()
        .order_by("family_name", "given_name")
    )
    form = PeerGroupForm(
        request.POST if request.method == "POST" else None, regions=regions, attendees=attendees
    )
    if request.method == "POST":
        facilitator = Person.objects.filter(pk=principal.person_id or -1).first()
        session = run_action(
            form,
            lambda: record_peer_group(
                by=request.user,
                region=form.cleaned_data["region"],
                date=form.cleaned_data["date"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                facilitator=facilitator,  # type: ignore[arg-type]
                protected_time=form.cleaned_data["protected_time"],
                topic=form.cleaned_data["topic"],
                attendees=form.cleaned_data["attendees"],
            ),
        )
        if session is not None:
            messages.success(request, "Peer group session saved.")
            return redirect("workforce:supervision")
    return render(
        request,
        "workforce/peer_group_form.html",
        {"form": form, "cancel_url": reverse("workforce:supervision")},
    )


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_WORKFORCE)
    form = CoverageForm(request.GET or None)
    weeks = DEFAULT_WEEKS
    if form.is_valid() and form.cleaned_data["weeks"]:
        weeks = form.cleaned_data["weeks"]
    tile = supervision_coverage(weeks=weeks)
    return render(request, "workforce/coverage.html", {"form": form, "coverage": tile})


urlpatterns = [
    path("supervision/", supervision, name="supervision"),
    path("supervision/log/", supervision_log, name="supervision-log"),
    path("supervision/<int:pk>/", supervision_session, name="supervision-session"),
    path("supervision/peer-group/", peer_group_log, name="peer-group-log"),
    path("coverage/", coverage, name="coverage"),
]
