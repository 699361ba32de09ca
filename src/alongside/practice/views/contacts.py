"""Contacts: logging one fast, correcting one, and reading a person's history of them.

Every list of contacts starts from `visible(Contact, user, VIEW_CONTACTS)`, so a row shown is a
note the viewer may read: a PSW's own caseload, a supervisor's supervisees', and a clinician's
team only where the person agreed to share notes.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core import audit
from alongside.core.access import (
    AnyUser,
    Permission,
    has_permission,
    visible,
)
from alongside.core.forms import run_action
from alongside.organisation.models import Person
from alongside.practice.access import get_contact_for_user, get_service_user_for_user
from alongside.practice.actions.contacts import (
    DELETE_WINDOW,
    delete_contact,
    record_contact,
    update_contact,
)
from alongside.practice.forms.contacts import (
    ContactEditForm,
    ContactForm,
    DeleteContactForm,
)
from alongside.practice.models import Contact, ContactMode, ContactSetting, ServiceUser

PAGE_SIZE = 25
RECENT = 5


def _service_user_to_record_for(user: AnyUser, pk: int) -> ServiceUser:
    return get_service_user_for_user(user, pk, Permission.RECORD_CONTACT)


def _service_user_with_contacts_for(user: AnyUser, pk: int) -> ServiceUser:
    """A service user whose contacts the user may read, or 404 (audited either way)."""
    return get_service_user_for_user(user, pk, Permission.VIEW_CONTACTS)


def _contacts_of(user: AnyUser, record: ServiceUser) -> QuerySet[Contact]:
    return (
        visible(Contact, user, Permission.VIEW_CONTACTS)
        .filter(service_user=record)
        .select_related("group_session__programme")
        .prefetch_related("activities", "chime_tags")
        .order_by("-date", "-pk")
    )


def _editable_ids(user: AnyUser, record: ServiceUser) -> set[int]:
    return set(
        visible(Contact, user, Permission.RECORD_CONTACT)
        .filter(service_user=record)
        .values_list("pk", flat=True)
    )


def _audit_list(request: HttpRequest, contacts: list[Contact], listing: str) -> None:
    audit.record_list_view(
        actor=request.user, model=Contact, ids=[c.pk for c in contacts], listing=listing
    )


def _next_url(request: HttpRequest) -> str | None:
    url = request.GET.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def service_user_section(request: HttpRequest, record: ServiceUser) -> dict[str, Any]:
    """The hub's contacts section: the latest few, and a way to log one."""
    contacts = _contacts_of(request.user, record)
    recent = list(contacts[:RECENT])
    _audit_list(request, recent, f"recent contacts of service user {record.pk}")
    return {
        "contacts_recent": recent,
        "contacts_total": contacts.count(),
        "contacts_editable": _editable_ids(request.user, record),
        "contacts_can_record": has_permission(request.user, Permission.RECORD_CONTACT, record),
    }


@require_GET
def contact_history(request: HttpRequest, pk: int) -> HttpResponse:
    record = _service_user_with_contacts_for(request.user, pk)
    page = Paginator(_contacts_of(request.user, record), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _audit_list(request, list(page), f"contacts of service user {record.pk}")
    return render(
        request,
        "practice/contact_history.html",
        {
            "service_user": record,
            "page": page,
            "contacts_editable": _editable_ids(request.user, record),
            "can_open_record": has_permission(request.user, Permission.VIEW_SERVICE_USER, record),
            "can_record": has_permission(request.user, Permission.RECORD_CONTACT, record),
        },
    )


def _prefilled_summary(form: ContactForm) -> str:
    initial = form.initial
    parts = [
        ContactMode(initial["mode"]).label,
        ContactSetting(initial["setting"]).label,
        f"{initial['duration_minutes']} minutes",
    ]
    return ", ".join(parts)


@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    record = _service_user_to_record_for(request.user, pk)
    worker = Person.objects.get(user_id=request.user.pk)
    form = ContactForm.for_new(worker, request.POST if request.method == "POST" else None)
    done_url = _next_url(request) or reverse("practice:caseload")
    if request.method == "POST":
        contact = run_action(
            form,
            lambda: record_contact(
                by=request.user,
                worker=worker,
                service_user=record,
                date=form.cleaned_data["date"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                mode=form.cleaned_data["mode"],
                setting=form.cleaned_data["setting"],
                contact_format=form.cleaned_data["contact_format"],
                activities=form.cleaned_data["activities"],
                chime=form.cleaned_data["chime"],
                note=form.cleaned_data["note"],
                next_planned_contact=form.cleaned_data["next_planned_contact"],
            ),
        )
        if contact is not None:
            messages.success(request, f"Contact with {record.reference} saved.")
            return redirect(done_url)
    return render(
        request,
        "practice/contact_form.html",
        {
            "form": form,
            "service_user": record,
            "title": "Log a contact",
            "submit": "Save contact",
            "cancel_url": done_url,
            "prefilled": _prefilled_summary(form),
        },
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, pk, Permission.RECORD_CONTACT)
    record = contact.service_user
    form = ContactEditForm.for_contact(contact, request.POST if request.method == "POST" else None)
    done_url = _next_url(request) or reverse("practice:contacts", kwargs={"pk": record.pk})
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: update_contact(
                by=request.user,
                contact=contact,
                expected_version=form.cleaned_data["version"],
                activities=form.cleaned_data["activities"],
                chime=form.cleaned_data["chime"],
                note=form.cleaned_data["note"],
                **form.session_values(contact),
            ),
        )
        if saved is not None:
            messages.success(request, f"Contact with {record.reference} saved.")
            return redirect(done_url)
    return render(
        request,
        "practice/contact_form.html",
        {
            "form": form,
            "service_user": record,
            "contact": contact,
            "title": f"Change the contact of {contact.date:%d/%m/%Y}",
            "submit": "Save changes",
            "cancel_url": done_url,
            "can_delete": _can_delete(contact),
        },
    )


def _can_delete(contact: Contact) -> bool:
    return (
        contact.group_session_id is None and timezone.now() - contact.recorded_at <= DELETE_WINDOW
    )


@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, pk, Permission.RECORD_CONTACT)
    record = contact.service_user
    form = DeleteContactForm(
        request.POST if request.method == "POST" else None, initial={"version": contact.version}
    )
    if request.method == "POST":
        deleted = run_action(
            form,
            lambda: delete_contact(
                by=request.user, contact=contact, expected_version=form.cleaned_data["version"]
            ),
        )
        if deleted is not None:
            messages.success(request, f"Contact with {record.reference} deleted.")
            return redirect("practice:contacts", pk=record.pk)
    return render(
        request,
        "practice/contact_delete.html",
        {"form": form, "contact": contact, "service_user": record},
    )


urlpatterns = [
    path("service-users/<int:pk>/contacts/", contact_history, name="contacts"),
    path("service-users/<int:pk>/contacts/new/", contact_create, name="contact-create"),
    path("contacts/<int:pk>/edit/", contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", contact_delete, name="contact-delete"),
]
