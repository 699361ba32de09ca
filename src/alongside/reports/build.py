"""Building a study's report in one format, with progress, for the command and the browser."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from alongside.evaluation.models import Study
from alongside.reports import queries
from alongside.reports.assembly import ReportDocument, assemble
from alongside.reports.render import render

Progress = Callable[[int, str], None]


def _quiet(_percent: int, _step: str) -> None:
    return None


@dataclass(frozen=True)
class Built:
    document: ReportDocument
    content: bytes
    seconds: float


def build_report(study: Study, fmt: str, *, suppress: bool, progress: Progress = _quiet) -> Built:
    started = time.perf_counter()
    progress(10, "Reading the study and programme data")
    report_input = queries.report_input(study, suppress=suppress)
    progress(40, "Assembling the report")
    document = assemble(report_input)
    progress(60, f"Writing the {fmt.upper()} file")
    content = render(document, fmt, built_at=timezone.localtime())
    progress(100, "Ready")
    return Built(document, content, time.perf_counter() - started)
