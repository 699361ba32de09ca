"""`alongside rollups rebuild|check`: recount the report rollups from the practice records.

Rollups keep themselves up to date as records change through the app. Rebuild them after
anything that writes records behind its back: a restore from a backup made with an older
version, bulk SQL, a load with COPY. `check` recounts without writing and lists differences
(it exits with status 1 if there are any).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.practice import rollups


class Command(BaseCommand):
    help = "Rebuild or check the practice rollups the report and dashboard read."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("rebuild", help="Recount every rollup from the records.")
        sub.add_parser("check", help="Recount without writing; list where the rollups differ.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["subcommand"] == "rebuild":
            written = rollups.rebuild_all()
            for grain, n in sorted(written.items()):
                self.stdout.write(f"{n:>10,}  {grain}")
            self.stdout.write(f"Rebuilt in {time.perf_counter() - started:.1f} s.")
            return
        problems = rollups.differences()
        for problem in problems[:50]:
            self.stdout.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} rollup counts differ from the records: run "
                "`alongside rollups rebuild`."
            )
        self.stdout.write(
            f"The rollups agree with the records ({time.perf_counter() - started:.1f} s)."
        )
