"""Participant tables and item summaries of an evaluation study: plain functions over rows.

Methods, fixed and stated because reports must say how a number was made:

- **Participant table**: counted participants by site x cohort. A (site, cohort) whose approval
  status is not `approved` (including a pair with no approval listed) is not applicable: shown
  as `N/A — not approved`, never as a zero, and left out of every total. Participants found in
  such a pair (approval withdrawn after they took part) are not counted; the table reports how
  many were left out in `excluded`, so the caller can say so.
- **Response rate** (`response_rates`): where personal links were sent, the share of the
  invited (still taking part) who completed the survey, as a percent.
- **Percentages** are of the answered (missing answers excluded), rounded to one decimal
  half up (67.55 -> 67.6, never banker's rounding), computed exactly with fractions so that
  floating point never tips a half the wrong way.
- **Missing**: an answer row with no value. A participant with no answer row for an item did
  not take that instrument and is neither answered nor missing.
- **Wilson 95% intervals** per scale value, out of the answered (`measures.change`).
- **Combined categories** (for example "yes or somewhat") are given per scale code, as the
  instrument's scales define them (`defined_combinations`). A combined count is the sum of its
  values' counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from alongside.core.disclosure import GRAND, ProtectedTable, marked
from alongside.evaluation.rows import AnswerCount, AnswerRow, ParticipantCount, ParticipantRow
from alongside.measures.change import Proportion, wilson_interval
from alongside.measures.definitions import Instrument, Item, Scale

APPROVED = "approved"
NOT_APPROVED_TEXT = "N/A — not approved"
# The status of a (site, cohort) the study lists no approval for: it counts as not approved.
UNLISTED = "unlisted"
CONFIDENCE = 0.95

Approvals = Mapping[tuple[str, str], str]
# One participant or answer each, or the same counted in the database (`queries`).
Participants = Iterable[ParticipantRow | ParticipantCount]
Answers = Iterable[AnswerRow | AnswerCount]


def _weight(row: ParticipantRow | ParticipantCount) -> tuple[int, str]:
    """How many participants a row stands for, and how to name them in an error."""
    if isinstance(row, ParticipantCount):
        return row.n, f"{row.n} participants"
    return 1, f"participant {row.pseudonym}"


def refuse_second_answer(seen: set[tuple[str, str, str]], answer: AnswerRow) -> None:
    """Raise if `seen` already holds this person's answer to this item; else note it."""
    key = (answer.pseudonym, answer.instrument, answer.item)
    if key in seen:
        raise ValueError(
            f"{answer.pseudonym} has more than one answer to {answer.instrument} {answer.item}"
        )
    seen.add(key)


def percent(count: int, total: int) -> float | None:
    """`count` of `total` as a percent with one decimal, rounded half up; None when total is 0."""
    if total < 0 or not 0 <= count <= total:
        raise ValueError(f"need 0 <= count <= total, got {count} of {total}")
    if total == 0:
        return None
    tenths = Fraction(count * 1000, total)
    rounded = (tenths + Fraction(1, 2)).__floor__()
    return rounded / 10


def approval_status(approvals: Approvals, site: str, cohort: str) -> str:
    return approvals.get((site, cohort), UNLISTED)


