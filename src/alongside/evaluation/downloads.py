"""The study downloads, shared by the export page and `alongside study export`."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from alongside.evaluation import exports, queries
from alongside.evaluation.study_data import StudyData


@dataclass(frozen=True)
class ExportFormat:
    label: str
    filename: str
    content_type: str
    build: Callable[[StudyData, Identifiers], bytes]
    # Whether the file can carry participant codes (the wide table does; the others do not).
    carries_identifiers: bool = False
    # The same file a part at a time, reading the study a batch of participants at a time:
    # a national study's CSV starts downloading at once, in little memory.
    stream: Callable[[StudyData, Identifiers], Iterator[bytes]] | None = None

    def body(self, data: StudyData, identifiers: Identifiers) -> bytes | Iterator[bytes]:
        """The file: streamed (an iterator of parts) where it can be, else whole."""
        if self.stream is not None:
            return self.stream(data, identifiers)
        return self.build(data, identifiers)

    def parts(self, data: StudyData, identifiers: Identifiers) -> Iterator[bytes]:
        """The file as it is written: its parts, or the whole as one part."""
        body = self.body(data, identifiers)
        return iter([body]) if isinstance(body, bytes) else body


Identifiers = Mapping[str, str] | None


def _sav_bytes(data: StudyData, identifiers: Identifiers) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.sav"
        exports.write_sav(
            path, data.participants, data.answers, data.instruments, identifiers=identifiers
        )
        return path.read_bytes()


def _known_items(data: StudyData) -> None:
    """Refuse, before the first byte is sent, an answer to an item no instrument has (checked
    on the counts, which the database makes quickly)."""
    known = {(i.code, item.code) for i in data.instruments for item in i.items}
    for count in data.answer_counts:
        if (count.instrument, count.item) not in known:
            raise ValueError(f"no instrument item {count.instrument} {count.item}")


def _encoded(parts: Iterator[str]) -> Iterator[bytes]:
    for part in parts:
        yield part.encode()


def _long_stream(data: StudyData, _: Identifiers) -> Iterator[bytes]:
    _known_items(data)
    batches = (answers for _, answers in queries.counted_answers_in_batches(data.study))
    return _encoded(exports.long_csv_parts(batches, data.instruments))


def _wide_stream(data: StudyData, identifiers: Identifiers) -> Iterator[bytes]:
    _known_items(data)
    batches = queries.counted_answers_in_batches(data.study)
    return _encoded(exports.wide_csv_parts(batches, data.instruments, identifiers=identifiers))


CSV = "text/csv; charset=utf-8"
EXPORT_FORMATS: dict[str, ExportFormat] = {
    "long-csv": ExportFormat(
        "Long CSV (one row per answer)",
        "long.csv",
        CSV,
        lambda d, _: exports.long_csv(d.answers, d.instruments).encode(),
        stream=_long_stream,
    ),
    "wide-csv": ExportFormat(
        "Wide CSV (one row per participant)",
        "wide.csv",
        CSV,
        lambda d, ids: exports.wide_csv(
            d.participants, d.answers, d.instruments, identifiers=ids
        ).encode(),
        carries_identifiers=True,
        stream=_wide_stream,
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
