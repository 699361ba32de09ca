"""The study file's validator: the minimal form loads; every fault is named exactly."""

import datetime

import pytest
import yaml

from alongside.evaluation.studyfile import StudyFileError, approval_refusal, parse_study

AVAILABLE = {"su-experience": ["1.0"], "psw-survey": ["1.0"]}
MINIMAL = """
slug: psw-impact
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


def parse(text):
    return parse_study(yaml.safe_load(text), source="s.yaml", text=text, available=AVAILABLE)


def test_the_minimal_study_loads():
    study = parse(MINIMAL)
    assert study.slug == "psw-impact"
    assert [s.code for s in study.sites] == ["CHO1"]
    assert study.approvals[0].status == "approved"
    assert study.instruments == (("service-users", (("su-experience", "1.0"),)),)
    assert study.period_start is None
    assert len(study.digest) == 64


def test_a_period_and_methods_are_read():
    study = parse(MINIMAL + "period: {start: 2025-01-06, end: 2025-06-30}\nmethods: [interview]\n")
    assert study.period_start == datetime.date(2025, 1, 6)
    assert study.methods == ("interview",)


def _with(old, new):
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            _with("slug: psw-impact", "slug: PSW Impact"),
            "s.yaml: field 'slug': must be lower-case letters, digits and hyphens, starting with a letter (like 'psw-impact'), got 'PSW Impact'",  # noqa: E501
        ),
        (_with("slug: psw-impact\n", ""), "s.yaml: field 'slug': required"),
        (
            _with("title: Impact of peer support workers", "title: ''"),
            "s.yaml: field 'title': must be non-empty text, got ''",
        ),
        (
            MINIMAL + "colour: blue\n",
            "s.yaml: field 'colour': unknown field (expected one of: slug, title, period, methods, sites, cohorts, approvals, instruments, information_sheet_version, disclosure_threshold)",  # noqa: E501
        ),
        (
            _with('{code: CHO1, name: "Region one"}', "{code: CHO1}"),
            "s.yaml: sites[0]: field 'name': required",
        ),
        (
            _with('{code: CHO1, name: "Region one"}', '{code: "CHO 1", name: R}').replace(
                "site: CHO1", "site: CHO 1"
            ),
            "s.yaml: sites[0]: field 'code': must be letters, digits, hyphens or underscores (like CHO1), got 'CHO 1'",  # noqa: E501
        ),
        (
            _with(
                '{code: CHO1, name: "Region one"}',
                "{code: CHO1, name: A}\n  - {code: CHO1, name: B}",
            ),
            "s.yaml: sites[1]: field 'code': 'CHO1' is listed twice",
        ),
        (
            _with("site: CHO1, cohort", "site: CHO9, cohort"),
            "s.yaml: approvals[0]: field 'site': unknown site 'CHO9' (sites are: CHO1)",
        ),
        (
            _with("cohort: service-users, status", "cohort: staff, status"),
            "s.yaml: approvals[0]: field 'cohort': unknown cohort 'staff' (cohorts are: service-users)",  # noqa: E501
        ),
        (
            _with("status: approved", "status: yes"),
            "s.yaml: approvals[0]: field 'status': must be one of approved, pending, refused, not-applicable, got true",  # noqa: E501
        ),
        (
            _with(
                "status: approved}",
                "status: approved}\n  - {site: CHO1, cohort: service-users, status: refused}",
            ),
            "s.yaml: approvals[1]: site CHO1, cohort service-users already has an approval at approvals[0]",  # noqa: E501
        ),
        (
            _with("service-users: [su-experience]", "service-users: [gad-7]"),
            "s.yaml: instruments.service-users[0]: no instrument 'gad-7' is loaded: give its definition with --instrument FILE",  # noqa: E501
        ),
        (
            _with(
                "service-users: [su-experience]",
                "service-users: [{code: su-experience, version: '2.0'}]",
            ),
            "s.yaml: instruments.service-users[0]: field 'version': su-experience version '2.0' is not loaded (loaded: 1.0)",  # noqa: E501
        ),
        (
            _with("service-users: [su-experience]", "staff: [su-experience]"),
            "s.yaml: instruments: field 'staff': unknown cohort (cohorts are: service-users)",
        ),
        (
            MINIMAL + "period: {start: 2025-06-30, end: 2025-01-01}\n",
            "s.yaml: period: field 'end': 2025-01-01 is before the start, 2025-06-30",
        ),
        (
            MINIMAL + "period: {start: soon}\n",
            "s.yaml: period: field 'start': must be a date like 2024-01-31, got 'soon'",
        ),
        (
            MINIMAL + "methods: [telepathy]\n",
            "s.yaml: methods[0]: must be one of online-survey, paper-survey, interview, focus-group, got 'telepathy'",  # noqa: E501
        ),
    ],
)
def test_each_fault_is_named_exactly(text, problem):
    with pytest.raises(StudyFileError) as caught:
        parse(text)
    assert caught.value.problems == (problem,)


def test_every_fault_is_reported_at_once():
    text = _with("slug: psw-impact", "slug: 7").replace("status: approved", "status: maybe")
    with pytest.raises(StudyFileError) as caught:
        parse(text)
    assert len(caught.value.problems) == 2


def test_a_file_that_is_not_a_mapping_is_refused():
    with pytest.raises(StudyFileError, match="must be a mapping of fields, got a list"):
        parse_study([], source="s.yaml", text="[]", available={})


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("approved", None),
        ("pending", "site CHO5, cohort service-users has no ethics approval (status: pending)"),
        (
            None,
            "site CHO5, cohort service-users has no ethics approval (status: not listed in the study's approvals)",  # noqa: E501
        ),
    ],
)
def test_the_approval_rule_names_site_cohort_and_status(status, expected):
    assert approval_refusal("CHO5", "service-users", status) == expected


def test_the_information_sheet_version_is_optional_and_kept():
    base = {
        "slug": "s",
        "title": "T",
        "sites": [{"code": "A", "name": "A"}],
        "cohorts": [{"code": "c", "name": "C"}],
    }
    assert (
        parse_study(base, source="s.yaml", text="", available={}).information_sheet_version is None
    )
    with_sheet = {**base, "information_sheet_version": 2}
    parsed = parse_study(with_sheet, source="s.yaml", text="", available={})
    assert parsed.information_sheet_version == "2"
    with pytest.raises(StudyFileError, match="information_sheet_version"):
        parse_study(
            {**base, "information_sheet_version": "x" * 33}, source="s.yaml", text="", available={}
        )


@pytest.mark.parametrize("slug", ["survey", "invitation"])
def test_slugs_that_are_page_addresses_are_reserved(slug):
    data = {
        "slug": slug,
        "title": "T",
        "sites": [{"code": "A", "name": "A"}],
        "cohorts": [{"code": "c", "name": "C"}],
    }
    with pytest.raises(StudyFileError, match="reserved"):
        parse_study(data, source="s.yaml", text="", available={})


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(2, True), (10, True), (50, True), (1, False), (51, False), ("5", False), (True, False)],
)
def test_the_disclosure_threshold_is_a_whole_number_from_2_to_50(value, accepted):
    data = {
        "slug": "s",
        "title": "T",
        "sites": [{"code": "A", "name": "A"}],
        "cohorts": [{"code": "c", "name": "C"}],
        "disclosure_threshold": value,
    }
    if accepted:
        assert (
            parse_study(data, source="s.yaml", text="", available={}).disclosure_threshold == value
        )
    else:
        with pytest.raises(StudyFileError, match="disclosure_threshold"):
            parse_study(data, source="s.yaml", text="", available={})
