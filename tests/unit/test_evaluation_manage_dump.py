"""Writing a study back as its file: whatever the definition, reading the file gives it back."""

import datetime
import hashlib
from dataclasses import replace

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from alongside.evaluation.studyfile import (
    CODE,
    METHODS,
    RESERVED_SLUGS,
    SLUG,
    STATUSES,
    ApprovalEntry,
    Place,
    StudyDefinition,
    StudyFileError,
    parse_study,
)
from alongside.evaluation.studyfile_dump import dump_study, parse_study_upload

AVAILABLE = {"su-experience": ["1.0", "1.1"], "psw-survey": ["1.0"], "provider-survey": ["2"]}
KEYS = [(code, version) for code, versions in AVAILABLE.items() for version in versions]

# Text as a person would type it: any letters, digits, punctuation, symbols and spaces inside.
text = (
    st.text(st.characters(whitelist_categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
optional_text = st.one_of(st.just(""), text)
codes = st.from_regex(CODE, fullmatch=True).filter(lambda c: len(c) <= 32)


def places():
    return st.lists(
        st.builds(Place, codes, text), min_size=1, max_size=4, unique_by=lambda p: p.code
    )


@st.composite
def definitions(draw):
    sites = draw(places())
    cohorts = draw(places())
    pairs = [(s.code, c.code) for s in sites for c in cohorts]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True))
    approvals = tuple(
        ApprovalEntry(
            site, cohort, draw(st.sampled_from(STATUSES)), draw(optional_text), draw(optional_text)
        )
        for site, cohort in chosen
    )
    listed = draw(st.lists(st.sampled_from([c.code for c in cohorts]), unique=True))
    instruments = tuple(
        (cohort, tuple(draw(st.lists(st.sampled_from(KEYS), unique=True)))) for cohort in listed
    )
    start = draw(
        st.one_of(st.none(), st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)))
    )
    end = draw(
        st.one_of(
            st.none(), st.dates(start or datetime.date(2000, 1, 1), datetime.date(2100, 1, 1))
        )
    )
    return StudyDefinition(
        slug=draw(
            st.from_regex(SLUG, fullmatch=True).filter(
                lambda s: len(s) <= 64 and s not in RESERVED_SLUGS
            )
        ),
        title=draw(text),
        period_start=start,
        period_end=end,
        methods=tuple(draw(st.lists(st.sampled_from(METHODS), unique=True))),
        sites=tuple(sites),
        cohorts=tuple(cohorts),
        approvals=approvals,
        instruments=instruments,
        digest="",
        source="study.yaml",
        information_sheet_version=draw(
            st.one_of(st.none(), st.from_regex(r"[0-9A-Za-z.\-]{1,32}", fullmatch=True))
        ),
    )


def parse(text_, source="study.yaml"):
    return parse_study(yaml.safe_load(text_), source=source, text=text_, available=AVAILABLE)


@given(definitions())
def test_parse_of_dump_gives_the_definition_back(definition):
    written = dump_study(definition)
    again = parse(written)
    assert replace(again, digest="") == definition
    assert again.digest == hashlib.sha256(written.encode()).hexdigest()
    assert dump_study(again) == written


MINIMAL = """slug: psw-impact
title: Impact of peer support workers
sites:
  - {code: CHO1, name: "Region one"}
cohorts:
  - {code: service-users, name: Service users}
approvals:
  - {site: CHO1, cohort: service-users, status: approved}
instruments:
  service-users: [su-experience]
"""


def test_the_minimal_study_is_written_in_the_documented_shape():
    assert dump_study(parse(MINIMAL)) == (
        "slug: psw-impact\n"
        "title: Impact of peer support workers\n"
        "sites:\n"
        "- code: CHO1\n"
        "  name: Region one\n"
        "cohorts:\n"
        "- code: service-users\n"
        "  name: Service users\n"
        "approvals:\n"
        "- site: CHO1\n"
        "  cohort: service-users\n"
        "  status: approved\n"
        "instruments:\n"
        "  service-users:\n"
        "  - code: su-experience\n"
        "    version: '1.1'\n"
    )


def test_text_that_yaml_would_read_as_something_else_is_quoted():
    definition = replace(parse(MINIMAL), title="yes", sites=(Place("1", "null"),), approvals=())
    assert parse(dump_study(definition)).title == "yes"
    assert parse(dump_study(definition)).sites == (Place("1", "null"),)


def test_an_upload_is_read_as_the_command_reads_a_file_and_problems_name_it():
    assert parse_study_upload(
        MINIMAL.encode(), filename="mine.yaml", available=AVAILABLE
    ) == replace(parse(MINIMAL), source="mine.yaml")
    with pytest.raises(StudyFileError) as caught:
        parse_study_upload(
            MINIMAL.replace("approved", "ok").encode(),
            filename="../up/mine.yaml",
            available=AVAILABLE,
        )
    assert caught.value.problems == (
        "mine.yaml: approvals[0]: field 'status': must be one of approved, pending, refused, "
        "not-applicable, got 'ok'",
    )


@pytest.mark.parametrize("data", [b"\xff\xfe\x00garbage", b"slug: [", b"- a list\n", b""])
def test_an_unreadable_upload_is_a_problem_list_not_a_crash(data):
    with pytest.raises(StudyFileError) as caught:
        parse_study_upload(data, filename="bad.yaml", available=AVAILABLE)
    assert caught.value.problems
    assert all(line.startswith("bad.yaml") for line in caught.value.problems)
