"""Online surveys: anonymous study links and single-use personal invitations.

The two public pages need no account and reach nothing else: a study link
(`survey/<token>/`) keeps the answers in the browser's session until they are sent, a
personal link (`invitation/<token>/`) keeps them on the invitation so the person can stop and
come back. Both show one screen per request (see `survey_screens`) and work without
JavaScript. The evaluator's pages (members of the study with `MANAGE_STUDY`) make and close
links, and make and revoke invitations; the personal links are shown once, in a CSV download.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alongside.core.access import Permission
from alongside.core.audit import record_list_view
from alongside.evaluation.access import (
    get_study_for_user,
    may_see_identifiers,
    open_codes_for_user,
)
from alongside.evaluation.actions import surveys as actions
from alongside.evaluation.models import (
    Approval,
    ApprovalStatus,
    Cohort,
    Invitation,
    Participant,
    Site,
    Study,
    SurveyLink,
)
from alongside.evaluation.pseudonym_key import PseudonymKeyError
from alongside.evaluation.survey_screens import (
    CONSENT_FIELDS,
    Consents,
    Draft,
    Screen,
    ScreenKind,
    build_screens,
    clamp,
    consents_in,
    merge,
    progress,
    validate_block,
    validate_consent,
    with_consents,
)
from alongside.measures.definitions import Instrument
from alongside.measures.queries import displayable
from alongside.measures.textpacks import DisplayInstrument

# --- one screen of a survey, for either kind of link -------------------------------------------


@dataclass(frozen=True)
class Survey:
    """A cohort's survey ready to show: its screens, definitions and wording."""

    title: str
    screens: tuple[Screen, ...]
    instruments: dict[str, Instrument]
    displays: dict[str, DisplayInstrument]


def _survey(study: Study, cohort: Cohort) -> Survey | None:
    """None when an instrument cannot be shown (licensed wording not loaded)."""
    instruments: dict[str, Instrument] = {}
    displays: dict[str, DisplayInstrument] = {}
    for version in actions.cohort_versions(cohort):
        shown = displayable(version)
        if shown.display is None:
            return None
        instruments[version.code] = shown.instrument
        displays[version.code] = shown.display
    return Survey(study.title, build_screens(list(instruments.values())), instruments, displays)


@dataclass(frozen=True)
class Step:
    """What a POST asks for: where to go next, and what it gave on the current screen."""

    action: str
    instrument: str | None = None
    answers: dict[str, int | None] | None = None
    consents: Consents | None = None


ACTIONS = ("next", "back", "save", "send")


def _questions(
    survey: Survey, screen: Screen, draft: Draft, errors: dict[str, str]
) -> list[dict[str, Any]]:
    assert screen.instrument is not None
    display = survey.displays[screen.instrument]
    given = draft.get(screen.instrument, {})
    numbers = {item.code: n for n, item in enumerate(display.items, start=1)}
    wording = {item.code: item for item in display.items}
    rows = []
    for code in screen.items:
        item = wording[code]
        options = [
            {
                "id": f"item-{code}-{index}",
                "value": option.value,
                "label": option.label,
                "checked": given.get(code) == option.value,
            }
            for index, option in enumerate(item.options)
        ]
        rows.append(
            {
                "code": code,
                "name": f"item_{code}",
                "legend": f"{numbers[code]}. {item.text}",
                "options": options,
                "error": errors.get(code),
                "first_id": options[0]["id"] if options else "",
            }
        )
    return rows


def _check_rows(survey: Survey, draft: Draft) -> list[dict[str, Any]]:
    sections = []
    for code, display in survey.displays.items():
        given = draft.get(code, {})
        rows = []
        for item in display.items:
            if not item.options:
                continue
            labels = {o.value: o.label for o in item.options}
            value = given.get(item.code)
            rows.append(
                {"text": item.text, "answer": labels.get(value) if value is not None else None}
            )
        sections.append({"title": display.title, "rows": rows})
    return sections


