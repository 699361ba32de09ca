"""Reading and checking participant and response files (docs/formats/import-csv.md). Pure.

A file is read whole into a `Table`, then checked against what the study knows (a
`StudyContext`). Every problem is collected, each with its row (as a spreadsheet numbers it:
the header is row 1), column and value, so a file can be fixed in one pass. Nothing here
touches the database: `actions` writes a checked file in one transaction, or nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alongside.evaluation.studyfile import METHODS, approval_refusal
from alongside.measures.definitions import Instrument, ItemKind

PARTICIPANT_COLUMNS = ("participant", "cohort", "site", "method")
PARTICIPANT_OPTIONAL = ("team_type",)
RESPONSE_COLUMNS = ("participant", "site", "method")
SHOWN_VALUE_LIMIT = 40
# Cells longer than this are refused by the CSV reader as a problem, not a crash.
MAX_CELL = 10_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.value is not None:
            shown = self.value
            if len(shown) > SHOWN_VALUE_LIMIT:
                shown = shown[:SHOWN_VALUE_LIMIT] + "…"
            parts.append(f"value '{shown}'")
        return f"{', '.join(parts)}: {self.message}" if parts else self.message


class ImportRejected(ValueError):
    """A file that cannot be imported; `problems` lists every fault found."""

    def __init__(self, problems: Iterable[RowProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Table:
    """A file's header (trimmed, lower-case) and its non-empty rows, with their row numbers."""

    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True)
class KnownParticipant:
    site: str
    cohort: str
    withdrawn: bool


@dataclass(frozen=True)
class StudyContext:
    """What a file is checked against: the study's sites, cohorts, approvals and participants."""

    sites: frozenset[str]
    cohorts: frozenset[str]
    approvals: Mapping[tuple[str, str], str]
    known: Mapping[str, KnownParticipant]


@dataclass(frozen=True)
class ParticipantLine:
    row: int
    code: str
    site: str
    cohort: str
    method: str
    team_type: str


@dataclass(frozen=True)
class ResponseLine:
    row: int
    code: str
    site: str
    method: str
    answers: tuple[tuple[str, int | None], ...]


# --- reading ------------------------------------------------------------------------------------


