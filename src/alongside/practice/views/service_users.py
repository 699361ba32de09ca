"""A service user's page: the hub that gathers their episodes, contacts, goals and advocacy.

Each resource module contributes a section through a `service_user_section(request, record)`
function returning template context; the page includes each section's partial template.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import Permission, has_permission
from alongside.core.forms import render_form_page, run_action
from alongside.practice.access import get_service_user_for_user
from alongside.practice.actions.service_users import give_own_login, update_service_user
from alongside.practice.forms import OwnLoginForm, ServiceUserForm
from alongside.practice.models import ServiceUser
from alongside.practice.views import advocacy, contacts, endings, goals


def _sections(request: HttpRequest, record: ServiceUser) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for module in (endings, contacts, goals, advocacy):
        context.update(module.service_user_section(request, record))
    return context


@require_GET
def service_user(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_service_user_for_user(request.user, pk)
    context = {
        "service_user": record,
        "can_edit": has_permission(request.user, Permission.EDIT_SERVICE_USER, record),
        "can_view_measures": has_permission(request.user, Permission.VIEW_MEASURES),
        **_sections(request, record),
    }
    return render(request, "practice/service_user.html", context)


@require_http_methods(["GET", "POST"])
def service_user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_service_user_for_user(request.user, pk, Permission.EDIT_SERVICE_USER)
    form = ServiceUserForm.for_record(record, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: update_service_user(
                by=request.user,
                service_user=record,
                expected_version=form.cleaned_data["version"],
                preferred_name=form.cleaned_data["preferred_name"],
                contact_preferences=form.cleaned_data["contact_preferences"],
                consented_to_peer_support=form.cleaned_data["consented_to_peer_support"],
                consent_date=form.cleaned_data["consent_date"],
                shares_notes_with_team=form.cleaned_data["shares_notes_with_team"],
            ),
        )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("practice:service-user", pk=record.pk)
    return render_form_page(
        request,
        form,
        title=f"Edit {record.reference}",
        submit="Save",
        cancel_url=reverse("practice:service-user", kwargs={"pk": record.pk}),
    )


@require_http_methods(["GET", "POST"])
def own_login(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_service_user_for_user(request.user, pk, Permission.EDIT_SERVICE_USER)
    form = OwnLoginForm(request.POST or None)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: give_own_login(
                by=request.user,
                service_user=record,
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
            ),
        )
        if saved is not None:
            messages.success(
                request,
                f"{record.reference} has a login. They set their password with "
                "'Forgotten your password' on the sign-in page.",
            )
            return redirect("practice:service-user", pk=record.pk)
    return render_form_page(
        request,
        form,
        title=f"A login for {record.preferred_name}",
        lede="With their own login they see their goals and measures and add their own "
        "progress. They see nothing else.",
        submit="Create the login",
        cancel_url=reverse("practice:service-user", kwargs={"pk": record.pk}),
    )


urlpatterns = [
    path("service-users/<int:pk>/", service_user, name="service-user"),
    path("service-users/<int:pk>/edit/", service_user_edit, name="service-user-edit"),
    path("service-users/<int:pk>/login/", own_login, name="service-user-login"),
]
