"""Group programmes: the list, one programme with its sessions, and marking who came.

Counts of attendance are shown to whoever may see the group; attendees' names only to those who
may see the person (VIEW_SERVICE_USER), so a group page never reveals a colleague's caseload.
"""

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core import audit
from alongside.core.access import Permission, has_permission, require_permission, visible
from alongside.core.forms import run_action
from alongside.organisation.models import Person
from alongside.practice.access import get_group_for_user, get_group_session_for_user
from alongside.practice.actions.groups import (
    add_group_session,
    create_group,
    markable_attendees,
    record_attendance,
    update_group,
)
from alongside.practice.forms.groups import AttendanceForm, GroupEditForm, GroupForm, SessionForm
from alongside.practice.models import Contact, GroupProgramme, ServiceUser


@require_GET
def groups(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_GROUPS)
    today = timezone.localdate()
    reachable = visible(GroupProgramme, request.user, Permission.VIEW_GROUPS).values("pk")
    programmes = (
        GroupProgramme.objects.filter(pk__in=reachable)
        .select_related("team")
        .prefetch_related("facilitators")
        .annotate(
            session_count=Count("sessions", filter=Q(sessions__date__lte=today), distinct=True),
            attendance=Count("sessions__contacts", distinct=True),
            next_session=Min("sessions__date", filter=Q(sessions__date__gte=today)),
        )
        .order_by("name")
    )
    return render(
        request,
        "practice/groups.html",
        {
            "programmes": list(programmes),
            "today": today,
            "can_create": has_permission(request.user, Permission.MANAGE_GROUPS),
        },
    )


@require_GET
def group(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_group_for_user(request.user, pk, Permission.VIEW_GROUPS)
    sessions = list(
        programme.sessions.annotate(attendance=Count("contacts")).order_by("-date", "-pk")
    )
    named = (
        Contact.objects.filter(
            group_session__programme=programme,
            service_user__in=visible(ServiceUser, request.user, Permission.VIEW_SERVICE_USER),
        )
        .select_related("service_user")
        .order_by("service_user__preferred_name")
    )
    names: dict[int, list[ServiceUser]] = defaultdict(list)
    for contact in named:
        names[contact.group_session_id or 0].append(contact.service_user)
    for session in sessions:
        session.named_attendees = names.get(session.pk, [])  # type: ignore[attr-defined]
        session.unnamed = session.attendance - len(session.named_attendees)  # type: ignore[attr-defined]
    audit.record_list_view(
        actor=request.user,
        model=ServiceUser,
        ids=sorted({su.pk for people in names.values() for su in people}),
        listing=f"attendance at group {programme.pk}",
    )
    return render(
        request,
        "practice/group.html",
        {
            "programme": programme,
            "facilitators": list(programme.facilitators.order_by("given_name")),
            "sessions": sessions,
            "today": timezone.localdate(),
            "can_manage": has_permission(request.user, Permission.MANAGE_GROUPS, programme),
        },
    )


@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_GROUPS)
    form = GroupForm.for_user(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        programme = run_action(
            form,
            lambda: create_group(
                by=request.user,
                team=form.cleaned_data["team"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                facilitators=form.cleaned_data["facilitators"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            ),
        )
        if programme is not None:
            messages.success(request, f"Group “{programme.name}” started.")
            return redirect("practice:group", pk=programme.pk)
    return render(
        request,
        "practice/group_form.html",
        {
            "form": form,
            "title": "Start a group",
            "submit": "Start group",
            "cancel_url": reverse("practice:groups"),
        },
    )


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_group_for_user(request.user, pk, Permission.MANAGE_GROUPS)
    form = GroupEditForm.for_programme(
        programme, request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: update_group(
                by=request.user,
                programme=programme,
                expected_version=form.cleaned_data["version"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                facilitators=form.cleaned_data["facilitators"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            ),
        )
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("practice:group", pk=programme.pk)
    return render(
        request,
        "practice/group_form.html",
        {
            "form": form,
            "title": f"Change {programme.name}",
            "submit": "Save",
            "cancel_url": reverse("practice:group", kwargs={"pk": programme.pk}),
        },
    )


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_group_for_user(request.user, pk, Permission.MANAGE_GROUPS)
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST":
        session = run_action(
            form,
            lambda: add_group_session(
                by=request.user,
                programme=programme,
                date=form.cleaned_data["date"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                setting=form.cleaned_data["setting"],
                topic=form.cleaned_data["topic"],
            ),
        )
        if session is not None:
            messages.success(request, f"Session on {session.date:%d/%m/%Y} added.")
            return redirect("practice:group", pk=programme.pk)
    return render(
        request,
        "practice/group_form.html",
        {
            "form": form,
            "title": f"Add a session to {programme.name}",
            "submit": "Add session",
            "cancel_url": reverse("practice:group", kwargs={"pk": programme.pk}),
        },
    )


@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """A checklist of the people the user may mark. htmx swaps in the saved form in place;
    without JavaScript the form posts and the page redirects to the group."""
    session = get_group_session_for_user(request.user, pk, Permission.MANAGE_GROUPS)
    markable = markable_attendees(request.user).order_by("preferred_name", "reference")

    def marked() -> set[int]:
        return set(
            session.contacts.filter(service_user__in=markable).values_list(
                "service_user_id", flat=True
            )
        )

    form = AttendanceForm.for_session(
        markable, marked(), request.POST if request.method == "POST" else None
    )
    saved = False
    if request.method == "POST":
        worker = Person.objects.get(user_id=request.user.pk)
        result = run_action(
            form,
            lambda: record_attendance(
                by=request.user,
                session=session,
                service_users=form.cleaned_data["attendees"],
                worker=worker,
                activities=form.cleaned_data["activities"],
                expected=form.cleaned_data["marked"],
            ),
        )
        if result is not None:
            message = f"Attendance saved: {len(result)} of your people came."
            if not request.htmx:
                messages.success(request, message)
                return redirect("practice:group", pk=session.programme_id)
            saved = True
            form = AttendanceForm.for_session(markable, marked())
    people = list(markable)
    audit.record_list_view(
        actor=request.user,
        model=ServiceUser,
        ids=[su.pk for su in people],
        listing=f"attendance checklist of group session {session.pk}",
    )
    context = {
        "session": session,
        "programme": session.programme,
        "form": form,
        "has_people": bool(people),
        "others": session.contacts.exclude(service_user__in=markable).count(),
        "can_mark": session.date <= timezone.localdate(),
        "saved": saved,
    }
    template = "practice/group_attendance.html"
    return render(request, f"{template}#attendance" if request.htmx else template, context)


urlpatterns = [
    path("groups/", groups, name="groups"),
    path("groups/new/", group_create, name="group-create"),
    path("groups/<int:pk>/", group, name="group"),
    path("groups/<int:pk>/edit/", group_edit, name="group-edit"),
    path("groups/<int:pk>/sessions/new/", session_create, name="session-create"),
    path("groups/sessions/<int:pk>/attendance/", session_attendance, name="session-attendance"),
]
