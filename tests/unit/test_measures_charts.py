"""The score chart: valid SVG with a text alternative, the band around the first score."""

import datetime as dt
import xml.etree.ElementTree as ET

from alongside.measures.charts import HEIGHT, line_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
POINTS = [(dt.date(2025, 1, 6), 40.0), (dt.date(2025, 4, 7), 55.0), (dt.date(2025, 7, 7), 75.0)]


def parse(chart):
    return ET.fromstring(str(chart.svg))  # noqa: S314 (our own markup)


def test_the_chart_is_an_image_with_a_title_and_a_description():
    chart = line_chart(POINTS, title="CHIME <check>", low=0, high=100, band_half_width=12.4)
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "CHIME <check>"  # escaped in, parsed back out
    desc = root.find("svg:desc", NS).text
    assert "first 40 on 06 Jan 2025, latest 75 on 07 Jul 2025" in desc
    assert "27.6 to 52.4" in desc


def test_the_band_is_centred_on_the_first_score_and_rows_say_who_is_inside():
    chart = line_chart(POINTS, title="t", low=0, high=100, band_half_width=12.4)
    rect = parse(chart).find("svg:rect", NS)
    plot = HEIGHT - 12 - 28
    assert float(rect.get("y")) == round(12 + plot * (1 - 52.4 / 100), 1)
    assert [r.within_band for r in chart.rows] == [True, False, False]


def test_points_sit_in_date_order_and_higher_scores_are_higher_up():
    chart = line_chart(POINTS, title="t", low=0, high=100)
    coords = [
        tuple(map(float, p.split(",")))
        for p in parse(chart).find("svg:polyline", NS).get("points").split()
    ]
    assert [x for x, _ in coords] == sorted(x for x, _ in coords)
    assert coords[0][1] > coords[1][1] > coords[2][1]
    assert parse(chart).find("svg:rect", NS) is None
    assert [r.within_band for r in chart.rows] == [None, None, None]


def test_an_empty_or_single_point_chart_still_describes_itself():
    assert "No scores yet" in line_chart([], title="t", low=0, high=4).description
    one = line_chart(POINTS[:1], title="t", low=0, high=100)
    assert len(parse(one).findall("svg:circle", NS)) == 1
    assert "1 score on a scale of 0 to 100" in one.description


def test_values_outside_the_range_are_clamped_to_the_plot():
    chart = line_chart([(dt.date(2025, 1, 1), 150.0)], title="t", low=0, high=100)
    assert float(parse(chart).find("svg:circle", NS).get("cy")) == 12.0


def test_the_chart_renders_in_a_pdf_with_its_text(tmp_path):
    """The same SVG goes into printed reports: WeasyPrint draws it, and its labels survive."""
    import shutil
    import subprocess

    import pytest
    from weasyprint import HTML

    chart = line_chart(POINTS, title="Recovery support", low=0, high=100, band_half_width=12.4)
    pdf = tmp_path / "chart.pdf"
    HTML(string=f"<html><body><h1>Scores</h1>{chart.svg}</body></html>").write_pdf(pdf)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert len(content) > 2000
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF's text back")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Scores" in text
    assert "100" in text  # an axis label drawn from the SVG's <text>
