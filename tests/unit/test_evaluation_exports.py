"""Exports: CSV, XLSX and SPSS round trips, formula neutralisation and the data dictionary."""

import csv
import io

import openpyxl
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.evaluation import exports
from alongside.evaluation.exports import (
    dictionary_csv,
    dictionary_markdown,
    long_csv,
    neutralise_text,
    restore_text,
    variables,
    wide_csv,
    write_sav,
    xlsx_bytes,
    xlsx_text,
)
from alongside.evaluation.rows import AnswerRow, ParticipantRow
from alongside.measures.definitions import Instrument, Item, Scale, ScaleOption

YES_NO = Scale("yes_no", (ScaleOption(1, "Yes"), ScaleOption(0, "No")))
SURVEY = Instrument(
    code="team-pulse",
    title="Team pulse",
    version="1.0",
    scales=(YES_NO,),
    items=(
        Item("role_clear", scale="yes_no", text="Is the role clear in your team?"),
        Item("2nd", scale="yes_no", text="Seen by «Séan» — über clear?"),
    ),
)
PEOPLE = [
    ParticipantRow("P-0002", "CHO1", "providers", "online-survey", "cmht"),
    ParticipantRow("P-0001", "CHO2", "providers", "paper-survey", None),
]
ANSWERS = [
    AnswerRow("P-0001", "CHO2", "providers", "team-pulse", "role_clear", 1),
    AnswerRow("P-0001", "CHO2", "providers", "team-pulse", "2nd", None),
    AnswerRow("P-0002", "CHO1", "providers", "team-pulse", "role_clear", 0),
    AnswerRow("P-0002", "CHO1", "providers", "team-pulse", "2nd", 1),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read_csv(text):
    return list(csv.reader(io.StringIO(text, newline="")))


# --- neutralisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),  # an existing quote before a formula gets one more, to be recoverable
        ("'tis", "'tis"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_neutralise_text(text, safe):
    assert neutralise_text(text) == safe
    assert restore_text(safe) == text


@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_is_recoverable(text):
    safe = neutralise_text(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert restore_text(safe) == text


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from("\t\r\n=+-@'")))
def test_any_text_through_csv_and_xlsx_is_safe_and_recoverable(text):
    people = [ParticipantRow("P-1", "CHO1", "providers", text, text)]
    _, *rows = read_csv(wide_csv(people, [], [SURVEY]))
    for cell in rows[0][3:5]:
        assert not cell.startswith(FORMULA_STARTS)
        assert restore_text(cell) == text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(people, [], [SURVEY])))["wide"]
    for column in (4, 5):
        cell = sheet.cell(row=2, column=column)
        value = cell.value or ""
        assert cell.data_type == "s" or value == ""  # text, never a formula
        assert not value.startswith(FORMULA_STARTS)
        # XLSX keeps LF line ends and no other control characters than tab and LF
        assert restore_text(value) == xlsx_text(text)


def test_xlsx_text():
    assert xlsx_text("a\r\nb\rc\x01d") == "a\nb\ncd"


# --- CSV ---------------------------------------------------------------------------------------


def test_long_csv():
    rows = read_csv(long_csv(ANSWERS, [SURVEY]))
    assert rows == [
        ["participant", "site", "cohort", "instrument", "item", "value", "label"],
        ["P-0001", "CHO2", "providers", "team-pulse", "2nd", "", ""],
        ["P-0001", "CHO2", "providers", "team-pulse", "role_clear", "1", "Yes"],
        ["P-0002", "CHO1", "providers", "team-pulse", "2nd", "1", "Yes"],
        ["P-0002", "CHO1", "providers", "team-pulse", "role_clear", "0", "No"],
    ]


def test_wide_csv_is_de_identified_by_default():
    rows = read_csv(wide_csv(PEOPLE, ANSWERS, [SURVEY]))
    # "team-pulse" has a hyphen and "2nd" cannot start a name: both fixed for SPSS
    assert rows[0] == [
        "participant",
        "site",
        "cohort",
        "method",
        "team_type",
        "team_pulse_role_clear",
        "team_pulse_2nd",
    ]
    assert rows[1] == ["P-0001", "CHO2", "providers", "paper-survey", "", "1", ""]
    assert rows[2] == ["P-0002", "CHO1", "providers", "online-survey", "cmht", "0", "1"]
    with_codes = read_csv(
        wide_csv(PEOPLE, ANSWERS, [SURVEY], identifiers={"P-0001": "=A1", "P-0002": "X7"})
    )
    assert with_codes[0][1] == "participant_code"
    assert with_codes[1][1] == "'=A1"  # identifiers are neutralised as well


def test_csv_round_trips_quoted_newlines_and_non_ascii():
    text = 'Line one\nline "two", Séan — 日本'
    people = [ParticipantRow("P-1", "CHO1", "providers", "interview", text)]
    out = wide_csv(people, [], [SURVEY])
    assert read_csv(out)[1][4] == text
    assert read_csv(out.encode("utf-8").decode("utf-8"))[1][4] == text


