"""`alongside report SLUG --format json|text --out FILE`: the study's report data.

`text` prints the participant table and every item summary from the same data, for reading.

Small cells are suppressed by default; `--no-suppression` shows exact counts and is allowed
only to a user who may see identified study data (`--as USERNAME`). Every report is audited as
an export.
"""

import json
from argparse import ArgumentParser
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


class Command(BaseCommand):
    help = "Write a study's report data (JSON), with small-cell suppression by default."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["json", "text"], default="json")
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
        data = study_data(study)
        report = report_for(data, suppress=not options["no_suppression"])
        if options["format"] == "text":
            text = report_text(report)
        else:
            text = json.dumps(report, indent=2, ensure_ascii=False)
        with transaction.atomic():
            audit.record(
                actor=user,
                action=AuditAction.EXPORT,
                obj=study,
                detail={
                    "format": f"report-{options['format']}",
                    "suppressed": not options["no_suppression"],
                },
            )
        if options["out"] == "-":
            self.stdout.write(text)
        else:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Report data for {study.slug} written to {options['out']}.")
