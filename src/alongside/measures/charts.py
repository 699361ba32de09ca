"""A small server-side SVG line chart of one score over time, with the reliable change band.

No JavaScript: the same markup works in the browser and in PDF. The SVG has role="img", a
<title> and a <desc> saying what it shows in words, and the caller also renders `rows` as a
table, so the chart is never the only way to read the numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 480
HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


@dataclass(frozen=True)
class ChartRow:
    date: dt.date
    value: float
    within_band: bool | None


@dataclass(frozen=True)
class LineChart:
    svg: SafeString
    rows: tuple[ChartRow, ...]
    description: str


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def line_chart(
    points: Sequence[tuple[dt.date, float]],
    *,
    title: str,
    low: float,
    high: float,
    band_half_width: float | None = None,
    ident: str = "chart",
) -> LineChart:
    """Plot `points` (date, value) on a fixed scale from `low` to `high`.

    With `band_half_width`, a shaded band is drawn around the first score: later scores inside
    it are within measurement error of where the person started (no reliable change).
    """
    span = (high - low) or 1.0
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        clamped = min(max(value, low), high)
        return TOP + plot_h * (1 - (clamped - low) / span)

    count = len(points)

    def x(index: int) -> float:
        return LEFT + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))

    band = None
    if band_half_width is not None and points:
        first = points[0][1]
        band = (first - band_half_width, first + band_half_width)
    rows = tuple(
        ChartRow(on, value, None if band is None else band[0] <= value <= band[1])
        for on, value in points
    )
    description = _describe(points, low, high, band)
    parts = [
        f'<svg class="score-chart" role="img" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="{ident}-title {ident}-desc" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    if band is not None:
        top, bottom = y(band[1]), y(band[0])
        parts.append(
            f'<rect class="score-chart__band" x="{LEFT}" y="{top:.1f}" width="{plot_w}" '
            f'height="{bottom - top:.1f}" fill="#dde7f0"/>'
        )
    for value in (low, high):
        parts.append(
            f'<line class="score-chart__axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#999"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'font-size="11">{_fmt(value)}</text>'
        )
    if points:
        coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
        parts.append(
            f'<polyline class="score-chart__line" points="{coords}" fill="none" '
            'stroke="#1d4f91" stroke-width="2"/>'
        )
        for i, (on, value) in enumerate(points):
            parts.append(
                f'<circle class="score-chart__point" cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" '
                f'fill="#1d4f91"><title>{on:%d %b %Y}: {_fmt(value)}</title></circle>'
            )
        for i in (0, count - 1) if count > 1 else (0,):
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
                f'font-size="11">{points[i][0]:%d %b %Y}</text>'
            )
    parts.append("</svg>")
    return LineChart(mark_safe("".join(parts)), rows, description)  # noqa: S308 (escaped above)


def _describe(
    points: Sequence[tuple[dt.date, float]],
    low: float,
    high: float,
    band: tuple[float, float] | None,
) -> str:
    if not points:
        return f"No scores yet (scale {_fmt(low)} to {_fmt(high)})."
    first, last = points[0], points[-1]
    text = (
        f"{len(points)} score{'s' if len(points) != 1 else ''} on a scale of {_fmt(low)} to "
        f"{_fmt(high)}: first {_fmt(first[1])} on {first[0]:%d %b %Y}"
    )
    if len(points) > 1:
        text += f", latest {_fmt(last[1])} on {last[0]:%d %b %Y}"
    if band is not None:
        text += (
            f". The shaded band, {_fmt(band[0])} to {_fmt(band[1])}, is the range of "
            "scores within measurement error of the first"
        )
    return text + "."
