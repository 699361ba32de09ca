"""The study downloads, shared by the export page and `alongside study export`."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from alongside.evaluation import exports
from alongside.evaluation.study_data import StudyData


@dataclass(frozen=True)
class ExportFormat:
    label: str
    filename: str
    content_type: str
    build: Callable[[StudyData, Identifiers], bytes]
    # Whether the file can carry participant codes (the wide table does; the others do not).
    carries_identifiers: bool = False


Identifiers = Mapping[str, str] | None


def _sav_bytes(data: StudyData, identifiers: Identifiers) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.sav"
        exports.write_sav(
            path, data.participants, data.answers, data.instruments, identifiers=identifiers
        )
        return path.read_bytes()


CSV = "text/csv; charset=utf-8"
EXPORT_FORMATS: dict[str, ExportFormat] = {
    "long-csv": ExportFormat(
        "Long CSV (one row per answer)",
        "long.csv",
        CSV,
        lambda d, _: exports.long_csv(d.answers, d.instruments).encode(),
    ),
    "wide-csv": ExportFormat(
        "Wide CSV (one row per participant)",
        "wide.csv",
        CSV,
        lambda d, ids: exports.wide_csv(
            d.participants, d.answers, d.instruments, identifiers=ids
        ).encode(),
        carries_identifiers=True,
    ),
    "xlsx": ExportFormat(
        "Excel workbook",
        "data.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda d, ids: exports.xlsx_bytes(
            d.participants, d.answers, d.instruments, identifiers=ids
        ),
        carries_identifiers=True,
    ),
    "sav": ExportFormat(
        "SPSS (.sav)", "data.sav", "application/x-spss-sav", _sav_bytes, carries_identifiers=True
    ),
    "dictionary": ExportFormat(
        "Data dictionary (CSV)",
        "dictionary.csv",
        CSV,
        lambda d, _: exports.dictionary_csv(d.instruments).encode(),
    ),
}
