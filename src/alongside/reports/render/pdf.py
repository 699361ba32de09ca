"""The report as PDF: WeasyPrint from the same HTML page."""

from __future__ import annotations

import datetime as dt

from alongside.reports.assembly import ReportDocument
from alongside.reports.render.html import render_html


def render_pdf(document: ReportDocument, *, built_at: dt.datetime | None = None) -> bytes:
    from weasyprint import HTML

    html = render_html(document, built_at=built_at, for_pdf=True)
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf
