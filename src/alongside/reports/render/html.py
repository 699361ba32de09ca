"""The report as one printable HTML page (also the source of the PDF)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from alongside.reports.assembly import ReportDocument


def context(document: ReportDocument, *, built_at: dt.datetime | None) -> dict[str, object]:
    sections = []
    for section in document.sections:
        sections.append(
            {
                **section,
                "chart_svgs": [
                    {
                        "svg": mark_safe(document.charts[c["id"]].svg),  # noqa: S308 (escaped by charts)
                        **c,
                    }
                    for c in section["charts"]
                ],
            }
        )
    return {"report": document.data["report"], "sections": sections, "built_at": built_at}


def render_html(
    document: ReportDocument, *, built_at: dt.datetime | None = None, for_pdf: bool = False
) -> str:
    return render_to_string(
        "reports/document.html", {**context(document, built_at=built_at), "for_pdf": for_pdf}
    )
