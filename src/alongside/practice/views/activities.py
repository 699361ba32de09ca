"""Administrators keep the list of contact activities: add, rename, reorder, retire."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import Permission, require_permission
from alongside.core.forms import render_form_page, run_action
from alongside.practice.actions.activities import add_activity, change_activity
from alongside.practice.forms.activities import ActivityForm
from alongside.practice.models import Activity


@require_GET
def activities(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_ORGANISATION)
    rows = Activity.objects.annotate(uses=Count("contacts")).order_by("order", "label")
    return render(request, "practice/activities.html", {"activities": rows})


@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.MANAGE_ORGANISATION)
    form = ActivityForm(request.POST or None)
    del form.fields["active"]
    if request.method == "POST":
        created = run_action(
            form,
            lambda: add_activity(
                by=request.user,
                label=form.cleaned_data["label"],
                order=form.cleaned_data["order"],
            ),
        )
        if created is not None:
            messages.success(request, f"Activity “{created.label}” added.")
            return redirect("practice:activities")
    return render_form_page(
        request,
        form,
        title="Add an activity",
        submit="Add",
        cancel_url=reverse("practice:activities"),
    )


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Activities are configuration, not personal data: the permission is the whole check.
    require_permission(request.user, Permission.MANAGE_ORGANISATION)
    activity = get_object_or_404(Activity, pk=pk)
    initial = {"label": activity.label, "order": activity.order, "active": activity.active}
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: change_activity(
                by=request.user,
                activity=activity,
                label=form.cleaned_data["label"],
                order=form.cleaned_data["order"],
                active=form.cleaned_data["active"],
            ),
        )
        if saved is not None:
            messages.success(request, f"Activity “{saved.label}” saved.")
            return redirect("practice:activities")
    return render_form_page(
        request,
        form,
        title=f"Change “{activity.label}”",
        submit="Save",
        cancel_url=reverse("practice:activities"),
    )


urlpatterns = [
    path("activities/", activities, name="activities"),
    path("activities/new/", activity_create, name="activity-create"),
    path("activities/<int:pk>/edit/", activity_edit, name="activity-edit"),
]