# --- participant table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantTable:
    """Counts by `rows` x `columns`; a None cell is not applicable (no approval)."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    statuses: tuple[tuple[str, ...], ...]
    row_totals: tuple[int, ...]
    column_totals: tuple[int, ...]
    grand_total: int
    excluded: Mapping[tuple[str, str], int]

    def cell(self, row: str, column: str) -> int | None:
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def text(self, *, corner: str = "Site", protected: ProtectedTable | None = None) -> str:
        """A plain-text rendering for the command line; `protected` marks hidden counts `*`."""
        hidden = frozenset() if protected is None else protected.suppressed

        def shown(count: int | None, position: tuple[str, int, int]) -> str:
            return marked(count, position in hidden, NOT_APPROVED_TEXT)

        header = [corner, *self.columns, "Total"]
        lines = [header]
        for r, row in enumerate(self.rows):
            cells = [shown(count, ("cell", r, c)) for c, count in enumerate(self.cells[r])]
            lines.append([row, *cells, shown(self.row_totals[r], ("row", r, 0))])
        totals = [shown(t, ("column", 0, c)) for c, t in enumerate(self.column_totals)]
        lines.append(["Total", *totals, shown(self.grand_total, GRAND)])
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        return "\n".join(
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
            for line in lines
        )


def _totals(
    cells: tuple[tuple[int | None, ...], ...], width: int
) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    row_totals = tuple(sum(c for c in row if c is not None) for row in cells)
    column_totals = tuple(
        sum(c for row in cells if (c := row[col]) is not None) for col in range(width)
    )
    return row_totals, column_totals, sum(row_totals)


def participant_table(
    participants: Participants,
    *,
    sites: Sequence[str],
    cohorts: Sequence[str],
    approvals: Approvals,
) -> ParticipantTable:
    """Participants by site (rows) x cohort (columns), N/A where not approved."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in participants:
        n, who = _weight(row)
        if row.site not in sites:
            raise ValueError(f"{who} at unknown site {row.site!r}")
        if row.cohort not in cohorts:
            raise ValueError(f"{who} in unknown cohort {row.cohort!r}")
        counts[(row.site, row.cohort)] += n
    statuses = tuple(
        tuple(approval_status(approvals, site, cohort) for cohort in cohorts) for site in sites
    )
    cells = tuple(
        tuple(
            counts[(site, cohort)] if statuses[r][c] == APPROVED else None
            for c, cohort in enumerate(cohorts)
        )
        for r, site in enumerate(sites)
    )
    excluded = {
        (site, cohort): counts[(site, cohort)]
        for r, site in enumerate(sites)
        for c, cohort in enumerate(cohorts)
        if cells[r][c] is None and counts[(site, cohort)]
    }
    row_totals, column_totals, grand_total = _totals(cells, len(cohorts))
    return ParticipantTable(
        rows=tuple(sites),
        columns=tuple(cohorts),
        cells=cells,
        statuses=statuses,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand_total,
        excluded=excluded,
    )


def method_table(
    participants: Participants,
    *,
    cohorts: Sequence[str],
    methods: Sequence[str],
    sites: Sequence[str],
    approvals: Approvals,
) -> ParticipantTable:
    """Counted participants by cohort (rows) x collection method (columns).

    Only participants in an approved (site, cohort) are counted, as in `participant_table`;
    a method nobody used shows 0 (it was open to everyone, unlike an unapproved cell).
    """
    counts: Counter[tuple[str, str]] = Counter()
    excluded: Counter[tuple[str, str]] = Counter()
    for row in participants:
        n, who = _weight(row)
        if row.site not in sites or row.cohort not in cohorts:
            raise ValueError(f"{who} with an unknown site or cohort")
        if row.method not in methods:
            raise ValueError(f"{who} with unknown method {row.method!r}")
        if approval_status(approvals, row.site, row.cohort) != APPROVED:
            excluded[(row.site, row.cohort)] += n
            continue
        counts[(row.cohort, row.method)] += n
    cells = tuple(tuple(counts[(cohort, method)] for method in methods) for cohort in cohorts)
    row_totals, column_totals, grand_total = _totals(cells, len(methods))
    return ParticipantTable(
        rows=tuple(cohorts),
        columns=tuple(methods),
        cells=cells,
        statuses=tuple(tuple(APPROVED for _ in methods) for _ in cohorts),
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand_total,
        excluded=dict(excluded),
    )


# --- item summaries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CombinedCategory:
    """Scale values reported together, such as "yes or somewhat"."""

    label: str
    values: tuple[int, ...]


def defined_combinations(instrument: Instrument) -> dict[str, list[CombinedCategory]]:
    """The combined categories the instrument's scales define, by scale code."""
    return {
        scale.code: [CombinedCategory(c.label, c.values) for c in scale.combined]
        for scale in instrument.scales
        if scale.combined
    }


@dataclass(frozen=True)
class ValueSummary:
    """How many of the answered gave one scale value (or one combined category)."""

    label: str | None
    values: tuple[int, ...]
    count: int
    percent: float | None
    interval: Proportion  # Wilson, out of the answered

    @property
    def value(self) -> int:
        return self.values[0]


@dataclass(frozen=True)
class ItemSummary:
    instrument: str
    item: str
    text: str | None
    cohort: str
    answered: int
    missing: int
    options: tuple[ValueSummary, ...]
    combined: tuple[ValueSummary, ...] = ()
    site: str | None = None
    team_type: str | None = None

    def text_lines(self) -> str:
        """A plain-text rendering, for the command line and the closing note of the issue."""
        where = "".join(
            f", {name} {value}"
            for name, value in (("site", self.site), ("team type", self.team_type))
            if value is not None
        )
        lines = [
            f"{self.instrument} {self.item} ({self.cohort}{where}): "
            f"n {self.answered}, missing {self.missing}"
        ]
        for option in (*self.options, *self.combined):
            name = option.label or "/".join(str(v) for v in option.values)
            values = "+".join(str(v) for v in option.values)
            shown = "-" if option.percent is None else f"{option.percent:.1f}%"
            ci = option.interval
            interval = (
                ""
                if ci.low is None or ci.high is None
                else f" (95% CI {ci.low * 100:.1f}-{ci.high * 100:.1f})"
            )
            lines.append(f"  {values:>5} {name}: {option.count} {shown}{interval}")
        return "\n".join(lines)


