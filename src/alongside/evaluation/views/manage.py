"""Managing a study in the browser: its settings and study file, its members, its participants.

Settings are for the study's members (`MANAGE_STUDY`); membership is for administrators
(`MANAGE_STUDY_MEMBERS`); participants for members (`VIEW_STUDY_DATA` to look,
`IMPORT_STUDY_DATA` to register, record consent and withdraw). Every page loads the study
through `get_study_for_user`, which answers 404 to anyone else.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alongside.core import audit
from alongside.core.access import (
    Permission,
    get_object_for_user,
    has_permission,
    require_permission,
)
from alongside.core.forms import run_action
from alongside.evaluation import actions
from alongside.evaluation.access import get_study_for_user
from alongside.evaluation.actions import manage
from alongside.evaluation.forms_manage import (
    ERASE,
    ApprovalsForm,
    ConsentForm,
    InstrumentsForm,
    MemberAddForm,
    MemberIdentifiersForm,
    ParticipantFilterForm,
    ParticipantImportForm,
    PlaceForm,
    RenameForm,
    StudyDetailsForm,
    StudyUploadForm,
    WithdrawForm,
    evaluator_choices,
)
from alongside.evaluation.imports import ImportRejected, RowProblem
from alongside.evaluation.models import (
    Cohort,
    ConsentPurpose,
    PaperForm,
    Participant,
    Site,
    Study,
    StudyMember,
    SurveyLink,
)
from alongside.evaluation.studyfile import StudyFileError
from alongside.evaluation.studyfile_dump import dump_study, parse_study_upload
from alongside.measures.models import InstrumentVersion

PAGE_SIZE = 50


def _kind(kind: str) -> manage.PlaceKind:
    if kind == "site":
        return "site"
    if kind == "cohort":
        return "cohort"
    raise Http404("No such part of a study.")


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    cancel_url: str,
    lede: str = "",
) -> HttpResponse:
    """One form on a page, with an error summary and choices grouped under a legend."""
    return render(
        request,
        "evaluation/manage_form.html",
        {"form": form, "title": title, "submit": submit, "cancel_url": cancel_url, "lede": lede},
    )


def _place(study: Study, kind: manage.PlaceKind, code: str) -> Site | Cohort:
    if kind == "site":
        return get_object_or_404(Site, study=study, code=code)
    return get_object_or_404(Cohort, study=study, code=code)


def _settings_url(study: Study) -> str:
    return reverse("evaluation:manage", args=[study.slug])


# --- settings -----------------------------------------------------------------------------------


def _places_in_use(study: Study) -> set[tuple[str, str]]:
    """The study's sites and cohorts that something holds on to (`manage.place_uses` is not
    empty), as ("site" or "cohort", code): three queries however many places there are."""
    in_use: set[tuple[str, str]] = set()
    for model in (Participant, PaperForm, SurveyLink):
        pairs = model.objects.filter(study=study).values_list("site__code", "cohort__code")
        for site, cohort in pairs.order_by().distinct():
            in_use |= {("site", site), ("cohort", cohort)}
    return in_use


@require_GET
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    definition = manage.current_definition(study)
    in_use = _places_in_use(study)
    instrument_titles = {
        (code, version): title
        for code, version, title in InstrumentVersion.objects.values_list(
            "code", "version", "title"
        )
    }
    cohort_names = {c.code: c.name for c in definition.cohorts}
    return render(
        request,
        "evaluation/manage_study.html",
        {
            "study": study,
            "definition": definition,
            "sites": [(s, ("site", s.code) in in_use) for s in definition.sites],
            "cohorts": [(c, ("cohort", c.code) in in_use) for c in definition.cohorts],
            "instruments": [
                (
                    cohort_names.get(cohort, cohort),
                    [instrument_titles.get(key, f"{key[0]} {key[1]}") for key in keys],
                )
                for cohort, keys in definition.instruments
            ],
            "can_manage_members": has_permission(
                request.user, Permission.MANAGE_STUDY_MEMBERS, study
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def edit_details(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    form = StudyDetailsForm(
        request.POST or None,
        initial={
            "title": study.title,
            "period_start": study.period_start,
            "period_end": study.period_end,
            "methods": list(study.methods),
            "information_sheet_version": study.information_sheet_version,
        },
    )
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: manage.update_study_details(by=request.user, study=study, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, "The study's details were saved.")
            return redirect(_settings_url(study))
    return _form_page(
        request,
        form,
        title=f"Details of {study.title}",
        submit="Save the details",
        cancel_url=_settings_url(study),
    )


@require_http_methods(["GET", "POST"])
def add_place(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    place_kind = _kind(kind)
    form = PlaceForm(request.POST or None)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: manage.add_place(
                by=request.user,
                study=study,
                kind=place_kind,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
            ),
        )
        if saved is not None:
            messages.success(request, f"The {kind} {form.cleaned_data['code']} was added.")
            return redirect(_settings_url(study))
    lede = (
        "A new site has no ethics approval yet: set one in the approvals grid before anyone "
        "there can be added."
        if place_kind == "site"
        else "A new cohort has no ethics approval and no instruments yet: set them next."
    )
    return _form_page(
        request,
        form,
        title=f"Add a {kind} to {study.title}",
        submit=f"Add the {kind}",
        cancel_url=_settings_url(study),
        lede=lede,
    )


@require_http_methods(["GET", "POST"])
def rename_place(request: HttpRequest, slug: str, kind: str, code: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    place_kind = _kind(kind)
    place = _place(study, place_kind, code)
    form = RenameForm(request.POST or None, initial={"name": place.name})
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: manage.rename_place(
                by=request.user,
                study=study,
                kind=place_kind,
                code=code,
                name=form.cleaned_data["name"],
            ),
        )
        if saved is not None:
            messages.success(request, f"The {kind} {code} was renamed.")
            return redirect(_settings_url(study))
    return _form_page(
        request,
        form,
        title=f"Rename the {kind} {code}",
        submit="Save the name",
        cancel_url=_settings_url(study),
        lede="The code stays as it is: the study's files refer to it.",
    )


@require_http_methods(["GET", "POST"])
def remove_place(request: HttpRequest, slug: str, kind: str, code: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    place_kind = _kind(kind)
    place = _place(study, place_kind, code)
    errors: list[str] = []
    if request.method == "POST":
        try:
            manage.remove_place(by=request.user, study=study, kind=place_kind, code=code)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"The {kind} {code} was removed.")
            return redirect(_settings_url(study))
    return render(
        request,
        "evaluation/manage_remove.html",
        {
            "study": study,
            "kind": kind,
            "place": place,
            "uses": manage.place_uses(study, place_kind, code),
            "errors": errors,
        },
    )


@require_http_methods(["GET", "POST"])
def approvals(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    sites = list(study.sites.order_by("code"))
    cohorts = list(study.cohorts.order_by("code"))
    current = {(a.site, a.cohort): a for a in manage.current_definition(study).approvals}
    form = ApprovalsForm(
        request.POST or None,
        sites=sites,
        cohorts=cohorts,
        initial=ApprovalsForm.initial_for(sites, cohorts, current),
    )
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: manage.save_approvals(by=request.user, study=study, approvals=form.approvals()),
        )
        if saved is not None:
            messages.success(request, "The ethics approvals were saved.")
            return redirect(_settings_url(study))
    return render(
        request,
        "evaluation/manage_approvals.html",
        {"study": study, "form": form, "grid": form.grid()},
    )


@require_http_methods(["GET", "POST"])
def instruments(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    cohorts = list(study.cohorts.order_by("code"))
    chosen = {
        cohort: {f"{code} {version}" for code, version in keys}
        for cohort, keys in manage.current_definition(study).instruments
    }
    form = InstrumentsForm(request.POST or None, cohorts=cohorts)
    form.initial = {
        name: [
            pk for pk, key in form.keys.items() if f"{key[0]} {key[1]}" in chosen.get(c.code, ())
        ]
        for c, name in form.cohort_fields
    }
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: manage.set_instruments(by=request.user, study=study, instruments=form.chosen()),
        )
        if saved is not None:
            messages.success(request, "The instruments were saved.")
            return redirect(_settings_url(study))
    return _form_page(
        request,
        form,
        title=f"Instruments of {study.title}",
        submit="Save the instruments",
        cancel_url=_settings_url(study),
        lede="Choose, for each cohort, the questionnaires its participants complete. "
        "Only instruments already loaded are listed.",
    )


@require_GET
def download_study_file(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    response = HttpResponse(
        dump_study(manage.current_definition(study)), content_type="application/yaml"
    )
    response["Content-Disposition"] = f'attachment; filename="{study.slug}.yaml"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def upload_study_file(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.CREATE_STUDY)
    form = StudyUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            definition = parse_study_upload(
                upload.read(), filename=upload.name, available=manage.available_instruments()
            )
        except StudyFileError as error:
            problems = list(error.problems)
        else:
            existing = Study.objects.filter(slug=definition.slug).first()
            if existing is not None and not has_permission(
                request.user, Permission.MANAGE_STUDY, existing
            ):
                problems = [
                    f"{definition.source}: a study with the slug {definition.slug} exists "
                    "and you are not one of its members: ask them to change it, or choose "
                    "another slug"
                ]
            else:
                try:
                    study, created = manage.load_uploaded_study(
                        by=request.user, definition=definition
                    )
                except ValidationError as error:
                    problems = [f"{definition.source}: {m}" for m in error.messages]
                else:
                    state = "created" if created else "updated"
                    messages.success(request, f"The study {study.slug} was {state}.")
                    return redirect("evaluation:study", study.slug)
    return render(
        request,
        "evaluation/manage_upload.html",
        {"form": form, "problems": problems},
    )


# --- members ------------------------------------------------------------------------------------


def _member(study: Study, pk: int) -> StudyMember:
    return get_object_or_404(StudyMember.objects.select_related("user"), study=study, pk=pk)


@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY_MEMBERS)
    rows = list(study.members.select_related("user").order_by("user__username"))
    form = MemberAddForm(
        request.POST or None,
        candidates=evaluator_choices({m.user_id for m in rows}),
    )
    if request.method == "POST":
        added = run_action(
            form,
            lambda: manage.add_evaluator(
                by=request.user,
                study=study,
                username=form.cleaned_data["chosen_username"],
                may_see_identifiers=form.cleaned_data["may_see_identifiers"],
            ),
        )
        if added is not None:
            messages.success(request, f"{added.user.get_username()} is now a member.")
            return redirect("evaluation:members", study.slug)
    return render(
        request,
        "evaluation/members.html",
        {"study": study, "members": rows, "form": form},
    )


@require_POST
def member_identifiers(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY_MEMBERS)
    member = _member(study, pk)
    form = MemberIdentifiersForm(request.POST)
    form.is_valid()
    allowed = bool(form.cleaned_data.get("may_see_identifiers"))
    try:
        manage.set_member_identifiers(
            by=request.user, study=study, member=member, may_see_identifiers=allowed
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("evaluation:members", study.slug)
    name = member.user.get_username()
    messages.success(
        request,
        f"{name} {'may now' if allowed else 'may no longer'} see participant identifiers.",
    )
    return redirect("evaluation:members", study.slug)


@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY_MEMBERS)
    member = _member(study, pk)
    manage.remove_member(by=request.user, study=study, member=member)
    messages.success(request, f"{member.user.get_username()} is no longer a member.")
    return redirect("evaluation:members", study.slug)


# --- participants -------------------------------------------------------------------------------


def _problems(error: ImportRejected | ValidationError) -> list[RowProblem]:
    if isinstance(error, ImportRejected):
        return list(error.problems)
    return [RowProblem(None, None, None, message) for message in error.messages]


@require_http_methods(["GET", "POST"])
def import_participants(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.IMPORT_STUDY_DATA)
    form = ParticipantImportForm(request.POST or None, request.FILES or None)
    result, problems = None, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = actions.import_participants(
                by=request.user, study=study, data=upload.read(), filename=upload.name
            )
        except (ImportRejected, ValidationError) as error:
            problems = _problems(error)
    context = {"study": study, "form": form, "result": result, "problems": problems}
    template = "evaluation/participants_import.html"
    if request.headers.get("HX-Request"):
        template += "#outcome"
    return render(request, template, context)


@require_GET
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.VIEW_STUDY_DATA)
    form = ParticipantFilterForm(request.GET or None, study=study)
    rows = (
        Participant.objects.filter(study=study)
        .select_related("site", "cohort")
        .order_by("pseudonym")
    )
    query = ""
    if form.is_valid():
        rows = form.apply(rows)
        query = urlencode({name: value for name, value in form.cleaned_data.items() if value})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_list_view(
        actor=request.user,
        model=Participant,
        ids=[p.pk for p in page],
        listing=f"participants of {study.slug}",
    )
    return render(
        request,
        "evaluation/participants.html",
        {
            "study": study,
            "form": form,
            "page": page,
            "query": query,
            "can_import": has_permission(request.user, Permission.IMPORT_STUDY_DATA, study),
        },
    )


def _participant(
    request: HttpRequest, study: Study, pseudonym: str, permission: Permission, *, audit_view: bool
) -> Participant:
    """One participant of the study by pseudonym; 404 (audited as denied) for anyone else."""
    pk = (
        Participant.objects.filter(study=study, pseudonym=pseudonym[:16])
        .values_list("pk", flat=True)
        .first()
    )
    return get_object_for_user(
        Participant,
        request.user,
        pk if pk is not None else -1,
        permission,
        audit_view=audit_view,
    )


@require_GET
def participant(request: HttpRequest, slug: str, pseudonym: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.VIEW_STUDY_DATA)
    person = _participant(request, study, pseudonym, Permission.VIEW_STUDY_DATA, audit_view=True)
    given = {c.purpose: c for c in person.consents.all()}
    return render(
        request,
        "evaluation/participant.html",
        {
            "study": study,
            "participant": person,
            "consents": [(purpose, given.get(purpose)) for purpose in ConsentPurpose],
            "responses": person.responses.count(),
            "can_change": has_permission(request.user, Permission.IMPORT_STUDY_DATA, study),
        },
    )


def _participant_url(person: Participant) -> str:
    return reverse("evaluation:participant", args=[person.study.slug, person.pseudonym])


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, slug: str, pseudonym: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.IMPORT_STUDY_DATA)
    person = _participant(request, study, pseudonym, Permission.IMPORT_STUDY_DATA, audit_view=False)
    purpose = request.GET.get("purpose")
    initial: dict[str, Any] = {
        "information_sheet_version": study.information_sheet_version,
        "date": timezone.localdate(),
    }
    if purpose in ConsentPurpose.values:
        initial["purpose"] = purpose
        held = person.consents.filter(purpose=purpose).first()
        if held is not None:
            initial["given"] = "yes" if held.given else "no"
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = run_action(
            form,
            lambda: actions.record_consent(
                by=request.user,
                participant=person,
                purpose=ConsentPurpose(form.cleaned_data["purpose"]),
                given=form.cleaned_data["given"],
                information_sheet_version=form.cleaned_data["information_sheet_version"],
                date=form.cleaned_data["date"],
            ),
        )
        if saved is not None:
            messages.success(request, f"Consent recorded for {person.pseudonym}.")
            return redirect(_participant_url(person))
    return _form_page(
        request,
        form,
        title=f"Record consent for {person.pseudonym}",
        submit="Record the answer",
        cancel_url=_participant_url(person),
        lede="Record the answer the person gave for one purpose. A new answer replaces the "
        "previous one for that purpose; both stay in the audit trail.",
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, slug: str, pseudonym: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.IMPORT_STUDY_DATA)
    person = _participant(request, study, pseudonym, Permission.IMPORT_STUDY_DATA, audit_view=False)
    if person.withdrawn_at is not None:
        messages.info(request, f"{person.pseudonym} has already withdrawn.")
        return redirect(_participant_url(person))
    form = WithdrawForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirmed"]:
            done = run_action(
                form,
                lambda: actions.withdraw_participant(
                    by=request.user,
                    participant=person,
                    keep_data=form.cleaned_data["answers"] != ERASE,
                ),
            )
            if done is not None:
                messages.success(request, f"{person.pseudonym} has withdrawn from the study.")
                return redirect(_participant_url(person))
        else:
            confirming = True
    return render(
        request,
        "evaluation/participant_withdraw.html",
        {
            "study": study,
            "participant": person,
            "form": form,
            "confirming": confirming,
            "erase": confirming and form.cleaned_data["answers"] == ERASE,
            "responses": person.responses.count(),
        },
    )


urlpatterns = [
    path("study_file/", upload_study_file, name="study-upload"),
    path("<slug:slug>/manage/", settings_page, name="manage"),
    path("<slug:slug>/manage/details/", edit_details, name="manage-details"),
    path("<slug:slug>/manage/approvals/", approvals, name="manage-approvals"),
    path("<slug:slug>/manage/instruments/", instruments, name="manage-instruments"),
    path("<slug:slug>/manage/<str:kind>/add/", add_place, name="manage-place-add"),
    path(
        "<slug:slug>/manage/<str:kind>/<str:code>/rename/",
        rename_place,
        name="manage-place-rename",
    ),
    path(
        "<slug:slug>/manage/<str:kind>/<str:code>/remove/",
        remove_place,
        name="manage-place-remove",
    ),
    path("<slug:slug>/study.yaml", download_study_file, name="study-file"),
    path("<slug:slug>/members/", members, name="members"),
    path(
        "<slug:slug>/members/<int:pk>/identifiers/", member_identifiers, name="member-identifiers"
    ),
    path("<slug:slug>/members/<int:pk>/remove/", member_remove, name="member-remove"),
    path("<slug:slug>/participants/", participants, name="participants"),
    path("<slug:slug>/participants/import/", import_participants, name="participants-import"),
    path("<slug:slug>/participants/<str:pseudonym>/", participant, name="participant"),
    path("<slug:slug>/participants/<str:pseudonym>/consent/", consent, name="participant-consent"),
    path(
        "<slug:slug>/participants/<str:pseudonym>/withdraw/",
        withdraw,
        name="participant-withdraw",
    ),
]
