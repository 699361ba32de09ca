"""Report pages: a study's impact report (build, download, narrative) and the programme dashboard.

Who may do what:
* the report page: whoever may see the study's counts (`VIEW_STUDIES`: members, programme leads,
  administrators); everyone gets small counts hidden, and members allowed the study's data
  (`VIEW_STUDY_DATA`) may ask for exact counts, which is audited;
* the narrative sections: members who may manage the study (`MANAGE_STUDY`);
* the dashboard: programme leads and supervisors (`VIEW_PROGRAMME_DASHBOARD`), aggregates only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alongside.core.access import Permission, has_permission, require_permission
from alongside.core.forms import run_action
from alongside.evaluation.access import get_study_for_user
from alongside.evaluation.exports import neutralise_text
from alongside.evaluation.models import Study
from alongside.reports import actions
from alongside.reports.assembly import NARRATIVE_SECTIONS, assemble
from alongside.reports.dashboard import Filters, build_dashboard
from alongside.reports.forms import PERIODS, BuildForm, DashboardFilterForm, NarrativeForm
from alongside.reports.models import BuildStatus, NarrativeSection, ReportBuild
from alongside.reports.queries import report_input
from alongside.reports.render import CONTENT_TYPES
from alongside.reports.render.html import context as document_context
from alongside.reports.tasks import build_report_task

EXTENSIONS = {"html": "html", "pdf": "pdf", "docx": "docx", "json": "json"}


def _report_study(request: HttpRequest, slug: str) -> Study:
    return get_study_for_user(request.user, slug, Permission.VIEW_STUDIES)


def _sections(study: Study) -> list[dict[str, object]]:
    saved = {s.key: s for s in NarrativeSection.objects.filter(study=study)}
    return [
        {
            "key": key,
            "title": title,
            "text": saved[key].text if key in saved else "",
            "version": saved[key].version if key in saved else 0,
        }
        for key, title in NARRATIVE_SECTIONS.items()
    ]


@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    study = _report_study(request, slug)
    exact_allowed = has_permission(request.user, Permission.VIEW_STUDY_DATA, study)
    builds = ReportBuild.objects.filter(study=study, requested_by_id=request.user.pk).defer(
        "content"
    )[:5]
    return render(
        request,
        "reports/report.html",
        {
            "study": study,
            "form": BuildForm(exact_allowed=exact_allowed),
            "builds": builds,
            "sections": _sections(study),
            "can_edit": has_permission(request.user, Permission.MANAGE_STUDY, study),
        },
    )


@require_GET
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The report in the browser, small counts hidden, built on the spot (well under a second)."""
    study = _report_study(request, slug)
    document = assemble(report_input(study, suppress=True))
    context = document_context(document, built_at=timezone.localtime())
    return render(request, "reports/preview.html", {"study": study, **context})


@require_POST
def build(request: HttpRequest, slug: str) -> HttpResponse:
    study = _report_study(request, slug)
    exact_allowed = has_permission(request.user, Permission.VIEW_STUDY_DATA, study)
    form = BuildForm(request.POST, exact_allowed=exact_allowed)
    if not form.is_valid():
        return redirect("reports:report", slug=study.slug)
    made = actions.request_build(
        by=request.user,
        study=study,
        fmt=form.cleaned_data["format"],
        suppressed=not form.cleaned_data.get("exact", False),
    )
    build_report_task.enqueue(made.pk)
    if request.htmx:
        return _status_response(request, study, made.pk)
    return redirect("reports:report", slug=study.slug)


def _own_build(request: HttpRequest, study: Study, pk: int) -> ReportBuild:
    found = (
        ReportBuild.objects.filter(pk=pk, study=study, requested_by_id=request.user.pk)
        .defer("content")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _status_response(request: HttpRequest, study: Study, pk: int) -> HttpResponse:
    return render(
        request,
        "reports/_build.html",
        {"study": study, "build": _own_build(request, study, pk), "done": BuildStatus.DONE},
    )


@require_GET
def build_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = _report_study(request, slug)
    return _status_response(request, study, pk)


@require_GET
def build_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = _report_study(request, slug)
    found = _own_build(request, study, pk)
    if found.status != BuildStatus.DONE:
        raise Http404
    content = ReportBuild.objects.values_list("content", flat=True).get(pk=found.pk)
    response = HttpResponse(bytes(content or b""), content_type=CONTENT_TYPES[found.format])
    name = f"{study.slug}-report.{EXTENSIONS[found.format]}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def narrative(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    study = _report_study(request, slug)
    if key not in NARRATIVE_SECTIONS:
        raise Http404
    if not has_permission(request.user, Permission.MANAGE_STUDY, study):
        raise PermissionDenied
    section = next(s for s in _sections(study) if s["key"] == key)
    editing = request.GET.get("edit") == "1"
    form = NarrativeForm(initial={"text": section["text"], "version": section["version"]})
    if request.method == "POST":
        form = NarrativeForm(request.POST)
        saved = run_action(
            form,
            lambda: actions.save_narrative(
                by=request.user,
                study=study,
                key=key,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved is not None and not request.htmx:
            return redirect("reports:report", slug=study.slug)
        if saved is not None:
            section = next(s for s in _sections(study) if s["key"] == key)
        editing = saved is None
    context = {
        "study": study,
        "section": section,
        "form": form,
        "editing": editing,
        "can_edit": True,
    }
    if request.htmx:
        return render(request, "reports/_narrative.html", context)
    return render(request, "reports/narrative.html", context)


# --- the programme dashboard -----------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, Filters]:
    form = DashboardFilterForm(request.GET or None)
    if not form.is_bound:
        return form, Filters()
    if not form.is_valid():
        return DashboardFilterForm(), Filters()
    days = PERIODS.get(form.cleaned_data.get("period") or "", ("", None))[1]
    today = timezone.localdate()
    region = form.cleaned_data.get("region")
    team = form.cleaned_data.get("team")
    return form, Filters(
        region_id=region.pk if region else None,
        team_id=team.pk if team else None,
        start=None if days is None else today - dt.timedelta(days=days),
        end=None if days is None else today,
    )


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_PROGRAMME_DASHBOARD)
    form, filters = _filters(request)
    data = build_dashboard(filters)
    context = {
        "form": form,
        "dashboard": data,
        "query": request.GET.urlencode(),
        "tables": list(data.tables.values()),
        "charts": {k: {"svg": c.svg, "alt": c.alt} for k, c in data.charts.items()},
    }
    if request.htmx:
        return render(request, "reports/dashboard.html#body", context)
    return render(request, "reports/dashboard.html", context)


@require_GET
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    require_permission(request.user, Permission.VIEW_PROGRAMME_DASHBOARD)
    _, filters = _filters(request)
    data = build_dashboard(filters, with_tiles=False)
    found = data.tables.get(table)
    if found is None:
        raise Http404
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_text(h) for h in found["headers"]])
    for row in found["rows"]:
        writer.writerow([neutralise_text(cell) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{table}.csv"'
    return response


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", dashboard_csv, name="dashboard-csv"),
    path("studies/<slug:slug>/", report, name="report"),
    path("studies/<slug:slug>/preview/", preview, name="preview"),
    path("studies/<slug:slug>/build/", build, name="build"),
    path("studies/<slug:slug>/builds/<int:pk>/", build_status, name="build-status"),
    path("studies/<slug:slug>/builds/<int:pk>/download/", build_download, name="build-download"),
    path("studies/<slug:slug>/sections/<slug:key>/", narrative, name="narrative"),
]