def _render_screen(
    request: HttpRequest,
    survey: Survey,
    *,
    draft: Draft,
    position: int,
    personal: bool,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    errors = errors or {}
    screen = survey.screens[position]
    shown = progress(survey.screens, position)
    context: dict[str, Any] = {
        "survey": survey,
        "screen": screen,
        "position": position,
        "progress": shown,
        "personal": personal,
        "errors": errors,
        "consents": draft.get("_consent", {}),
    }
    if screen.kind is ScreenKind.QUESTIONS:
        assert screen.instrument is not None
        display = survey.displays[screen.instrument]
        context["display"] = display
        context["questions"] = _questions(survey, screen, draft, errors)
        context["summary"] = [
            {"href": f"#{q['first_id']}", "text": f"{q['legend']}: {q['error']}"}
            for q in context["questions"]
            if q["error"]
        ]
    elif screen.kind is ScreenKind.CONSENT:
        context["summary"] = [
            {"href": f"#consent-{name}", "text": errors[name]}
            for name in CONSENT_FIELDS
            if name in errors
        ]
    else:
        context["sections"] = _check_rows(survey, draft)
        context["summary"] = [{"href": "#send", "text": text} for text in errors.values()]
    return render(request, "evaluation/survey_screen.html", context, status=200)


def _read_step(
    request: HttpRequest, survey: Survey, position: int
) -> tuple[Step | None, dict[str, str]]:
    """The POST's step, or the problems that keep the person on this screen."""
    action = request.POST.get("action", "next")
    if action not in ACTIONS:
        action = "next"
    screen = survey.screens[position]
    if screen.kind is ScreenKind.CONSENT:
        consents, errors = validate_consent(request.POST)
        if errors:
            return None, errors
        return Step(action, consents=consents), {}
    if screen.kind is ScreenKind.QUESTIONS:
        assert screen.instrument is not None
        posted = {code: request.POST.get(f"item_{code}", "") for code in screen.items}
        answers, errors = validate_block(
            survey.instruments[screen.instrument], screen.items, posted
        )
        if errors and action != "back":
            return None, errors
        kept = {code: value for code, value in answers.items() if code not in errors}
        return Step(action, screen.instrument, kept), {}
    return Step(action), {}


def _next_position(survey: Survey, position: int, action: str) -> int:
    moves = {"next": 1, "back": -1}
    return clamp(survey.screens, position + moves.get(action, 0))


def _message(request: HttpRequest, message: str, *, status: int = 200) -> HttpResponse:
    return render(request, "evaluation/survey_message.html", {"message": message}, status=status)


UNKNOWN = "This link is not valid. Check that you copied all of it, or ask the study team."
THANKS = "Thank you. Your answers have been sent to the study team."
NOT_SHOWN = "This survey cannot be shown at the moment. Please try again later."


def _screen_posted(request: HttpRequest, position: int) -> bool:
    """Whether the form was for the screen now current (an old tab or page is shown afresh)."""
    return request.POST.get("screen") == str(position)


# --- an anonymous study link --------------------------------------------------------------------


def _session_key(link: SurveyLink) -> str:
    return f"evaluation-survey-{link.pk}"


@login_not_required  # public on purpose: an anonymous study link for anyone in the cohort
@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    link = SurveyLink.objects.select_related("study", "cohort").filter(token=token[:64]).first()
    if link is None:
        return _message(request, UNKNOWN, status=404)
    key = _session_key(link)
    state: dict[str, Any] = request.session.get(key) or {"draft": {}, "position": 0}
    if state.get("done"):
        return _message(request, "You have already answered this survey. Thank you.")
    if link.closed_at is not None:
        return _message(request, "This survey is closed. Thank you for your interest.", status=410)
    the_survey = _survey(link.study, link.cohort)
    if the_survey is None:
        return _message(request, NOT_SHOWN, status=503)
    draft: Draft = state["draft"]
    position = clamp(the_survey.screens, int(state["position"]))
    if position > 0 and consents_in(draft) is None:
        position = 0
    if request.method == "POST" and _screen_posted(request, position):
        step, errors = _read_step(request, the_survey, position)
        if step is None:
            return _render_screen(
                request, the_survey, draft=draft, position=position, personal=False, errors=errors
            )
        if step.consents is not None:
            draft = with_consents(draft, step.consents)
        if step.instrument is not None and step.answers is not None:
            draft = merge(draft, step.instrument, step.answers)
        if step.action == "send" and the_survey.screens[position].kind is ScreenKind.CHECK:
            consents = consents_in(draft)
            if consents is None:
                position = 0
            else:
                try:
                    actions.complete_anonymous_survey(link=link, consents=consents, answers=draft)
                except ValidationError as error:
                    return _message(request, " ".join(error.messages), status=410)
                request.session[key] = {"done": True}
                return _message(request, THANKS)
        request.session[key] = {
            "draft": draft,
            "position": _next_position(the_survey, position, step.action),
        }
        return redirect(request.path)
    return _render_screen(request, the_survey, draft=draft, position=position, personal=False)


# --- a personal link ----------------------------------------------------------------------------


@login_not_required  # public on purpose: a single-use personal link for a registered participant
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = (
        Invitation.objects.select_related("participant__study", "participant__cohort")
        .filter(token_hash=actions.hash_token(token))
        .first()
    )
    if found is None:
        return _message(request, UNKNOWN, status=404)
    if found.completed_at is not None:
        return _message(request, "This survey has already been answered. Thank you.", status=410)
    if found.revoked_at is not None or found.participant.withdrawn_at is not None:
        return _message(request, "This link no longer works. Ask the study team.", status=410)
    participant = found.participant
    the_survey = _survey(participant.study, participant.cohort)
    if the_survey is None:
        return _message(request, NOT_SHOWN, status=503)
    draft: Draft = dict(found.draft)
    position = clamp(the_survey.screens, found.position)
    if position > 0 and consents_in(draft) is None:
        position = 0
    if request.method == "POST" and _screen_posted(request, position):
        step, errors = _read_step(request, the_survey, position)
        if step is None:
            return _render_screen(
                request, the_survey, draft=draft, position=position, personal=True, errors=errors
            )
        try:
            if step.action == "send" and the_survey.screens[position].kind is ScreenKind.CHECK:
                actions.complete_invitation(invitation=found)
                return _message(request, THANKS)
            actions.save_invitation_progress(
                invitation=found,
                position=_next_position(the_survey, position, step.action),
                instrument=step.instrument,
                answers=step.answers,
                consents=step.consents,
            )
        except ValidationError as error:
            return _message(request, " ".join(error.messages), status=410)
        if step.action == "save":
            return _message(
                request,
                "Your answers are saved. Open the same link again when you want to carry on.",
            )
        return redirect(request.path)
    return _render_screen(request, the_survey, draft=draft, position=position, personal=True)


# --- the evaluator's pages ----------------------------------------------------------------------


def _pairs(study: Study) -> list[dict[str, Any]]:
    """Every (site, cohort) of the study with its approval status, for the choosers."""
    approvals = {(a.site_id, a.cohort_id): a for a in Approval.objects.filter(study=study)}
    pairs = []
    for site in study.sites.order_by("code"):
        for cohort in study.cohorts.order_by("code"):
            approval = approvals.get((site.pk, cohort.pk))
            pairs.append(
                {
                    "value": f"{site.pk}:{cohort.pk}",
                    "site": site,
                    "cohort": cohort,
                    "status": approval.get_status_display() if approval else "Not listed",
                    "approved": approval is not None and approval.status == ApprovalStatus.APPROVED,
                }
            )
    return pairs


def _chosen_pair(request: HttpRequest, study: Study) -> tuple[Site, Cohort]:
    site_pk, _, cohort_pk = request.POST.get("pair", "").partition(":")
    site = Site.objects.filter(study=study, pk=site_pk if site_pk.isdigit() else -1).first()
    cohort = Cohort.objects.filter(study=study, pk=cohort_pk if cohort_pk.isdigit() else -1).first()
    if site is None or cohort is None:
        raise ValidationError("Choose a site and cohort from the list.")
    return site, cohort


def _attempt(request: HttpRequest, action: Callable[[], Any], done: str) -> None:
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


@require_GET
def links(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    pairs = _pairs(study)
    rows = list(
        SurveyLink.objects.filter(study=study)
        .select_related("site", "cohort")
        .order_by("site__code", "cohort__code", "-created_at")
    )
    listed = [
        {
            "link": link,
            "url": request.build_absolute_uri(reverse("evaluation:survey", args=[link.token])),
        }
        for link in rows
    ]
    return render(
        request,
        "evaluation/surveys.html",
        {"study": study, "pairs": [p for p in pairs if p["approved"]], "links": listed},
    )


@require_POST
def link_create(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)

    def create() -> None:
        site, cohort = _chosen_pair(request, study)
        actions.create_survey_link(by=request.user, study=study, site=site, cohort=cohort)

    _attempt(request, create, "The study link is ready: copy it from the list below.")
    return redirect("evaluation:surveys", slug=study.slug)


@require_POST
def link_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    link = SurveyLink.objects.filter(study=study, pk=pk).first()
    if link is None:
        raise Http404("No such link.")
    _attempt(
        request,
        lambda: actions.close_survey_link(by=request.user, link=link),
        "The link is closed: it takes no more answers.",
    )
    return redirect("evaluation:surveys", slug=study.slug)


def _status(row: Invitation) -> str:
    if row.revoked_at is not None:
        return "Revoked"
    if row.completed_at is not None:
        return "Completed"
    if row.started_at is not None:
        return "In progress"
    return "Not started"


def _not_invited(study: Study, site: Site, cohort: Cohort) -> list[Participant]:
    live = Invitation.objects.filter(participant=OuterRef("pk"), revoked_at__isnull=True)
    return list(
        Participant.objects.filter(study=study, site=site, cohort=cohort, withdrawn_at__isnull=True)
        .exclude(Exists(live))
        .select_related("site", "cohort")
        .order_by("pseudonym")
    )


@require_GET
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    rows = list(
        Invitation.objects.filter(participant__study=study)
        .select_related("participant__site", "participant__cohort")
        .order_by("participant__pseudonym", "-created_at")
    )
    record_list_view(
        actor=request.user, model=Invitation, ids=[r.pk for r in rows], listing="invitations"
    )
    listed = [{"invitation": r, "status": _status(r)} for r in rows]
    return render(
        request,
        "evaluation/invitations.html",
        {"study": study, "pairs": _pairs(study), "rows": listed},
    )


@require_POST
def invitations_create(request: HttpRequest, slug: str) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    try:
        site, cohort = _chosen_pair(request, study)
        people = _not_invited(study, site, cohort)
        if not people:
            raise ValidationError(
                f"Nobody registered at {site.code} in {cohort.code} is waiting for a personal "
                "link: everyone there has one already, or nobody is registered yet."
            )
        created = actions.create_invitations(by=request.user, study=study, participants=people)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("evaluation:invitations", slug=study.slug)
    out = io.StringIO()
    writer = csv.writer(out)
    # People are named by their code only for an administrator member allowed identifiers;
    # others get the pseudonym, to be matched to people by whoever holds the key. The links are
    # made already, so a key that cannot be opened gives pseudonyms rather than losing them.
    codes: dict[int, str] = {}
    if may_see_identifiers(request.user, study):
        with contextlib.suppress(PseudonymKeyError):
            codes = open_codes_for_user(
                request.user, {person.pk: person.code_sealed for person, _ in created}
            )
    writer.writerow(["participant_code" if codes else "participant", "personal_link"])
    for person, token in created:
        url = request.build_absolute_uri(reverse("evaluation:invitation", args=[token]))
        writer.writerow([codes[person.pk] if codes else person.pseudonym, url])
    response = HttpResponse(out.getvalue().encode(), content_type="text/csv; charset=utf-8")
    filename = f"{study.slug}-{site.code}-{cohort.code}-personal-links.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = get_study_for_user(request.user, slug, Permission.MANAGE_STUDY)
    row = Invitation.objects.filter(participant__study=study, pk=pk).first()
    if row is None:
        raise Http404("No such invitation.")
    _attempt(
        request,
        lambda: actions.revoke_invitation(by=request.user, invitation=row),
        "The personal link is revoked: it no longer opens the survey.",
    )
    return redirect("evaluation:invitations", slug=study.slug)


urlpatterns = [
    path("survey/<str:token>/", survey, name="survey"),
    path("invitation/<str:token>/", invitation, name="invitation"),
    path("<slug:slug>/surveys/", links, name="surveys"),
    path("<slug:slug>/surveys/create/", link_create, name="survey-link-create"),
    path("<slug:slug>/surveys/<int:pk>/close/", link_close, name="survey-link-close"),
    path("<slug:slug>/invitations/", invitations, name="invitations"),
    path("<slug:slug>/invitations/create/", invitations_create, name="invitations-create"),
    path("<slug:slug>/invitations/<int:pk>/revoke/", invitation_revoke, name="invitation-revoke"),
]
