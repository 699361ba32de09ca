"""A subject access export: everything found about one person, as JSON and as a readable PDF.

The JSON is the complete record (every field of every row, docs/formats/subject-export.md);
the PDF shows the same rows with plain headings and field names, for the person to read.

A participant's code is stored only as a keyed digest and a sealed copy (the pseudonym key's,
alongside.evaluation.pseudonym_key); the export gives the code itself in their place, opened by
the administrator answering the request (`reveal_codes`).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
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


# What a keying or a form held when the code keyed was not this person's (a disagreement).
ANOTHER_CODE = "(another code)"


def _renamed(row: dict[str, Any], old: str, new: str, value: Any) -> dict[str, Any]:
    """The row with field `old` replaced, in the same place, by `new` holding `value`."""
    return {new if key == old else key: value if key == old else kept for key, kept in row.items()}


def sealed_codes(records: Mapping[str, list[dict[str, Any]]]) -> dict[str, str]:
    """The sealed code of every participant in the records, by the digest of their code."""
    return {
        row["code_digest"]: row["code_sealed"] for row in records.get("evaluation.participant", ())
    }


def reveal_codes(records: dict[str, list[dict[str, Any]]], codes: Mapping[str, str]) -> None:
    """Give participant codes where the records hold them as digests and sealed copies.

    `codes` maps each participant's digest to their code, opened. A participant row gets `code`
    (in place of `code_digest`, and without `code_sealed`); a paper form `participant_code`; a
    paper keying's answers `participant_code`, as they were stored before codes were sealed.
    """

    def code(digest: Any) -> str:
        return codes.get(str(digest), ANOTHER_CODE)

    people = records.get("evaluation.participant", [])
    for index, row in enumerate(people):
        row = {key: value for key, value in row.items() if key != "code_sealed"}
        people[index] = _renamed(row, "code_digest", "code", code(row["code_digest"]))
    forms = records.get("evaluation.paperform", [])
    for index, row in enumerate(forms):
        resolved = dict(row.get("resolved_answers") or {})
        if "participant_code" in resolved:
            resolved["participant_code"] = code(resolved["participant_code"])
            row = {**row, "resolved_answers": resolved}
        forms[index] = _renamed(
            row, "participant_digest", "participant_code", code(row["participant_digest"])
        )
    entries = records.get("evaluation.paperentry", [])
    for index, row in enumerate(entries):
        answers = {
            key: value for key, value in row["answers"].items() if key != "participant_sealed"
        }
        if "participant_digest" in answers:
            answers = _renamed(
                answers,
                "participant_digest",
                "participant_code",
                code(answers["participant_digest"]),
            )
        entries[index] = {**row, "answers": answers}


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
