"""Renderers: the assembled report document to HTML, PDF, DOCX or JSON. They only format:
every number they print is in the document already."""

from __future__ import annotations

import datetime as dt

from alongside.reports.assembly import ReportDocument

FORMATS = ("json", "html", "pdf", "docx")
CONTENT_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render(document: ReportDocument, fmt: str, *, built_at: dt.datetime | None = None) -> bytes:
    """The document in `fmt`. The build time appears in the HTML, PDF and DOCX footers only:
    the JSON stays byte-identical for the same data."""
    if fmt == "json":
        return (document.json() + "\n").encode()
    if fmt == "html":
        from alongside.reports.render.html import render_html

        return render_html(document, built_at=built_at).encode()
    if fmt == "pdf":
        from alongside.reports.render.pdf import render_pdf

        return render_pdf(document, built_at=built_at)
    if fmt == "docx":
        from alongside.reports.render.docx import render_docx

        return render_docx(document, built_at=built_at)
    raise ValueError(f"no report format {fmt!r}")


def filename(document: ReportDocument, fmt: str) -> str:
    return f"{document.data['report']['study']}-report.{fmt}"
