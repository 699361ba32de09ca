"""Study data out to R, SPSS and Excel: tidy and wide CSV, XLSX, SPSS .sav and a data dictionary.

docs/formats/exports.md describes every file. Choices stated here because they shape the data:

- **De-identified by default**: the `participant` column carries the study pseudonym. Codes
  from imported files are added (column `participant_code`) only when the caller passes
  `identifiers`, which the shell does only for roles allowed full identifiers.
- **Formula injection**: any text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
  return (or with single quotes followed by one of those) gets a single quote in front, in CSV
  and XLSX alike, so a spreadsheet never runs it. `restore_text` removes exactly that quote.
  Numbers are numbers and are left alone. XLSX holds line ends as LF and no control characters
  but tab and newline: there, CR and CRLF become LF and the others are dropped, before the
  check (CSV keeps the text as it is).
- Variable names of the wide files are `<instrument>_<item>` with every character outside
  A-Z, a-z, 0-9 and `_` replaced by `_` (SPSS names allow no hyphens), prefixed with `v` when
  they would not start with a letter, and numbered when two would clash.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.writer.excel import save_workbook

from alongside.evaluation.rows import AnswerRow, ParticipantRow
from alongside.measures.definitions import Instrument, Item

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PARTICIPANT_COLUMNS = ("participant", "site", "cohort", "method", "team_type")
LONG_COLUMNS = ("participant", "site", "cohort", "instrument", "item", "value", "label")
DICTIONARY_COLUMNS = ("variable", "label", "values")

Cell = str | int | None


def neutralise_text(text: str) -> str:
    """Text safe for a spreadsheet cell: a leading quote where it could start a formula."""
    if text.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def restore_text(text: str) -> str:
    """The original of `neutralise_text(text)`."""
    if text.startswith("'") and text[1:].lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _safe(value: Cell) -> Cell:
    return neutralise_text(value) if isinstance(value, str) else value


# A worksheet holds 1,048,576 rows (Excel's limit); one is the header.
XLSX_ROWS_PER_SHEET = 1_048_575


def xlsx_text(text: str) -> str:
    """Text as XLSX can hold it: no control characters but tab and newline, LF line ends."""
    # XML reads every CR or CRLF back as LF, and openpyxl refuses the other control characters.
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    return str(ILLEGAL_CHARACTERS_RE.sub("", lines))


def _safe_in_xlsx(value: Cell) -> Cell:
    return neutralise_text(xlsx_text(value)) if isinstance(value, str) else value


@dataclass(frozen=True)
class Variable:
    """One item column of the wide files: its name, label (the item text) and value labels."""

    name: str
    instrument: str
    item: str
    label: str
    value_labels: Mapping[int, str]


def _variable_name(instrument: str, item: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", f"{instrument}_{item}")
    if not name[0].isalpha():
        name = "v" + name
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate.lower())
    return candidate


def variables(instruments: Sequence[Instrument]) -> list[Variable]:
    """The item columns of the wide files, in instrument and item order."""
    taken = {c.lower() for c in PARTICIPANT_COLUMNS} | {"participant_code"}
    result = []
    for instrument in instruments:
        for item in instrument.items:
            result.append(
                Variable(
                    name=_variable_name(instrument.code, item.code, taken),
                    instrument=instrument.code,
                    item=item.code,
                    label=item.text or f"{instrument.code} {item.code}",
                    value_labels=_value_labels(instrument, item),
                )
            )
    return result


def _value_labels(instrument: Instrument, item: Item) -> dict[int, str]:
    if item.scale is None:
        return {}
    scale = instrument.item_scale(item)
    return {o.value: o.label for o in scale.options if o.label is not None}


def _write_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    return _csv_lines([header]) + _csv_lines(rows)


def _csv_lines(rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return out.getvalue()


# --- long and wide tables -------------------------------------------------------------------------


def long_rows(
    answers: Iterable[AnswerRow], instruments: Sequence[Instrument]
) -> list[tuple[Cell, ...]]:
    """One row per answer (missing ones included, with an empty value), in a stable order."""
    labels = {(i.code, item.code): _value_labels(i, item) for i in instruments for item in i.items}
    rows = []
    for a in answers:
        if (a.instrument, a.item) not in labels:
            raise ValueError(f"no instrument item {a.instrument} {a.item}")
        label = None if a.value is None else labels[(a.instrument, a.item)].get(a.value)
        rows.append((a.pseudonym, a.site, a.cohort, a.instrument, a.item, a.value, label))
    return sorted(rows, key=lambda r: tuple(str(v) for v in r[:5]))


def long_csv(answers: Iterable[AnswerRow], instruments: Sequence[Instrument]) -> str:
    """Tidy long CSV: `participant,site,cohort,instrument,item,value,label`."""
    return _write_csv(LONG_COLUMNS, long_rows(answers, instruments))


def long_csv_parts(
    batches: Iterable[Sequence[AnswerRow]], instruments: Sequence[Instrument]
) -> Iterator[str]:
    """`long_csv` a part at a time, for answers given in batches of whole participants in
    pseudonym order (`queries.counted_answers_in_batches`): the same text, joined."""
    yield _csv_lines([LONG_COLUMNS])
    for answers in batches:
        yield _csv_lines(long_rows(answers, instruments))


def wide_rows(
    participants: Iterable[ParticipantRow],
    answers: Iterable[AnswerRow],
    instruments: Sequence[Instrument],
    *,
    identifiers: Mapping[str, str] | None = None,
) -> tuple[list[str], list[Variable], list[list[Cell]]]:
    """One row per participant, one column per instrument item; the header and the variables."""
    item_columns = variables(instruments)
    index = {(v.instrument, v.item): i for i, v in enumerate(item_columns)}
    people = sorted(participants, key=lambda p: p.pseudonym)
    answer_by_person: dict[str, list[int | None]] = {
        p.pseudonym: [None] * len(item_columns) for p in people
    }
    for a in answers:
        if a.pseudonym not in answer_by_person:
            raise ValueError(f"answer from {a.pseudonym}, who has no participant row")
        if (a.instrument, a.item) not in index:
            raise ValueError(f"no instrument item {a.instrument} {a.item}")
        answer_by_person[a.pseudonym][index[(a.instrument, a.item)]] = a.value
    header = list(PARTICIPANT_COLUMNS)
    if identifiers is not None:
        header.insert(1, "participant_code")
    rows: list[list[Cell]] = []
    for p in people:
        row: list[Cell] = [p.pseudonym, p.site, p.cohort, p.method, p.team_type]
        if identifiers is not None:
            row.insert(1, identifiers.get(p.pseudonym))
        rows.append(row + list(answer_by_person[p.pseudonym]))
    return header + [v.name for v in item_columns], item_columns, rows


def wide_csv(
    participants: Iterable[ParticipantRow],
    answers: Iterable[AnswerRow],
    instruments: Sequence[Instrument],
    *,
    identifiers: Mapping[str, str] | None = None,
) -> str:
    header, _, rows = wide_rows(participants, answers, instruments, identifiers=identifiers)
    return _write_csv(header, rows)


def wide_csv_parts(
    batches: Iterable[tuple[Sequence[ParticipantRow], Sequence[AnswerRow]]],
    instruments: Sequence[Instrument],
    *,
    identifiers: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """`wide_csv` a part at a time, for participants given in batches in pseudonym order, each
    with its answers: the same text, joined."""
    header, _, _ = wide_rows((), (), instruments, identifiers=identifiers)
    yield _csv_lines([header])
    for people, answers in batches:
        _, _, rows = wide_rows(people, answers, instruments, identifiers=identifiers)
        yield _csv_lines(rows)


# --- XLSX -----------------------------------------------------------------------------------------


def xlsx_bytes(
    participants: Iterable[ParticipantRow],
    answers: Iterable[AnswerRow],
    instruments: Sequence[Instrument],
    *,
    identifiers: Mapping[str, str] | None = None,
) -> bytes:
    """A workbook with the sheets `wide`, `long` and `dictionary`."""
    answer_rows = list(answers)
    header, item_columns, rows = wide_rows(
        participants, answer_rows, instruments, identifiers=identifiers
    )
    # Write-only: rows go to disk as they are added, so two million answers do not sit in
    # memory as cell objects.
    workbook = openpyxl.Workbook(write_only=True)
    sheets: list[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]] = [
        ("wide", header, rows),
        ("long", LONG_COLUMNS, long_rows(answer_rows, instruments)),
        ("dictionary", DICTIONARY_COLUMNS, dictionary_rows(item_columns)),
    ]
    for title, columns, body in sheets:
        heading = [_safe_in_xlsx(c) for c in columns]
        for number, part in enumerate(_sheet_parts(body), start=1):
            sheet = workbook.create_sheet(title if number == 1 else f"{title} {number}")
            sheet.append(heading)
            for row in part:
                sheet.append([_safe_in_xlsx(v) for v in row])
    out = io.BytesIO()
    save_workbook(workbook, out)
    return out.getvalue()


def _sheet_parts(rows: Iterable[Sequence[Cell]]) -> Iterator[list[Sequence[Cell]]]:
    """The rows in parts a worksheet can hold below its header (at least one part, maybe
    empty): a long table of more than 1,048,575 answers goes on "long", "long 2", ..."""
    remaining = iter(rows)
    part = list(islice(remaining, XLSX_ROWS_PER_SHEET))
    yield part
    while part := list(islice(remaining, XLSX_ROWS_PER_SHEET)):
        yield part


# --- SPSS -----------------------------------------------------------------------------------------


def write_sav(
    path: str | Path,
    participants: Iterable[ParticipantRow],
    answers: Iterable[AnswerRow],
    instruments: Sequence[Instrument],
    *,
    identifiers: Mapping[str, str] | None = None,
) -> None:
    """An SPSS file of the wide table with variable labels (item text) and value labels."""
    header, item_columns, rows = wide_rows(
        participants, answers, instruments, identifiers=identifiers
    )
    frame = pd.DataFrame(rows, columns=header)
    for column in header[: len(header) - len(item_columns)]:
        frame[column] = frame[column].fillna("").astype(str)
    for v in item_columns:
        frame[v.name] = pd.to_numeric(frame[v.name]).astype("float64")
    labels = dict.fromkeys(header, "")
    labels.update(
        participant="Study pseudonym",
        site="Site",
        cohort="Cohort",
        method="Collection method",
        team_type="Team type",
    )
    if identifiers is not None:
        labels["participant_code"] = "Participant code"
    labels.update({v.name: v.label for v in item_columns})
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[labels[c] for c in header],
        variable_value_labels={
            v.name: {float(k): text for k, text in v.value_labels.items()}
            for v in item_columns
            if v.value_labels
        },
    )


# --- data dictionary ------------------------------------------------------------------------------


def dictionary_rows(item_columns: Sequence[Variable]) -> list[tuple[str, str, str]]:
    values = "; ".join
    return [
        ("participant", "Study pseudonym", ""),
        ("site", "Site code", ""),
        ("cohort", "Cohort code", ""),
        ("method", "Collection method", ""),
        ("team_type", "Team type (empty when not on a team)", ""),
        *(
            (v.name, v.label, values(f"{k}={text}" for k, text in v.value_labels.items()))
            for v in item_columns
        ),
    ]


def dictionary_csv(instruments: Sequence[Instrument]) -> str:
    return _write_csv(DICTIONARY_COLUMNS, dictionary_rows(variables(instruments)))


def dictionary_markdown(instruments: Sequence[Instrument]) -> str:
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    lines = ["| variable | label | values |", "|---|---|---|"]
    for row in dictionary_rows(variables(instruments)):
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"
