"""Server-side charts for the report and the dashboard: SVG for pages and PDF, PNG for DOCX.

Each chart is first laid out as a `Drawing` (rectangles, lines, text, a polyline, circles in
pixel coordinates), then written out: `svg()` for the browser and WeasyPrint, `png()` (Pillow,
already installed with WeasyPrint and python-docx) for Word. Both come from the same drawing,
so the picture in the DOCX is the picture on the page, and no system library is needed.

Every chart also carries a text alternative (a sentence or two with the key numbers) and a data
table, so that the picture is never the only way to read the numbers. Counts that disclosure
control hid arrive as None: no bar is drawn, the table shows `*`, the text says so.

Output is deterministic: same data, same bytes (fixed rounding, no ids drawn from counters).
Colours pass WCAG contrast: text at least 4.5:1 on white, marks at least 3:1.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from alongside.core.disclosure import SUPPRESSED_MARKER

INK = "#1a1a1a"
MUTED = "#595959"
GRID = "#767676"
WHITE = "#ffffff"
# Dark to light blues, then an orange: each at least 3:1 against white (tested).
SERIES = ("#1d4f91", "#3f7cc0", "#6b6b6b", "#b35900")
FONT_SIZE = 12
CHAR_WIDTH = 6.6  # average advance of a 12 px sans-serif character, for layout only
LABEL_WIDTH = 220
BAR_HEIGHT = 22
GAP = 10


# --- drawing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle or end, as in SVG
    size: int = FONT_SIZE
    fill: str = INK
    bold: bool = False


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 2


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str


Shape = Rect | Line | Text | Polyline | Circle


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class Chart:
    """One chart: its picture (as SVG and PNG), its words and its numbers."""

    ident: str
    title: str
    alt: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    drawing: Drawing

    @property
    def svg(self) -> str:
        return to_svg(self.drawing, ident=self.ident, title=self.title, description=self.alt)

    def png(self, scale: int = 2) -> bytes:
        return to_png(self.drawing, scale=scale)

    def as_data(self) -> dict[str, object]:
        """The chart as report data: what it shows, without the picture."""
        return {
            "id": self.ident,
            "title": self.title,
            "alt": self.alt,
            "headers": list(self.headers),
            "rows": [list(row) for row in self.rows],
        }


def _n(value: float) -> str:
    """A coordinate with at most one decimal, the same text on every run."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def to_svg(drawing: Drawing, *, ident: str, title: str, description: str) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{drawing.width}" height="{drawing.height}" '
        f'viewBox="0 0 {drawing.width} {drawing.height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" focusable="false" '
        f'font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{drawing.width}" height="{drawing.height}" fill="{WHITE}"/>',
    ]
    for shape in drawing.shapes:
        if isinstance(shape, Rect):
            parts.append(
                f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.width)}" '
                f'height="{_n(shape.height)}" fill="{shape.fill}"/>'
            )
        elif isinstance(shape, Line):
            parts.append(
                f'<line x1="{_n(shape.x1)}" y1="{_n(shape.y1)}" x2="{_n(shape.x2)}" '
                f'y2="{_n(shape.y2)}" stroke="{shape.stroke}" stroke-width="{_n(shape.width)}"/>'
            )
        elif isinstance(shape, Text):
            weight = ' font-weight="bold"' if shape.bold else ""
            parts.append(
                f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" text-anchor="{shape.anchor}" '
                f'font-size="{shape.size}" fill="{shape.fill}"{weight}>{escape(shape.text)}</text>'
            )
        elif isinstance(shape, Polyline):
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
            parts.append(
                f'<polyline points={quoteattr(points)} fill="none" stroke="{shape.stroke}" '
                f'stroke-width="{_n(shape.width)}"/>'
            )
        else:
            parts.append(
                f'<circle cx="{_n(shape.cx)}" cy="{_n(shape.cy)}" r="{_n(shape.r)}" '
                f'fill="{shape.fill}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


@lru_cache(maxsize=8)
def _font(size: int, bold: bool) -> object:
    from PIL import ImageFont

    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
        if bold
        else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


_PIL_ANCHOR = {"start": "ls", "middle": "ms", "end": "rs"}


def to_png(drawing: Drawing, *, scale: int = 2) -> bytes:
    """The drawing as a PNG, `scale` times its size (2: sharp when printed from Word)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (drawing.width * scale, drawing.height * scale), WHITE)
    pen = ImageDraw.Draw(image)

    def s(value: float) -> float:
        return value * scale

    for shape in drawing.shapes:
        if isinstance(shape, Rect):
            if shape.width > 0 and shape.height > 0:
                pen.rectangle(
                    (
                        s(shape.x),
                        s(shape.y),
                        s(shape.x + shape.width) - 1,
                        s(shape.y + shape.height) - 1,
                    ),
                    fill=shape.fill,
                )
        elif isinstance(shape, Line):
            pen.line(
                (s(shape.x1), s(shape.y1), s(shape.x2), s(shape.y2)),
                fill=shape.stroke,
                width=max(1, round(shape.width * scale)),
            )
        elif isinstance(shape, Text):
            pen.text(
                (s(shape.x), s(shape.y)),
                shape.text,
                fill=shape.fill,
                font=_font(shape.size * scale, shape.bold),  # type: ignore[arg-type]
                anchor=_PIL_ANCHOR[shape.anchor],
            )
        elif isinstance(shape, Polyline):
            if len(shape.points) > 1:
                pen.line(
                    [(s(x), s(y)) for x, y in shape.points],
                    fill=shape.stroke,
                    width=round(shape.width * scale),
                )
        else:
            pen.ellipse(
                (
                    s(shape.cx - shape.r),
                    s(shape.cy - shape.r),
                    s(shape.cx + shape.r),
                    s(shape.cy + shape.r),
                ),
                fill=shape.fill,
            )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


# --- helpers ---------------------------------------------------------------------------------


def percent_text(value: float | None) -> str:
    return SUPPRESSED_MARKER if value is None else f"{value:.1f}%"


def count_text(value: int | None) -> str:
    return SUPPRESSED_MARKER if value is None else str(value)


def _percent(part: int, whole: int) -> float:
    """Percent to one decimal, rounded half up (as the evaluation's summaries round)."""
    return int(part * 1000 / whole + 0.5) / 10 if whole else 0.0


def _wrap(text: str, width: float, lines: int = 2) -> list[str]:
    """Words to at most `lines` lines that fit `width` pixels, the last cut with an ellipsis."""
    most = max(4, int(width / CHAR_WIDTH))
    out: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= most:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines:
            break
    if current and len(out) < lines:
        out.append(current)
    if len(out) == lines and " ".join(out) != " ".join(text.split()):
        out[-1] = out[-1][: most - 1].rstrip() + "…"
    return [line[:most] for line in out] or [""]


def _hidden_note(hidden: int) -> str:
    if not hidden:
        return ""
    return (
        f" {hidden} small count{'s are' if hidden != 1 else ' is'} hidden to protect "
        "people's privacy."
    )


# --- bar chart of a distribution -------------------------------------------------------------


def bar_chart(
    ident: str,
    title: str,
    bars: Sequence[tuple[str, int | None]],
    *,
    total: int | None = None,
    vertical: bool = False,
    unit: str = "people",
) -> Chart:
    """Counts per category (a Likert item's answers), with the percent of `total` when given."""
    known = [v for _, v in bars if v is not None]
    top = max(known, default=0) or 1
    hidden = sum(1 for _, v in bars if v is None)

    def label(value: int | None) -> str:
        if value is None:
            return f"{SUPPRESSED_MARKER} (hidden)"
        if total:
            return f"{value} ({_percent(value, total):.1f}%)"
        return str(value)

    shapes: list[Shape] = []
    if vertical:
        slot = 84
        plot_h = 160
        width = 40 + slot * max(1, len(bars))
        height = plot_h + 70
        base = 20 + plot_h
        shapes.append(Line(30, base, width - 10, base))
        for i, (name, value) in enumerate(bars):
            x = 40 + i * slot
            if value is not None:
                h = plot_h * value / top
                shapes.append(Rect(x + 12, base - h, slot - 24, h, SERIES[0]))
                shapes.append(Text(x + slot / 2, base - h - 5, label(value), anchor="middle"))
            else:
                shapes.append(Text(x + slot / 2, base - 5, label(value), anchor="middle"))
            for j, line in enumerate(_wrap(name, slot - 4)):
                shapes.append(Text(x + slot / 2, base + 16 + 14 * j, line, anchor="middle"))
    else:
        plot_w = 260
        width = LABEL_WIDTH + plot_w + 110
        height = 16 + len(bars) * (BAR_HEIGHT + GAP)
        shapes.append(Line(LABEL_WIDTH, 8, LABEL_WIDTH, height - 8))
        for i, (name, value) in enumerate(bars):
            y = 12 + i * (BAR_HEIGHT + GAP)
            lines = _wrap(name, LABEL_WIDTH - 12)
            for j, line in enumerate(lines):
                offset = 15 if len(lines) == 1 else 9 + 13 * j
                shapes.append(Text(LABEL_WIDTH - 8, y + offset, line, anchor="end"))
            w = 0.0 if value is None else plot_w * value / top
            if value is not None and w > 0:
                shapes.append(Rect(LABEL_WIDTH, y, w, BAR_HEIGHT, SERIES[0]))
            shapes.append(Text(LABEL_WIDTH + w + 6, y + 15, label(value)))
    largest = max(
        ((name, v) for name, v in bars if v is not None), key=lambda b: b[1], default=None
    )
    alt = f"{title}: "
    if largest is None:
        alt += "no counts to show."
    else:
        alt += (
            f"the largest group is {largest[0]!s} with {label(largest[1])}"
            + (f" of {total} {unit}" if total else f" {unit}")
            + "."
        )
    alt += _hidden_note(hidden)
    headers = ("Category", "Count", "Percent") if total else ("Category", "Count")
    rows = tuple(
        (name, count_text(value), percent_text(None if value is None else _percent(value, total)))
        if total
        else (name, count_text(value))
        for name, value in bars
    )
    return Chart(ident, title, alt, headers, rows, Drawing(width, height, tuple(shapes)))


# --- stacked bars (yes / somewhat / no) ------------------------------------------------------


def stacked_bars(
    ident: str,
    title: str,
    segments: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int | None]]],
) -> Chart:
    """One bar per row (an item), split into `segments` as percents of the row's known total.

    A row with a hidden count is drawn from its shown counts over the row total only when the
    total is known from them all; otherwise the row is marked hidden and not drawn.
    """
    if any(len(counts) != len(segments) for _, counts in rows):
        raise ValueError("every row needs one count per segment")
    plot_w = 300
    width = LABEL_WIDTH + plot_w + 20
    legend_y = 16
    top = 34
    height = top + len(rows) * (BAR_HEIGHT + GAP) + 8
    shapes: list[Shape] = []
    x = float(LABEL_WIDTH)
    for k, name in enumerate(segments):
        shapes.append(Rect(x, legend_y - 10, 12, 12, SERIES[k % len(SERIES)]))
        shapes.append(Text(x + 16, legend_y, name))
        x += 16 + 7.6 * len(name) + 14
    table_rows: list[tuple[str, ...]] = []
    hidden_rows = 0
    summaries: list[str] = []
    for i, (name, counts) in enumerate(rows):
        y = top + i * (BAR_HEIGHT + GAP)
        lines = _wrap(name, LABEL_WIDTH - 12)
        for j, line in enumerate(lines):
            offset = 15 if len(lines) == 1 else 9 + 13 * j
            shapes.append(Text(LABEL_WIDTH - 8, y + offset, line, anchor="end"))
        if any(c is None for c in counts):
            hidden_rows += 1
            shapes.append(Text(LABEL_WIDTH + 6, y + 15, "hidden: small counts", fill=MUTED))
            table_rows.append((name, *(count_text(c) for c in counts), SUPPRESSED_MARKER))
            continue
        known = [c for c in counts if c is not None]
        total = sum(known)
        table_rows.append((name, *(f"{c} ({_percent(c, total):.1f}%)" for c in known), str(total)))
        if total == 0:
            shapes.append(Text(LABEL_WIDTH + 6, y + 15, "no answers", fill=MUTED))
            continue
        x = float(LABEL_WIDTH)
        for k, count in enumerate(known):
            w = plot_w * count / total
            if w > 0:
                shapes.append(Rect(x, y, w, BAR_HEIGHT, SERIES[k % len(SERIES)]))
            x += w
        summaries.append(f"{name}: {_percent(known[0], total):.1f}% {segments[0].lower()}")
    alt = f"{title}. " + ("; ".join(summaries) + "." if summaries else "No bars to show.")
    if hidden_rows:
        alt += f" {hidden_rows} row{'s are' if hidden_rows != 1 else ' is'} hidden (small counts)."
    headers = ("Item", *segments, "Answered")
    return Chart(
        ident, title, alt, headers, tuple(table_rows), Drawing(width, height, tuple(shapes))
    )


