"""Recovery goals: on the service user's page, their own pages, and the service user's own view.

A PSW manages the goals of the people on their own caseload; a supervisor reads them; the
service user reads their own and adds how they are getting on.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from alongside.core.access import (
    AnyUser,
    Permission,
    has_permission,
    principal_for,
    require_permission,
    visible,
)
from alongside.core.forms import render_form_page, run_action
from alongside.practice.access import (
    caseload_ids,
    get_goal_for_user,
    get_own_service_user_record,
    get_service_user_for_user,
)
from alongside.practice.actions.goals import (
    close_goal,
    record_progress,
    set_goal,
    tick_step,
    update_goal,
)
from alongside.practice.forms.goals import (
    GoalCloseForm,
    GoalEditForm,
    GoalForm,
    OwnProgressForm,
    ProgressForm,
)
from alongside.practice.models import Goal, GoalStatus, GoalStep, ServiceUser


@dataclass(frozen=True)
class Sparkline:
    """A small line chart of ratings (0 to 10) as SVG coordinates, with its text alternative."""

    width: int
    height: int
    points: str
    last_x: float
    last_y: float
    label: str


def sparkline(ratings: Sequence[int], *, width: int = 120, height: int = 32) -> Sparkline | None:
    """Place ratings evenly from left to right, 10 at the top; None when there are none."""
    if not ratings:
        return None
    pad = 4
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    step = inner_w / (len(ratings) - 1) if len(ratings) > 1 else 0
    coords = [
        (
            round(pad + (i * step if step else inner_w / 2), 1),
            round(pad + (10 - r) * inner_h / 10, 1),
        )
        for i, r in enumerate(ratings)
    ]
    listed = ", ".join(str(r) for r in ratings)
    plural = "rating" if len(ratings) == 1 else "ratings"
    label = f"{len(ratings)} {plural} out of 10, oldest first: {listed}"
    return Sparkline(
        width=width,
        height=height,
        points=" ".join(f"{x},{y}" for x, y in coords),
        last_x=coords[-1][0],
        last_y=coords[-1][1],
        label=label,
    )


@dataclass(frozen=True)
class GoalCard:
    goal: Goal
    steps: list[GoalStep]
    latest: Any
    chart: Sparkline | None


def _card(goal: Goal) -> GoalCard:
    progress = list(goal.progress.all())
    return GoalCard(
        goal=goal,
        steps=list(goal.steps.all()),
        latest=progress[-1] if progress else None,
        chart=sparkline([p.rating for p in progress]),
    )


def _goals_of(user: AnyUser, record: ServiceUser) -> list[GoalCard]:
    goals = (
        visible(Goal, user, Permission.VIEW_GOALS)
        .filter(service_user=record)
        .prefetch_related("steps", "progress")
        .order_by("-set_on", "-pk")
    )
    return [_card(goal) for goal in goals]


def _manages_goals_of(user: AnyUser, record: ServiceUser) -> bool:
    """Is this person on the user's own caseload, where they may set and manage goals?"""
    own = caseload_ids(principal_for(user), Permission.MANAGE_GOALS, supervised=False)
    return own.filter(service_user_id=record.pk).exists()


def service_user_section(request: HttpRequest, record: ServiceUser) -> dict[str, Any]:
    if not has_permission(request.user, Permission.VIEW_GOALS):
        return {"show_goals": False}
    cards = _goals_of(request.user, record)
    return {
        "show_goals": True,
        "open_goals": [c for c in cards if c.goal.status == GoalStatus.OPEN],
        "closed_goals": [c for c in cards if c.goal.status != GoalStatus.OPEN],
        "can_manage_goals": _manages_goals_of(request.user, record),
    }


def _service_user_for_goals(user: AnyUser, pk: int) -> ServiceUser:
    """The service user, if they are on the user's own caseload; 404 otherwise."""
    return get_service_user_for_user(user, pk, Permission.MANAGE_GOALS)


def _hub(record_pk: int, anchor: str = "goals") -> str:
    return reverse("practice:service-user", kwargs={"pk": record_pk}) + f"#{anchor}"


def _goal_url(goal: Goal) -> str:
    return reverse("practice:goal", kwargs={"pk": goal.pk})


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    record = _service_user_for_goals(request.user, pk)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        goal = run_action(
            form,
            lambda: set_goal(
                by=request.user,
                service_user=record,
                text=form.cleaned_data["text"],
                set_by=form.cleaned_data["set_by"],
                chime_domain=form.cleaned_data["chime_domain"],
                steps=form.cleaned_data["steps"],
                set_on=form.cleaned_data["set_on"],
            ),
        )
        if goal is not None:
            messages.success(request, "Goal saved.")
            return redirect(_goal_url(goal))
    return render_form_page(
        request,
        form,
        title=f"New goal for {record.preferred_name}",
        lede="Write the goal in their own words. Goals are theirs: set by them, or "
        "agreed with them.",
        submit="Save goal",
        cancel_url=_hub(record.pk),
    )


def _goal_context(request: HttpRequest, goal: Goal) -> dict[str, Any]:
    steps = list(goal.steps.all())
    progress = list(goal.progress.select_related("recorded_by"))
    is_open = goal.status == GoalStatus.OPEN
    can_manage = is_open and has_permission(request.user, Permission.MANAGE_GOALS, goal)
    return {
        "goal": goal,
        "steps": steps,
        "progress": progress,
        "chart": sparkline([p.rating for p in progress], width=320, height=96),
        "can_manage": can_manage,
        "can_add_own_progress": is_open
        and has_permission(request.user, Permission.ADD_OWN_PROGRESS, goal),
        "can_view_service_user": has_permission(
            request.user, Permission.VIEW_SERVICE_USER, goal.service_user
        ),
    }


