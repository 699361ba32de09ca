"""Team readiness: each team's score beside its referrals, and the checklist form per team."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import Permission, has_permission, require_permission
from alongside.core.forms import run_action
from alongside.organisation.access import get_team_for_user
from alongside.workforce.actions.readiness import record_readiness
from alongside.workforce.forms import ReadinessForm
from alongside.workforce.models import ReadinessChecklist
from alongside.workforce.readiness import WEIGHTS, readiness_score
from alongside.workforce.tiles import checklist_of, readiness_by_team

PAGE_SIZE = 50


@require_GET
def readiness(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_READINESS)
    view = readiness_by_team()
    # The comparison is of every team; the table shows a page of them (2,415 at national scale).
    page = Paginator(view.teams, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/readiness.html",
        {
            "view": view,
            "page": page,
            "can_manage": has_permission(request.user, Permission.MANAGE_READINESS),
        },
    )


@require_http_methods(["GET", "POST"])
def readiness_record(request: HttpRequest, pk: int) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_READINESS)
    team = get_team_for_user(request.user, pk, Permission.VIEW_ORGANISATION)
    last = ReadinessChecklist.objects.filter(team=team).order_by("-assessed_on", "-pk").first()
    initial = {"assessed_on": timezone.localdate(), "phase": "before"}
    if last is not None:
        initial |= {name: getattr(last, name) for name in WEIGHTS} | {"phase": last.phase}
    form = ReadinessForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: record_readiness(
                by=request.user,
                team=team,
                phase=form.cleaned_data["phase"],
                assessed_on=form.cleaned_data["assessed_on"],
                checklist=form.checklist(),
            ),
        )
        if saved is not None:
            score = readiness_score(checklist_of(saved))
            messages.success(request, f"Readiness of {team.name} saved: {score} out of 100.")
            return redirect("workforce:readiness")
    history = [
        (row, readiness_score(checklist_of(row)))
        for row in ReadinessChecklist.objects.filter(team=team).order_by("-assessed_on", "-pk")
    ]
    return render(
        request,
        "workforce/readiness_form.html",
        {
            "form": form,
            "team": team,
            "history": history,
            "cancel_url": reverse("workforce:readiness"),
        },
    )


urlpatterns = [
    path("readiness/", readiness, name="readiness"),
    path("readiness/team/<int:pk>/", readiness_record, name="readiness-record"),
]
