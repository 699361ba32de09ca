"""Reading and checking participant and response files (docs/formats/import-csv.md). Pure.

A file is streamed, never held whole: `read_table` reads it once to check its shape (encoding,
header, cell counts) and count its rows, and returns a `Table` whose rows are read from the
file again on every pass. The checks (`participant_lines`, `response_lines`) go row by row
against what the study knows (a `StudyContext`), keeping only the codes already seen, and
collect every problem, each with its row (as a spreadsheet numbers it: the header is row 1),
column and value, so a file can be fixed in one pass. Nothing here touches the database:
`actions` checks a whole file, then writes it in batches in one transaction, or writes nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from alongside.evaluation.studyfile import METHODS, approval_refusal
from alongside.measures.definitions import Instrument, ItemKind

PARTICIPANT_COLUMNS = ("participant", "cohort", "site", "method")
PARTICIPANT_OPTIONAL = ("team_type",)
RESPONSE_COLUMNS = ("participant", "site", "method")
SHOWN_VALUE_LIMIT = 40
# Cells longer than this are refused by the CSV reader as a problem, not a crash.
MAX_CELL = 10_000
# How much of a file is read at a time when checking its encoding.
CHUNK = 1 << 16
Progress = Callable[[int, int], None]
RawRows = Callable[[], Iterator[tuple[int, list[str]]]]


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


class Rows:
    """A file's non-empty rows after the header, with their row numbers, padded to the header.

    Each iteration reads the file again from the start, so a file can be checked in one pass and
    written in another without its rows ever being held in memory. `len()` is the row count.
    """

    def __init__(self, raw: RawRows, width: int, count: int) -> None:
        self._raw = raw
        self._width = width
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        header_seen = False
        blank = [""] * self._width
        for number, cells in self._raw():
            if not any(c.strip() for c in cells):
                continue
            if not header_seen:
                header_seen = True
                continue
            yield number, tuple((cells + blank)[: self._width])


@dataclass(frozen=True)
class Table:
    """A file's header (trimmed, lower-case) and its non-empty rows, read from the file."""

    columns: tuple[str, ...]
    rows: Rows


@dataclass(frozen=True)
class KnownParticipant:
    site: str
    cohort: str
    withdrawn: bool


@dataclass(frozen=True)
class StudyContext:
    """What a file is checked against: the study's sites, cohorts, approvals and participants.

    Participants are known by the keyed digest of their code (`digest`, the pseudonym key's),
    never by the code itself.
    """

    sites: frozenset[str]
    cohorts: frozenset[str]
    approvals: Mapping[tuple[str, str], str]
    known: Mapping[str, KnownParticipant]
    digest: Callable[[str], str]


@dataclass(frozen=True)
class ParticipantLine:
    row: int
    code: str
    digest: str
    site: str
    cohort: str
    method: str
    team_type: str


@dataclass(frozen=True)
class ResponseLine:
    row: int
    code: str
    digest: str
    site: str
    method: str
    answers: tuple[tuple[str, int | None], ...]


# --- reading ------------------------------------------------------------------------------------


def read_table(data: bytes | IO[bytes], *, filename: str) -> Table:
    """A CSV (UTF-8, with or without a byte-order mark) or XLSX file as a Table.

    `data` is the file's bytes or a seekable binary file; a file is read, never held whole.
    The whole file is checked here: a Table's rows can be read without meeting a problem.
    """
    file: IO[bytes] = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    file.seek(0)
    start = file.read(4)
    file.seek(0)
    if filename.lower().endswith(".xlsx") or start == b"PK\x03\x04":
        return _table(lambda: _xlsx_rows(file))
    _check_utf8(file)
    return _table(lambda: _csv_rows(file))


def _check_utf8(file: IO[bytes]) -> None:
    """Refuse a file that is not UTF-8, naming the first bad byte (after any byte-order mark)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    file.seek(0)
    offset = 0
    first = True
    while True:
        chunk = file.read(CHUNK)
        if first and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8) :]
        first = False
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise ImportRejected(
                [
                    RowProblem(
                        None,
                        None,
                        None,
                        f"the file is not UTF-8 text (a byte at position "
                        f"{offset - pending + error.start + 1} cannot be read): save it as "
                        "'CSV UTF-8' and import it again",
                    )
                ]
            ) from error
        if not chunk:
            return
        offset += len(chunk)


def _csv_rows(file: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    file.seek(0)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")  # type: ignore[arg-type]
    try:
        reader = csv.reader(text, strict=True)
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
    finally:
        # Leave the caller's file open (closing the wrapper would close it too).
        text.detach()


def _xlsx_rows(file: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    file.seek(0)
    try:
        # Formulas are read as their text, never as a result: a formula with no saved result
        # would otherwise read as an empty cell, a missing answer nobody gave.
        workbook = load_workbook(file, read_only=True, data_only=False)
    # openpyxl raises many types for a damaged workbook (zip, XML, key and value errors).
    except Exception as error:
        raise _unreadable_xlsx() from error
    try:
        if not workbook.worksheets:
            raise ImportRejected(
                [RowProblem(None, None, None, "the workbook has no worksheet to read")]
            )
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as error:
                raise _unreadable_xlsx() from error
            number += 1
            yield number, [_xlsx_cell(value) for value in values]
    finally:
        workbook.close()


def _unreadable_xlsx() -> ImportRejected:
    return ImportRejected(
        [RowProblem(None, None, None, "the file is not a readable XLSX workbook")]
    )


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(raw: RawRows) -> Table:
    """Read the file once to find its header and check every row's shape; count the rows."""
    header: tuple[str, ...] | None = None
    header_row = 0
    count = 0
    problems: list[RowProblem] = []
    for number, cells in raw():
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = tuple(c.strip().lower() for c in cells)
            header_row = number
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
        for column, cell in zip(header, cells, strict=False):
            if len(cell) > MAX_CELL:
                problems.append(
                    RowProblem(number, column or None, cell, f"longer than {MAX_CELL} characters")
                )
        count += 1
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
    return Table(columns=header, rows=Rows(raw, len(header), count))


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


