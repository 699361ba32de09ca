"""Charts: deterministic, accessible SVG; the PNG drawn from the same drawing; numbers in words
and tables, with hidden counts shown as hidden."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from alongside.reports import charts

SVG = "{http://www.w3.org/2000/svg}"
counts = st.lists(st.one_of(st.none(), st.integers(0, 500)), min_size=1, max_size=8)


def _charts(values):
    labels = [f"Option {i}" for i in range(len(values))]
    known = sum(v for v in values if v is not None)
    return [
        charts.bar_chart("bar", "Answers", list(zip(labels, values, strict=True)), total=known),
        charts.bar_chart("col", "Answers", list(zip(labels, values, strict=True)), vertical=True),
        charts.stacked_bars(
            "stack",
            "Yes or no",
            ["Yes", "Somewhat", "No"][: len(values[:3])],
            [("Item", values[:3])],
        ),
        charts.funnel("funnel", "Referrals", list(zip(labels, values, strict=True))),
        charts.line_chart(
            "line",
            "Score",
            [
                (label, None if v is None else v / 10, v)
                for label, v in zip(labels, values, strict=True)
            ],
            low=0,
            high=50,
        ),
    ]


@given(counts)
def test_the_same_data_gives_the_same_bytes(values):
    for first, second in zip(_charts(values), _charts(list(values)), strict=True):
        assert first.svg == second.svg
        assert first.alt == second.alt
        assert first.rows == second.rows


@given(counts)
def test_every_chart_is_labelled_for_screen_readers(values):
    for chart in _charts(values):
        root = ET.fromstring(chart.svg)  # noqa: S314 (our own output)
        assert root.get("role") == "img"
        ids = {el.get("id") for el in root.iter() if el.get("id")}
        labelled_by = root.get("aria-labelledby").split()
        assert labelled_by
        assert set(labelled_by) <= ids
        assert root.find(f"{SVG}title").text == chart.title
        assert root.find(f"{SVG}desc").text == chart.alt
        assert all(len(row) == len(chart.headers) for row in chart.rows)


@given(counts)
def test_hidden_counts_are_marked_in_the_table_and_said_in_words(values):
    chart = charts.bar_chart("bar", "Answers", [(f"o{i}", v) for i, v in enumerate(values)])
    hidden = sum(v is None for v in values)
    assert sum(row[1] == "*" for row in chart.rows) == hidden
    assert ("hidden" in chart.alt) == bool(hidden)


def test_a_bar_chart_says_its_largest_group_with_its_percent():
    chart = charts.bar_chart(
        "s1", "S1", [("Not at all", 0), ("A little", None), ("Very much", 25)], total=37
    )
    assert chart.alt.startswith("S1: the largest group is Very much with 25 (67.6%) of 37 people.")
    assert chart.rows == (
        ("Not at all", "0", "0.0%"),
        ("A little", "*", "*"),
        ("Very much", "25", "67.6%"),
    )


def test_a_stacked_row_with_a_hidden_count_is_not_drawn():
    chart = charts.stacked_bars("s", "Helped", ["Yes", "No"], [("A", [6, 4]), ("B", [None, 9])])
    assert chart.rows == (("A", "6 (60.0%)", "4 (40.0%)", "10"), ("B", "*", "9", "*"))
    assert "hidden: small counts" in chart.svg
    assert "1 row is hidden" in chart.alt


def test_the_funnel_gives_each_stage_as_a_share_of_the_first():
    chart = charts.funnel("f", "Referrals", [("Received", 80), ("Accepted", 60), ("Seen", None)])
    assert chart.rows == (
        ("Received", "80", "100.0%"),
        ("Accepted", "60", "75.0%"),
        ("Seen", "*", "*"),
    )


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colour", charts.SERIES)
def test_marks_stand_out_from_the_page(colour):
    assert _contrast(colour, charts.WHITE) >= 3


@pytest.mark.parametrize("colour", [charts.INK, charts.MUTED])
def test_text_is_readable(colour):
    assert _contrast(colour, charts.WHITE) >= 4.5


def test_white_labels_inside_funnel_bars_are_readable():
    assert _contrast(charts.WHITE, charts.SERIES[0]) >= 4.5


def test_the_png_is_the_drawing_at_twice_its_size():
    chart = charts.funnel("f", "Referrals", [("Received", 80), ("Accepted", 60)])
    image = Image.open(io.BytesIO(chart.png()))
    assert image.format == "PNG"
    assert image.size == (chart.drawing.width * 2, chart.drawing.height * 2)
    assert chart.png() == chart.png()
    # The bar's blue is in the picture.
    assert (0x1D, 0x4F, 0x91) in {colour for _, colour in image.getcolors(1_000_000)}


@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=200)
)
def test_text_in_a_chart_is_escaped(label):
    chart = charts.bar_chart("x", label or "t", [(label, 3)])
    ET.fromstring(chart.svg)  # noqa: S314 (our own output)


@given(st.text(alphabet="abc defghij", max_size=120), st.integers(40, 300))
def test_wrapped_labels_fit_two_lines(text, width):
    lines = charts._wrap(text, width)
    most = max(4, int(width / charts.CHAR_WIDTH))
    assert 1 <= len(lines) <= 2
    assert all(len(line) <= most for line in lines)


def test_coordinates_have_at_most_one_decimal():
    chart = charts.line_chart("l", "S", [("a", 1 / 3, 9), ("b", 2 / 3, 9)], low=0, high=1)
    assert not re.search(r"\d\.\d\d", chart.svg.split("</desc>")[1])
