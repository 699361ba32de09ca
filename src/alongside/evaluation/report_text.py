"""The report data (docs/formats/report-json.md) as plain text, for the command line.

Only formats: every figure, and whether it is hidden, comes from the report data as built by
`report.build_report`, so the text and the JSON can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from alongside.evaluation.summaries import NOT_APPROVED_TEXT

HIDDEN = "*"


def _count(entry: Mapping[str, Any]) -> str:
    if entry.get("suppressed"):
        return HIDDEN
    n = entry["n"]
    return NOT_APPROVED_TEXT if n is None else str(n)


def _columns(lines: Sequence[Sequence[str]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def participant_table_text(report: Mapping[str, Any]) -> str:
    """Sites down, cohorts across, with totals; `*` hidden, N/A where there is no approval."""
    cells = {(e["site"], e["cohort"]): e for e in report["participants"]}
    sites = list(dict.fromkeys(e["site"] for e in report["participants"]))
    cohorts = list(dict.fromkeys(e["cohort"] for e in report["participants"]))
    totals = report["participant_totals"]
    site_totals = {t["site"]: t for t in totals["sites"]}
    lines = [["Site", *cohorts, "Total"]]
    for site in sites:
        lines.append(
            [site, *(_count(cells[(site, c)]) for c in cohorts), _count(site_totals[site])]
        )
    lines.append(["Total", *(_count(t) for t in totals["cohorts"]), _count(totals["all"])])
    return _columns(lines)


def _option_line(option: Mapping[str, Any], values: str) -> str:
    name = option.get("label") or values
    if option["suppressed"]:
        return f"  {values:>5} {name}: {HIDDEN}"
    shown = "-" if option["percent"] is None else f"{option['percent']:.1f}%"
    interval = (
        ""
        if option.get("ci_low") is None
        else f" (95% CI {option['ci_low']:.1f}-{option['ci_high']:.1f})"
    )
    return f"  {values:>5} {name}: {option['count']} {shown}{interval}"


def item_text(entry: Mapping[str, Any]) -> str:
    """One item summary: n and missing, then each scale value and combined category."""
    n = HIDDEN if entry["suppressed"] else entry["n"]
    where = "".join(f", {key} {entry[key]}" for key in ("site", "team_type") if key in entry)
    lines = [
        f"{entry['instrument']} {entry['item']} ({entry['cohort']}{where}): "
        f"n {n}, missing {entry['missing']}"
    ]
    if entry.get("text"):
        lines.append(f"  {entry['text']}")
    lines += [_option_line(o, str(o["value"])) for o in entry["options"]]
    lines += [_option_line(c, "+".join(str(v) for v in c["values"])) for c in entry["combined"]]
    return "\n".join(lines)


def report_text(report: Mapping[str, Any]) -> str:
    suppression = report["suppression"]
    note = (
        f"Counts below {suppression['threshold']} are hidden (*), with others where a total "
        "would reveal them."
        if suppression["applied"]
        else "Exact counts: no suppression."
    )
    parts = [
        f"Study {report['study']}",
        note,
        "",
        "Participants",
        participant_table_text(report),
        "",
        "Item summaries (percent of those who answered)",
        *(item_text(entry) for entry in report["items"]),
    ]
    return "\n".join(parts)
