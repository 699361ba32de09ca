"""Measures pages: instruments, completing a measure, a person's scores, links, summaries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alongside.core.access import Permission, has_permission, require_permission, visible
from alongside.core.audit import record_list_view
from alongside.core.forms import run_action
from alongside.measures import actions, change, charts, fhir, queries
from alongside.measures.access import (
    get_administration_for_user,
    get_own_service_user,
    get_service_user_for_measures,
)
from alongside.measures.forms import QuestionnaireForm, SurveyLinkForm
from alongside.measures.models import (
    Administration,
    AdministrationMode,
    InstrumentVersion,
    SurveyLink,
)
from alongside.practice.models import ServiceUser


def _version(code: str) -> InstrumentVersion:
    row = queries.latest_version(code)
    if row is None or row.respondent not in queries.SERVICE_USER_RESPONDENTS:
        raise Http404("No such questionnaire.")
    return row


@require_GET
def instruments(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_INSTRUMENTS)
    rows = list(InstrumentVersion.objects.prefetch_related("text_packs"))
    return render(request, "measures/instruments.html", {"rows": rows})


@require_GET
def questionnaire_fhir(request: HttpRequest, code: str, version: str) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_INSTRUMENTS)
    row = InstrumentVersion.objects.filter(code=code, version=version).first()
    if row is None:
        raise Http404("No such instrument version.")
    actions.record_export(by=request.user, obj=row, format="fhir-r4-questionnaire")
    return _download(fhir.questionnaire(row.instrument()), f"{code}-{version}.questionnaire.json")


def _download(resource: dict[str, Any], filename: str) -> HttpResponse:
    response = JsonResponse(resource, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _charts(histories: list[queries.InstrumentHistory]) -> list[dict[str, Any]]:
    sections = []
    for history in histories:
        series = []
        for s in history.series:
            chart = charts.line_chart(
                s.points,
                title=f"{history.title}: {s.label}",
                low=s.low,
                high=s.high,
                band_half_width=s.band_half_width,
                ident=f"chart-{history.code}-{s.code}",
            )
            series.append({"series": s, "chart": chart})
        sections.append({"history": history, "series": series})
    return sections


@require_GET
def person_scores(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_service_user_for_measures(request.user, pk, Permission.VIEW_MEASURES)
    administrations = visible(Administration, request.user, Permission.VIEW_MEASURES).filter(
        service_user=person
    )
    histories = queries.person_history(administrations)
    record_list_view(
        actor=request.user,
        model=Administration,
        ids=[a.pk for h in histories for a in h.administrations],
        listing="person-scores",
    )
    can_record = has_permission(request.user, Permission.RECORD_MEASURES) and (
        visible(ServiceUser, request.user, Permission.EDIT_SERVICE_USER).filter(pk=pk).exists()
    )
    usable = [queries.displayable(r) for r in queries.for_service_users(queries.latest_versions())]
    return render(
        request,
        "measures/person_scores.html",
        {
            "service_user": person,
            "sections": _charts(histories),
            "can_record": can_record,
            "usable": usable,
            "link_form": SurveyLinkForm(
                [(d.row.code, d.row.title) for d in usable if d.display is not None]
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def administer(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    person = get_service_user_for_measures(request.user, pk, Permission.RECORD_MEASURES)
    shown = queries.displayable(_version(code))
    if shown.display is None:
        return render(request, "measures/administer.html", {"service_user": person, "shown": shown})
    data = request.POST if request.method == "POST" else None
    form = QuestionnaireForm(shown.display, data, staff=True)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: actions.record_administration(
                by=request.user,
                service_user=person,
                instrument_version=shown.row,
                text_pack=shown.pack,
                administered_on=form.cleaned_data["administered_on"],
                mode=AdministrationMode(form.cleaned_data["mode"]),
                answers=form.answers(),
                written_answers=form.written_answers(),
            ),
        )
        if saved is not None:
            messages.success(request, f"{shown.display.title} saved.")
            return redirect("measures:person-scores", pk=person.pk)
    return render(
        request,
        "measures/administer.html",
        {"service_user": person, "shown": shown, "form": form},
    )


@require_GET
def administration_fhir(request: HttpRequest, pk: int) -> HttpResponse:
    administration = get_administration_for_user(request.user, pk, Permission.VIEW_MEASURES)
    actions.record_export(by=request.user, obj=administration, format="fhir-r4-response")
    return _download(
        fhir.questionnaire_response(administration),
        f"administration-{administration.pk}.questionnaire-response.json",
    )


@require_POST
@never_cache
def link_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_service_user_for_measures(request.user, pk, Permission.RECORD_MEASURES)
    usable = [queries.displayable(r) for r in queries.for_service_users(queries.latest_versions())]
    choices = [(d.row.code, d.row.title) for d in usable if d.display is not None]
    form = SurveyLinkForm(choices, request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a questionnaire for the link.")
        return redirect("measures:person-scores", pk=person.pk)
    shown = next(d for d in usable if d.row.code == form.cleaned_data["instrument"])
    created = run_action(
        form,
        lambda: actions.create_survey_link(
            by=request.user,
            service_user=person,
            instrument_version=shown.row,
            text_pack=shown.pack,
        ),
    )
    if created is None:
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect("measures:person-scores", pk=person.pk)
    link, token = created
    url = request.build_absolute_uri(reverse("measures:survey-link", kwargs={"token": token}))
    return render(
        request,
        "measures/link_created.html",
        {"service_user": person, "link": link, "url": url, "title": shown.row.title},
    )


# --- the public survey link: no account, nothing else reachable -----------------------------------


def _link_for(token: str) -> SurveyLink:
    link = (
        SurveyLink.objects.select_related("instrument_version", "text_pack")
        .filter(token_hash=actions.hash_token(token))
        .first()
    )
    if link is None:
        raise Http404
    return link


def _gone(request: HttpRequest, why: str) -> HttpResponse:
    return render(request, "measures/link_message.html", {"message": why}, status=410)


@login_not_required  # public on purpose: a single-use link for someone without an account
@never_cache
@require_http_methods(["GET", "POST"])
def survey_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = _link_for(token)
    except Http404:
        return render(request, "measures/link_message.html", {"message": _UNKNOWN}, status=404)
    attempts = actions.count_link_attempt(link=link)
    if link.used_at is not None:
        return _gone(request, "This questionnaire has already been filled in. Thank you.")
    if link.expires_at <= timezone.now():
        return _gone(request, "This link has expired. Ask your worker for a new one.")
    if attempts > actions.LINK_MAX_ATTEMPTS:
        return _gone(
            request, "This link has been tried too many times. Ask your worker for a new one."
        )
    shown = queries.displayable(link.instrument_version)
    if shown.display is None:
        return _gone(request, "This questionnaire cannot be shown at the moment.")
    form = QuestionnaireForm(shown.display, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: actions.complete_survey_link(
                link=link, answers=form.answers(), written_answers=form.written_answers()
            ),
        )
        if saved is not None:
            return render(
                request,
                "measures/link_message.html",
                {"message": "Thank you. Your answers have been sent to your worker."},
            )
    return render(request, "measures/link.html", {"display": shown.display, "form": form})


_UNKNOWN = (
    "This link is not valid. Check that you copied all of it, or ask your worker for a new one."
)


# --- the service user's own measures --------------------------------------------------------------


def _own(request: HttpRequest) -> ServiceUser:
    person = get_own_service_user(request.user)
    if person is None:
        raise PermissionDenied
    return person


@require_GET
def my_measures(request: HttpRequest) -> HttpResponse:
    person = _own(request)
    administrations = visible(
        Administration, request.user, Permission.COMPLETE_OWN_MEASURES
    ).filter(service_user=person)
    histories = queries.person_history(administrations)
    record_list_view(
        actor=request.user,
        model=Administration,
        ids=[a.pk for h in histories for a in h.administrations],
        listing="my-measures",
    )
    due = queries.measures_due([person.pk]).get(person.pk, [])
    usable = [
        d
        for d in (
            queries.displayable(r) for r in queries.for_service_users(queries.latest_versions())
        )
        if d.display is not None
    ]
    return render(
        request,
        "measures/my_measures.html",
        {"sections": _charts(histories), "due": due, "usable": usable},
    )


@require_http_methods(["GET", "POST"])
def my_measure_complete(request: HttpRequest, code: str) -> HttpResponse:
    person = _own(request)
    shown = queries.displayable(_version(code))
    if shown.display is None:
        raise Http404("This questionnaire is not available.")
    form = QuestionnaireForm(shown.display, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: actions.record_administration(
                by=request.user,
                service_user=person,
                instrument_version=shown.row,
                text_pack=shown.pack,
                administered_on=timezone.localdate(),
                mode=AdministrationMode.SELF_ACCOUNT,
                answers=form.answers(),
                written_answers=form.written_answers(),
            ),
        )
        if saved is not None:
            messages.success(request, "Thank you: your answers are saved.")
            return redirect("measures:my-measures")
    return render(request, "measures/my_complete.html", {"shown": shown, "form": form})


# --- the programme lead's aggregates --------------------------------------------------------------


@require_GET
def summary(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_PROGRAMME_SUMMARY)
    return render(
        request,
        "measures/summary.html",
        {
            "summaries": queries.programme_summary(),
            "min_group": queries.MIN_GROUP,
            "method": change.PAIRED_METHOD,
        },
    )
