"""REFI-QDA exchange in the browser: download the project (.qdpx) or its codebook (.qdc), and
upload a .qdpx into a study whose project has no sources yet (as `alongside qual import`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from alongside.core import audit
from alongside.core.access import Permission, require_permission
from alongside.core.models import AuditAction
from alongside.qualitative import actions, refi
from alongside.qualitative.access import get_study_for_user
from alongside.qualitative.forms import QdpxForm
from alongside.qualitative.interchange import exchange_project
from alongside.qualitative.models import Project, Source
from alongside.qualitative.views._common import back_to, can_code, project_for, user_of


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def exchange(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    empty = not Source.objects.filter(project=project).exists()
    return render(
        request,
        "qualitative/exchange.html",
        {
            "project": project,
            "study": project.study,
            "can_import": empty and can_code(request),
            "form": QdpxForm(),
        },
    )


@require_GET
def export_project(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    data = exchange_project(project)
    content = refi.qdpx_bytes(data)
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=project,
            detail={"format": "qdpx", "sources": len(data.sources)},
        )
    return _download(content, f"{project.study.slug}.qdpx", "application/zip")


@require_GET
def export_codebook(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_for(request, slug)
    data = exchange_project(project)
    content = refi.codebook_xml(data.codes)
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=project,
            detail={"format": "qdc", "codes": sum(1 for _ in data.iter_codes())},
        )
    return _download(content, f"{project.study.slug}-codebook.qdc", "application/xml")


@require_http_methods(["GET", "POST"])
def import_project(request: HttpRequest, slug: str) -> HttpResponse:
    """Into a member study whose qualitative project is missing or has no sources."""
    require_permission(request.user, Permission.CODE_QUALITATIVE)
    study = get_study_for_user(request.user, slug)
    project = Project.objects.filter(study=study).first()
    form = QdpxForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            read = refi.read_qdpx(form.cleaned_data["file"])
        except refi.RefiError as error:
            problems = error.problems
        else:
            try:
                imported, notes = actions.import_exchange(
                    by=user_of(request), study=study, project_data=read.project
                )
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request,
                    f"Imported {imported.sources.count()} source(s) and "
                    f"{imported.codes.count()} code(s).",
                )
                for note in (*read.notes, *notes):
                    messages.info(request, f"Note: {note}")
                return back_to("project", study.slug)
    has_sources = project is not None and Source.objects.filter(project=project).exists()
    return render(
        request,
        "qualitative/exchange_import.html",
        {
            "study": study,
            "project": project,
            "form": form,
            "problems": problems,
            "has_sources": has_sources,
        },
        status=400 if problems else 200,
    )
