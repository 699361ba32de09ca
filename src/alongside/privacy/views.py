"""The data requests pages: find a person, export what is held about them, erase or anonymise.

Administrators only (`HANDLE_SUBJECT_REQUESTS`). They see a service user's name and counts of
records here, and clinical content only inside an export; every page that names a person is
audited as a view, and every export with the request's reference.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alongside.core import audit
from alongside.core.access import Permission, require_permission
from alongside.core.forms import run_action
from alongside.core.models import AuditAction
from alongside.evaluation import pseudonym_key
from alongside.evaluation.models import Participant
from alongside.evaluation.pseudonym_key import PseudonymKeyError
from alongside.practice.models import ServiceUser
from alongside.privacy import actions, effects
from alongside.privacy.export import subject_name
from alongside.privacy.forms import (
    ExportForm,
    ParticipantRequestForm,
    ParticipantSearchForm,
    ServiceUserRequestForm,
    ServiceUserSearchForm,
)
from alongside.privacy.walker import collect

MAX_RESULTS = 20


def _require(request: HttpRequest) -> None:
    require_permission(request.user, Permission.HANDLE_SUBJECT_REQUESTS)


def _service_user(request: HttpRequest, pk: int) -> ServiceUser:
    _require(request)
    found = get_object_or_404(ServiceUser.objects.select_related("team"), pk=pk)
    audit.record(
        actor=request.user, action=AuditAction.VIEW, obj=found, detail={"page": "data-request"}
    )
    return found


def _participant(request: HttpRequest, pk: int) -> Participant:
    _require(request)
    found = get_object_or_404(Participant.objects.select_related("study"), pk=pk)
    audit.record(
        actor=request.user, action=AuditAction.VIEW, obj=found, detail={"page": "data-request"}
    )
    return found


def _counts_table(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [
        (str(apps.get_model(label)._meta.verbose_name_plural).capitalize(), n)
        for label, n in counts.items()
    ]


@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    _require(request)
    people_form = ServiceUserSearchForm(request.GET if "q" in request.GET else None)
    participant_form = ParticipantSearchForm(request.GET if "pseudonym" in request.GET else None)
    service_users: list[ServiceUser] = []
    participants: list[Participant] = []
    if people_form.is_valid():
        q = people_form.cleaned_data["q"].strip()
        match = Q(reference__iexact=q) | Q(preferred_name__icontains=q)
        if q.isdigit():
            match |= Q(pk=int(q))
        service_users = list(ServiceUser.objects.filter(match).select_related("team")[:MAX_RESULTS])
        audit.record_list_view(
            actor=request.user,
            model=ServiceUser,
            ids=[s.pk for s in service_users],
            listing="data-requests",
        )
    if participant_form.is_valid():
        wanted = participant_form.cleaned_data["pseudonym"].strip()
        match = Q(pseudonym__iexact=wanted)
        try:
            # A code is found by its keyed digest: the code itself is not stored.
            match |= Q(code_digest=pseudonym_key.digest(wanted))
        except PseudonymKeyError as error:
            messages.error(request, f"Searched by pseudonym only. {error}")
        participants = list(
            Participant.objects.filter(match, study=participant_form.cleaned_data["study"])
            .select_related("study")
            .order_by("pseudonym")
        )
    return render(
        request,
        "privacy/requests.html",
        {
            "people_form": people_form,
            "participant_form": participant_form,
            "service_users": service_users,
            "participants": participants,
            "searched_people": people_form.is_bound,
            "searched_participants": participant_form.is_bound,
        },
    )


def _subject_page(
    request: HttpRequest,
    template: str,
    subject: ServiceUser | Participant,
    form: ExportForm | None = None,
) -> HttpResponse:
    counts = collect(subject).counts()
    return render(
        request,
        template,
        {
            "subject": subject,
            "counts": _counts_table(counts),
            "total": sum(counts.values()),
            "form": form or ExportForm(),
        },
    )


def _download(made: actions.Export) -> HttpResponse:
    response = HttpResponse(made.zip_bytes(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{made.name}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def service_user(request: HttpRequest, pk: int) -> HttpResponse:
    return _subject_page(request, "privacy/service_user.html", _service_user(request, pk))


@require_POST
def service_user_export(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _service_user(request, pk)
    form = ExportForm(request.POST)
    made = run_action(
        form,
        lambda: actions.export_subject(
            by=request.user,
            subject=subject,
            request_reference=form.cleaned_data["request_reference"],
        ),
    )
    if made is None:
        return _subject_page(request, "privacy/service_user.html", subject, form)
    return _download(made)


@require_http_methods(["GET", "POST"])
def service_user_erase(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _service_user(request, pk)
    form = ServiceUserRequestForm(request.POST or None, expected=subject.reference)
    if request.method == "POST":
        erase = form.data.get("what") == "erase"
        done = run_action(
            form,
            lambda: (actions.erase_service_user if erase else actions.anonymise_service_user)(
                by=request.user,
                service_user=subject,
                request_reference=form.cleaned_data["request_reference"],
            ),
        )
        if done is not None:
            verb = "erased" if erase else "anonymised"
            messages.success(
                request, f"Service user {subject.pk} was {verb}: {sum(done.values())} records."
            )
            return redirect("privacy:requests")
    counts = collect(subject).counts()
    return render(
        request,
        "privacy/service_user_erase.html",
        {
            "subject": subject,
            "form": form,
            "counts": _counts_table(counts),
            "total": sum(counts.values()),
            "anonymise_effects": effects.anonymise_effects(counts),
            "erase_effects": effects.erase_effects(counts),
        },
    )


@require_GET
def participant(request: HttpRequest, pk: int) -> HttpResponse:
    return _subject_page(request, "privacy/participant.html", _participant(request, pk))


@require_POST
def participant_export(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _participant(request, pk)
    form = ExportForm(request.POST)
    made = run_action(
        form,
        lambda: actions.export_subject(
            by=request.user,
            subject=subject,
            request_reference=form.cleaned_data["request_reference"],
        ),
    )
    if made is None:
        return _subject_page(request, "privacy/participant.html", subject, form)
    return _download(made)


@require_http_methods(["GET", "POST"])
def participant_erase(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _participant(request, pk)
    form = ParticipantRequestForm(request.POST or None, expected=subject.pseudonym)
    if request.method == "POST":
        what = form.data.get("what")

        def act() -> object:
            reference = form.cleaned_data["request_reference"]
            if what == "erase":
                return actions.erase_participant(
                    by=request.user, participant=subject, request_reference=reference
                )
            return actions.withdraw_participant_on_request(
                by=request.user,
                participant=subject,
                keep_data=what == "withdraw-keep",
                request_reference=reference,
            )

        if run_action(form, act) is not None:
            verb = "erased" if what == "erase" else "withdrawn"
            messages.success(request, f"Participant {subject.pseudonym} was {verb}.")
            return redirect("privacy:requests")
    counts = collect(subject).counts()
    return render(
        request,
        "privacy/participant_erase.html",
        {
            "subject": subject,
            "name": subject_name(subject),
            "form": form,
            "counts": _counts_table(counts),
            "total": sum(counts.values()),
            "effects": effects.participant_effects(counts),
        },
    )
