"""Role-understanding pulse: trends per team, opening a round, and answering one."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core.access import Permission, has_permission, principal_for, require_permission
from alongside.core.forms import render_form_page, run_action
from alongside.organisation.models import Person
from alongside.workforce.actions.pulse import answer_pulse, open_pulse_round, respondent_group
from alongside.workforce.forms import PulseAnswerForm, PulseRoundForm
from alongside.workforce.models import PulseResponse, PulseRound
from alongside.workforce.pulse import pulse_instrument
from alongside.workforce.tiles import MIN_PULSE_RESPONSES, role_understanding


@require_GET
def pulse(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_WORKFORCE)
    return render(
        request,
        "workforce/pulse.html",
        {
            "trend": role_understanding(),
            "minimum": MIN_PULSE_RESPONSES,
            "can_open": has_permission(request.user, Permission.RUN_PULSE),
        },
    )


@require_http_methods(["GET", "POST"])
def pulse_open(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.RUN_PULSE)
    today = timezone.localdate()
    form = PulseRoundForm(
        request.POST if request.method == "POST" else None,
        initial={"opened_on": today, "closes_on": today + timedelta(days=14)},
    )
    if request.method == "POST":
        opened = run_action(
            form,
            lambda: open_pulse_round(
                by=request.user,
                team=form.cleaned_data["team"],
                opened_on=form.cleaned_data["opened_on"],
                closes_on=form.cleaned_data["closes_on"],
            ),
        )
        if opened is not None:
            messages.success(request, f"Pulse opened on {opened.team.name}; the team was told.")
            return redirect("workforce:pulse")
    return render_form_page(
        request,
        form,
        title="Ask a team the pulse questions",
        submit="Open the round",
        cancel_url=reverse("workforce:pulse"),
        lede="Everyone on the team, its peer support worker included, is asked four questions.",
    )


def _open_round_for(request: HttpRequest, pk: int) -> tuple[PulseRound, Person]:
    """The round, if the user is on its team in an answering role; 404 otherwise."""
    principal = principal_for(request.user)
    if Permission.ANSWER_PULSE not in principal.permissions or principal.person_id is None:
        raise Http404("No such pulse round.")
    pulse_round = get_object_or_404(PulseRound.objects.select_related("team"), pk=pk)
    person = Person.objects.get(pk=principal.person_id)
    if respondent_group(person, pulse_round.team) is None:
        raise Http404("No such pulse round.")
    return pulse_round, person


@require_http_methods(["GET", "POST"])
def pulse_answer(request: HttpRequest, pk: int) -> HttpResponse:
    pulse_round, person = _open_round_for(request, pk)
    answered = PulseResponse.objects.filter(round=pulse_round, respondent=person).exists()
    today = timezone.localdate()
    is_open = pulse_round.opened_on <= today <= pulse_round.closes_on
    form = PulseAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and is_open and not answered:
        saved = run_action(
            form,
            lambda: answer_pulse(by=request.user, pulse_round=pulse_round, answers=form.answers()),
        )
        if saved is not None:
            messages.success(request, "Thank you: your answers were saved.")
            return redirect("home")
    return render(
        request,
        "workforce/pulse_answer.html",
        {
            "form": form,
            "round": pulse_round,
            "answered": answered,
            "is_open": is_open,
            "instrument": pulse_instrument(),
        },
    )


urlpatterns = [
    path("pulse/", pulse, name="pulse"),
    path("pulse/open/", pulse_open, name="pulse-open"),
    path("pulse/<int:pk>/", pulse_answer, name="pulse-answer"),
]
