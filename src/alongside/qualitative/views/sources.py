"""Adding sources, and the coding page: read a source passage by passage and code it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alongside.core import audit
from alongside.core.access import Permission, get_object_for_user
from alongside.core.forms import run_action
from alongside.core.models import AuditAction
from alongside.qualitative import actions
from alongside.qualitative.access import get_in_project
from alongside.qualitative.forms import (
    ApplyCodesForm,
    MemoForm,
    OpenAnswersForm,
    SourceFilterForm,
    SpeakerForm,
    TranscriptForm,
)
from alongside.qualitative.models import Code, Coding, Memo, Segment, Source, Speaker
from alongside.qualitative.segments import descendants
from alongside.qualitative.views._common import back_to, can_code, project_for, user_of


@require_http_methods(["GET", "POST"])
def add_transcript(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, write=True)
    form = TranscriptForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        source = run_action(
            form,
            lambda: actions.add_transcript(
                by=request.user,
                project=project,
                data=form.cleaned_data["file"],
                filename=request.FILES["file"].name or "transcript.txt",
                method=form.cleaned_data["method"],
                name=form.cleaned_data["name"],
            ),
        )
        if source is not None:
            messages.success(
                request, f"Added {source.name} with {source.segments.count()} passages."
            )
            return back_to("source", slug, source.pk)
    return render(
        request,
        "qualitative/upload.html",
        {"project": project, "form": form, "title": "Add a transcript", "submit": "Add"},
    )


@require_http_methods(["GET", "POST"])
def import_answers(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, write=True)
    form = OpenAnswersForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        created = run_action(
            form,
            lambda: actions.import_open_answers(
                by=request.user,
                project=project,
                data=form.cleaned_data["file"],
                filename=request.FILES["file"].name or "answers.csv",
            ),
        )
        if created is not None:
            messages.success(request, f"Added {len(created)} question(s) as sources.")
            return back_to("project", slug)
    return render(
        request,
        "qualitative/upload.html",
        {
            "project": project,
            "form": form,
            "title": "Import open answers",
            "submit": "Import",
        },
    )


def _filtered_segments(
    segments: list[Segment], codings: dict[int, list[Coding]], form: SourceFilterForm, project: Any
) -> list[Segment]:
    if not form.is_valid():
        return segments
    data = form.cleaned_data
    if data["code"] is not None:
        family = dict(Code.objects.filter(project=project).values_list("pk", "parent_id"))
        wanted = {data["code"], *descendants(family, data["code"])}
        segments = [s for s in segments if any(c.code_id in wanted for c in codings[s.pk])]
    if data["role"]:
        segments = [s for s in segments if s.speaker and s.speaker.role_label == data["role"]]
    if data["site"] is not None:
        segments = [s for s in segments if s.speaker and s.speaker.site_id == data["site"]]
    return segments


@require_GET
def source(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, slug)
    the_source = get_object_for_user(
        Source,
        request.user,
        pk,
        Permission.VIEW_QUALITATIVE,
        queryset=Source.objects.filter(project=project),
    )
    segments = list(
        Segment.objects.filter(source=the_source)
        .select_related("speaker__site", "speaker__cohort")
        .order_by("order")
    )
    by_segment: dict[int, list[Coding]] = defaultdict(list)
    for coding in (
        Coding.objects.filter(source=the_source)
        .select_related("code", "coder", "quote")
        .order_by("start", "code__name")
    ):
        if coding.segment_id is not None:
            by_segment[coding.segment_id].append(coding)
    roles = sorted(
        {
            r
            for r in Speaker.objects.filter(source=the_source).values_list("role_label", flat=True)
            if r
        }
    )
    filters = SourceFilterForm(request.GET or None, project=project, roles=roles)
    shown = _filtered_segments(segments, by_segment, filters, project)
    text = the_source.text
    rows = [
        {
            "segment": s,
            "text": text[s.start : s.end],
            "codings": by_segment[s.pk],
            "form": ApplyCodesForm(
                project=project, prefix=f"s{s.order}", initial={"segment": s.pk}
            ),
        }
        for s in shown
    ]
    context = {
        "project": project,
        "study": project.study,
        "source": the_source,
        "rows": rows,
        "total": len(segments),
        "filters": filters,
        "filtered": filters.is_bound,
        "selection_form": ApplyCodesForm(project=project, prefix="sel"),
        "speakers": Speaker.objects.filter(source=the_source).select_related("site", "cohort"),
        "memos": Memo.objects.filter(source=the_source).select_related("author"),
        "memo_form": MemoForm(),
        "can_code": can_code(request),
    }
    return render(request, "qualitative/source.html", context)


@require_POST
def apply_codes(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, slug, write=True)
    the_source = get_in_project(
        Source, request.user, project, pk, Permission.CODE_QUALITATIVE, "project"
    )
    prefix = request.POST.get("prefix", "sel")
    form = ApplyCodesForm(request.POST, project=project, prefix=prefix[:8])
    anchor = ""

    def apply() -> list[Coding]:
        data = form.cleaned_data
        codes = form.chosen_codes()
        if data["segment"] is not None:
            segment = get_in_project(
                Segment,
                request.user,
                project,
                data["segment"],
                Permission.CODE_QUALITATIVE,
                "source__project",
            )
            if segment.source_id != the_source.pk:
                raise ValidationError("That passage is in another source.")
            return actions.code_segment(by=user_of(request), segment=segment, codes=codes)
        return actions.apply_codes(
            by=user_of(request),
            source=the_source,
            start=data["start"],
            end=data["end"],
            codes=codes,
        )

    made = run_action(form, apply)
    if made is None:
        errors = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, "Nothing was coded: " + " ".join(errors))
    else:
        names = ", ".join(c.code.name for c in made) or "nothing new (already coded)"
        messages.success(request, f"Coded with {names}.")
        if made and made[0].segment is not None:
            anchor = f"segment-{made[0].segment.order}"
    return back_to("source", slug, the_source.pk, anchor=anchor)


@require_POST
def remove_coding(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, slug, write=True)
    coding = get_in_project(
        Coding, request.user, project, pk, Permission.CODE_QUALITATIVE, "source__project"
    )
    source_id, order = coding.source_id, coding.segment.order if coding.segment else None
    actions.remove_coding(by=request.user, coding=coding)
    messages.success(request, f"Removed the coding {coding.code.name}.")
    return back_to(
        "source", slug, source_id, anchor=f"segment-{order}" if order is not None else ""
    )


@require_POST
def undo(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug, write=True)
    undone = actions.undo_last_coding(by=user_of(request), project=project)
    if undone is None:
        messages.info(request, "You have no codings to undo.")
        return back_to("project", slug)
    messages.success(request, f"Undone: your last coding ({undone.code.name}).")
    order = undone.segment.order if undone.segment else None
    return back_to(
        "source", slug, undone.source_id, anchor=f"segment-{order}" if order is not None else ""
    )


@require_http_methods(["GET", "POST"])
def speaker(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, slug, write=True)
    the_speaker = get_object_for_user(
        Speaker,
        request.user,
        pk,
        Permission.CODE_QUALITATIVE,
        queryset=Speaker.objects.filter(source__project=project),
    )
    form = SpeakerForm(
        request.POST or None,
        project=project,
        initial={
            "role_label": the_speaker.role_label,
            "participant": the_speaker.participant_id,
            "cohort": the_speaker.cohort_id,
            "site": the_speaker.site_id,
            "is_interviewer": the_speaker.is_interviewer,
        },
    )
    if request.method == "POST":
        done = run_action(
            form,
            lambda: actions.update_speaker(
                by=request.user,
                speaker=the_speaker,
                role_label=form.cleaned_data["role_label"],
                is_interviewer=form.cleaned_data["is_interviewer"],
                **form.lookups(),
            ),
        )
        if done is not None:
            messages.success(request, "Saved who this speaker is.")
            return back_to("source", slug, the_speaker.source_id, anchor="speakers")
    audit.record(actor=request.user, action=AuditAction.VIEW, obj=the_speaker)
    return render(
        request,
        "qualitative/speaker.html",
        {"project": project, "speaker": the_speaker, "form": form},
    )


@require_POST
def add_source_memo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, slug, write=True)
    the_source = get_in_project(
        Source, request.user, project, pk, Permission.CODE_QUALITATIVE, "project"
    )
    form = MemoForm(request.POST)
    if (
        run_action(
            form,
            lambda: actions.add_memo(
                by=request.user, project=project, source=the_source, text=form.cleaned_data["text"]
            ),
        )
        is None
    ):
        messages.error(request, "Write the memo first.")
    return back_to("source", slug, the_source.pk, anchor="memos")
