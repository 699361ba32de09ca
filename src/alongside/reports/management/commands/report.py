"""`alongside report SLUG --format json|text|html|pdf|docx --out FILE`: a study's report.

`json` is the evaluation's report data (docs/formats/report-json.md), every key kept, with the
full report's sections under `report`; `text` prints the participant table and every item
summary for reading; `html`, `pdf` and `docx` are the impact report (docs/reports.md).

Small cells are suppressed by default; `--no-suppression` shows exact counts and is allowed
only to a user who may see identified study data (`--as USERNAME`). Every report is audited as
an export.
"""

import logging
import os
import sys
import tempfile
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from alongside.core import audit
from alongside.core.access import Permission, has_permission
from alongside.core.models import AuditAction
from alongside.evaluation.models import Study
from alongside.evaluation.report_text import report_text
from alongside.evaluation.study_data import report_for, study_data
from alongside.reports.build import build_report

BINARY = {"pdf", "docx"}
# WeasyPrint logs every layout step and each font it could not use, and fontTools each table it
# subsets: noise for someone writing a report, so shown only at -v 2 or more. Errors still show.
CHATTY_LIBRARIES = ("weasyprint", "fontTools")


@contextmanager
def library_logs(verbosity: int) -> Iterator[None]:
    """Hold the chatty libraries' INFO and WARNING records back unless verbosity is 2 or more."""
    if verbosity >= 2:
        yield
        return
    loggers = [logging.getLogger(name) for name in CHATTY_LIBRARIES]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def write_whole(path: Path, content: bytes) -> None:
    """Write beside PATH, then rename over it: a crash leaves the old file or the new, never half.

    The temporary file is private to its owner (mode 0600), as the report then is.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Write a study's report (JSON, text, HTML, PDF or DOCX), small cells suppressed."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "--format", choices=["json", "text", "html", "pdf", "docx"], default="json"
        )
        parser.add_argument("--out", required=True, help="File to write ('-' for the screen).")
        parser.add_argument(
            "--no-suppression",
            action="store_true",
            help="Exact counts, for a user allowed to see them (needs --as).",
        )
        parser.add_argument("--as", dest="username", help="Whose export this is, for the audit.")

    def handle(self, *args: Any, **options: Any) -> None:
        study = Study.objects.filter(slug=options["slug"]).first()
        if study is None:
            raise CommandError(f"No study {options['slug']!r}.")
        user = None
        if options["username"]:
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"No user {options['username']!r}.")
        if options["no_suppression"] and not (
            user is not None and has_permission(user, Permission.VIEW_STUDY_DATA, study)
        ):
            raise CommandError(
                "--no-suppression shows exact small counts: give --as USERNAME of someone "
                "allowed to see the study's data."
            )
        fmt = options["format"]
        if fmt in BINARY and options["out"] == "-":
            raise CommandError(f"A {fmt.upper()} file cannot go to the screen: give --out FILE.")
        suppress = not options["no_suppression"]
        if fmt == "text":
            content = (
                report_text(report_for(study_data(study), suppress=suppress)) + "\n"
            ).encode()
        else:
            with library_logs(options["verbosity"]):
                built = build_report(study, fmt, suppress=suppress, progress=self._progress)
            content = built.content
        with transaction.atomic():
            audit.record(
                actor=user,
                action=AuditAction.EXPORT,
                obj=study,
                detail={"format": f"report-{fmt}", "suppressed": suppress},
            )
        if options["out"] == "-":
            self.stdout.write(content.decode().rstrip("\n"))
        else:
            write_whole(Path(options["out"]), content)
            what = "Report data" if fmt in {"json", "text"} else "Report"
            self.stdout.write(f"{what} for {study.slug} written to {options['out']}.")

    def _progress(self, percent: int, step: str) -> None:
        if sys.stderr.isatty():
            bar = "#" * (percent // 5)
            self.stderr.write(f"\r[{bar:<20}] {percent:3d}% {step:<45}", ending="")
            if percent >= 100:
                self.stderr.write("")
