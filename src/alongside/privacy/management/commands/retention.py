"""`alongside retention apply [--dry-run]`: remove or anonymise what the retention rules say is
due, print what was (or would be) done per rule, and audit the run as one record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alongside.privacy import actions


class Command(BaseCommand):
    help = "Apply the retention rules (docs/security.md#retention)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        apply = sub.add_parser("apply", help="Apply every rule now.")
        apply.add_argument("--dry-run", action="store_true", help="Only count what would be done.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        outcomes = actions.apply_retention(by=None, dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for outcome in outcomes:
            self.stdout.write(f"{outcome.line()}  ({outcome.rule.describe()})")
