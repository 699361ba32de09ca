"""Small-cell suppression against hand-worked tables, and its guarantee as a property."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.core.disclosure import (
    GRAND,
    SUPPRESSED_MARKER,
    is_small,
    marked,
    protect_row,
    protect_table,
)


@pytest.mark.parametrize(
    ("count", "threshold", "small"),
    [(0, 5, False), (1, 5, True), (4, 5, True), (5, 5, False), (9, 10, True), (10, 10, False)],
)
def test_primary_suppression_hides_1_to_threshold_minus_1(count, threshold, small):
    assert is_small(count, threshold) is small


def test_thresholds_and_counts_are_checked():
    with pytest.raises(ValueError, match="threshold"):
        is_small(3, 0)
    with pytest.raises(ValueError, match="negative"):
        protect_table([[-1]])
    with pytest.raises(ValueError, match="same number"):
        protect_table([[1, 2], [3]])


def test_a_table_without_small_cells_is_shown_whole():
    table = protect_table([[10, 20], [30, 40]])
    assert table.suppressed == frozenset()
    # totals: rows 30, 70; columns 40, 60; all 100
    assert (table.row_totals, table.column_totals, table.grand_total) == ((30, 70), (40, 60), 100)
    assert table.shown(0, 0) == 10


def test_secondary_suppression_on_a_small_table():
    # Hand-worked:        A   B   C | total
    #        site 1      3  10  12 |  25
    #        site 2      8   9  20 |  37
    #        site 3      6   7  15 |  28
    #        total      17  26  47 |  90
    # Primary: 3 (< 5). Row 1 then has one hidden cell: the smallest other cell, 10, is hidden.
    # Column A has one hidden cell (3): the smallest other, 6 (site 3), is hidden.
    # Column B has one hidden (10): the smallest other, 7 (site 3), is hidden.
    # Row 3 now has two hidden (6, 7); no row or column has a single hidden cell. Totals are all
    # shown: 3 = 25 - 10 - 12 needs the hidden 10, so no hidden cell is one subtraction away.
    table = protect_table([[3, 10, 12], [8, 9, 20], [6, 7, 15]])
    assert table.suppressed == {("cell", 0, 0), ("cell", 0, 1), ("cell", 2, 0), ("cell", 2, 1)}
    assert table.row_totals == (25, 37, 28)
    assert table.column_totals == (17, 26, 47)
    assert table.grand_total_shown() == 90
    assert table.shown(0, 0) is None
    assert table.shown(1, 1) == 9


def test_an_n_a_cell_is_left_out_and_a_small_total_is_hidden():
    # Hand-worked:   A    B  | total
    #   site 1       2  N/A  |   2
    #   site 2      10   20  |  30
    #   total       12   20  |  32
    # Primary: the cell 2 and the site 1 total 2 (both < 5). Row 1 then has two hidden members.
    # Column A: 2 hidden alone -> the smallest other cell, 10, hidden.
    # Column of row totals (2, 30 | 32): 2 hidden alone -> 30 hidden (cells first, then the
    # smallest total). Row 2 now has 10 and 30 hidden. Nothing is one subtraction away:
    # a + b = 12, R1 = a, R2 = b + 20, R1 + R2 = 32 leaves one unknown free.
    table = protect_table([[2, None], [10, 20]])
    assert table.shown(0, 1) is None
    assert not table.is_suppressed(("cell", 0, 1))  # not applicable is not "hidden"
    assert table.suppressed == {("cell", 0, 0), ("row", 0, 0), ("cell", 1, 0), ("row", 1, 0)}
    assert table.column_total_shown(0) == 12
    assert table.grand_total_shown() == 32


def test_zero_is_shown_and_hidden_only_when_nothing_else_is_left():
    # Row [3, 0, 9]: 3 hidden; the smallest non-zero other, 9, is hidden before the zero.
    hidden, total_hidden = protect_row([3, 0, 9])
    assert hidden == {0, 2}
    assert not total_hidden  # 12 shown: 3 + 9 = 12 with two unknowns
    # Row [3, 0]: its total 3 is itself small, so the total is hidden with the 3 and the zero
    # stays shown (two unknowns, 3 and the total, in the one sum).
    assert protect_row([3, 0]) == ({0}, True)


def test_also_suppress_protects_a_shared_margin():
    table = protect_table([[10, 20], [30, 40]], also_suppress=[("column", 0, 0)])
    # cells 10 20 / 30 40, column totals 40 60, grand total 100; the first column total hidden:
    # column A (10, 30 | 40*): 40 alone -> 10 hidden; row of column totals (40*, 60 | 100):
    # -> 60 hidden; row 1 (10*, 20 | 30): 10 alone -> 20 hidden; then every sum has two.
    assert table.suppressed == {
        ("column", 0, 0),
        ("column", 0, 1),
        ("cell", 0, 0),
        ("cell", 0, 1),
    }
    assert GRAND not in table.suppressed


def test_marked_text():
    assert marked(3, True) == SUPPRESSED_MARKER == "*"
    assert marked(None, False) == "N/A"
    assert marked(12, False) == "12"


tables = st.integers(1, 4).flatmap(
    lambda width: st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=width, max_size=width),
        min_size=1,
        max_size=4,
    )
)


@given(tables, st.integers(1, 10))
def test_no_hidden_number_is_alone_in_any_published_sum(cells, threshold):
    table = protect_table(cells, threshold)
    rows, width = len(cells), len(cells[0])

    def applicable(position):
        kind, r, c = position
        return kind != "cell" or cells[r][c] is not None

    sums = [[*(("cell", r, c) for c in range(width)), ("row", r, 0)] for r in range(rows)]
    sums += [[*(("cell", r, c) for r in range(rows)), ("column", 0, c)] for c in range(width)]
    sums.append([*(("row", r, 0) for r in range(rows)), GRAND])
    sums.append([*(("column", 0, c) for c in range(width)), GRAND])
    for members in sums:
        hidden = [p for p in members if applicable(p) and p in table.suppressed]
        assert len(hidden) != 1, (members, table.suppressed)
    for r, row in enumerate(cells):
        for c, count in enumerate(row):
            if count is not None and 0 < count < threshold:
                assert table.shown(r, c) is None
