"""Splitting a period into whole months and the days of the months it cuts (rollups.split)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.practice.rollups import Split, next_month, split

D = dt.date
# Records fall in these years; an open end stands for "from (or to) the first (last) record".
FIRST, LAST = D(2023, 1, 1), D(2026, 12, 31)


def _days(first, last):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def covered(parts: Split) -> list[dt.date]:
    """Every day the split counts, as a list (so a day counted twice shows up twice)."""
    days = []
    if parts.whole is not None:
        first, last = parts.whole
        month = first or FIRST
        while month <= (last or LAST):
            assert month.day == 1
            days += _days(month, next_month(month) - dt.timedelta(days=1))
            month = next_month(month)
    for a, b in parts.partial:
        days += _days(a, b)
    return days


@pytest.mark.parametrize(
    ("start", "end", "whole", "partial"),
    [
        (None, None, (None, None), ()),
        (D(2025, 1, 1), D(2025, 1, 31), (D(2025, 1, 1), D(2025, 1, 1)), ()),
        (D(2025, 1, 5), D(2025, 1, 20), None, ((D(2025, 1, 5), D(2025, 1, 20)),)),
        (D(2025, 1, 31), D(2025, 2, 1), None, ((D(2025, 1, 31), D(2025, 2, 1)),)),
        (
            D(2025, 1, 5),
            D(2025, 3, 20),
            (D(2025, 2, 1), D(2025, 2, 1)),
            ((D(2025, 1, 5), D(2025, 1, 31)), (D(2025, 3, 1), D(2025, 3, 20))),
        ),
        (D(2025, 1, 5), None, (D(2025, 2, 1), None), ((D(2025, 1, 5), D(2025, 1, 31)),)),
        (None, D(2024, 2, 28), (None, D(2024, 1, 1)), ((D(2024, 2, 1), D(2024, 2, 28)),)),
        (None, D(2024, 2, 29), (None, D(2024, 2, 1)), ()),
        (D(2025, 2, 1), D(2025, 1, 1), None, ()),
    ],
)
def test_examples(start, end, whole, partial):
    assert split(start, end) == Split(whole, partial)


dates = st.dates(min_value=FIRST, max_value=LAST)


@given(start=st.none() | dates, end=st.none() | dates)
def test_every_day_of_the_period_is_counted_once(start, end):
    lo, hi = start or FIRST, end or LAST
    expected = list(_days(lo, hi)) if lo <= hi else []
    assert sorted(covered(split(start, end))) == expected
