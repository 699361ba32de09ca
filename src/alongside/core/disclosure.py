"""Small-cell suppression (statistical disclosure control) for tables of counts of people.

The rule, fixed and stated because reports must say how a number was hidden
(refs: instruments.md 5.7, the common UK/Irish "< 5" convention, preset `lt5_secondary`):

- **Primary suppression**: a count from 1 up to `threshold - 1` (1-4 with the default 5) is
  hidden. Zero is shown: it says nobody, which identifies no one. A cell that is not applicable
  (`None`, for example a site and cohort without ethics approval) is neither counted nor hidden.
- **Secondary suppression**: a table is published with its row totals, column totals and grand
  total, and each row, each column, the row of column totals and the column of row totals is a
  sum that a reader can subtract from. Whenever one of those sums has exactly one hidden member,
  one more member is hidden, so no hidden number is the only unknown in any sum: the smallest
  other cell (non-zero cells first, since hiding a zero protects little; totals only when no cell
  is left), repeated until no sum has a single hidden member. This defeats subtraction from
  totals, the attack the rule is meant for; like the NHS Digital method it is a heuristic, not a
  proof against every linear-programming attack on the table.
- Hidden numbers are shown as `SUPPRESSED_MARKER` in text and as `null` with
  `"suppressed": true` in data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5
SUPPRESSED_MARKER = "*"
SUPPRESSION_RULE = (
    "counts from 1 to threshold - 1 hidden; then, in every row, column and row or column of "
    "totals with a single hidden number, the smallest other number (non-zero cells first, then "
    "zeros, then totals) hidden too, until none has a single hidden number"
)

# Positions in a table with its margins: ("cell", row, column), ("row", row, 0) for a row
# total, ("column", 0, column) for a column total, ("grand", 0, 0) for the grand total.
Position = tuple[str, int, int]
GRAND: Position = ("grand", 0, 0)


def is_small(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True for a count that primary suppression hides: 1 up to `threshold - 1`."""
    _check_threshold(threshold)
    if count < 0:
        raise ValueError(f"a count cannot be negative, got {count}")
    return 0 < count < threshold


def _check_threshold(threshold: int) -> None:
    if threshold < 1:
        raise ValueError(f"the suppression threshold must be at least 1, got {threshold}")


@dataclass(frozen=True)
class ProtectedTable:
    """A table of counts with its margins, and which of them may not be shown.

    `cells[row][column]` is a count or None (not applicable: shown as such, never as zero, and
    left out of every total). The exact numbers are kept so that callers allowed to see them can;
    `shown` and the `*_shown` helpers give what may be published.
    """

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int, ...]
    column_totals: tuple[int, ...]
    grand_total: int
    suppressed: frozenset[Position]
    threshold: int

    def is_suppressed(self, position: Position) -> bool:
        return position in self.suppressed

    def shown(self, row: int, column: int) -> int | None:
        """The count, or None when it is not applicable or hidden (check `is_suppressed`)."""
        if ("cell", row, column) in self.suppressed:
            return None
        return self.cells[row][column]

    def row_total_shown(self, row: int) -> int | None:
        return None if ("row", row, 0) in self.suppressed else self.row_totals[row]

    def column_total_shown(self, column: int) -> int | None:
        return None if ("column", 0, column) in self.suppressed else self.column_totals[column]

    def grand_total_shown(self) -> int | None:
        return None if GRAND in self.suppressed else self.grand_total


def _value(table: ProtectedTable, position: Position) -> int | None:
    kind, row, column = position
    if kind == "cell":
        return table.cells[row][column]
    if kind == "row":
        return table.row_totals[row]
    if kind == "column":
        return table.column_totals[column]
    return table.grand_total


def _sums(rows: int, columns: int) -> list[list[Position]]:
    """Every published sum as the list of its members (the total last)."""
    sums: list[list[Position]] = []
    for r in range(rows):
        sums.append([*(("cell", r, c) for c in range(columns)), ("row", r, 0)])
    for c in range(columns):
        sums.append([*(("cell", r, c) for r in range(rows)), ("column", 0, c)])
    sums.append([*(("row", r, 0) for r in range(rows)), GRAND])
    sums.append([*(("column", 0, c) for c in range(columns)), GRAND])
    return sums


def protect_table(
    cells: Sequence[Sequence[int | None]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    also_suppress: Iterable[Position] = (),
) -> ProtectedTable:
    """Apply primary and secondary suppression to `cells` and its totals.

    `also_suppress` hides more positions from the start (for example a margin already hidden in
    another table that shares it); secondary suppression then protects them too.
    """
    _check_threshold(threshold)
    grid = tuple(tuple(row) for row in cells)
    width = len(grid[0]) if grid else 0
    if any(len(row) != width for row in grid):
        raise ValueError("every row of the table must have the same number of cells")
    for row in grid:
        for count in row:
            if count is not None and count < 0:
                raise ValueError(f"a count cannot be negative, got {count}")
    row_totals = tuple(sum(c for c in row if c is not None) for row in grid)
    column_totals = tuple(
        sum(c for row in grid if (c := row[col]) is not None) for col in range(width)
    )
    table = ProtectedTable(
        cells=grid,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=sum(row_totals),
        suppressed=frozenset(),
        threshold=threshold,
    )
    hidden: set[Position] = set(also_suppress)
    for r, row in enumerate(grid):
        for c, count in enumerate(row):
            if count is not None and is_small(count, threshold):
                hidden.add(("cell", r, c))
    for r, total in enumerate(row_totals):
        if is_small(total, threshold):
            hidden.add(("row", r, 0))
    for c, total in enumerate(column_totals):
        if is_small(total, threshold):
            hidden.add(("column", 0, c))
    if is_small(table.grand_total, threshold):
        hidden.add(GRAND)

    sums = _sums(len(grid), width)
    changed = True
    while changed:
        changed = False
        for members in sums:
            applicable = [p for p in members if _value(table, p) is not None]
            if sum(1 for p in applicable if p in hidden) != 1:
                continue
            candidates = [p for p in applicable if p not in hidden]
            if not candidates:
                continue
            hidden.add(min(candidates, key=lambda p: _secondary_order(table, p)))
            changed = True
    return ProtectedTable(
        cells=grid,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=table.grand_total,
        suppressed=frozenset(hidden),
        threshold=threshold,
    )


def _secondary_order(table: ProtectedTable, position: Position) -> tuple[int, int, int, Position]:
    value = _value(table, position)
    assert value is not None
    is_total = position[0] != "cell"
    return (int(is_total), int(value == 0), value, position)


def protect_row(
    counts: Sequence[int], threshold: int = DEFAULT_THRESHOLD
) -> tuple[frozenset[int], bool]:
    """Suppression for one row of counts published with its total (an item's options and n).

    Returns the indexes of the hidden counts and whether the total is hidden.
    """
    table = protect_table([list(counts)], threshold)
    hidden = frozenset(c for kind, _, c in table.suppressed if kind == "cell")
    return hidden, ("row", 0, 0) in table.suppressed


def marked(count: int | None, suppressed: bool, not_applicable: str = "N/A") -> str:
    """A count as text: the marker when hidden, `not_applicable` when None."""
    if suppressed:
        return SUPPRESSED_MARKER
    if count is None:
        return not_applicable
    return str(count)
