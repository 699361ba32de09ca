"""A study definition written back as a study file (docs/formats/study.md), and a study file
read from an upload. Pure, apart from the temporary file an upload is read through.

`parse_study(dump_study(d))` gives `d` back (save for the digest and the source name, which
belong to the text read): what the browser shows, edits and offers for download is exactly what
`alongside study load` would load.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from alongside.evaluation.studyfile import StudyDefinition, StudyFileError, load_study_file

UPLOAD_NAME = "study.yaml"


def dump_study(definition: StudyDefinition) -> str:
    """The study file for a definition, fields in the documented order, versions spelled out."""
    data: dict[str, Any] = {"slug": definition.slug, "title": definition.title}
    period = {
        key: value
        for key, value in (("start", definition.period_start), ("end", definition.period_end))
        if value is not None
    }
    if period:
        data["period"] = period
    if definition.methods:
        data["methods"] = list(definition.methods)
    if definition.information_sheet_version is not None:
        data["information_sheet_version"] = definition.information_sheet_version
    if definition.disclosure_threshold is not None:
        data["disclosure_threshold"] = definition.disclosure_threshold
    data["sites"] = [{"code": s.code, "name": s.name} for s in definition.sites]
    data["cohorts"] = [{"code": c.code, "name": c.name} for c in definition.cohorts]
    if definition.approvals:
        data["approvals"] = [
            {
                "site": a.site,
                "cohort": a.cohort,
                "status": a.status,
                **({"committee": a.committee} if a.committee else {}),
                **({"reference": a.reference} if a.reference else {}),
            }
            for a in definition.approvals
        ]
    if definition.instruments:
        data["instruments"] = {
            cohort: [{"code": code, "version": version} for code, version in keys]
            for cohort, keys in definition.instruments
        }
    text: str = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return text


def text_digest(text: str) -> str:
    """The digest a study loaded from this text records (as `parse_study` computes it)."""
    return hashlib.sha256(text.encode()).hexdigest()


def parse_study_upload(
    data: bytes, *, filename: str, available: Mapping[str, Sequence[str]]
) -> StudyDefinition:
    """Read an uploaded study file exactly as `alongside study load` reads a file on disk.

    Problems name the uploaded file (its base name), not the temporary copy. Raises
    StudyFileError with every problem.
    """
    shown = Path(filename or UPLOAD_NAME).name or UPLOAD_NAME
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / UPLOAD_NAME
        path.write_bytes(data)
        try:
            definition = load_study_file(path, available=available)
        except StudyFileError as error:
            raise StudyFileError(
                [_rename(line, str(path), shown) for line in error.problems]
            ) from None
    return replace(definition, source=shown)


def _rename(line: str, temporary: str, shown: str) -> str:
    return shown + line[len(temporary) :] if line.startswith(temporary) else line
