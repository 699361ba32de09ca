"""The list of projects, one project's overview, its phase and its memos."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from alongside.core.access import Permission, require_permission
from alongside.core.forms import run_action
from alongside.qualitative import actions
from alongside.qualitative.access import get_study_for_user, studies_for_user
from alongside.qualitative.forms import MemoForm, PhaseForm
from alongside.qualitative.models import Code, Coding, Memo, Phase, Project, Source
from alongside.qualitative.views._common import back_to, can_code, project_for


@require_GET
def projects(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_QUALITATIVE)
    studies = list(studies_for_user(request.user).order_by("title"))
    by_study = {
        p.study_id: p
        for p in Project.objects.filter(study__in=studies).annotate(
            source_count=Count("sources", distinct=True)
        )
    }
    rows = [{"study": s, "project": by_study.get(s.pk)} for s in studies]
    return render(
        request, "qualitative/projects.html", {"rows": rows, "can_code": can_code(request)}
    )


@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    require_permission(request.user, Permission.CODE_QUALITATIVE)
    study = get_study_for_user(request.user, slug)
    actions.start_project(by=request.user, study=study)
    return back_to("project", study.slug)


@require_GET
def project(request: HttpRequest, slug: str) -> HttpResponse:
    the_project = project_for(request, slug)
    sources = (
        Source.objects.filter(project=the_project)
        .annotate(
            segment_count=Count("segments", distinct=True),
            coding_count=Count("codings", distinct=True),
        )
        .order_by("name")
    )
    memos = Memo.objects.filter(project=the_project, code=None, source=None).select_related(
        "author"
    )
    context = {
        "project": the_project,
        "study": the_project.study,
        "sources": sources,
        "memos": memos,
        "phases": Phase.choices,
        "phase_form": PhaseForm(initial={"phase": the_project.phase}),
        "memo_form": MemoForm(),
        "code_count": Code.objects.filter(project=the_project).count(),
        "coding_count": Coding.objects.filter(source__project=the_project).count(),
        "can_code": can_code(request),
    }
    return render(request, "qualitative/project.html", context)


@require_POST
def phase(request: HttpRequest, slug: str) -> HttpResponse:
    the_project = project_for(request, slug, write=True)
    form = PhaseForm(request.POST)
    done = run_action(
        form,
        lambda: actions.set_phase(
            by=request.user, project=the_project, phase=form.cleaned_data["phase"]
        ),
    )
    if done is None:
        messages.error(request, "Choose one of the six phases.")
    return back_to("project", slug, anchor="phase")


@require_POST
def add_memo(request: HttpRequest, slug: str) -> HttpResponse:
    the_project = project_for(request, slug, write=True)
    form = MemoForm(request.POST)
    done = run_action(
        form,
        lambda: actions.add_memo(
            by=request.user, project=the_project, text=form.cleaned_data["text"]
        ),
    )
    if done is None:
        messages.error(request, "Write the memo first.")
    return back_to("project", slug, anchor="memos")