# --- line: a score over time -----------------------------------------------------------------


def line_chart(
    ident: str,
    title: str,
    points: Sequence[tuple[str, float | None, int | None]],
    *,
    low: float,
    high: float,
    value_label: str = "Mean score",
) -> Chart:
    """A score over time: (period label, value or None when hidden, number of people)."""
    width, height = 520, 230
    left, right, top, bottom = 48, 16, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return top + plot_h * (1 - (min(max(value, low), high) - low) / span)

    def x(index: int) -> float:
        count = len(points)
        return left + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))

    shapes: list[Shape] = []
    for value in (low, (low + high) / 2, high):
        shapes.append(Line(left, y(value), width - right, y(value)))
        shapes.append(Text(left - 6, y(value) + 4, _fmt(value), anchor="end", fill=MUTED))
    shown = [(i, v) for i, (_, v, _) in enumerate(points) if v is not None]
    if len(shown) > 1:
        shapes.append(Polyline(tuple((x(i), y(v)) for i, v in shown), SERIES[0]))
    for i, value in shown:
        shapes.append(Circle(x(i), y(value), 4, SERIES[0]))
        shapes.append(Text(x(i), y(value) - 8, _fmt(value), anchor="middle"))
    for i, (name, _, _) in enumerate(points):
        shapes.append(Text(x(i), height - bottom + 18, name, anchor="middle"))
    if shown:
        first, last = shown[0], shown[-1]
        alt = (
            f"{title}: {value_label.lower()} {_fmt(first[1])} at {points[first[0]][0]}"
            + (f", {_fmt(last[1])} at {points[last[0]][0]}" if last[0] != first[0] else "")
            + f" (scale {_fmt(low)} to {_fmt(high)})."
        )
    else:
        alt = f"{title}: no scores to show."
    hidden = sum(1 for _, v, _ in points if v is None)
    if hidden:
        alt += f" {hidden} point{'s' if hidden != 1 else ''} hidden (too few people)."
    rows = tuple(
        (name, SUPPRESSED_MARKER if v is None else _fmt(v), count_text(n)) for name, v, n in points
    )
    return Chart(
        ident,
        title,
        alt,
        ("Period", value_label, "People"),
        rows,
        Drawing(width, height, tuple(shapes)),
    )


