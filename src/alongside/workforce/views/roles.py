"""Roles and resources: each PSW's grade, hours and equipment, with gaps like "phone only"."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import Permission, require_permission
from alongside.core.forms import run_action
from alongside.core.periods import current
from alongside.organisation.models import Person
from alongside.workforce.actions.roles import set_work_resources, set_work_terms
from alongside.workforce.forms import WorkResourcesForm, WorkTermsForm
from alongside.workforce.models import WorkResources, WorkTerms
from alongside.workforce.tiles import PSW_ROLES, gap_label, resource_gaps


def _peer_workers() -> list[Person]:
    return list(
        Person.objects.filter(current("memberships__"), memberships__role__in=PSW_ROLES)
        .distinct()
        .order_by("family_name", "given_name")
    )


@require_GET
def roles(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_WORK_TERMS)
    people = _peer_workers()
    ids = [p.pk for p in people]
    resources = {r.person_id: r for r in WorkResources.objects.filter(person_id__in=ids)}
    terms = {
        t.person_id: t
        for t in WorkTerms.objects.filter(current(), person_id__in=ids).order_by("start")
    }
    rows = []
    for person in people:
        kit = resources.get(person.pk)
        rows.append(
            {
                "person": person,
                "terms": terms.get(person.pk),
                "gap": "not recorded"
                if kit is None
                else gap_label(
                    desk=kit.desk, computer=kit.computer, phone=kit.phone, printer=kit.printer
                ),
            }
        )
    return render(request, "workforce/roles.html", {"rows": rows, "gaps": resource_gaps()})


@require_http_methods(["GET", "POST"])
def roles_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_WORK_TERMS)
    person = get_object_or_404(Person, pk=pk, pk__in=[p.pk for p in _peer_workers()])
    kit = WorkResources.objects.filter(person=person).first()
    latest = WorkTerms.objects.filter(person=person).order_by("-start").first()
    which = request.POST.get("which", "")
    terms_form = WorkTermsForm(
        request.POST if which == "terms" else None,
        initial={
            "grade": latest.grade,
            "contracted_hours": latest.contracted_hours,
            "fte": latest.fte,
        }
        if latest
        else None,
        prefix="terms",
    )
    kit_form = WorkResourcesForm(
        request.POST if which == "resources" else None,
        initial={
            "desk": kit.desk,
            "computer": kit.computer,
            "phone": kit.phone,
            "printer": kit.printer,
        }
        if kit
        else None,
        prefix="kit",
    )
    if request.method == "POST":
        saved: object = None
        if which == "terms":
            saved = run_action(
                terms_form,
                lambda: set_work_terms(by=request.user, person=person, **terms_form.cleaned_data),
            )
        elif which == "resources":
            saved = run_action(
                kit_form,
                lambda: set_work_resources(by=request.user, person=person, **kit_form.cleaned_data),
            )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("workforce:roles")
    return render(
        request,
        "workforce/roles_edit.html",
        {
            "person": person,
            "terms_form": terms_form,
            "kit_form": kit_form,
            "history": WorkTerms.objects.filter(person=person).order_by("-start"),
            "cancel_url": reverse("workforce:roles"),
        },
    )


urlpatterns = [
    path("roles/", roles, name="roles"),
    path("roles/<int:pk>/", roles_edit, name="roles-edit"),
]