@require_GET
def goal(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_goal_for_user(request.user, pk, Permission.VIEW_GOALS)
    return render(request, "practice/goal.html", _goal_context(request, record))


@require_POST
def goal_step(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    """Tick a step done (or untick it). htmx swaps just the steps; otherwise back to the goal."""
    record = get_goal_for_user(request.user, pk, Permission.MANAGE_GOALS)
    step = get_object_or_404(GoalStep, pk=step_pk, goal=record)
    done_on = timezone.localdate() if request.POST.get("done") else None
    try:
        tick_step(by=request.user, step=step, done_on=done_on)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        if request.htmx:
            return HttpResponseClientRedirect(_goal_url(record))
        return redirect(_goal_url(record))
    if request.htmx:
        return render(request, "practice/goal.html#steps", _goal_context(request, record))
    return redirect(_goal_url(record))


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_goal_for_user(request.user, pk, Permission.MANAGE_GOALS)
    if record.status != GoalStatus.OPEN:
        messages.error(request, "This goal is closed, so it can no longer be edited.")
        return redirect(_goal_url(record))
    form = GoalEditForm.for_goal(record, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: update_goal(
                by=request.user,
                goal=record,
                expected_version=form.cleaned_data["version"],
                text=form.cleaned_data["text"],
                chime_domain=form.cleaned_data["chime_domain"],
                steps=form.cleaned_data["steps"],
            ),
        )
        if saved is not None:
            messages.success(request, "Goal saved.")
            return redirect(_goal_url(record))
    return render_form_page(
        request,
        form,
        title="Edit goal",
        lede="Steps you leave unchanged keep their tick.",
        submit="Save goal",
        cancel_url=_goal_url(record),
    )


@require_http_methods(["GET", "POST"])
def goal_progress(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_goal_for_user(request.user, pk, Permission.MANAGE_GOALS)
    form = ProgressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: record_progress(
                by=request.user,
                goal=record,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
                rated_on=form.cleaned_data["rated_on"],
                by_service_user=False,
            ),
        )
        if saved is not None:
            messages.success(request, "Rating saved.")
            return redirect(_goal_url(record))
    return render_form_page(
        request,
        form,
        title="Add a rating",
        lede=f"Goal: {record.text}",
        submit="Save rating",
        cancel_url=_goal_url(record),
    )


@require_http_methods(["GET", "POST"])
def goal_close(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_goal_for_user(request.user, pk, Permission.MANAGE_GOALS)
    form = GoalCloseForm(
        request.POST if request.method == "POST" else None, initial={"version": record.version}
    )
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: close_goal(
                by=request.user,
                goal=record,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                closed_on=form.cleaned_data["closed_on"],
            ),
        )
        if saved is not None:
            messages.success(request, f"Goal closed: {saved.get_status_display().lower()}.")
            return redirect(_goal_url(record))
    return render_form_page(
        request,
        form,
        title="Close goal",
        lede=f"Goal: {record.text}",
        submit="Close goal",
        cancel_url=_goal_url(record),
    )


def _own_goals_page(
    request: HttpRequest, failed: OwnProgressForm | None = None, failed_pk: int | None = None
) -> HttpResponse:
    require_permission(request.user, Permission.ADD_OWN_PROGRESS)
    own = get_own_service_user_record(request.user)
    cards = _goals_of(request.user, own) if own is not None else []
    rows = [
        (
            card,
            failed
            if failed is not None and card.goal.pk == failed_pk
            else OwnProgressForm(prefix=f"goal-{card.goal.pk}"),
        )
        for card in cards
        if card.goal.status == GoalStatus.OPEN
    ]
    closed = [card for card in cards if card.goal.status != GoalStatus.OPEN]
    return render(
        request,
        "practice/my_goals.html",
        {"record": own, "open_rows": rows, "closed_goals": closed},
    )


@require_GET
def my_goals(request: HttpRequest) -> HttpResponse:
    return _own_goals_page(request)


@require_POST
def my_goal_progress(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_goal_for_user(request.user, pk, Permission.ADD_OWN_PROGRESS)
    form = OwnProgressForm(request.POST, prefix=f"goal-{record.pk}")
    saved = run_action(
        form,
        lambda: record_progress(
            by=request.user,
            goal=record,
            rating=form.cleaned_data["rating"],
            note=form.cleaned_data["note"],
            rated_on=timezone.localdate(),
            by_service_user=True,
        ),
    )
    if saved is None:
        return _own_goals_page(request, failed=form, failed_pk=record.pk)
    messages.success(request, "Thank you. Your rating is saved.")
    return redirect(reverse("practice:my-goals") + f"#goal-{record.pk}")


urlpatterns = [
    path("service-users/<int:pk>/goals/new/", goal_create, name="goal-create"),
    path("goals/<int:pk>/", goal, name="goal"),
    path("goals/<int:pk>/edit/", goal_edit, name="goal-edit"),
    path("goals/<int:pk>/progress/", goal_progress, name="goal-progress"),
    path("goals/<int:pk>/close/", goal_close, name="goal-close"),
    path("goals/<int:pk>/steps/<int:step_pk>/", goal_step, name="goal-step"),
    path("my-goals/", my_goals, name="my-goals"),
    path("my-goals/<int:pk>/progress/", my_goal_progress, name="my-goal-progress"),
]
