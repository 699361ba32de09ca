"""Fuzzed XLSX and CSV imports: random workbooks, damaged archives, wrong encodings, BOMs,
quoted newlines, huge cells and spreadsheet formulas never raise anything but ImportRejected."""

import datetime
import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from alongside.evaluation.imports import MAX_CELL, check_participants, check_responses, read_table
from tests.unit.test_evaluation_imports import CONTEXT, SU, _problems_or_none

HEADER = ["participant", "site", "method", "valued", "hope"]
CELL = st.one_of(
    st.none(),
    st.integers(-5, 12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.sampled_from(
        [
            "SU-1",
            "CHO1",
            "CHO5",
            "online-survey",
            "Very much",
            " a little ",
            "=cmd|' /C calc'!A0",
            '=HYPERLINK("http://x")',
            "+1",
            "@SUM(A1)",
            "line one\nline two",
            "x" * (MAX_CELL + 1),
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30),
)


def _workbook(header, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _check_both(data, filename):
    def responses():
        check_responses(
            read_table(data, filename=filename), CONTEXT, cohort="service-users", instrument=SU
        )

    def participants():
        check_participants(read_table(data, filename=filename), CONTEXT)

    for call in (responses, participants):
        assert all(str(problem) for problem in _problems_or_none(call))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(HEADER),
            st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=8),
        ),
        max_size=6,
    ),
    st.lists(st.lists(CELL, max_size=7), max_size=6),
)
def test_random_workbooks_never_raise_anything_but_import_rejected(header, rows):
    _check_both(_workbook(header or HEADER, rows), "f.xlsx")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(CELL, min_size=5, max_size=5), max_size=5), st.data())
def test_damaged_workbooks_are_reported_not_crashed(rows, data):
    body = bytearray(_workbook(HEADER, rows))
    how = data.draw(st.sampled_from(["truncate", "flip", "drop-sheet"]))
    # Positions are drawn independently of the workbook's length (which varies with the time
    # openpyxl stamps into it), so that hypothesis can replay a failing example exactly.
    if how == "truncate":
        body = body[: data.draw(st.integers(0, 10**6)) % len(body)]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 20))):
            at = data.draw(st.integers(0, 10**6)) % len(body)
            body[at] ^= data.draw(st.integers(1, 255))
    else:
        source = zipfile.ZipFile(io.BytesIO(bytes(body)))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                if "worksheets" not in item.filename:
                    target.writestr(item, source.read(item))
        body = bytearray(out.getvalue())
    _check_both(bytes(body), "f.xlsx")


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]),
    st.lists(st.lists(CELL.map(lambda c: "" if c is None else str(c)), max_size=6), max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_csv_in_any_encoding_and_line_end_never_crashes(encoding, rows, newline):
    def quoted(cell):
        return '"' + cell.replace('"', '""') + '"'

    text = newline.join([",".join(HEADER), *(",".join(quoted(c) for c in row) for row in rows)])
    data = text.encode(encoding, errors="replace")
    _check_both(data, "f.csv")


def test_formulas_in_an_import_are_read_as_text_and_refused_as_values():
    data = _workbook(HEADER, [["SU-1", "CHO1", "online-survey", "=cmd|' /C calc'!A0", 4]])
    problems = _problems_or_none(
        lambda: check_responses(
            read_table(data, filename="f.xlsx"), CONTEXT, cohort="service-users", instrument=SU
        )
    )
    assert [(p.row, p.column) for p in problems] == [(2, "valued")]
    assert "not on the scale" in str(problems[0])
