"""The report as an editable Word document: real headings, tables, charts as PNG with alt text.

A communications team opens it in Word and edits it; nothing in it is a picture of text except
the charts, and each chart has its text alternative as the image's description and its
numbers in a table beside it.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from alongside.reports.assembly import ReportDocument


def _table(doc: Any, caption: str, headers: list[str], rows: list[list[str]]) -> None:
    doc.add_paragraph(caption, style="Caption")
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)


def render_docx(document: ReportDocument, *, built_at: dt.datetime | None = None) -> bytes:
    from docx import Document
    from docx.shared import Inches

    report = document.data["report"]
    doc = Document()
    doc.core_properties.title = f"{report['title']}: impact report"
    doc.core_properties.subject = f"data digest {report['digest']}"
    doc.add_heading(report["title"], level=0)
    doc.add_paragraph(report["suppression"]["note"])
    for section in document.sections:
        doc.add_heading(section["title"], level=1)
        if section["figures"]:
            for figure in section["figures"]:
                paragraph = doc.add_paragraph(style="List Bullet")
                paragraph.add_run(str(figure["value"])).bold = True
                paragraph.add_run(f" {figure['label']}")
        for text in section["paragraphs"]:
            doc.add_paragraph(text)
        for chart_data in section["charts"]:
            chart = document.charts[chart_data["id"]]
            doc.add_heading(chart.title, level=2)
            width = min(6.3, chart.drawing.width / 96)
            doc.add_picture(io.BytesIO(chart.png()), width=Inches(width))
            picture = doc.paragraphs[-1].runs[-1]._r
            for properties in picture.xpath(".//wp:docPr"):
                properties.set("descr", chart.alt)
                properties.set("title", chart.title)
            doc.add_paragraph(chart.alt)
            _table(doc, chart.title, chart_data["headers"], chart_data["rows"])
        for table in section["tables"]:
            _table(doc, table["caption"], table["headers"], table["rows"])
    footer = (
        f"Made by Alongside {report['software_version']} from data with digest {report['digest']}"
    )
    if built_at is not None:
        footer += f", on {built_at:%d %B %Y, %H:%M}"
    doc.sections[0].footer.paragraphs[0].text = footer + "."
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