def test_answers_must_match_participants_and_items():
    stray = [AnswerRow("P-9", "CHO1", "providers", "team-pulse", "role_clear", 1)]
    with pytest.raises(ValueError, match="P-9"):
        wide_csv(PEOPLE, stray, [SURVEY])
    unknown = [AnswerRow("P-0001", "CHO2", "providers", "team-pulse", "nope", 1)]
    with pytest.raises(ValueError, match="nope"):
        wide_csv(PEOPLE, unknown, [SURVEY])
    with pytest.raises(ValueError, match="nope"):
        long_csv(unknown, [SURVEY])


def test_clashing_variable_names_are_numbered():
    clash = Instrument(
        code="a-b",
        title="t",
        version="1",
        scales=(YES_NO,),
        items=(Item("c", scale="yes_no"), Item("c", scale="yes_no")),
    )
    other = Instrument(
        code="a_b", title="t", version="1", scales=(YES_NO,), items=(Item("c", scale="yes_no"),)
    )
    assert [v.name for v in variables([clash, other])] == ["a_b_c", "a_b_c_2", "a_b_c_3"]
    assert variables([clash])[0].label == "a-b c"  # no text: the code stands in


# --- XLSX --------------------------------------------------------------------------------------


def test_xlsx_sheets():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(PEOPLE, ANSWERS, [SURVEY])))
    assert book.sheetnames == ["wide", "long", "dictionary"]
    wide = [list(r) for r in book["wide"].iter_rows(values_only=True)]
    assert wide[1] == ["P-0001", "CHO2", "providers", "paper-survey", None, 1, None]
    dictionary = list(book["dictionary"].iter_rows(values_only=True))
    assert ("team_pulse_role_clear", "Is the role clear in your team?", "1=Yes; 0=No") in (
        dictionary
    )


def test_a_long_table_too_big_for_one_worksheet_goes_on_several(monkeypatch):
    assert exports.XLSX_ROWS_PER_SHEET == 2**20 - 1  # Excel's rows, less the header
    monkeypatch.setattr(exports, "XLSX_ROWS_PER_SHEET", 2)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(PEOPLE, ANSWERS, [SURVEY])))
    expected = exports.long_rows(ANSWERS, [SURVEY])
    parts = (len(expected) + 1) // 2
    assert len(expected) > 2
    longs = ["long", *(f"long {n}" for n in range(2, parts + 1))]
    # Each table is split the same way: the two people fit on one sheet.
    names = book.sheetnames
    assert names[: len(longs) + 1] == ["wide", *longs]
    assert names[len(longs) + 1] == "dictionary"
    assert all(name.startswith("dictionary") for name in names[len(longs) + 1 :])
    rows = []
    for name in longs:
        sheet = list(book[name].iter_rows(values_only=True))
        assert sheet[0] == tuple(exports.LONG_COLUMNS)
        assert 1 <= len(sheet) - 1 <= 2
        rows.extend(sheet[1:])
    assert rows == [tuple(row) for row in expected]


# --- SPSS --------------------------------------------------------------------------------------


def test_sav_round_trip_keeps_labels_and_value_labels(tmp_path):
    path = tmp_path / "study.sav"
    write_sav(path, PEOPLE, ANSWERS, [SURVEY])
    frame, meta = pyreadstat.read_sav(str(path))
    assert list(frame.columns) == [
        "participant",
        "site",
        "cohort",
        "method",
        "team_type",
        "team_pulse_role_clear",
        "team_pulse_2nd",
    ]
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["team_pulse_role_clear"] == "Is the role clear in your team?"
    assert labels["team_pulse_2nd"] == "Seen by «Séan» — über clear?"
    assert labels["participant"] == "Study pseudonym"
    assert meta.variable_value_labels["team_pulse_role_clear"] == {1.0: "Yes", 0.0: "No"}
    assert list(frame["participant"]) == ["P-0001", "P-0002"]
    assert list(frame["team_pulse_role_clear"]) == [1.0, 0.0]
    assert frame["team_pulse_2nd"].isna().tolist() == [True, False]  # missing stays missing


def test_sav_with_identifiers(tmp_path):
    path = tmp_path / "full.sav"
    write_sav(path, PEOPLE, ANSWERS, [SURVEY], identifiers={"P-0001": "A", "P-0002": "B"})
    frame, _ = pyreadstat.read_sav(str(path))
    assert list(frame["participant_code"]) == ["A", "B"]


# --- data dictionary -----------------------------------------------------------------------------


def test_data_dictionary_csv_and_markdown():
    rows = read_csv(dictionary_csv([SURVEY]))
    assert rows[0] == ["variable", "label", "values"]
    assert ["team_pulse_role_clear", "Is the role clear in your team?", "1=Yes; 0=No"] in rows
    assert rows[1] == ["participant", "Study pseudonym", ""]
    markdown = dictionary_markdown([SURVEY])
    assert markdown.splitlines()[0] == "| variable | label | values |"
    assert "| team_pulse_2nd | Seen by «Séan» — über clear? | 1=Yes; 0=No |" in markdown


def test_sav_with_nobody_and_nothing_answered(tmp_path):
    path = tmp_path / "empty.sav"
    write_sav(path, [ParticipantRow("P-1", "CHO1", "psw", "interview", None)], [], [SURVEY])
    frame, _ = pyreadstat.read_sav(str(path))
    assert frame.loc[0, "team_type"] == ""
    assert frame["team_pulse_role_clear"].isna().all()
    write_sav(path, [], [], [SURVEY])
    assert len(pyreadstat.read_sav(str(path))[0]) == 0
