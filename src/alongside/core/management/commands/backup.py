"""`alongside backup --out FILE`: a consistent copy of the whole database (docs/deployment.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from alongside.core import audit
from alongside.core.backup import BackupError, backup
from alongside.core.models import AuditAction


class Command(BaseCommand):
    help = "Back up the whole database to one file (SQLite online backup or pg_dump)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, help="The backup file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        with transaction.atomic():
            # Recorded first, so that the backup holds the record of its own making.
            audit.record(
                actor=None,
                action=AuditAction.EXPORT,
                object_type="database",
                detail={"backup": out.name},
            )
        try:
            result = backup(out)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up the {result.kind} database to {out} ({result.size:,} bytes).")
