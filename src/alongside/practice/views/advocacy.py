"""Advocacy to the team: the PSW records what the person wants raised; the team answers.

Listed for the team (its clinicians), for the clinician who referred the person, and for the
PSW whose caseload the person is on (and their supervisor).
"""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core import audit
from alongside.core.access import (
    AnyUser,
    Permission,
    get_object_for_user,
    has_permission,
    principal_for,
    require_permission,
    visible,
)
from alongside.core.forms import render_form_page, run_action
from alongside.practice.access import (
    caseload_ids,
    get_advocacy_item_for_user,
    get_service_user_for_user,
)
from alongside.practice.actions.advocacy import (
    OPEN_OUTCOMES,
    raise_advocacy,
    record_advocacy_outcome,
    withdraw_advocacy,
)
from alongside.practice.forms.advocacy import (
    AdvocacyFilterForm,
    AdvocacyForm,
    AdvocacyOutcomeForm,
    AdvocacyWithdrawForm,
)
from alongside.practice.models import AdvocacyItem, AdvocacyOutcome, ServiceUser


def _raises_for(user: AnyUser, record: ServiceUser) -> bool:
    """Is this person on the user's own caseload, so that the user may raise things for them?"""
    own = caseload_ids(principal_for(user), Permission.RAISE_ADVOCACY, supervised=False)
    return own.filter(service_user_id=record.pk).exists()


def service_user_section(request: HttpRequest, record: ServiceUser) -> dict[str, Any]:
    if not has_permission(request.user, Permission.VIEW_ADVOCACY):
        return {"show_advocacy": False}
    items = list(
        visible(AdvocacyItem, request.user, Permission.VIEW_ADVOCACY)
        .filter(service_user=record)
        .select_related("team")
    )
    return {
        "show_advocacy": True,
        "advocacy_items": items,
        "can_raise_advocacy": _raises_for(request.user, record),
    }


def _answerable(user: AnyUser) -> QuerySet[AdvocacyItem]:
    """Items whose outcome the user may record: their own caseload's, or their team's."""
    return visible(AdvocacyItem, user, Permission.RAISE_ADVOCACY) | visible(
        AdvocacyItem, user, Permission.RESPOND_TO_ADVOCACY
    )


def _item_url(item: AdvocacyItem) -> str:
    return reverse("practice:advocacy", kwargs={"pk": item.pk})


@require_http_methods(["GET", "POST"])
def advocacy_create(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_service_user_for_user(request.user, pk, Permission.RAISE_ADVOCACY)
    form = AdvocacyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        item = run_action(
            form,
            lambda: raise_advocacy(
                by=request.user,
                service_user=record,
                request=form.cleaned_data["request"],
                recorded_on=form.cleaned_data["recorded_on"],
            ),
        )
        if item is not None:
            messages.success(request, "Saved. The team can now see it in their advocacy list.")
            return redirect(_item_url(item))
    return render_form_page(
        request,
        form,
        title=f"Something {record.preferred_name} wants raised with the team",
        submit="Save",
        cancel_url=reverse("practice:service-user", kwargs={"pk": record.pk}) + "#advocacy",
    )


@require_GET
def advocacy(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_advocacy_item_for_user(request.user, pk, Permission.VIEW_ADVOCACY)
    is_open = item.outcome in OPEN_OUTCOMES
    context = {
        "item": item,
        "can_record_outcome": item.outcome != AdvocacyOutcome.WITHDRAWN
        and _answerable(request.user).filter(pk=item.pk).exists(),
        "can_withdraw": is_open and has_permission(request.user, Permission.RAISE_ADVOCACY, item),
        "can_view_service_user": has_permission(
            request.user, Permission.VIEW_SERVICE_USER, item.service_user
        ),
    }
    return render(request, "practice/advocacy.html", context)


@require_http_methods(["GET", "POST"])
def advocacy_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_for_user(
        AdvocacyItem,
        request.user,
        pk,
        Permission.VIEW_ADVOCACY,
        queryset=_answerable(request.user),
    )
    form = AdvocacyOutcomeForm.for_item(item, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: record_advocacy_outcome(
                by=request.user,
                item=item,
                expected_version=form.cleaned_data["version"],
                raised_on=form.cleaned_data["raised_on"],
                team_response=form.cleaned_data["team_response"],
                outcome=form.cleaned_data["outcome"],
                outcome_note=form.cleaned_data["outcome_note"],
            ),
        )
        if saved is not None:
            messages.success(request, "Outcome saved.")
            return redirect(_item_url(item))
    return render_form_page(
        request,
        form,
        title="Record the team's response",
        lede=f"Request: {item.request}",
        submit="Save",
        cancel_url=_item_url(item),
    )


@require_http_methods(["GET", "POST"])
def advocacy_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_advocacy_item_for_user(request.user, pk, Permission.RAISE_ADVOCACY)
    form = AdvocacyWithdrawForm(
        request.POST if request.method == "POST" else None, initial={"version": item.version}
    )
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: withdraw_advocacy(
                by=request.user,
                item=item,
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            ),
        )
        if saved is not None:
            messages.success(request, "Withdrawn. It will not be raised with the team.")
            return redirect(_item_url(item))
    return render_form_page(
        request,
        form,
        title="Withdraw this request",
        lede=f"Request: {item.request}",
        submit="Withdraw it",
        cancel_url=_item_url(item),
    )


def _filtered(items: QuerySet[AdvocacyItem], show: str) -> QuerySet[AdvocacyItem]:
    if show == "open":
        return items.filter(outcome__in=OPEN_OUTCOMES)
    if show == "closed":
        return items.exclude(outcome__in=OPEN_OUTCOMES)
    return items


@require_GET
def team_advocacy(request: HttpRequest) -> HttpResponse:
    """One URL, two shapes: the page, or (for htmx) just the re-filtered table."""
    require_permission(request.user, Permission.VIEW_ADVOCACY)
    form = AdvocacyFilterForm(request.GET or None)
    show = form.show_value()
    items = list(
        _filtered(visible(AdvocacyItem, request.user, Permission.VIEW_ADVOCACY), show)
        .select_related("service_user", "team")
        .order_by("-recorded_on", "-pk")
    )
    audit.record_list_view(
        actor=request.user,
        model=AdvocacyItem,
        ids=[item.pk for item in items],
        listing=f"advocacy ({show})",
    )
    template = (
        "practice/advocacy_list.html#results" if request.htmx else "practice/advocacy_list.html"
    )
    return render(request, template, {"items": items, "form": form, "show": show})


urlpatterns = [
    path("advocacy/", team_advocacy, name="team-advocacy"),
    path("advocacy/<int:pk>/", advocacy, name="advocacy"),
    path("advocacy/<int:pk>/outcome/", advocacy_outcome, name="advocacy-outcome"),
    path("advocacy/<int:pk>/withdraw/", advocacy_withdraw, name="advocacy-withdraw"),
    path("service-users/<int:pk>/advocacy/new/", advocacy_create, name="advocacy-create"),
]
