"""Referrals: the list each role may see, one referral's page, making one, and deciding on it.

A decision is posted from the referral's page to its own URL; a refused or conflicting decision
shows the page again with the message beside the form.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alongside.core import audit
from alongside.core.access import Permission, has_permission, require_permission, visible
from alongside.core.forms import run_action
from alongside.practice import referral_queries
from alongside.practice.access import get_referral_for_user
from alongside.practice.actions.referrals import (
    accept_referral,
    decline_referral,
    make_referral,
    put_on_waiting_list,
)
from alongside.practice.forms.referrals import (
    AcceptForm,
    DeclineForm,
    ReferralFilterForm,
    ReferralForm,
    WaitingListForm,
)
from alongside.practice.models import CaseloadEntry, Referral, ReferralStatus

PAGE_SIZE = 50


@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    """The referrals the user may see; htmx gets just the filtered table."""
    require_permission(request.user, Permission.VIEW_REFERRAL)
    filter_form = ReferralFilterForm(request.GET or None)
    rows = referral_queries.referrals_for(request.user, status=filter_form.status_filter())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_list_view(
        actor=request.user,
        model=Referral,
        ids=[r.pk for r in page.object_list],
        listing="referrals",
    )
    context = {
        "filter_form": filter_form,
        "page": page,
        "referrals": page.object_list,
        "can_refer": has_permission(request.user, Permission.MAKE_REFERRAL),
    }
    template = "practice/referrals.html#results" if request.htmx else "practice/referrals.html"
    return render(request, template, context)


def _render_referral(
    request: HttpRequest,
    record: Referral,
    *,
    accept_form: AcceptForm | None = None,
    decline_form: DeclineForm | None = None,
    waiting_form: WaitingListForm | None = None,
) -> HttpResponse:
    can_decide = has_permission(request.user, Permission.DECIDE_REFERRAL, record)
    context: dict[str, Any] = {
        "referral": record,
        "days_to_first_contact": referral_queries.days_to_first_contact(record),
        "episode": CaseloadEntry.objects.filter(referral=record).first(),
        "can_read_contacts": has_permission(
            request.user, Permission.VIEW_CONTACTS, record.service_user
        ),
        "can_view_service_user": has_permission(
            request.user, Permission.VIEW_SERVICE_USER, record.service_user
        ),
        "can_decide": can_decide,
    }
    if can_decide:
        workers = referral_queries.allocatable_workers(request.user, record)
        own = workers.filter(user_id=request.user.pk).first()
        context.update(
            has_consent=record.service_user.consented_to_peer_support,
            can_put_on_waiting_list=record.status == ReferralStatus.PENDING,
            accept_form=accept_form
            or AcceptForm(
                initial={"version": record.version, "worker": own},
                workers=workers,
                needs_consent=not record.service_user.consented_to_peer_support,
            ),
            decline_form=decline_form or DeclineForm.for_referral(record),
            waiting_form=waiting_form or WaitingListForm.for_referral(record),
        )
    return render(request, "practice/referral.html", context)


@require_GET
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_referral(request, get_referral_for_user(request.user, pk))


@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.MAKE_REFERRAL)
    form = ReferralForm(
        request.user,
        request.POST if request.method == "POST" else None,
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST":
        created = run_action(form, lambda: _make_referral(request, form))
        if created is not None:
            messages.success(
                request,
                f"Referral of {created.service_user.reference} sent to {created.team.name}.",
            )
            return redirect("practice:referral", pk=created.pk)
    return render(
        request,
        "practice/referral_form.html",
        {"form": form, "self_referral_only": referral_queries.makes_self_referrals(request.user)},
    )


def _make_referral(request: HttpRequest, form: ReferralForm) -> Referral:
    data = form.cleaned_data
    referrer, discipline = referral_queries.referrer_on_team(request.user, data["team"])
    return make_referral(
        by=request.user,
        team=data["team"],
        service_user=data["service_user"],
        reference=data["reference"],
        preferred_name=data["preferred_name"],
        contact_preferences=data["contact_preferences"],
        consented_to_peer_support=data["consented_to_peer_support"],
        consent_date=data["consent_date"],
        reason=data["reason"],
        hopes=data["hopes"],
        urgency=data["urgency"],
        referrer=referrer,
        referrer_discipline=discipline,
        self_referral=referrer is None,
        received_on=data["received_on"],
    )


def _referral_to_decide(request: HttpRequest, pk: int) -> Referral | None:
    """The referral, if the user may decide on it now; None if someone already decided it.

    Anyone who may not decide on it gets a 404, as for a missing record.
    """
    try:
        return get_referral_for_user(request.user, pk, Permission.DECIDE_REFERRAL)
    except Http404:
        if not has_permission(request.user, Permission.DECIDE_REFERRAL):
            raise
        decided = visible(Referral, request.user, Permission.VIEW_REFERRAL).filter(
            pk=pk, status__in=[ReferralStatus.ACCEPTED, ReferralStatus.DECLINED]
        )
        if not decided.exists():
            raise
        messages.error(
            request,
            "This referral has already been decided, perhaps by someone else while you were "
            "looking at it. The decision is shown below.",
        )
        return None


def _referrer_told(record: Referral) -> str:
    return " The referrer has been told." if record.referrer_id else ""


@require_POST
def referral_accept(request: HttpRequest, pk: int) -> HttpResponse:
    record = _referral_to_decide(request, pk)
    if record is None:
        return redirect("practice:referral", pk=pk)
    workers = referral_queries.allocatable_workers(request.user, record)
    form = AcceptForm(
        request.POST,
        workers=workers,
        needs_consent=not record.service_user.consented_to_peer_support,
    )
    episode = run_action(
        form,
        lambda: accept_referral(
            by=request.user,
            referral=record,
            expected_version=form.cleaned_data["version"],
            worker=form.cleaned_data["worker"],
            next_planned_contact=form.cleaned_data["next_planned_contact"],
            consent_date=form.cleaned_data.get("consent_date"),
        ),
    )
    if episode is None:
        return _render_referral(request, record, accept_form=form)
    messages.success(
        request,
        f"Accepted: {record.service_user.reference} is now on "
        f"{episode.worker.full_name}'s caseload.{_referrer_told(record)}",
    )
    return redirect("practice:referral", pk=record.pk)


def _after_decision(request: HttpRequest, record: Referral) -> HttpResponse:
    """Back to the referral if the decider may still see it; a PSW no longer sees one they
    declined (it is not theirs, nor waiting on their team), so they go back to the list."""
    if has_permission(request.user, Permission.VIEW_REFERRAL, record):
        return redirect("practice:referral", pk=record.pk)
    return redirect("practice:referrals")


@require_POST
def referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    record = _referral_to_decide(request, pk)
    if record is None:
        return redirect("practice:referral", pk=pk)
    form = DeclineForm(request.POST)
    declined = run_action(
        form,
        lambda: decline_referral(
            by=request.user,
            referral=record,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            detail=form.cleaned_data["detail"],
        ),
    )
    if declined is None:
        return _render_referral(request, record, decline_form=form)
    messages.success(request, f"Declined.{_referrer_told(record)}")
    return _after_decision(request, record)


@require_POST
def referral_waiting_list(request: HttpRequest, pk: int) -> HttpResponse:
    record = _referral_to_decide(request, pk)
    if record is None:
        return redirect("practice:referral", pk=pk)
    form = WaitingListForm(request.POST)
    waiting = run_action(
        form,
        lambda: put_on_waiting_list(
            by=request.user, referral=record, expected_version=form.cleaned_data["version"]
        ),
    )
    if waiting is None:
        return _render_referral(request, record, waiting_form=form)
    messages.success(request, f"Put on the waiting list.{_referrer_told(record)}")
    return _after_decision(request, record)


urlpatterns = [
    path("referrals/", referrals, name="referrals"),
    path("referrals/new/", referral_create, name="referral-create"),
    path("referrals/<int:pk>/", referral, name="referral"),
    path("referrals/<int:pk>/accept/", referral_accept, name="referral-accept"),
    path("referrals/<int:pk>/decline/", referral_decline, name="referral-decline"),
    path("referrals/<int:pk>/waiting-list/", referral_waiting_list, name="referral-waiting-list"),
]
