from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from alongside.core import audit
from alongside.core.access import Permission, get_object_for_user, require_permission
from alongside.organisation.models import Person
from alongside.practice import queries
from alongside.practice.models import CaseloadEntry, ServiceUser


def _audit_caseload(request: HttpRequest, entries: list[CaseloadEntry], listing: str) -> None:
    audit.record_list_view(
        actor=request.user,
        model=ServiceUser,
        ids=[e.service_user_id for e in entries],
        listing=listing,
    )


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_OWN_CASELOAD)
    entries = list(queries.caseload_for(request.user))
    _audit_caseload(request, entries, "own caseload")
    return render(
        request,
        "practice/caseload.html",
        {"entries": entries, "worker": None, "today": timezone.localdate()},
    )


@require_GET
def supervisees(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_SUPERVISEE_CASELOADS)
    people = list(queries.supervisees_with_caseloads(request.user))
    audit.record_list_view(
        actor=request.user, model=Person, ids=[p.pk for p in people], listing="supervisees"
    )
    return render(request, "practice/supervisees.html", {"supervisees": people})


@require_GET
def supervisee_caseload(request: HttpRequest, person_pk: int) -> HttpResponse:
    worker = get_object_for_user(
        Person, request.user, person_pk, Permission.VIEW_SUPERVISEE_CASELOADS
    )
    entries = list(queries.caseload_for(request.user, worker=worker))
    _audit_caseload(request, entries, f"caseload of person {worker.pk}")
    return render(
        request,
        "practice/caseload.html",
        {"entries": entries, "worker": worker, "today": timezone.localdate()},
    )


@require_GET
def programme(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_PROGRAMME_SUMMARY)
    return render(request, "practice/programme.html", {"regions": queries.programme_summary()})


urlpatterns = [
    path("caseload/", caseload, name="caseload"),
    path("supervisees/", supervisees, name="supervisees"),
    path("supervisees/<int:person_pk>/caseload/", supervisee_caseload, name="supervisee-caseload"),
    path("programme/", programme, name="programme"),
]
