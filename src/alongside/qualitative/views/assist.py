"""Assisted coding in the browser: suggest codes for uncoded passages, a person decides.

A run works through the project in steps, one short request each (the page's htmx posts the
next step as soon as one finishes; without JavaScript a button does): first the held-out
accuracy is measured, then `BATCH` uncoded segments at a time get their suggestions stored.
Each step gives `assist` only what it needs: every coded segment (to learn from), the batch,
and the segments either side of each one in its source (its context), so a step costs about
the same however large the project grows. Nothing is coded until a person accepts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from alongside.core.access import Permission
from alongside.core.audit import record_list_view
from alongside.qualitative import actions, assist
from alongside.qualitative.access import get_in_project
from alongside.qualitative.forms import SuggestionDecisionForm, code_choices
from alongside.qualitative.interchange import assist_inputs
from alongside.qualitative.models import (
    Code,
    Coding,
    Project,
    RunStatus,
    Segment,
    StoredSuggestion,
    SuggestionDecision,
    SuggestionRun,
)
from alongside.qualitative.views._common import back_to, project_for, user_of

BATCH = 40
PAGE_SIZE = 20
TEMPLATE = "qualitative/assist.html"


# --- Steps of a run ------------------------------------------------------------------------------


def step_inputs(
    segments: Sequence[assist.Segment], wanted: set[str], limit: int | None
) -> tuple[list[assist.Segment], list[str]]:
    """What one step passes to `assist`: every coded segment, the first `limit` segments whose
    key is in `wanted` (in project order), and each one's neighbours in its source.

    Returns (inputs in project order, keys of the chosen segments). Neighbours stay adjacent
    in the inputs, so `assist` sees each chosen segment's context exactly as in a whole run.
    """
    chosen = [i for i, segment in enumerate(segments) if segment.key in wanted]
    if limit is not None:
        chosen = chosen[:limit]
    keep = {i for i, segment in enumerate(segments) if segment.codes} | set(chosen)
    for i in chosen:
        for j in (i - 1, i + 1):
            if 0 <= j < len(segments) and segments[j].source == segments[i].source:
                keep.add(j)
    return [segments[i] for i in sorted(keep)], [segments[i].key for i in chosen]


def _method() -> tuple[str, str, str]:
    """(method, model name, model version) that a run started now uses."""
    if assist.embedding_available():
        return "embedding", assist.EMBEDDING_MODEL, assist.MODEL_VERSION
    import sklearn

    return "tfidf", assist.FALLBACK_MODEL, f"scikit-learn {sklearn.__version__}"


def advance(run: SuggestionRun, by: Any) -> None:
    """Do the next step of a running run: measure accuracy, else suggest for one batch."""
    codes, segments = assist_inputs(run.project)
    method = cast(assist.Method, run.method)
    coded = {s.key for s in segments if s.codes}
    if not run.measured:
        inputs, _ = step_inputs(segments, coded, None)
        measured = assist.evaluate(codes, inputs, method=method)
        actions.record_run_accuracy(
            by=by,
            run=run,
            trained_on=len(coded),
            tested=measured.tested,
            folds=measured.folds,
            top1=measured.top1,
            top3=measured.top3,
        )
        run.refresh_from_db()
        return
    done = {str(pk) for pk in run.suggestions.values_list("segment_id", flat=True).distinct()}
    pending = {s.key for s in segments if not s.codes} - done
    if not pending or not codes:
        actions.finish_suggestion_run(by=by, run=run)
        run.refresh_from_db()
        return
    inputs, batch = step_inputs(segments, pending, BATCH)
    result = assist.suggest(codes, inputs, method=method)
    key_of_path = {code.path: int(code.key) for code in codes}
    wanted = set(batch)
    suggested = {
        int(item.segment): [(key_of_path[s.path], s.score) for s in item.suggestions]
        for item in result.results
        if item.segment in wanted
    }
    if not actions.store_suggestions(by=by, run=run, expected_done=run.done, suggested=suggested):
        run.refresh_from_db()  # another request stored this batch first


# --- Pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    suggestion: StoredSuggestion
    label: str  # "Theme / Sub-theme / Code"

    @property
    def percent(self) -> int:
        return round(self.suggestion.score * 100)


@dataclass
class Card:
    """One uncoded passage with the suggestions nobody has turned down yet."""

    segment: Segment
    text: str
    offers: list[Offer]
    codings: list[Coding]


def _open_suggestions(run: SuggestionRun) -> list[StoredSuggestion]:
    rejected = SuggestionDecision.objects.filter(
        segment=OuterRef("segment"), code=OuterRef("code"), accepted=False
    )
    coded = Coding.objects.filter(segment=OuterRef("segment"))
    return list(
        StoredSuggestion.objects.filter(run=run)
        .annotate(rejected=Exists(rejected), coded=Exists(coded))
        .filter(rejected=False, coded=False)
        .select_related("code", "segment__source", "segment__speaker")
        .order_by("segment__source__name", "segment__order", "rank")
    )


def _cards(suggestions: list[StoredSuggestion], labels: dict[int, str]) -> list[Card]:
    by_segment: dict[int, list[Offer]] = defaultdict(list)
    for suggestion in suggestions:
        by_segment[suggestion.segment_id].append(
            Offer(suggestion, labels.get(suggestion.code_id, suggestion.code.name))
        )
    cards = []
    for offers in by_segment.values():
        segment = offers[0].suggestion.segment
        cards.append(Card(segment, segment.text, offers, []))
    return cards


def _labels(project: Project) -> dict[int, str]:
    return dict(code_choices(project, codable_only=False))


def _context(request: HttpRequest, project: Project) -> dict[str, Any]:
    run = SuggestionRun.objects.filter(project=project).first()
    cards: list[Card] = []
    page = None
    if run is not None and run.status == RunStatus.FINISHED:
        paginator = Paginator(_cards(_open_suggestions(run), _labels(project)), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        cards = list(page.object_list)
        record_list_view(
            actor=request.user,
            model=Segment,
            ids=[card.segment.pk for card in cards],
            listing="assisted coding",
        )
    uncoded = Segment.objects.filter(source__project=project).exclude(
        Exists(Coding.objects.filter(segment=OuterRef("pk")))
    )
    return {
        "project": project,
        "study": project.study,
        "run": run,
        "cards": cards,
        "page": page,
        "uncoded": uncoded.count(),
        "codable": Code.objects.filter(project=project, is_codable=True).count(),
        "coded": Segment.objects.filter(source__project=project)
        .filter(Exists(Coding.objects.filter(segment=OuterRef("pk"))))
        .count(),
        "available_method": _method()[1],
    }


@require_GET
def assist_page(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, write=True)
    context = _context(request, project)
    if request.htmx and request.GET.get("part") == "suggestions":
        return render(request, f"{TEMPLATE}#suggestions", context)
    return render(request, TEMPLATE, context)


@require_POST
def run_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, write=True)
    if not Code.objects.filter(project=project, is_codable=True).exists():
        messages.error(
            request, "Add codes to the codebook first: suggestions are chosen from them."
        )
        return back_to("assist", slug)
    method, model_name, model_version = _method()
    total = (
        Segment.objects.filter(source__project=project)
        .exclude(Exists(Coding.objects.filter(segment=OuterRef("pk"))))
        .count()
    )
    run = actions.start_suggestion_run(
        by=user_of(request),
        project=project,
        method=method,
        model_name=model_name,
        model_version=model_version,
        total=total,
    )
    if request.htmx:
        return render(request, f"{TEMPLATE}#progress", {"project": project, "run": run})
    return back_to("assist", slug, anchor="progress")


@require_POST
def step(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, slug, write=True)
    run = get_in_project(
        SuggestionRun, request.user, project, pk, Permission.CODE_QUALITATIVE, "project"
    )
    if run.status == RunStatus.RUNNING:
        advance(run, request.user)
    if request.htmx:
        response = render(request, f"{TEMPLATE}#progress", {"project": project, "run": run})
        if run.status == RunStatus.FINISHED:
            response["HX-Trigger"] = "suggestions-ready"
        return response
    return back_to("assist", slug, anchor="progress")


@require_POST
def decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, slug, write=True)
    suggestion = get_in_project(
        StoredSuggestion,
        request.user,
        project,
        pk,
        Permission.CODE_QUALITATIVE,
        "run__project",
    )
    form = SuggestionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Accept or Reject.")
        return back_to("assist", slug)
    accepted = form.cleaned_data["decision"] == "accept"
    run = suggestion.run
    actions.decide_suggestion(
        by=user_of(request),
        segment=suggestion.segment,
        code=suggestion.code,
        accepted=accepted,
        score=suggestion.score,
        model_name=run.model_name,
        model_version=run.model_version,
    )
    label = _labels(project).get(suggestion.code_id, suggestion.code.name)
    if not request.htmx:
        messages.success(request, f"Coded with {label}." if accepted else f"Turned down {label}.")
        return back_to("assist", slug, anchor=f"passage-{suggestion.segment_id}")
    segment = suggestion.segment
    remaining = [s for s in _open_suggestions(run) if s.segment_id == segment.pk]
    labels = _labels(project)
    card = Card(
        segment,
        segment.text,
        [Offer(s, labels.get(s.code_id, s.code.name)) for s in remaining],
        list(Coding.objects.filter(segment=segment).select_related("code", "coder")),
    )
    return render(
        request,
        f"{TEMPLATE}#card",
        {
            "project": project,
            "card": card,
            "decided": f"Coded with {label}." if accepted else f"Turned down {label}.",
        },
    )
