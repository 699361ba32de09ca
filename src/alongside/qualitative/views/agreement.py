"""Agreement between coders, at segment level, for the sources two or more of them coded.

A coding counts for the segment it lies in (or starts in): `Coding.segment`, the same link
assisted coding learns from. A coder who coded anything in a source is taken to have read the
whole source, so each of its segments they left uncoded is a "not applied" for every code; a
source a coder never touched is missing data for them, not a disagreement.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alongside.qualitative.agreement import AgreementReport, CodeAgreement, Judgement, agreement
from alongside.qualitative.forms import AgreementForm
from alongside.qualitative.models import Code, Coding, Project, Segment, Source
from alongside.qualitative.segments import path_of
from alongside.qualitative.views._common import project_for

RESAMPLES = 1000


@dataclass(frozen=True)
class DoubleCoded:
    """A source at least two of the chosen coders coded."""

    source: str
    coders: tuple[str, ...]
    segments: int
    segments_coded_by_two: int  # segments where two or more coders applied some code


@dataclass(frozen=True)
class Row:
    label: str
    figures: CodeAgreement

    @property
    def percent_width(self) -> int:
        """The bar's length, 0-100, for the SVG beside the percentage."""
        value = self.figures.percent_agreement
        return round(value * 100) if value is not None else 0


def judgements_for(
    project: Project, coder_ids: set[int] | None, source_ids: set[int] | None
) -> tuple[list[Judgement], dict[int, set[int]]]:
    """One judgement per segment of every source a coder coded; and who coded each source."""
    codings = Coding.objects.filter(source__project=project, segment__isnull=False)
    if coder_ids:
        codings = codings.filter(coder_id__in=coder_ids)
    if source_ids:
        codings = codings.filter(source_id__in=source_ids)
    applied: dict[tuple[int, int], set[str]] = defaultdict(set)
    coders_of: dict[int, set[int]] = defaultdict(set)
    for segment_id, source_id, coder_id, code_id in codings.values_list(
        "segment_id", "source_id", "coder_id", "code_id"
    ):
        applied[(segment_id, coder_id)].add(str(code_id))
        coders_of[source_id].add(coder_id)
    segments_of: dict[int, list[int]] = defaultdict(list)
    for segment_id, source_id in Segment.objects.filter(source_id__in=coders_of).values_list(
        "pk", "source_id"
    ):
        segments_of[source_id].append(segment_id)
    judgements = [
        Judgement(
            segment=str(segment_id),
            coder=str(coder_id),
            codes=frozenset(applied.get((segment_id, coder_id), ())),
        )
        for source_id, coders in coders_of.items()
        for coder_id in coders
        for segment_id in segments_of[source_id]
    ]
    return judgements, coders_of


def _double_coded(
    coders_of: dict[int, set[int]], judgements: list[Judgement], names: dict[int, str]
) -> list[DoubleCoded]:
    coding_coders: dict[str, int] = defaultdict(int)
    for judgement in judgements:
        if judgement.codes:
            coding_coders[judgement.segment] += 1
    segment_source = dict(
        Segment.objects.filter(source_id__in=coders_of).values_list("pk", "source_id")
    )
    per_source: dict[int, list[str]] = defaultdict(list)
    for segment_id, source_id in segment_source.items():
        per_source[source_id].append(str(segment_id))
    source_names = dict(Source.objects.filter(pk__in=coders_of).values_list("pk", "name"))
    rows = [
        DoubleCoded(
            source=source_names[source_id],
            coders=tuple(sorted(names.get(c, str(c)) for c in coders)),
            segments=len(per_source[source_id]),
            segments_coded_by_two=sum(coding_coders[s] >= 2 for s in per_source[source_id]),
        )
        for source_id, coders in coders_of.items()
        if len(coders) >= 2
    ]
    return sorted(rows, key=lambda r: r.source.casefold())


@require_GET
def agreement_page(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    coder_ids = sorted(
        set(Coding.objects.filter(source__project=project).values_list("coder_id", flat=True))
    )
    names = {
        user.pk: user.get_username()
        for user in get_user_model()._default_manager.filter(pk__in=coder_ids)
    }
    form = AgreementForm(
        request.GET or None,
        coders=[(pk, names[pk]) for pk in sorted(coder_ids, key=lambda pk: names[pk])],
        sources=list(
            Source.objects.filter(project=project).order_by("name").values_list("pk", "name")
        ),
    )
    chosen_coders: set[int] = set()
    chosen_sources: set[int] = set()
    if form.is_bound and form.is_valid():
        chosen_coders = set(form.cleaned_data["coders"])
        chosen_sources = set(form.cleaned_data["sources"])
    judgements, coders_of = judgements_for(project, chosen_coders, chosen_sources)
    double = _double_coded(coders_of, judgements, names)
    double_sources = {source_id for source_id, coders in coders_of.items() if len(coders) >= 2}
    # Only segments of double-coded sources can show agreement; the rest would be noise.
    segment_source = dict(
        Segment.objects.filter(source_id__in=double_sources).values_list("pk", "source_id")
    )
    judgements = [j for j in judgements if int(j.segment) in segment_source]
    report: AgreementReport | None = None
    rows: list[Row] = []
    if judgements:
        code_rows = list(
            Code.objects.filter(project=project).values_list("pk", "name", "parent_id")
        )
        code_names = {pk: name for pk, name, _ in code_rows}
        parents = {pk: parent for pk, _, parent in code_rows}
        used = {int(code) for j in judgements for code in j.codes}
        paths = {pk: path_of(code_names, parents, pk) for pk in used}
        ordered = sorted(used, key=lambda pk: paths[pk].casefold())
        report = agreement(judgements, codes=[str(pk) for pk in ordered], resamples=RESAMPLES)
        rows = [
            Row(label=paths[int(figures.code)].replace("/", " / "), figures=figures)
            for figures in report.per_code
        ]
    context = {
        "project": project,
        "study": project.study,
        "form": form,
        "report": report,
        "rows": rows,
        "pooled": Row(label="All codes together", figures=report.pooled) if report else None,
        "double": double,
        "coder_names": [names[int(c)] for c in report.coders] if report else [],
        "two_coders": report is not None and len(report.coders) == 2,
        "coder_count": len(coder_ids),
    }
    return render(request, "qualitative/agreement.html", context)
