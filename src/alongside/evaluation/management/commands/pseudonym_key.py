"""`alongside pseudonym_key create|check`: the key that seals participant codes.

`create` writes a new key file (readable by its owner only) where ALONGSIDE_PSEUDONYM_KEY_FILE
says, for a new installation: it refuses to replace a file, and refuses while participants
exist (their codes were sealed with another key: restore that one). `check` says whether the
configured key opens the codes stored in the database, as after restoring a backup.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from alongside.evaluation import pseudonym_key
from alongside.evaluation.models import Participant

# How many participants `check` opens: enough to catch a wrong key, quick on any study.
SAMPLE = 20


class Command(BaseCommand):
    help = "Create the pseudonym key file, or check that it opens the stored participant codes."
    # `create` must run where the start-up check refuses to: in production without a key.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("create", help="Write a new key file (a new installation only).")
        sub.add_parser("check", help="Check that the key opens the stored participant codes.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = pseudonym_key.key_path()
        try:
            if options["subcommand"] == "create":
                self._create(path)
            else:
                self._check()
        except pseudonym_key.PseudonymKeyError as error:
            raise CommandError(str(error)) from error

    def _participants(self) -> int:
        if Participant._meta.db_table not in connection.introspection.table_names():
            return 0
        return Participant.objects.count()

    def _create(self, path: Any) -> None:
        if path.exists():
            raise CommandError(f"{path} already exists: a pseudonym key is never replaced.")
        existing = self._participants()
        if existing:
            raise CommandError(
                f"The database holds {existing} participants whose codes were sealed with "
                f"another key: a new key would not open them. Restore that key file to {path}."
            )
        pseudonym_key.create_key_file(path)
        pseudonym_key.forget()
        self.stdout.write(
            f"Created the pseudonym key {path} (readable by its owner only). Back it up now, "
            "apart from the database backups: without it no participant code can be read, and "
            "imports can no longer match people already registered."
        )

    def _check(self) -> None:
        ring = pseudonym_key.read_key(pseudonym_key.key_path())
        total = self._participants()
        rows = Participant.objects.order_by("pk").values_list("code_digest", "code_sealed")
        for digest, sealed in rows[:SAMPLE] if total else ():
            if ring.digest(ring.unseal(sealed)) != digest:
                raise CommandError(
                    f"The pseudonym key in {ring.path} opens a participant's code but its digest "
                    "differs: the stored data was altered."
                )
        checked = min(total, SAMPLE)
        self.stdout.write(
            f"The pseudonym key {ring.path} opens the stored codes ({checked} of {total} "
            "participants checked)."
        )
