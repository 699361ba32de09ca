"""The report data of a study: one plain dict, the JSON contract in docs/formats/report-json.md.

Disclosure control applies by default (`alongside.core.disclosure`): a hidden count becomes
`null` with `"suppressed": true` beside it, and its percent and Wilson interval become `null`
too. The participant table is protected as one table with its totals. Each item and cohort is
protected as a site x scale-value table whose column totals are the cohort's option counts and
whose grand total is the cohort's n, so that the per-site breakdown cannot be subtracted from
the cohort figures. A combined category is hidden whenever one of its values is hidden (shown,
it could be subtracted from). `missing` is never hidden: it says nothing about what anyone
answered. `suppress=False` gives exact counts, for users allowed to see them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from alongside.core.disclosure import (
    DEFAULT_THRESHOLD,
    SUPPRESSION_RULE,
    ProtectedTable,
    is_small,
    protect_table,
)
from alongside.evaluation.summaries import (
    APPROVED,
    Answers,
    Approvals,
    CombinedCategory,
    ItemSummary,
    Participants,
    ValueSummary,
    defined_combinations,
    item_summaries,
    participant_table,
    percent,
)
from alongside.measures.definitions import Instrument

REPORT_FORMAT_VERSION = 1


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _value_entry(option: ValueSummary, *, hidden: bool, combined: bool = False) -> dict[str, Any]:
    entry: dict[str, Any] = {"values": list(option.values)} if combined else {"value": option.value}
    interval = option.interval
    entry.update(
        {
            "label": option.label,
            "count": None if hidden else option.count,
            "percent": None if hidden else option.percent,
            "ci_low": None if hidden else _rounded(interval.low),
            "ci_high": None if hidden else _rounded(interval.high),
            "suppressed": hidden,
        }
    )
    return entry


def _item_entry(
    summary: ItemSummary,
    *,
    hidden_options: set[int],
    n_hidden: bool,
) -> dict[str, Any]:
    hidden_values = {summary.options[i].value for i in hidden_options}
    entry: dict[str, Any] = {
        "instrument": summary.instrument,
        "item": summary.item,
        "cohort": summary.cohort,
        "n": None if n_hidden else summary.answered,
        "missing": summary.missing,
        "suppressed": n_hidden,
        "text": summary.text,
        "options": [
            _value_entry(option, hidden=n_hidden or i in hidden_options)
            for i, option in enumerate(summary.options)
        ],
        "combined": [
            _value_entry(
                category,
                hidden=n_hidden or bool(hidden_values & set(category.values)),
                combined=True,
            )
            for category in summary.combined
        ],
    }
    if summary.site is not None:
        entry["site"] = summary.site
    if summary.team_type is not None:
        entry["team_type"] = summary.team_type
    return entry


def _site_table(sites: Sequence[ItemSummary]) -> list[list[int | None]]:
    return [[option.count for option in summary.options] for summary in sites]


def _item_entries(
    cohort_summary: ItemSummary,
    site_summaries: Sequence[ItemSummary],
    *,
    suppress: bool,
    threshold: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    width = len(cohort_summary.options)
    if not suppress:
        table: ProtectedTable | None = None
    else:
        # Rows are the sites; a table with no sites still protects the cohort's own row.
        cells = _site_table(site_summaries) or [[o.count for o in cohort_summary.options]]
        table = protect_table(cells, threshold)
    hidden_cohort = (
        set()
        if table is None
        else {c for c in range(width) if table.is_suppressed(("column", 0, c))}
    )
    cohort_entry = _item_entry(
        cohort_summary,
        hidden_options=hidden_cohort,
        n_hidden=table is not None and table.is_suppressed(("grand", 0, 0)),
    )
    site_entries = []
    for r, summary in enumerate(site_summaries):
        hidden = (
            set()
            if table is None
            else {c for c in range(width) if table.is_suppressed(("cell", r, c))}
        )
        site_entries.append(
            _item_entry(
                summary,
                hidden_options=hidden,
                n_hidden=table is not None and table.is_suppressed(("row", r, 0)),
            )
        )
    return cohort_entry, site_entries


def _rate_entry(sent: tuple[int, int] | None, suppress: bool, threshold: int) -> dict[str, Any]:
    """Invited, completed and the rate for one (site, cohort) where personal links were sent."""
    if sent is None:
        return {"invited": None, "completed": None, "response_rate": None}
    invited, completed = sent
    hide_invited = suppress and is_small(invited, threshold)
    hide_completed = suppress and is_small(completed, threshold)
    return {
        "invited": None if hide_invited else invited,
        "completed": None if hide_completed else completed,
        "response_rate": (
            None
            if hide_invited or hide_completed or not invited
            else percent(min(completed, invited), invited)
        ),
    }


def build_report(
    *,
    study: str,
    sites: Sequence[str],
    cohorts: Sequence[str],
    approvals: Approvals,
    participants: Participants,
    answers: Answers,
    instruments: Sequence[Instrument],
    cohort_instruments: Mapping[str, Sequence[str]],
    invitations: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    combined: Mapping[str, Sequence[CombinedCategory]] | None = None,
    suppress: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> dict[str, Any]:
    """The report data dict (docs/formats/report-json.md); JSON-serialisable as it is.

    `participants` and `answers` are rows, one per person and answer, or the same counted in
    the database (`ParticipantCount`, `AnswerCount`): the report is the same.
    """
    participant_rows = list(participants)
    # As in the participant table, nobody in a (site, cohort) without approval is counted.
    answer_rows = [a for a in answers if approvals.get((a.site, a.cohort)) == APPROVED]
    table = participant_table(participant_rows, sites=sites, cohorts=cohorts, approvals=approvals)
    protected = protect_table(table.cells, threshold) if suppress else None

    def hidden(position: tuple[str, int, int]) -> bool:
        return protected is not None and protected.is_suppressed(position)

    participants_out = []
    for r, site in enumerate(sites):
        for c, cohort in enumerate(cohorts):
            count = table.cells[r][c]
            is_hidden = count is not None and hidden(("cell", r, c))
            entry: dict[str, Any] = {
                "site": site,
                "cohort": cohort,
                "n": None if is_hidden else count,
                "status": table.statuses[r][c],
                "approved": table.statuses[r][c] == APPROVED,
                "suppressed": is_hidden,
            }
            if invitations is not None:
                entry.update(_rate_entry(invitations.get((site, cohort)), suppress, threshold))
            participants_out.append(entry)

    def total(value: int, position: tuple[str, int, int]) -> dict[str, Any]:
        return {"n": None if hidden(position) else value, "suppressed": hidden(position)}

    totals = {
        "sites": [
            {"site": site, **total(table.row_totals[r], ("row", r, 0))}
            for r, site in enumerate(sites)
        ],
        "cohorts": [
            {"cohort": cohort, **total(table.column_totals[c], ("column", 0, c))}
            for c, cohort in enumerate(cohorts)
        ],
        "all": total(table.grand_total, ("grand", 0, 0)),
    }

    items_out: list[dict[str, Any]] = []
    by_site_out: list[dict[str, Any]] = []
    by_team_type_out: list[dict[str, Any]] = []
    # People not on a team (no team type) are left out of the team-type breakdown.
    team_types = sorted({p.team_type for p in participant_rows if p.team_type})
    for instrument in instruments:
        taking = [c for c in cohorts if instrument.code in cohort_instruments.get(c, ())]
        if not taking:
            continue
        groups = combined if combined is not None else defined_combinations(instrument)
        overall = item_summaries(answer_rows, instrument, cohorts=taking, combined=groups)
        per_site = item_summaries(
            answer_rows, instrument, cohorts=taking, combined=groups, by="site", groups=sites
        )
        for summary in overall:
            site_summaries = [
                s
                for s in per_site
                if s.item == summary.item
                and s.cohort == summary.cohort
                and approvals.get((str(s.site), s.cohort)) == APPROVED
            ]
            cohort_entry, site_entries = _item_entries(
                summary, site_summaries, suppress=suppress, threshold=threshold
            )
            items_out.append(cohort_entry)
            by_site_out.extend(site_entries)
        per_team_type = item_summaries(
            answer_rows,
            instrument,
            cohorts=taking,
            combined=groups,
            by="team_type",
            groups=team_types,
            participants=participant_rows,
        )
        for summary in overall:
            _, team_entries = _item_entries(
                summary,
                [s for s in per_team_type if s.item == summary.item and s.cohort == summary.cohort],
                suppress=suppress,
                threshold=threshold,
            )
            by_team_type_out.extend(team_entries)

    return {
        "study": study,
        "format_version": REPORT_FORMAT_VERSION,
        "suppression": {
            "applied": suppress,
            "threshold": threshold if suppress else None,
            "rule": SUPPRESSION_RULE if suppress else None,
        },
        "participants": participants_out,
        "participant_totals": totals,
        "items": items_out,
        "items_by_site": by_site_out,
        "items_by_team_type": by_team_type_out,
    }
