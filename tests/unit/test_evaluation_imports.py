"""Reading and checking import files: every problem with row, column and value; fuzzed input
never raises anything but ImportRejected."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from alongside.evaluation.imports import (
    CHUNK,
    ImportRejected,
    KnownParticipant,
    StudyContext,
    check_participants,
    check_responses,
    read_table,
    response_lines,
)
from alongside.evaluation.pseudonym_key import normalise
from alongside.measures.definitions import load_shipped_catalogue

SU = load_shipped_catalogue().latest("su-experience")
CONTEXT = StudyContext(
    sites=frozenset({"CHO1", "CHO5"}),
    cohorts=frozenset({"service-users", "psws"}),
    approvals={("CHO1", "service-users"): "approved", ("CHO5", "service-users"): "not-applicable"},
    # Known participants are keyed by their code's digest; the normalised code stands in for it.
    known={normalise("SU-9"): KnownParticipant("CHO1", "psws", False)},
    digest=normalise,
)


def table(text):
    return read_table(text.encode(), filename="f.csv")


def problems(call):
    with pytest.raises(ImportRejected) as caught:
        call()
    return [str(p) for p in caught.value.problems]


def responses(text):
    return check_responses(table(text), CONTEXT, cohort="service-users", instrument=SU)


def test_labels_and_values_are_read_case_insensitively_and_trimmed():
    lines = responses(
        "participant,site,method,valued,hope,heard\n"
        "SU-1,CHO1,online-survey, very MUCH ,2,\n"
        "SU-2,CHO1,Paper-Survey,not at all,Quite a lot,4\n"
    )
    assert lines[0].answers == (("valued", 4), ("hope", 2), ("heard", None))
    assert lines[1].answers == (("valued", 0), ("hope", 3), ("heard", 4))
    assert lines[1].method == "paper-survey"


def test_every_problem_is_listed_with_row_column_and_value():
    found = problems(
        lambda: responses(
            "participant,site,method,valued\n"
            "SU-1,CHO9,online-survey,4\n"
            "SU-2,CHO1,by pigeon,lots\n"
            "SU-2,CHO5,online-survey,1\n"
            "SU-9,CHO1,online-survey,1\n"
        )
    )
    assert found == [
        "row 2, column 'site', value 'CHO9': unknown site (the study's sites are: CHO1, CHO5)",
        "row 3, column 'method', value 'by pigeon': must be one of online-survey, paper-survey, "
        "interview, focus-group",
        "row 3, column 'valued', value 'lots': not on the scale (use 0 (Not at all); "
        "1 (A little); 2 (Somewhat); 3 (Quite a lot); 4 (Very much))",
        "row 4, column 'participant', value 'SU-2': appears twice (also on row 3)",
        "row 4, column 'site', value 'CHO5': site CHO5, cohort service-users has no ethics "
        "approval (status: not-applicable)",
        "row 5, column 'participant', value 'SU-9': is already registered at site CHO1, "
        "cohort psws",
    ]


def test_codes_that_differ_only_in_case_or_spaces_are_the_same_person():
    found = problems(
        lambda: responses(
            "participant,site,method,valued\n"
            "SU-1,CHO1,online-survey,4\n"
            " su-1 ,CHO1,online-survey,4\n"
            "su-9,CHO1,online-survey,1\n"
        )
    )
    assert found == [
        "row 3, column 'participant', value 'su-1': appears twice (also on row 2)",
        "row 4, column 'participant', value 'su-9': is already registered at site CHO1, "
        "cohort psws",
    ]


def test_unknown_and_free_text_columns_are_refused():
    found = problems(lambda: responses("participant,site,method,valued,colour,most_helpful\n"))
    assert found == [
        "row 1, column 'most_helpful': is a free-text item: imports take scale answers only; "
        "remove it",
        "row 1, column 'colour': unknown column: not an item of su-experience 1.0 (columns are "
        "participant, site, method and the items: valued, services, recovery, lead_recovery, "
        "control, hope, understood, community, find_way, heard)",
    ]


def test_participants_file_checks_cohort_site_and_approval():
    found = problems(
        lambda: check_participants(
            table("participant,cohort,site,method,extra\n"),
            CONTEXT,
        )
    )
    assert found == [
        "row 1, column 'extra': unknown column (expected: participant, cohort, site, method, "
        "team_type)"
    ]
    found = problems(
        lambda: check_participants(
            table(
                "participant,cohort,site,method\nP1,staff,CHO1,interview\nP2,psws,CHO1,interview\n"
            ),
            CONTEXT,
        )
    )
    assert found == [
        "row 2, column 'cohort', value 'staff': unknown cohort (the study's cohorts are: psws, "
        "service-users)",
        "row 3, column 'site', value 'CHO1': site CHO1, cohort psws has no ethics approval "
        "(status: not listed in the study's approvals)",
    ]


def test_a_byte_order_mark_and_quoted_newlines_are_fine():
    data = (
        "\ufeffparticipant,cohort,site,method,team_type\n"
        '"SU-1",service-users,CHO1,interview,"two\nlines"\n'
        "SU-2,service-users,CHO1,interview,\n"
    )
    lines = check_participants(read_table(data.encode(), filename="f.csv"), CONTEXT)
    assert [(line.row, line.code, line.team_type) for line in lines] == [
        (2, "SU-1", "two\nlines"),
        (3, "SU-2", ""),
    ]


def test_a_file_in_another_encoding_is_reported():
    found = problems(
        lambda: read_table("participant\nSiobhán\n".encode("cp1252"), filename="f.csv")
    )
    assert found == [
        "the file is not UTF-8 text (a byte at position 18 cannot be read): save it as "
        "'CSV UTF-8' and import it again"
    ]


def test_xlsx_is_read_like_csv():
    book = Workbook()
    sheet = book.active
    sheet.append(["participant", "site", "method", "valued"])
    sheet.append(["SU-1", "CHO1", "online-survey", 3])
    sheet.append(["SU-2", "CHO1", "online-survey", "a little"])
    buffer = io.BytesIO()
    book.save(buffer)
    lines = check_responses(
        read_table(buffer.getvalue(), filename="f.xlsx"),
        CONTEXT,
        cohort="service-users",
        instrument=SU,
    )
    assert [line.answers for line in lines] == [(("valued", 3),), (("valued", 1),)]


def test_a_broken_workbook_is_reported():
    assert problems(lambda: read_table(b"PK\x03\x04rubbish", filename="f.xlsx")) == [
        "the file is not a readable XLSX workbook"
    ]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_random_input_never_raises_anything_but_import_rejected(data):
    def run():
        check_responses(
            read_table(data, filename="f.csv"), CONTEXT, cohort="service-users", instrument=SU
        )

    assert all(str(problem) for problem in _problems_or_none(run))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["SU-1", "CHO1", "x", "", '"', "\n", ",", "\ufeff", "4", "very much"]),
            max_size=6,
        ),
        max_size=8,
    )
)
def test_csv_like_input_never_raises_anything_but_import_rejected(cells):
    text = "participant,site,method,valued\n" + "\n".join(",".join(row) for row in cells)
    assert all(str(problem) for problem in _problems_or_none(lambda: responses(text)))


def _problems_or_none(call):
    """The problems of a rejected file (never an empty list), or () for an accepted one."""
    try:
        call()
    except ImportRejected as error:
        problems = error.problems
    else:
        return ()
    assert problems
    return problems


# --- streaming: a file is read again on each pass, never held whole -------------------------


def test_a_file_object_is_read_again_on_every_pass_and_left_open():
    file = io.BytesIO(b"participant,site,method,valued\n\nSU-1,CHO1,online-survey,4\nSU-2,CHO1,,\n")
    read = read_table(file, filename="f.csv")
    assert read.columns == ("participant", "site", "method", "valued")
    assert len(read.rows) == 2
    first, second = list(read.rows), list(read.rows)
    assert (
        first
        == second
        == [
            (3, ("SU-1", "CHO1", "online-survey", "4")),
            (4, ("SU-2", "CHO1", "", "")),
        ]
    )
    assert not file.closed


def test_an_xlsx_file_object_is_streamed_too():
    book = Workbook()
    book.active.append(["participant", "site", "method", "valued"])
    for n in range(3):
        book.active.append([f"SU-{n}", "CHO1", "online-survey", n])
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_table(buffer, filename="f.xlsx")
    assert len(read.rows) == 3
    assert list(read.rows) == list(read.rows)
    assert [cells[3] for _, cells in read.rows] == ["0", "1", "2"]


def test_problems_come_when_the_last_row_is_read():
    lines = response_lines(
        table("participant,site,method,valued\nSU-1,CHO1,online-survey,4\nSU-1,CHO1,interview,\n"),
        CONTEXT,
        cohort="service-users",
        instrument=SU,
    )
    assert next(lines).code == "SU-1"
    assert problems(lambda: list(lines)) == [
        "row 3, column 'participant', value 'SU-1': appears twice (also on row 2)"
    ]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("split", [0, 1, 2])
def test_the_bad_byte_is_found_at_any_place_in_a_long_file(bom, split):
    # A two-byte character straddles the boundary between two reads; the bad byte comes later.
    head = (b"participant\n" + (b"a" * 63 + b"\n") * (CHUNK // 64))[: CHUNK - 1 + split]
    data = bom + head + "é".encode() + b"\n" + (b"b" * 63 + b"\n") * (CHUNK // 64) + b"\xff\n"
    with pytest.raises(UnicodeDecodeError) as whole:
        data.decode("utf-8-sig")
    assert problems(lambda: read_table(data, filename="f.csv")) == [
        f"the file is not UTF-8 text (a byte at position {whole.value.start + 1} cannot be "
        "read): save it as 'CSV UTF-8' and import it again"
    ]
    read = read_table(data.replace(b"\xff", b"c"), filename="f.csv")
    assert len(read.rows) > CHUNK // 64
