"""What a demo load says while it works: one line per stage with rows, seconds and rows per
second, a line now and then during a long stage, and a total at the end."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

Report = Callable[[str], None]

PROGRESS_EVERY_SECONDS = 15.0


def _silent(line: str) -> None:
    """Say nothing: a load from a test or another command."""


class Stage:
    """One stage of the load: counts the rows written in it, and reports how far it has got."""

    def __init__(self, name: str, report: Report) -> None:
        self.name = name
        self.report = report
        self.rows = 0
        self.counted = False
        """Whether the stage counts its rows (planning, and work done by other apps, do not)."""
        self.started = time.perf_counter()
        self.last_said = self.started

    def count(self, rows: int) -> None:
        """Add rows written; a `BulkWriter`'s `on_write`."""
        self.counted = True
        self.rows += rows

    def progress(self, done: int, total: int, unit: str) -> None:
        """Say how far the stage has got, if it has been a while since it last did."""
        now = time.perf_counter()
        if now - self.last_said < PROGRESS_EVERY_SECONDS:
            return
        self.last_said = now
        share = done / total if total else 1
        self.report(
            f"    {self.name}: {share:.0%} of {total:,} {unit}, {self.rows:,} rows so far, "
            f"{now - self.started:.0f} s"
        )


class Stages:
    """The stages of one load, in order, with the total at the end."""

    def __init__(self, report: Report | None = None) -> None:
        self.report = report or _silent
        self.started = time.perf_counter()
        self.rows = 0

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[Stage]:
        """Time the block as one stage and report it when it ends (not if it fails)."""
        stage = Stage(name, self.report)
        yield stage
        self.rows += stage.rows
        rows = stage.rows if stage.counted else None
        self.report(_line(name, rows, time.perf_counter() - stage.started))

    def finish(self) -> None:
        self.report(_line("total", self.rows, time.perf_counter() - self.started))


def _line(name: str, rows: int | None, seconds: float) -> str:
    written = "" if rows is None else f"{rows:,} rows"
    rate = f"{rows / seconds:,.0f} rows/s" if rows and seconds > 0 else ""
    return f"  {name:<26} {written:>17} {seconds:8.1f} s {rate:>14}".rstrip()