Breakdown = Literal["site", "team_type"]


def _summarise(
    instrument: Instrument,
    item: Item,
    scale: Scale,
    cohort: str,
    values: Counter[int | None],
    combined: Sequence[CombinedCategory],
    site: str | None = None,
    team_type: str | None = None,
) -> ItemSummary:
    missing = values[None]
    answered = values.total() - missing
    counts = Counter({value: n for value, n in values.items() if value is not None and n})
    unknown = set(counts) - scale.values
    if unknown:
        raise ValueError(
            f"{instrument.code} {item.code}: values {sorted(unknown)} are not on scale {scale.code}"
        )

    def summary(label: str | None, members: tuple[int, ...]) -> ValueSummary:
        count = sum(counts[v] for v in members)
        return ValueSummary(
            label=label,
            values=members,
            count=count,
            percent=percent(count, answered),
            interval=wilson_interval(count, answered, CONFIDENCE),
        )

    for category in combined:
        stray = set(category.values) - scale.values
        if stray:
            raise ValueError(
                f"combined category {category.label!r} has values {sorted(stray)} "
                f"that are not on scale {scale.code}"
            )
    return ItemSummary(
        instrument=instrument.code,
        item=item.code,
        text=item.text,
        cohort=cohort,
        answered=answered,
        missing=missing,
        options=tuple(summary(o.label, (o.value,)) for o in scale.options),
        combined=tuple(summary(c.label, tuple(c.values)) for c in combined),
        site=site,
        team_type=team_type,
    )


def item_summaries(
    answers: Answers,
    instrument: Instrument,
    *,
    cohorts: Sequence[str],
    combined: Mapping[str, Sequence[CombinedCategory]] | None = None,
    by: Breakdown | None = None,
    groups: Sequence[str | None] | None = None,
    participants: Participants = (),
) -> list[ItemSummary]:
    """One summary per item with a scale x cohort (x site or team type with `by`), in order.

    Options come in scale order; `combined` maps a scale code to its combined categories. With
    `by="site"` the groups are the answer rows' sites; with `by="team_type"` each pseudonym's
    team type comes from `participants` (None for people not on a team). `groups` fixes the
    groups and their order (default: those found, sorted, None last), so that an empty group
    can still be shown. An `AnswerCount` stands for `n` answers and carries its own team type.
    """
    combined = combined or {}
    team_types = {p.pseudonym: p.team_type for p in participants if isinstance(p, ParticipantRow)}
    values: defaultdict[tuple[str, str, str | None], Counter[int | None]] = defaultdict(Counter)
    seen: set[tuple[str, str, str]] = set()
    found_groups: set[str | None] = set()
    for answer in answers:
        if answer.instrument != instrument.code or answer.cohort not in cohorts:
            continue
        if isinstance(answer, AnswerCount):
            n, team_type = answer.n, answer.team_type
        else:
            n, team_type = 1, None
            refuse_second_answer(seen, answer)
            if by == "team_type":
                if answer.pseudonym not in team_types:
                    raise ValueError(f"no participant row for {answer.pseudonym}")
                team_type = team_types[answer.pseudonym]
        group = answer.site if by == "site" else team_type if by == "team_type" else None
        found_groups.add(group)
        values[(answer.item, answer.cohort, group)][answer.value] += n
    codes = {item.code for item in instrument.items}
    stray_items = {item for item, _, _ in values} - codes
    if stray_items:
        raise ValueError(f"{instrument.code} has no items {sorted(stray_items)}")
    if groups is None:
        ordered: Sequence[str | None] = sorted(found_groups, key=lambda g: (g is None, g or ""))
    else:
        ordered = groups
    summaries = []
    for item in instrument.items:
        if item.scale is None:
            continue
        scale = instrument.item_scale(item)
        categories = combined.get(scale.code, ())
        for cohort in cohorts:
            for group in ordered if by else (None,):
                summaries.append(
                    _summarise(
                        instrument,
                        item,
                        scale,
                        cohort,
                        values[(item.code, cohort, group)],
                        categories,
                        site=group if by == "site" else None,
                        team_type=group if by == "team_type" else None,
                    )
                )
    return summaries