def _fmt(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


# --- referral funnel -------------------------------------------------------------------------


def funnel(ident: str, title: str, stages: Sequence[tuple[str, int | None]]) -> Chart:
    """Stages from the widest (referrals received) down; each as a share of the first."""
    plot_w = 300
    width = LABEL_WIDTH + plot_w + 20
    height = 12 + len(stages) * (BAR_HEIGHT + GAP)
    first = stages[0][1] if stages else None
    shapes: list[Shape] = []
    rows: list[tuple[str, ...]] = []
    for i, (name, value) in enumerate(stages):
        y = 8 + i * (BAR_HEIGHT + GAP)
        shapes.append(Text(LABEL_WIDTH - 8, y + 15, name, anchor="end"))
        share = None if value is None or not first else _percent(value, first)
        rows.append((name, count_text(value), percent_text(share)))
        if value is None or not first:
            shapes.append(
                Text(LABEL_WIDTH + plot_w / 2, y + 15, count_text(value), anchor="middle")
            )
            continue
        w = plot_w * value / first
        left = LABEL_WIDTH + (plot_w - w) / 2
        if w > 0:
            shapes.append(Rect(left, y, w, BAR_HEIGHT, SERIES[0]))
        text_fill = WHITE if w > 60 else INK
        shapes.append(
            Text(
                LABEL_WIDTH + plot_w / 2,
                y + 15,
                str(value),
                anchor="middle",
                fill=text_fill,
                bold=True,
            )
        )
    described = ", ".join(f"{name} {count_text(value)}" for name, value in stages)
    alt = f"{title}: {described}." if stages else f"{title}: nothing to show."
    if any(v is None for _, v in stages):
        alt += " Hidden stages (*) had too few people to show."
    return Chart(
        ident,
        title,
        alt,
        ("Stage", "Count", "Share of referrals"),
        tuple(rows),
        Drawing(width, height, tuple(shapes)),
    )
