from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from alongside.core import audit
from alongside.core.access import Permission, require_permission
from alongside.practice import queries
from alongside.practice.access import get_referral_for_user
from alongside.practice.models import Referral


@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_TEAM_REFERRALS)
    rows = list(queries.team_referrals(request.user))
    audit.record_list_view(
        actor=request.user, model=Referral, ids=[r.pk for r in rows], listing="team referrals"
    )
    return render(request, "practice/referrals.html", {"referrals": rows})


@require_GET
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_referral_for_user(request.user, pk)
    return render(request, "practice/referral.html", {"referral": record})


urlpatterns = [
    path("referrals/", referrals, name="referrals"),
    path("referrals/<int:pk>/", referral, name="referral"),
]
