"""The goal sparkline: ratings placed in the box, 10 at the top, with a text alternative."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.practice.views.goals import sparkline


def _coords(chart):
    return [tuple(float(n) for n in point.split(",")) for point in chart.points.split()]


def test_no_ratings_draw_nothing():
    assert sparkline([]) is None


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ([5], [(60.0, 16.0)]),
        ([0, 10], [(4.0, 28.0), (116.0, 4.0)]),
        ([10, 5, 0], [(4.0, 4.0), (60.0, 16.0), (116.0, 28.0)]),
    ],
)
def test_ratings_are_spread_left_to_right_with_10_at_the_top(ratings, expected):
    chart = sparkline(ratings, width=120, height=32)
    assert _coords(chart) == expected
    assert (chart.last_x, chart.last_y) == expected[-1]


@pytest.mark.parametrize(
    ("ratings", "label"),
    [
        ([7], "1 rating out of 10, oldest first: 7"),
        ([3, 5, 6], "3 ratings out of 10, oldest first: 3, 5, 6"),
    ],
)
def test_the_text_alternative_states_every_rating(ratings, label):
    assert sparkline(ratings).label == label


@given(
    st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=60),
    st.integers(min_value=40, max_value=400),
    st.integers(min_value=16, max_value=120),
)
def test_every_point_stays_inside_the_box_in_order(ratings, width, height):
    chart = sparkline(ratings, width=width, height=height)
    coords = _coords(chart)
    assert len(coords) == len(ratings)
    assert all(0 <= x <= width and 0 <= y <= height for x, y in coords)
    xs = [x for x, _ in coords]
    assert xs == sorted(xs)
    ys = dict(zip(ratings, (y for _, y in coords), strict=True))
    # One height per rating, and a higher rating always drawn higher up (a smaller y).
    assert all(ys[r] == y for r, (_, y) in zip(ratings, coords, strict=True))
    assert all(ys[a] > ys[b] for a, b in itertools.pairwise(sorted(ys)))
