from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from alongside.core import audit
from alongside.core.access import Permission, get_object_for_user, require_permission
from alongside.organisation.models import Person
from alongside.practice import queries
from alongside.practice.extensions import due_for
from alongside.practice.forms.caseload import CaseloadFilterForm
from alongside.practice.models import CaseloadEntry, ServiceUser


def _audit_caseload(request: HttpRequest, entries: list[CaseloadEntry], listing: str) -> None:
    audit.record_list_view(
        actor=request.user,
        model=ServiceUser,
        ids=[e.service_user_id for e in entries],
        listing=listing,
    )


def _caseload_page(request: HttpRequest, worker: Person | None, listing: str) -> HttpResponse:
    """One URL, two shapes: the page, or (for htmx) just the re-filtered table."""
    form = CaseloadFilterForm(request.GET or None)
    entries = list(queries.caseload_for(request.user, worker=worker, **form.filters()))
    _audit_caseload(request, entries, listing)
    due = due_for(e.service_user_id for e in entries)
    for entry in entries:
        entry.due = due.get(entry.service_user_id, [])
    template = "practice/caseload.html#table" if request.htmx else "practice/caseload.html"
    return render(
        request,
        template,
        {
            "entries": entries,
            "worker": worker,
            "form": form,
            "today": timezone.localdate(),
            "can_record": worker is None,
        },
    )


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_OWN_CASELOAD)
    return _caseload_page(request, None, "own caseload")


@require_GET
def supervisees(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_SUPERVISEE_CASELOADS)
    people = list(queries.supervisees_with_caseloads(request.user))
    audit.record_list_view(
        actor=request.user, model=Person, ids=[p.pk for p in people], listing="supervisees"
    )
    return render(
        request,
        "practice/supervisees.html",
        {"supervisees": people, "activity_days": queries.ACTIVITY_DAYS},
    )


@require_GET
def supervisee_caseload(request: HttpRequest, person_pk: int) -> HttpResponse:
    worker = get_object_for_user(
        Person, request.user, person_pk, Permission.VIEW_SUPERVISEE_CASELOADS
    )
    return _caseload_page(request, worker, f"caseload of person {worker.pk}")


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
