"""A subject access export: everything found about one person, as JSON and as a readable PDF.

The JSON is the complete record (every field of every row, docs/formats/subject-export.md);
the PDF shows the same rows with plain headings and field names, for the person to read.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from alongside.privacy.walker import Found, plain_value, row_data

FORMAT = "alongside-subject-export"
FORMAT_VERSION = 1


def subject_kind(subject: models.Model) -> str:
    return {
        "practice.serviceuser": "service-user",
        "evaluation.participant": "participant",
        "organisation.person": "person",
    }[subject._meta.label_lower]


def subject_name(subject: models.Model) -> str:
    """How files and pages name the subject: never by their name."""
    label = subject._meta.label_lower
    if label == "evaluation.participant":
        return f"participant-{subject.study.slug}-{subject.pseudonym}"  # type: ignore[attr-defined]
    if label == "practice.serviceuser":
        return f"service-user-{subject.pk}"
    return f"person-{subject.pk}"


def export_data(found: Found, *, request_reference: str) -> dict[str, Any]:
    records = {
        model._meta.label_lower: [row_data(obj) for obj in found.rows[model].values()]
        for model in found.models()
    }
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "made_at": plain_value(timezone.now()),
        "request_reference": request_reference,
        "subject": {
            "kind": subject_kind(found.subject),
            "record_type": found.subject._meta.label_lower,
            "id": found.subject.pk,
        },
        "counts": found.counts(),
        "records": records,
    }


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False).encode()


@dataclass(frozen=True)
class Section:
    """One kind of record, each record as a two-column table of field and value."""

    heading: str
    record_type: str
    records: list[tuple[str, list[tuple[str, str]]]]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _sections(found: Found, data: dict[str, Any]) -> list[Section]:
    sections = []
    for model in found.models():
        meta = model._meta
        labels = {f.attname: str(f.verbose_name) for f in meta.concrete_fields}
        labels.update({f.name: str(f.verbose_name) for f in meta.many_to_many})
        records = []
        for row in data["records"][meta.label_lower]:
            pairs = []
            for name, value in row.items():
                label = labels.get(name, name.replace("_", " "))
                pairs.append((label[:1].upper() + label[1:], _shown(value)))
            records.append((f"{str(meta.verbose_name).capitalize()} {row['id']}", pairs))
        sections.append(
            Section(
                heading=str(meta.verbose_name_plural).capitalize(),
                record_type=meta.label_lower,
                records=records,
            )
        )
    return sections


def export_pdf(found: Found, data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "privacy/export_pdf.html",
        {"data": data, "sections": _sections(found, data), "total": sum(data["counts"].values())},
    )
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


def export_zip(name: str, json_bytes: bytes, pdf_bytes: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.json", json_bytes)
        archive.writestr(f"{name}.pdf", pdf_bytes)
    return out.getvalue()
