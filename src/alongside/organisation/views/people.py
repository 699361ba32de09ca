"""People, their memberships, their supervision and their logins: for administrators."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core import audit, two_factor
from alongside.core.access import Permission, has_permission, visible
from alongside.core.periods import current
from alongside.organisation import actions
from alongside.organisation.access import get_person_for_user
from alongside.organisation.forms import (
    EndMembershipForm,
    LoginForm,
    MembershipForm,
    PersonForm,
    PersonSearchForm,
    SupervisionForm,
)
from alongside.organisation.models import Membership, Person
from alongside.organisation.views.common import render_form, require, run_action

PAGE_SIZE = 50


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    require(request, Permission.VIEW_PEOPLE)
    form = PersonSearchForm(request.GET or None)
    current_memberships = Membership.objects.filter(current()).select_related("team")
    rows = visible(Person, request.user, Permission.VIEW_PEOPLE).prefetch_related(
        Prefetch("memberships", queryset=current_memberships, to_attr="current_memberships")
    )
    q = ""
    if form.is_valid():
        rows = form.apply(rows)
        q = form.cleaned_data["q"]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_list_view(
        actor=request.user, model=Person, ids=[p.pk for p in page], listing="people"
    )
    return render(
        request,
        "organisation/people.html",
        {
            "form": form,
            "page": page,
            "q": q,
            "can_edit": has_permission(request.user, Permission.MANAGE_PEOPLE),
        },
    )


@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, Permission.VIEW_PEOPLE)
    can_edit = has_permission(request.user, Permission.MANAGE_PEOPLE)
    return render(
        request,
        "organisation/person.html",
        {
            "person": person,
            "memberships": person.memberships.select_related("team").order_by("-start"),
            "supervisors": person.supervisor_assignments.select_related("supervisor").order_by(
                "-start"
            ),
            "supervisees": person.supervisee_assignments.select_related("supervisee").order_by(
                "-start"
            ),
            "today": timezone.localdate(),
            "can_edit": can_edit,
            # Shown, with the reset link, only to those who may reset it (MANAGE_PEOPLE).
            "has_second_factor": can_edit
            and person.user is not None
            and two_factor.has_second_factor(person.user),
        },
    )


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    require(request, Permission.MANAGE_PEOPLE)
    form = PersonForm(request.POST or None)
    if request.method == "POST":
        created = run_action(
            form, lambda: actions.create_person(by=request.user, **form.cleaned_data)
        )
        if created:
            messages.success(request, f"{created.full_name} added.")
            return redirect("organisation:person", pk=created.pk)
    return render_form(
        request,
        form,
        title="New person",
        submit="Add person",
        cancel_url=reverse("organisation:people"),
    )


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, Permission.MANAGE_PEOPLE)
    title = f"Change {person.full_name}"
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST":
        updated = run_action(
            form, lambda: actions.update_person(by=request.user, person=person, **form.cleaned_data)
        )
        if updated:
            messages.success(request, f"{updated.full_name} saved.")
            return redirect("organisation:person", pk=updated.pk)
    return render_form(
        request,
        form,
        title=title,
        submit="Save changes",
        cancel_url=reverse("organisation:person", args=[person.pk]),
    )


@require_http_methods(["GET", "POST"])
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, Permission.MANAGE_PEOPLE)
    form = MembershipForm(
        request.POST or None,
        instance=Membership(person=person),
        initial={"start": timezone.localdate()},
    )
    if request.method == "POST":
        created = run_action(
            form,
            lambda: actions.add_membership(by=request.user, person=person, **form.cleaned_data),
        )
        if created:
            messages.success(request, f"{person.full_name}: {created.get_role_display()} added.")
            return redirect("organisation:person", pk=person.pk)
    return render_form(
        request,
        form,
        title=f"New role for {person.full_name}",
        submit="Add role",
        cancel_url=reverse("organisation:person", args=[person.pk]),
    )


@require_http_methods(["GET", "POST"])
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, Permission.MANAGE_PEOPLE)
    membership = get_object_or_404(person.memberships.select_related("team"), pk=membership_pk)
    form = EndMembershipForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST":
        ended = run_action(
            form,
            lambda: actions.end_membership(
                by=request.user, membership=membership, end=form.cleaned_data["end"]
            ),
        )
        if ended:
            messages.success(request, f"{person.full_name}: {ended.get_role_display()} ended.")
            return redirect("organisation:person", pk=person.pk)
    where = f" on {membership.team.name}" if membership.team else ""
    return render_form(
        request,
        form,
        title=f"End a role for {person.full_name}",
        lede=f"{membership.get_role_display()}{where}, since {membership.start:%d %B %Y}.",
        submit="End the role",
        cancel_url=reverse("organisation:person", args=[person.pk]),
    )


@require_http_methods(["GET", "POST"])
def supervision_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, Permission.MANAGE_PEOPLE)
    form = SupervisionForm(
        request.POST or None, supervisee=person, initial={"start": timezone.localdate()}
    )
    if request.method == "POST":
        assigned = run_action(
            form,
            lambda: actions.assign_supervisor(
                by=request.user, supervisee=person, **form.cleaned_data
            ),
        )
        if assigned:
            messages.success(
                request, f"{assigned.supervisor.full_name} now supervises {person.full_name}."
            )
            return redirect("organisation:person", pk=person.pk)
    return render_form(
        request,
        form,
        title=f"New supervisor for {person.full_name}",
        submit="Add supervisor",
        cancel_url=reverse("organisation:person", args=[person.pk]),
    )


@require_http_methods(["GET", "POST"])
def login_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, Permission.MANAGE_PEOPLE)
    suggested = f"{slugify(person.given_name)}.{slugify(person.family_name)}"
    form = LoginForm(request.POST or None, initial={"username": suggested})
    if request.method == "POST":
        user = run_action(
            form,
            lambda: actions.create_login(
                by=request.user, person=person, username=form.cleaned_data["username"]
            ),
        )
        if user:
            messages.success(
                request,
                f"Login {user.get_username()} created for {person.full_name}. Nothing has been "
                "sent: ask them to set a password with “Forgotten your password?” on the sign-in "
                "page.",
            )
            return redirect("organisation:person", pk=person.pk)
    return render_form(
        request,
        form,
        title=f"Create a login for {person.full_name}",
        lede=(
            "No email is sent and no password is set that anyone knows. To sign in for the first "
            "time, they choose “Forgotten your password?” on the sign-in page and enter their "
            "email address"
            + (f" ({person.email})" if person.email else "")
            + "; the link to set a password is sent there."
        ),
        submit="Create login",
        cancel_url=reverse("organisation:person", args=[person.pk]),
    )
