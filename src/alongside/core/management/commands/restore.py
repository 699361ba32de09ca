"""`alongside restore FILE`: replace the configured database's contents with a backup's."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from alongside.core import audit
from alongside.core.backup import BackupError, restore
from alongside.core.models import AuditAction


class Command(BaseCommand):
    help = "Restore a backup made by `alongside backup` into the configured database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask: everything in the configured database is replaced.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if (
            not options["yes"]
            and input(
                "Everything in the configured database will be replaced. Type 'restore': "
            ).strip()
            != "restore"
        ):
            raise CommandError("Nothing was restored.")
        try:
            kind = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        with transaction.atomic():
            audit.record(
                actor=None,
                action=AuditAction.UPDATE,
                object_type="database",
                detail={"restored_from": source.name},
            )
        checked = audit.verify()
        state = "intact" if checked.ok else f"ALTERED ({len(checked.breaches)} problem(s))"
        self.stdout.write(
            f"Restored the {kind} database from {source}; audit trail {state}, "
            f"{checked.checked} records."
        )
        if not checked.ok:
            raise CommandError(
                "The restored audit trail does not verify: see `alongside audit verify`."
            )
