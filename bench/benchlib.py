"""Pure helpers shared by the benchmarks: summaries of timed runs, the printed table, the
machine description and merging a benchmark's figures into bench/results.json.

Nothing here touches Django or the database, so tests/unit/test_bench_lib.py can test it alone.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def summarise(seconds: Sequence[float]) -> dict[str, float | int]:
    """Median, min and max of timed runs (seconds), and how many there were."""
    if not seconds:
        raise ValueError("no runs to summarise")
    return {
        "median_seconds": statistics.median(seconds),
        "min_seconds": min(seconds),
        "max_seconds": max(seconds),
        "runs": len(seconds),
    }


def met(value: float | None, target: float | None) -> bool | None:
    """Whether VALUE is within TARGET (at most); None when there is no target or no value."""
    if value is None or target is None:
        return None
    return value <= target


def parse_names(text: str | None, known: Sequence[str], what: str) -> list[str]:
    """A comma-separated choice (BENCH_SCALES=seed,region) in KNOWN's order; all when empty.

    Unknown names are refused with the names allowed, rather than silently skipped.
    """
    if not text or not text.strip():
        return list(known)
    asked = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(known)})")
    return [name for name in known if name in asked]


def format_value(value: float | None, unit: str) -> str:
    """A figure for the table: milliseconds as whole numbers, seconds to two places, ratios
    to one place with an x ("2.4x")."""
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value * 1000:,.0f} ms"
    if unit == "x":
        return f"{value:.1f}x"
    return f"{value:,.2f} s"


def format_target(target: float | None, unit: str) -> str:
    if target is None:
        return "-"
    return "≤ " + format_value(target, unit)


def format_met(ok: bool | None) -> str:
    return {True: "yes", False: "NO", None: "-"}[ok]


TABLE_HEADERS = ("benchmark", "median", "min", "max", "runs", "target", "met?", "note")


def table_row(
    name: str,
    summary: dict[str, float | int] | None,
    *,
    unit: str = "s",
    target: float | None = None,
    note: str = "",
) -> tuple[str, ...]:
    """One row of the table: NAME, SUMMARY (from `summarise`, seconds) against TARGET (seconds,
    or a ratio when UNIT is "x")."""
    if summary is None:
        return (name, "-", "-", "-", "0", format_target(target, unit), "-", note)
    median = float(summary["median_seconds"])
    return (
        name,
        format_value(median, unit),
        format_value(float(summary["min_seconds"]), unit),
        format_value(float(summary["max_seconds"]), unit),
        str(summary["runs"]),
        format_target(target, unit),
        format_met(met(median, target)),
        note,
    )


def format_table(rows: Iterable[Sequence[str]], headers: Sequence[str] = TABLE_HEADERS) -> str:
    """A plain-text table (Markdown pipes, so it pastes into docs/performance.md as it is)."""
    rows = [tuple(headers), *(tuple(row) for row in rows)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    numeric = {1, 2, 3, 4}

    def line(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ":" if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)
    )
    rule += "|"
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def machine() -> dict[str, Any]:
    """What the figures were measured on, and how busy it was."""
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for text in meminfo.read_text(encoding="utf-8").splitlines():
            if text.startswith("MemTotal:"):
                memory_gb = round(int(text.split()[1]) / 1024 / 1024, 1)
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for text in cpuinfo.read_text(encoding="utf-8").splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU(s)",
        "cpu": cpu,
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def merge_results(path: Path, key: str, value: dict[str, Any]) -> dict[str, Any]:
    """Put VALUE under KEY in the JSON file at PATH, keeping every other key; written whole
    (to a temporary file, then renamed) so an interrupted run never leaves half a file."""
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if not isinstance(results, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    results[key] = value
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        os.chmod(temporary, 0o644)  # a shared record, not a private file as mkstemp makes it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return results