class RowChecker:
    """The checks shared by both files: participant code, site, method, duplicates, approval."""

    def __init__(self, context: StudyContext) -> None:
        self.context = context
        self.problems: list[RowProblem] = []
        self.first_row: dict[str, int] = {}
        self.refusals: dict[tuple[str, str], str | None] = {}

    def add(self, row: int, column: str | None, value: str | None, message: str) -> None:
        self.problems.append(RowProblem(row, column, value, message))

    def code(self, row: int, value: str) -> tuple[str, str] | None:
        """The code and its digest; codes that differ only in case or spaces are the same."""
        code = value.strip()
        if not code:
            self.add(row, "participant", value, "required")
            return None
        if len(code) > 64:
            self.add(row, "participant", value, "longer than 64 characters")
            return None
        digest = self.context.digest(code)
        if digest in self.first_row:
            self.add(
                row, "participant", code, f"appears twice (also on row {self.first_row[digest]})"
            )
            return None
        self.first_row[digest] = row
        return code, digest

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
        key = (site, cohort)
        if key not in self.refusals:
            self.refusals[key] = approval_refusal(site, cohort, self.context.approvals.get(key))
        refusal = self.refusals[key]
        if refusal is not None:
            self.add(row, "site", site, refusal)
        return refusal is None

    def matches_known(self, row: int, code: str, digest: str, site: str, cohort: str) -> bool:
        known = self.context.known.get(digest)
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
    return list(participant_lines(table, context, progress=progress))


def participant_lines(
    table: Table, context: StudyContext, *, progress: Progress | None = None
) -> Iterator[ParticipantLine]:
    """The participants file's lines one by one, reading the file as it goes.

    Raises ImportRejected listing every problem once the last row is read (or at once for the
    header), so only a generator run to its end has checked the file: read it through before
    writing anything.
    """
    header = _header_problems(table, PARTICIPANT_COLUMNS, PARTICIPANT_OPTIONAL)
    if header:
        raise ImportRejected(header)
    index = {column: i for i, column in enumerate(table.columns)}
    checker = RowChecker(context)
    total = len(table.rows)
    for done, (row, cells) in enumerate(table.rows, start=1):
        _tick(progress, done, total)
        coded = checker.code(row, cells[index["participant"]])
        cohort = checker.member(row, "cohort", cells[index["cohort"]], context.cohorts)
        site = checker.member(row, "site", cells[index["site"]], context.sites)
        method = checker.method(row, cells[index["method"]])
        team_type = cells[index["team_type"]].strip() if "team_type" in index else ""
        if len(team_type) > 64:
            checker.add(row, "team_type", team_type, "longer than 64 characters")
            continue
        if site is None or cohort is None or not checker.approved(row, site, cohort):
            continue
        if coded is None or method is None:
            continue
        code, digest = coded
        if not checker.matches_known(row, code, digest, site, cohort):
            continue
        yield ParticipantLine(row, code, digest, site, cohort, method, team_type)
    if checker.problems:
        raise ImportRejected(checker.problems)


def scale_lookup(instrument: Instrument, item_code: str) -> dict[str, int]:
    scale = instrument.item_scale(instrument.item(item_code))
    lookup: dict[str, int] = {}
    for option in scale.options:
        if option.label:
            lookup[option.label.strip().casefold()] = option.value
    for option in scale.options:
        lookup[str(option.value)] = option.value
    return lookup


def scale_text(instrument: Instrument, item_code: str) -> str:
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
    return list(
        response_lines(table, context, cohort=cohort, instrument=instrument, progress=progress)
    )


def response_lines(
    table: Table,
    context: StudyContext,
    *,
    cohort: str,
    instrument: Instrument,
    progress: Progress | None = None,
) -> Iterator[ResponseLine]:
    """The response file's lines one by one; like `participant_lines`, problems come at the end."""
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
    lookups = {code: scale_lookup(instrument, code) for code in items}
    checker = RowChecker(context)
    total = len(table.rows)
    for done, (row, cells) in enumerate(table.rows, start=1):
        _tick(progress, done, total)
        coded = checker.code(row, cells[index["participant"]])
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
                    row, item, raw, f"not on the scale (use {scale_text(instrument, item)})"
                )
                continue
            answers.append((item, value))
        if site is None or not checker.approved(row, site, cohort):
            continue
        if coded is None or method is None:
            continue
        code, digest = coded
        if not checker.matches_known(row, code, digest, site, cohort):
            continue
        yield ResponseLine(row, code, digest, site, method, tuple(answers))
    if checker.problems:
        raise ImportRejected(checker.problems)
