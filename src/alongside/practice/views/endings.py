"""Episodes and endings: the person's whole history of peer support, and ending the current one.

Everyone who may see the person sees every episode, earlier ones with other workers included;
only the PSW working with them changes the open episode's status or ends it.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from alongside.core.access import Permission, has_permission, visible
from alongside.core.forms import render_form_page, run_action
from alongside.practice.access import get_episode_for_user
from alongside.practice.actions.endings import (
    end_episode,
    mark_episode_ending,
    open_goals_of,
    put_on_hold,
    resume,
)
from alongside.practice.forms.endings import EndingForm, EpisodeStatusForm
from alongside.practice.models import CaseloadEntry, CaseloadStatus, Ending, ServiceUser

STATUS_ACTIONS = {
    CaseloadStatus.ACTIVE: resume,
    CaseloadStatus.ON_HOLD: put_on_hold,
    CaseloadStatus.ENDING: mark_episode_ending,
}


@dataclass(frozen=True)
class EpisodeRow:
    episode: CaseloadEntry
    ending: Ending | None
    can_manage: bool


def service_user_section(request: HttpRequest, record: ServiceUser) -> dict[str, Any]:
    episodes = (
        visible(CaseloadEntry, request.user, Permission.VIEW_SERVICE_USER)
        .filter(service_user=record)
        .select_related("worker", "ending", "referral__referrer")
        .order_by("-start", "-pk")
    )
    manageable = set(
        visible(CaseloadEntry, request.user, Permission.END_EPISODE)
        .filter(service_user=record)
        .values_list("pk", flat=True)
    )
    rows = [
        EpisodeRow(
            episode=episode,
            ending=getattr(episode, "ending", None),
            can_manage=episode.pk in manageable and episode.status != CaseloadStatus.ENDED,
        )
        for episode in episodes
    ]
    return {"episode_rows": rows}


def _after(request: HttpRequest, episode: CaseloadEntry) -> HttpResponse:
    """Back to the person's page, or to the caseload if they have left it."""
    if has_permission(request.user, Permission.VIEW_SERVICE_USER, episode.service_user):
        return redirect(
            reverse("practice:service-user", kwargs={"pk": episode.service_user_id}) + "#episodes"
        )
    return redirect("practice:caseload")


def _refuse_if_ended(request: HttpRequest, episode: CaseloadEntry) -> HttpResponse | None:
    if episode.status != CaseloadStatus.ENDED:
        return None
    messages.error(request, "This episode has ended. A re-referral opens a new one.")
    return _after(request, episode)


@require_http_methods(["GET", "POST"])
def episode_status(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, pk, Permission.END_EPISODE)
    if refused := _refuse_if_ended(request, episode):
        return refused
    form = EpisodeStatusForm.for_episode(
        episode, request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: STATUS_ACTIONS[CaseloadStatus(form.cleaned_data["status"])](
                by=request.user, episode=episode, expected_version=form.cleaned_data["version"]
            ),
        )
        if saved is not None:
            messages.success(request, f"The episode is now {saved.get_status_display().lower()}.")
            return _after(request, episode)
    return render_form_page(
        request,
        form,
        title=f"Change the status of {episode.service_user.preferred_name}'s episode",
        lede="To end the episode, use “End this episode” instead.",
        submit="Save",
        cancel_url=reverse("practice:service-user", kwargs={"pk": episode.service_user_id})
        + "#episodes",
    )


@require_http_methods(["GET", "POST"])
def episode_end(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, pk, Permission.END_EPISODE)
    if refused := _refuse_if_ended(request, episode):
        return refused
    form = EndingForm(
        request.POST if request.method == "POST" else None, initial={"version": episode.version}
    )
    if request.method == "POST":
        ending = run_action(
            form,
            lambda: end_episode(
                by=request.user,
                episode=episode,
                expected_version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in EndingForm.ENDING_FIELDS},
            ),
        )
        if ending is not None:
            messages.success(
                request,
                f"The episode has ended. {episode.service_user.preferred_name}'s history "
                "keeps it; a re-referral opens a new one.",
            )
            return _after(request, episode)
    return render(
        request,
        "practice/ending_form.html",
        {
            "form": form,
            "episode": episode,
            "open_goals": open_goals_of(episode),
            "now_field_names": EndingForm.NOW_FIELDS,
        },
    )


urlpatterns = [
    path("episodes/<int:pk>/status/", episode_status, name="episode-status"),
    path("episodes/<int:pk>/end/", episode_end, name="episode-end"),
]
