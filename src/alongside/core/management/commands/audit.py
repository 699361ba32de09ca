from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alongside.core import audit


class Command(BaseCommand):
    help = "Work with the audit trail. `alongside audit verify` checks that no record was altered."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Recompute the hash chain and report any altered record.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if result.ok:
            self.stdout.write(f"Audit trail intact: {result.checked} records checked.")
            return
        for breach in result.breaches:
            where = f"record {breach.event_id}" if breach.event_id else "chain head"
            self.stderr.write(f"{where}: {breach.reason}")
        raise CommandError(
            f"Audit trail altered: {len(result.breaches)} problem(s) in {result.checked} records."
        )
