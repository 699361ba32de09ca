"""The home page: one section for each thing the signed-in person is there to do."""

from collections import Counter
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from alongside.core import audit
from alongside.core.access import Permission, principal_for
from alongside.organisation.models import Person, Region, Team
from alongside.practice import queries
from alongside.practice.access import get_own_service_user_record
from alongside.practice.models import Referral, ServiceUser
from alongside.practice.referral_queries import referrals_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    held = principal_for(user).permissions
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today, "has_any_role": bool(held)}
    if Permission.VIEW_OWN_CASELOAD in held:
        entries = list(queries.caseload_for(user))
        week_ahead = today + timedelta(days=7)
        context["caseload_size"] = len(entries)
        context["caseload_by_status"] = sorted(
            Counter(e.get_status_display() for e in entries).items()
        )
        context["due"] = [
            e for e in entries if e.next_planned_contact and e.next_planned_contact <= today
        ]
        context["coming_up"] = [
            e
            for e in entries
            if e.next_planned_contact and today < e.next_planned_contact <= week_ahead
        ]
        shown = [e.service_user_id for e in context["due"] + context["coming_up"]]
        audit.record_list_view(actor=user, model=ServiceUser, ids=shown, listing="home caseload")
    if Permission.VIEW_SUPERVISEE_CASELOADS in held:
        context["supervisees"] = list(queries.supervisees_with_caseloads(user))
        audit.record_list_view(
            actor=user,
            model=Person,
            ids=[p.pk for p in context["supervisees"]],
            listing="home supervisees",
        )
    if Permission.VIEW_REFERRAL in held:
        context["referrals"] = list(referrals_for(user)[:10])
        audit.record_list_view(
            actor=user,
            model=Referral,
            ids=[r.pk for r in context["referrals"]],
            listing="home referrals",
        )
    if Permission.VIEW_PROGRAMME_SUMMARY in held:
        context["regions"] = queries.programme_summary()
    if Permission.VIEW_ORGANISATION in held:
        context["structure"] = {"regions": Region.objects.count(), "teams": Team.objects.count()}
    context["can_manage_organisation"] = Permission.MANAGE_ORGANISATION in held
    context["can_view_people"] = Permission.VIEW_PEOPLE in held
    context["can_view_audit"] = Permission.VIEW_AUDIT in held
    if Permission.VIEW_OWN_RECORD in held:
        context["own_record"] = get_own_service_user_record(user)
    return render(request, "home.html", context)
