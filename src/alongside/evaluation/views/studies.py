"""Evaluation pages: the studies, one study's tables, item summaries, imports and downloads.

Counts are aggregates; whoever may not see study data (`VIEW_STUDY_DATA`) gets them with
small-cell suppression (`alongside.core.disclosure`), evaluators get them exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core import audit
from alongside.core.access import Permission, has_permission, require_permission, visible
from alongside.core.disclosure import (
    GRAND,
    SUPPRESSED_MARKER,
    ProtectedTable,
    protect_table,
)
from alongside.core.models import AuditAction
from alongside.evaluation import actions, queries, response_rates, summaries
from alongside.evaluation.access import (
    get_study_for_user,
    may_see_identifiers,
    open_codes_for_user,
    study_abilities,
)
from alongside.evaluation.downloads import EXPORT_FORMATS
from alongside.evaluation.forms import ResponseImportForm
from alongside.evaluation.imports import ImportRejected, RowProblem
from alongside.evaluation.models import (
    Approval,
    ApprovalStatus,
    Method,
    Participant,
    Study,
)
from alongside.evaluation.pseudonym_key import PseudonymKeyError
from alongside.evaluation.study_data import report_for, study_data


@dataclass(frozen=True)
class Cell:
    text: str
    hidden: bool = False
    not_approved: bool = False


@dataclass(frozen=True)
class GridRow:
    label: str
    cells: tuple[Cell, ...]
    total: Cell


@dataclass(frozen=True)
class Grid:
    columns: tuple[str, ...]
    rows: tuple[GridRow, ...]
    totals: tuple[Cell, ...]
    grand_total: Cell


def _grid(
    table: summaries.ParticipantTable,
    *,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    exact: bool,
    threshold: int,
) -> Grid:
    protected: ProtectedTable | None = None if exact else protect_table(table.cells, threshold)

    def cell(count: int | None, position: tuple[str, int, int]) -> Cell:
        if count is None:
            return Cell(summaries.NOT_APPROVED_TEXT, not_approved=True)
        if protected is not None and protected.is_suppressed(position):
            return Cell(SUPPRESSED_MARKER, hidden=True)
        return Cell(str(count))

    rows = tuple(
        GridRow(
            label=label,
            cells=tuple(cell(n, ("cell", r, c)) for c, n in enumerate(table.cells[r])),
            total=cell(table.row_totals[r], ("row", r, 0)),
        )
        for r, label in enumerate(row_labels)
    )
    return Grid(
        columns=tuple(column_labels),
        rows=rows,
        totals=tuple(cell(t, ("column", 0, c)) for c, t in enumerate(table.column_totals)),
        grand_total=cell(table.grand_total, GRAND),
    )


def _may_see_exact(request: HttpRequest, study: Study) -> bool:
    return has_permission(request.user, Permission.VIEW_STUDY_DATA, study)


@require_GET
def studies(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_STUDIES)
    rows = list(
        visible(Study, request.user, Permission.VIEW_STUDIES)
        .annotate(
            site_count=Count("sites", distinct=True),
            cohort_count=Count("cohorts", distinct=True),
        )
        .order_by("title", "slug")
    )
    approved = set(
        Approval.objects.filter(study__in=rows, status=ApprovalStatus.APPROVED).values_list(
            "study_id", "site_id", "cohort_id"
        )
    )
    counted: dict[int, int] = {}
    for study_id, site_id, cohort_id, n in (
        Participant.objects.filter(study__in=rows, withdrawn_at__isnull=True)
        .values_list("study_id", "site_id", "cohort_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if (study_id, site_id, cohort_id) in approved:
            counted[study_id] = counted.get(study_id, 0) + n
    exact_for = set(
        visible(Study, request.user, Permission.VIEW_STUDY_DATA).values_list("pk", flat=True)
    )
    listed = [
        {
            "study": study,
            "participants": (
                str(n)
                if study.pk in exact_for or n == 0 or n >= study.disclosure_threshold
                else f"fewer than {study.disclosure_threshold}"
            ),
        }
        for study in rows
        for n in (counted.get(study.pk, 0),)
    ]
    context = {"rows": listed, "can_create": has_permission(request.user, Permission.CREATE_STUDY)}
    return render(request, "evaluation/studies.html", context)


@require_GET
def study(request: HttpRequest, slug: str) -> HttpResponse:
    the_study = get_study_for_user(request.user, slug, Permission.VIEW_STUDIES)
    exact = _may_see_exact(request, the_study)
    data = study_data(the_study)
    sites = list(the_study.sites.order_by("code"))
    cohorts = list(the_study.cohorts.order_by("code"))
    approvals = {(a.site_id, a.cohort_id): a for a in Approval.objects.filter(study=the_study)}
    approval_rows = [
        {
            "site": site,
            "cells": [approvals.get((site.pk, cohort.pk)) for cohort in cohorts],
        }
        for site in sites
    ]
    participants = summaries.participant_table(
        data.participant_counts, sites=data.sites, cohorts=data.cohorts, approvals=data.approvals
    )
    methods = [*the_study.methods, *(m for m in Method.values if m not in the_study.methods)]
    by_method = summaries.method_table(
        data.participant_counts,
        cohorts=data.cohorts,
        methods=methods,
        sites=data.sites,
        approvals=data.approvals,
    )
    context = {
        "study": the_study,
        "cohorts": cohorts,
        "approval_rows": approval_rows,
        "participants": _grid(
            participants,
            row_labels=[f"{s.name} ({s.code})" for s in sites],
            column_labels=[c.name for c in cohorts],
            exact=exact,
            threshold=the_study.disclosure_threshold,
        ),
        "by_method": _grid(
            by_method,
            row_labels=[c.name for c in cohorts],
            column_labels=[Method(m).label for m in methods],
            exact=exact,
            threshold=the_study.disclosure_threshold,
        ),
        "excluded": sum(participants.excluded.values()),
        "exact": exact,
        **study_abilities(request.user, the_study),
        "export_formats": EXPORT_FORMATS if exact else {},
        "identified_formats": (
            {code: f for code, f in EXPORT_FORMATS.items() if f.carries_identifiers}
            if exact and may_see_identifiers(request.user, the_study)
            else {}
        ),
        "threshold": the_study.disclosure_threshold,
        # Exact counts mean a member; members with MANAGE_STUDY run the online surveys.
        "response_rates": [
            response_rates.shown(row, exact=exact, threshold=the_study.disclosure_threshold)
            for row in response_rates.rate_rows(
                [(s, c, sent, done) for (s, c), (sent, done) in data.invitations.items()],
                sites=data.sites,
                cohorts=data.cohorts,
            )
        ],
    }
    return render(request, "evaluation/study.html", context)


@require_GET
def items(request: HttpRequest, slug: str) -> HttpResponse:
    the_study = get_study_for_user(request.user, slug, Permission.VIEW_STUDIES)
    exact = _may_see_exact(request, the_study)
    data = study_data(the_study)
    report = report_for(data, suppress=not exact)
    titles = {i.code: i.title for i in data.instruments}
    cohort_names = dict(the_study.cohorts.values_list("code", "name"))
    breakdowns: dict[tuple[str, str, str], dict[str, list[dict[str, Any]]]] = {}
    for key, field in (("items_by_site", "site"), ("items_by_team_type", "team_type")):
        for entry in report[key]:
            place = (entry["instrument"], entry["item"], entry["cohort"])
            rows = breakdowns.setdefault(place, {"site": [], "team_type": []})[field]
            rows.append({**entry, "group": entry[field]})
    sections: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in report["items"]:
        place = (entry["instrument"], entry["item"], entry["cohort"])
        by = breakdowns.get(place, {"site": [], "team_type": []})
        sections.setdefault((entry["instrument"], entry["cohort"]), []).append(
            {**entry, "by_site": by["site"], "by_team_type": by["team_type"]}
        )
    context = {
        "study": the_study,
        "exact": exact,
        "threshold": report["suppression"]["threshold"],
        "sections": [
            {
                "instrument": instrument,
                "title": titles.get(instrument, instrument),
                "cohort": cohort_names.get(cohort, cohort),
                "items": entries,
            }
            for (instrument, cohort), entries in sections.items()
        ],
    }
    return render(request, "evaluation/items.html", context)


def _problems(error: ImportRejected | ValidationError) -> list[RowProblem]:
    if isinstance(error, ImportRejected):
        return list(error.problems)
    return [RowProblem(None, None, None, message) for message in error.messages]


@require_http_methods(["GET", "POST"])
def import_responses(request: HttpRequest, slug: str) -> HttpResponse:
    the_study = get_study_for_user(request.user, slug, Permission.IMPORT_STUDY_DATA)
    form = ResponseImportForm(request.POST or None, request.FILES or None, study=the_study)
    result, problems = None, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = actions.import_responses(
                by=request.user,
                study=the_study,
                cohort_code=form.cleaned_data["cohort"],
                instrument_code=form.cleaned_data["instrument"],
                data=upload.read(),
                filename=upload.name,
            )
        except (ImportRejected, ValidationError) as error:
            problems = _problems(error)
    context = {"study": the_study, "form": form, "result": result, "problems": problems}
    template = "evaluation/import.html"
    if request.headers.get("HX-Request"):
        template += "#outcome"
    return render(request, template, context)


def _download(
    body: bytes | Iterator[bytes], content_type: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    response: HttpResponse | StreamingHttpResponse = (
        HttpResponse(body, content_type=content_type)
        if isinstance(body, bytes)
        else StreamingHttpResponse(body, content_type=content_type)
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export(request: HttpRequest, slug: str, format: str) -> HttpResponse | StreamingHttpResponse:
    """A download, de-identified unless `?identifiers=1` from a member allowed identifiers who
    holds the administrator role (the codes are opened with the pseudonym key)."""
    the_study = get_study_for_user(request.user, slug, Permission.VIEW_STUDY_DATA)
    chosen = EXPORT_FORMATS.get(format)
    if chosen is None:
        raise Http404("No such export format.")
    with_identifiers = request.GET.get("identifiers") == "1"
    if with_identifiers and not (
        chosen.carries_identifiers and may_see_identifiers(request.user, the_study)
    ):
        raise PermissionDenied
    data = study_data(the_study)
    identifiers = None
    if with_identifiers:
        try:
            identifiers = open_codes_for_user(request.user, queries.sealed_codes(the_study))
        except PseudonymKeyError as error:
            return HttpResponse(
                f"The participant codes cannot be opened. {error}",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
    # A streamed file is checked before its first byte (`downloads._known_items`) and read a
    # batch of participants at a time as it is sent.
    body = chosen.body(data, identifiers)
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=the_study,
            detail={
                "format": format,
                "participants": data.participant_total,
                "identifiers": with_identifiers,
            },
        )
    suffix = "-identified" if with_identifiers else ""
    return _download(body, chosen.content_type, f"{the_study.slug}{suffix}-{chosen.filename}")


@require_GET
def report_json(request: HttpRequest, slug: str) -> HttpResponse:
    the_study = get_study_for_user(request.user, slug, Permission.VIEW_STUDIES)
    suppress = not _may_see_exact(request, the_study)
    report = report_for(study_data(the_study), suppress=suppress)
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=the_study,
            detail={"format": "report-json", "suppressed": suppress},
        )
    body = json.dumps(report, indent=2, ensure_ascii=False).encode()
    return _download(body, "application/json", f"{the_study.slug}-report.json")


urlpatterns = [
    path("", studies, name="studies"),
    path("<slug:slug>/", study, name="study"),
    path("<slug:slug>/items/", items, name="items"),
    path("<slug:slug>/import/", import_responses, name="import"),
    path("<slug:slug>/export/<slug:format>/", export, name="export"),
    path("<slug:slug>/report.json", report_json, name="report-json"),
]
