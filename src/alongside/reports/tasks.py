"""Report builds in the background (django-tasks): the page polls the build's progress."""

from __future__ import annotations

import logging

from django_tasks import task

from alongside.reports import actions
from alongside.reports.build import build_report
from alongside.reports.models import ReportBuild

log = logging.getLogger(__name__)


@task()
def build_report_task(build_id: int) -> None:
    build = ReportBuild.objects.select_related("study").get(pk=build_id)

    def progress(percent: int, step: str) -> None:
        actions.set_build_progress(build_id=build_id, progress=percent, step=step)

    try:
        built = build_report(
            build.study, build.format, suppress=build.suppressed, progress=progress
        )
    except Exception:
        log.exception("report build %s failed", build_id)
        actions.fail_build(build_id=build_id, reason="The build failed: see the server log.")
        return
    actions.finish_build(
        build_id=build_id,
        content=built.content,
        digest=built.document.data["report"]["digest"],
        seconds=built.seconds,
    )
