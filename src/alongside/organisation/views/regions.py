"""Regions and the areas within them."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import Permission, has_permission
from alongside.core.terminology import term
from alongside.organisation import actions
from alongside.organisation.access import get_area_for_user, get_region_for_user
from alongside.organisation.forms import AreaForm, RegionForm
from alongside.organisation.models import Region, Team
from alongside.organisation.views.common import (
    count_current_psws,
    render_form,
    require,
    run_action,
)


@require_GET
def regions(request: HttpRequest) -> HttpResponse:
    require(request, Permission.VIEW_ORGANISATION)
    rows = Region.objects.annotate(
        area_count=Count("areas", distinct=True),
        team_count=Count("areas__teams", distinct=True),
        psw_count=count_current_psws("areas__teams__memberships"),
    )
    can_edit = has_permission(request.user, Permission.MANAGE_ORGANISATION)
    return render(request, "organisation/regions.html", {"regions": rows, "can_edit": can_edit})


@require_GET
def region(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_region_for_user(request.user, pk, Permission.VIEW_ORGANISATION)
    teams = Team.objects.annotate(psw_count=count_current_psws("memberships"))
    areas = region.areas.prefetch_related(Prefetch("teams", queryset=teams))
    can_edit = has_permission(request.user, Permission.MANAGE_ORGANISATION)
    return render(
        request,
        "organisation/region.html",
        {"region": region, "areas": areas, "can_edit": can_edit},
    )


@require_http_methods(["GET", "POST"])
def region_create(request: HttpRequest) -> HttpResponse:
    require(request, Permission.MANAGE_ORGANISATION)
    form = RegionForm(request.POST or None)
    if request.method == "POST":
        created = run_action(
            form, lambda: actions.create_region(by=request.user, **form.cleaned_data)
        )
        if created:
            messages.success(request, f"{capfirst(term('region'))} {created.name} added.")
            return redirect("organisation:region", pk=created.pk)
    return render_form(
        request,
        form,
        title=f"New {term('region')}",
        submit=f"Add {term('region')}",
        cancel_url=reverse("organisation:regions"),
    )


@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_region_for_user(request.user, pk, Permission.MANAGE_ORGANISATION)
    title = f"Change {term('region')} {region.name}"
    form = RegionForm(request.POST or None, instance=region)
    if request.method == "POST":
        updated = run_action(
            form,
            lambda: actions.update_region(by=request.user, region=region, **form.cleaned_data),
        )
        if updated:
            messages.success(request, f"{capfirst(term('region'))} {updated.name} saved.")
            return redirect("organisation:region", pk=updated.pk)
    return render_form(
        request,
        form,
        title=title,
        submit="Save changes",
        cancel_url=reverse("organisation:region", args=[region.pk]),
    )


@require_http_methods(["GET", "POST"])
def area_create(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_region_for_user(request.user, pk, Permission.MANAGE_ORGANISATION)
    form = AreaForm(request.POST or None)
    if request.method == "POST":
        created = run_action(
            form,
            lambda: actions.create_area(by=request.user, region=region, **form.cleaned_data),
        )
        if created:
            messages.success(request, f"{capfirst(term('area'))} {created.name} added.")
            return redirect("organisation:region", pk=region.pk)
    return render_form(
        request,
        form,
        title=f"New {term('area')} in {region.name}",
        submit=f"Add {term('area')}",
        cancel_url=reverse("organisation:region", args=[region.pk]),
    )


@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_area_for_user(request.user, pk, Permission.MANAGE_ORGANISATION)
    title = f"Change {term('area')} {area.name}"
    form = AreaForm(request.POST or None, instance=area)
    if request.method == "POST":
        updated = run_action(
            form, lambda: actions.update_area(by=request.user, area=area, **form.cleaned_data)
        )
        if updated:
            messages.success(request, f"{capfirst(term('area'))} {updated.name} saved.")
            return redirect("organisation:region", pk=updated.region_id)
    return render_form(
        request,
        form,
        title=title,
        submit="Save changes",
        cancel_url=reverse("organisation:region", args=[area.region_id]),
    )
