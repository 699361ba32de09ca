"""Teams: the list with its filters, one team, and changes to teams."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core import audit
from alongside.core.access import Permission, RoleCode, has_permission
from alongside.core.periods import current
from alongside.core.terminology import term
from alongside.organisation import actions
from alongside.organisation.access import get_team_for_user
from alongside.organisation.forms import TeamFilterForm, TeamForm
from alongside.organisation.models import Membership, Person, Team
from alongside.organisation.views.common import (
    count_current_psws,
    render_form,
    require,
    run_action,
)


@require_GET
def teams(request: HttpRequest) -> HttpResponse:
    """The teams, filtered. One URL: the whole page, or just the results for htmx."""
    require(request, Permission.VIEW_ORGANISATION)
    form = TeamFilterForm(request.GET or None)
    rows = Team.objects.select_related("area__region").annotate(
        psw_count=count_current_psws("memberships")
    )
    if form.is_valid():
        rows = form.apply(rows)
    only_results = request.htmx and not request.htmx.history_restore_request
    response = render(
        request,
        "organisation/teams.html#results" if only_results else "organisation/teams.html",
        {
            "form": form,
            "teams": rows,
            "can_edit": has_permission(request.user, Permission.MANAGE_ORGANISATION),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def team(request: HttpRequest, pk: int) -> HttpResponse:
    """One team. Its members are named only to those who may see people; others see counts."""
    team = get_team_for_user(request.user, pk, Permission.VIEW_ORGANISATION)
    # A service user's membership only lets them sign in; it does not make them team staff.
    current_members = Membership.objects.filter(current(), team=team).exclude(
        role=RoleCode.SERVICE_USER
    )
    role_counts = [
        (RoleCode(role).label, count)
        for role, count in current_members.values_list("role")
        .annotate(count=Count("person", distinct=True))
        .order_by("role")
    ]
    can_view_people = has_permission(request.user, Permission.VIEW_PEOPLE)
    members = None
    if can_view_people:
        members = list(
            current_members.select_related("person").order_by(
                "person__family_name", "person__given_name", "role"
            )
        )
        audit.record_list_view(
            actor=request.user,
            model=Person,
            ids=sorted({m.person_id for m in members}),
            listing=f"members of team {team.pk}",
        )
    return render(
        request,
        "organisation/team.html",
        {
            "team": team,
            "region": team.area.region,
            "role_counts": role_counts,
            "members": members,
            "can_view_people": can_view_people,
            "can_edit": has_permission(request.user, Permission.MANAGE_ORGANISATION),
        },
    )


@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    require(request, Permission.MANAGE_ORGANISATION)
    form = TeamForm(request.POST or None, initial={"area": request.GET.get("area")})
    if request.method == "POST":
        created = run_action(
            form, lambda: actions.create_team(by=request.user, **form.cleaned_data)
        )
        if created:
            messages.success(request, f"{capfirst(term('team'))} {created.name} added.")
            return redirect("organisation:team", pk=created.pk)
    return render_form(
        request,
        form,
        title=f"New {term('team')}",
        submit=f"Add {term('team')}",
        cancel_url=reverse("organisation:teams"),
    )


@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_team_for_user(request.user, pk, Permission.MANAGE_ORGANISATION)
    title = f"Change {term('team')} {team.name}"
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST":
        updated = run_action(
            form, lambda: actions.update_team(by=request.user, team=team, **form.cleaned_data)
        )
        if updated:
            messages.success(request, f"{capfirst(term('team'))} {updated.name} saved.")
            return redirect("organisation:team", pk=updated.pk)
    return render_form(
        request,
        form,
        title=title,
        submit="Save changes",
        cancel_url=reverse("organisation:team", args=[team.pk]),
    )