def read_table(data: bytes, *, filename: str) -> Table:
    """A CSV (UTF-8, with or without a byte-order mark) or XLSX file as a Table."""
    if filename.lower().endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        return _table(_xlsx_rows(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            [
                RowProblem(
                    None,
                    None,
                    None,
                    f"the file is not UTF-8 text (a byte at position {error.start + 1} cannot be "
                    "read): save it as 'CSV UTF-8' and import it again",
                )
            ]
        ) from error
    return _table(_csv_rows(text))


def _csv_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportRejected(
                [RowProblem(row, None, None, f"cannot be read as CSV ({error})")]
            ) from error
        yield row, cells


def _xlsx_rows(data: bytes) -> Iterable[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [
            (number, [_xlsx_cell(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        workbook.close()
    # openpyxl raises many types for a damaged workbook (zip, XML, key and value errors).
    except Exception as error:
        raise ImportRejected(
            [RowProblem(None, None, None, "the file is not a readable XLSX workbook")]
        ) from error
    return rows


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(rows: Iterable[tuple[int, list[str]]]) -> Table:
    iterator = iter(rows)
    header: tuple[str, ...] | None = None
    body: list[tuple[int, tuple[str, ...]]] = []
    problems: list[RowProblem] = []
    for number, cells in iterator:
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = tuple(c.strip().lower() for c in cells)
            header_row = number
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                RowProblem(
                    number,
                    None,
                    None,
                    f"has {len(cells)} cells but the header has {len(header)} columns",
                )
            )
            continue
        padded = (list(cells) + [""] * len(header))[: len(header)]
        for column, cell in zip(header, padded, strict=True):
            if len(cell) > MAX_CELL:
                problems.append(
                    RowProblem(number, column or None, cell, f"longer than {MAX_CELL} characters")
                )
        body.append((number, tuple(padded)))
    if header is None:
        raise ImportRejected([RowProblem(None, None, None, "the file is empty: no header row")])
    seen: set[str] = set()
    for index, column in enumerate(header, start=1):
        if not column:
            problems.append(RowProblem(header_row, f"#{index}", None, "the column has no name"))
        elif column in seen:
            problems.append(RowProblem(header_row, column, None, "the column appears twice"))
        seen.add(column)
    if problems:
        raise ImportRejected(problems)
    return Table(columns=header, rows=tuple(body))


# --- checking -----------------------------------------------------------------------------------


def _header_problems(
    table: Table, required: Sequence[str], allowed: Iterable[str], *, header_row: int = 1
) -> list[RowProblem]:
    allowed_set = set(required) | set(allowed)
    problems = [
        RowProblem(header_row, column, None, "missing required column")
        for column in required
        if column not in table.columns
    ]
    expected = ", ".join(list(required) + sorted(set(allowed) - set(required)))
    problems += [
        RowProblem(header_row, column, None, f"unknown column (expected: {expected})")
        for column in table.columns
        if column not in allowed_set
    ]
    return problems


class _RowChecker:
    """The checks shared by both files: participant code, site, method, duplicates, approval."""

    def __init__(self, context: StudyContext) -> None:
        self.context = context
        self.problems: list[RowProblem] = []
        self.first_row: dict[str, int] = {}

    def add(self, row: int, column: str | None, value: str | None, message: str) -> None:
        self.problems.append(RowProblem(row, column, value, message))

    def code(self, row: int, value: str) -> str | None:
        code = value.strip()
        if not code:
            self.add(row, "participant", value, "required")
            return None
        if len(code) > 64:
            self.add(row, "participant", value, "longer than 64 characters")
            return None
        if code in self.first_row:
            self.add(
                row, "participant", code, f"appears twice (also on row {self.first_row[code]})"
            )
            return None
        self.first_row[code] = row
        return code

    def member(self, row: int, column: str, value: str, known: frozenset[str]) -> str | None:
        code = value.strip()
        if code in known:
            return code
        listed = ", ".join(sorted(known)) or "none"
        self.add(row, column, value, f"unknown {column} (the study's {column}s are: {listed})")
        return None

    def method(self, row: int, value: str) -> str | None:
        method = value.strip().lower()
        if method in METHODS:
            return method
        self.add(row, "method", value, f"must be one of {', '.join(METHODS)}")
        return None

    def approved(self, row: int, site: str, cohort: str) -> bool:
        refusal = approval_refusal(site, cohort, self.context.approvals.get((site, cohort)))
        if refusal is not None:
            self.add(row, "site", site, refusal)
        return refusal is None

    def matches_known(self, row: int, code: str, site: str, cohort: str) -> bool:
        known = self.context.known.get(code)
        if known is None:
            return True
        if known.withdrawn:
            self.add(row, "participant", code, "has withdrawn from the study: nothing is imported")
            return False
        if (known.site, known.cohort) != (site, cohort):
            self.add(
                row,
                "participant",
                code,
                f"is already registered at site {known.site}, cohort {known.cohort}",
            )
            return False
        return True


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def check_participants(
    table: Table, context: StudyContext, *, progress: Progress | None = None
) -> list[ParticipantLine]:
    """The participants file's lines, or ImportRejected listing every problem."""
    header = _header_problems(table, PARTICIPANT_COLUMNS, PARTICIPANT_OPTIONAL)
    if header:
        raise ImportRejected(header)
    index = {column: i for i, column in enumerate(table.columns)}
    checker = _RowChecker(context)
    lines = []
    total = len(table.rows)
    for done, (row, cells) in enumerate(table.rows, start=1):
        _tick(progress, done, total)
        code = checker.code(row, cells[index["participant"]])
        cohort = checker.member(row, "cohort", cells[index["cohort"]], context.cohorts)
        site = checker.member(row, "site", cells[index["site"]], context.sites)
        method = checker.method(row, cells[index["method"]])
        team_type = cells[index["team_type"]].strip() if "team_type" in index else ""
        if len(team_type) > 64:
            checker.add(row, "team_type", team_type, "longer than 64 characters")
            continue
        if site is None or cohort is None or not checker.approved(row, site, cohort):
            continue
        if code is None or method is None or not checker.matches_known(row, code, site, cohort):
            continue
        lines.append(ParticipantLine(row, code, site, cohort, method, team_type))
    if checker.problems:
        raise ImportRejected(checker.problems)
    return lines


def _scale_lookup(instrument: Instrument, item_code: str) -> dict[str, int]:
    scale = instrument.item_scale(instrument.item(item_code))
    lookup: dict[str, int] = {}
    for option in scale.options:
        if option.label:
            lookup[option.label.strip().casefold()] = option.value
    for option in scale.options:
        lookup[str(option.value)] = option.value
    return lookup


def _scale_text(instrument: Instrument, item_code: str) -> str:
    scale = instrument.item_scale(instrument.item(item_code))
    return "; ".join(f"{o.value} ({o.label})" if o.label else str(o.value) for o in scale.options)


def check_responses(
    table: Table,
    context: StudyContext,
    *,
    cohort: str,
    instrument: Instrument,
    progress: Progress | None = None,
) -> list[ResponseLine]:
    """The response file's lines for one cohort and instrument, or ImportRejected."""
    choice_items = [i.code for i in instrument.items if i.kind is ItemKind.CHOICE]
    text_items = {i.code for i in instrument.items if i.kind is not ItemKind.CHOICE}
    header = [
        RowProblem(
            1, column, None, "is a free-text item: imports take scale answers only; remove it"
        )
        for column in table.columns
        if column in text_items
    ]
    unknown_columns = [
        column
        for column in table.columns
        if column not in RESPONSE_COLUMNS
        and column not in choice_items
        and column not in text_items
    ]
    header += [
        RowProblem(
            1,
            column,
            None,
            f"unknown column: not an item of {instrument.code} {instrument.version} "
            f"(columns are participant, site, method and the items: {', '.join(choice_items)})",
        )
        for column in unknown_columns
    ]
    header += _header_problems(table, RESPONSE_COLUMNS, table.columns)
    if header:
        raise ImportRejected(header)
    index = {column: i for i, column in enumerate(table.columns)}
    items = [c for c in table.columns if c in choice_items]
    lookups = {code: _scale_lookup(instrument, code) for code in items}
    checker = _RowChecker(context)
    lines = []
    total = len(table.rows)
    for done, (row, cells) in enumerate(table.rows, start=1):
        _tick(progress, done, total)
        code = checker.code(row, cells[index["participant"]])
        site = checker.member(row, "site", cells[index["site"]], context.sites)
        method = checker.method(row, cells[index["method"]])
        answers: list[tuple[str, int | None]] = []
        for item in items:
            raw = cells[index[item]]
            cell = raw.strip()
            if not cell:
                answers.append((item, None))
                continue
            value = lookups[item].get(cell.casefold())
            if value is None:
                checker.add(
                    row, item, raw, f"not on the scale (use {_scale_text(instrument, item)})"
                )
                continue
            answers.append((item, value))
        if site is None or not checker.approved(row, site, cohort):
            continue
        if code is None or method is None or not checker.matches_known(row, code, site, cohort):
            continue
        lines.append(ResponseLine(row, code, site, method, tuple(answers)))
    if checker.problems:
        raise ImportRejected(checker.problems)
    return lines
