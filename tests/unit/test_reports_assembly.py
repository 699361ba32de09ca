"""Report assembly: plain inputs to one document, the same bytes for the same data, small
counts hidden everywhere people are counted."""

import dataclasses
import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.reports.assembly import (
    ApprovalInput,
    ChimeItemInput,
    InstrumentInput,
    Place,
    PracticeInput,
    Protector,
    QualitativeInput,
    QuoteInput,
    ReportInput,
    ScorePairsInput,
    StudyInput,
    ThemeInput,
    assemble,
    reliable_change_rows,
)

STUDY = StudyInput(
    slug="psw-impact",
    title="Impact of peer support workers",
    period_start="2025-01-06",
    period_end="2025-06-30",
    methods=("online-survey", "interview"),
    sites=(Place("CHO1", "Region one"), Place("CHO2", "Region two")),
    cohorts=(Place("service-users", "Service users"),),
    approvals=(
        ApprovalInput("CHO1", "service-users", "approved", "Region one REC", "REC-1"),
        ApprovalInput("CHO2", "service-users", "not-applicable"),
    ),
    instruments=(
        InstrumentInput(
            "su-experience", "1.0", "Experience", "d" * 64, "service_user", ("service-users",)
        ),
    ),
)
EVALUATION = {
    "study": "psw-impact",
    "format_version": 1,
    "suppression": {"applied": True, "threshold": 5, "rule": "..."},
    "participants": [
        {
            "site": "CHO1",
            "cohort": "service-users",
            "n": 20,
            "status": "approved",
            "approved": True,
            "suppressed": False,
        },
        {
            "site": "CHO2",
            "cohort": "service-users",
            "n": None,
            "status": "not-applicable",
            "approved": False,
            "suppressed": False,
        },
    ],
    "participant_totals": {
        "sites": [
            {"site": "CHO1", "n": 20, "suppressed": False},
            {"site": "CHO2", "n": 0, "suppressed": False},
        ],
        "cohorts": [{"cohort": "service-users", "n": 20, "suppressed": False}],
        "all": {"n": 20, "suppressed": False},
    },
    "items": [
        {
            "instrument": "su-experience",
            "item": "S1",
            "cohort": "service-users",
            "n": 20,
            "missing": 0,
            "suppressed": False,
            "text": "Helped",
            "options": [
                {"value": 0, "label": "No", "count": None, "percent": None, "suppressed": True},
                {"value": 1, "label": "Yes", "count": 17, "percent": 85.0, "suppressed": False},
            ],
            "combined": [],
        },
    ],
    "items_by_site": [],
    "items_by_team_type": [],
}
PRACTICE = PracticeInput(
    referrals_received=40,
    referrals_accepted=30,
    declined_not_appropriate=3,
    declined_other=5,
    referrals_open=2,
    days_to_first_contact=(3, 5, 7, 9, 30),
    contacts_by_setting=(("Home", 50), ("Community venue", 2)),
    endings=12,
    community_engagement=6,
    goals_set=25,
    goals_achieved=11,
    goals_by_chime=(("Hope", 10, 4), ("Connectedness", 15, 7)),
)
OUTCOME = ScorePairsInput(
    instrument="qpr-15",
    title="QPR",
    score="total",
    label="Total",
    low=0,
    high=60,
    sd=10,
    reliability=0.74,
    better="higher",
    pairs=((40, 60), (40, 45), (60, 40), (30, 50), (20, 21), (10, 30)),
)


def _input(**changes):
    base = ReportInput(
        study=STUDY,
        evaluation=EVALUATION,
        practice=PRACTICE,
        chime=(ChimeItemInput("hope", "Hope", (1, 1, 2, 6, 10), 3),),
        chime_scale=("Not at all", "A little", "A fair amount", "A lot", "A great deal"),
        outcomes=(OUTCOME,),
        narrative={"recommendations": "First.\n\nSecond."},
        software_version="0.1.0",
    )
    return dataclasses.replace(base, **changes)


def _section(document, ident):
    return next(s for s in document.sections if s["id"] == ident)


def _figure(document, section, ident):
    return next(f["value"] for f in _section(document, section)["figures"] if f["id"] == ident)


def _table(document, section, ident):
    return next(t for t in _section(document, section)["tables"] if t["id"] == ident)


def test_the_evaluation_contract_keys_are_kept_as_they_are():
    data = assemble(_input()).data
    for key, value in EVALUATION.items():
        assert data[key] == value


def test_the_sections_come_in_the_report_order():
    ids = [s["id"] for s in assemble(_input()).sections]
    assert ids == [
        "summary",
        "introduction",
        "background",
        "participants",
        "service-users",
        "practice",
        "outcomes",
        "facilitators-barriers",
        "recommendations",
        "appendix",
    ]


def test_the_same_inputs_give_the_same_bytes_and_digest():
    first, second = assemble(_input()), assemble(_input())
    assert first.json() == second.json()
    assert first.data["report"]["digest"] == second.data["report"]["digest"]
    assert json.loads(first.json()) == first.data


def test_the_digest_is_the_sha256_of_the_inputs_written_as_plain_json():
    # The rule reports built before keep to: each input dataclass as the dict of its fields.
    given = _input(qualitative=QUALITATIVE)
    plain = {
        "study": dataclasses.asdict(given.study),
        "evaluation": given.evaluation,
        "practice": dataclasses.asdict(given.practice),
        "chime": [dataclasses.asdict(c) for c in given.chime],
        "chime_scale": list(given.chime_scale),
        "outcomes": [dataclasses.asdict(o) for o in given.outcomes],
        "qualitative": dataclasses.asdict(given.qualitative),
        "suppress": given.suppress,
        "threshold": given.threshold,
    }
    text = json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert assemble(given).data["report"]["digest"] == hashlib.sha256(text.encode()).hexdigest()


def test_the_digest_follows_the_data_not_the_narrative():
    base = assemble(_input()).data["report"]["digest"]
    reworded = assemble(_input(narrative={"recommendations": "Other words"}))
    more = assemble(_input(practice=dataclasses.replace(PRACTICE, referrals_received=41)))
    assert reworded.data["report"]["digest"] == base
    assert more.data["report"]["digest"] != base


@pytest.mark.parametrize(
    ("suppress", "figure", "expected"),
    [
        (True, "referrals-received", "40"),
        (True, "referrals-accepted", "30"),
        (True, "declined-not-appropriate", "*"),  # 3: primary suppression
        (True, "referrals-open", "*"),  # 2: primary suppression
        (True, "declined-other", "5"),
        (True, "median-days-to-first-contact", "7.0"),
        (True, "community-engagement", "6"),
        (True, "goals-achieved", "11"),
        (False, "declined-not-appropriate", "3"),
        (False, "referrals-open", "2"),
    ],
)
def test_practice_figures_hide_small_counts(suppress, figure, expected):
    document = assemble(_input(suppress=suppress))
    assert _figure(document, "practice", figure) == expected


def test_secondary_suppression_protects_a_lone_hidden_count():
    # 2 contacts in a community venue are hidden; the total would give them away, so it goes too.
    rows = _table(assemble(_input()), "practice", "contacts-by-setting")["rows"]
    assert rows == [["Home", "*"], ["Community venue", "*"], ["Total", "52"]]


def test_exact_counts_when_suppression_is_off_and_the_note_says_so():
    document = assemble(_input(suppress=False))
    rows = _table(document, "practice", "contacts-by-setting")["rows"]
    assert rows == [["Home", "50"], ["Community venue", "2"], ["Total", "52"]]
    assert "Not for publication" in document.data["report"]["suppression"]["note"]


def test_the_participant_table_shows_not_approved_as_not_applicable():
    rows = _table(assemble(_input()), "participants", "participant-table")["rows"]
    assert rows == [["Region one", "20", "20"], ["Region two", "N/A", "0"], ["Total", "20", "20"]]


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # SE of the difference = 10 x sqrt(2) x sqrt(0.26) = 7.21; reliable beyond 14.13 points.
        (((40, 60), (40, 45), (60, 40), (30, 50), (20, 21), (10, 30)), ["6", "*", "*", "*"]),
        (((40, 60),) * 5 + ((40, 45),) * 5 + ((60, 40),) * 5, ["15", "5", "5", "5"]),
        (((40, 54),) * 6, ["6", "0", "6", "0"]),  # 14 points: not reliable
        (((40, 55),) * 6, ["6", "6", "0", "0"]),  # 15 points: reliable
    ],
)
def test_reliable_change_is_counted_and_protected(pairs, expected):
    rows = reliable_change_rows(
        [dataclasses.replace(OUTCOME, pairs=pairs)], Protector(suppress=True, threshold=5)
    )
    assert rows == [("QPR: Total", *expected)]


def test_a_narrative_section_keeps_its_paragraphs_and_an_empty_one_says_so():
    document = assemble(_input())
    assert _section(document, "recommendations")["paragraphs"] == ["First.", "Second."]
    assert _section(document, "introduction")["paragraphs"] == ["Not written yet."]


def test_every_chart_a_section_names_is_drawn():
    document = assemble(_input())
    named = [c["id"] for s in document.sections for c in s["charts"]]
    assert named
    assert sorted(named) == sorted(document.charts)


def test_the_appendix_records_digest_version_and_instruments():
    document = assemble(_input())
    provenance = dict(_table(document, "appendix", "provenance")["rows"])
    assert provenance["Data digest (SHA-256)"] == document.data["report"]["digest"]
    assert provenance["Software version"] == "Alongside 0.1.0"
    versions = _table(document, "appendix", "instrument-versions")["rows"]
    assert versions == [["Experience", "su-experience", "1.0", "d" * 64]]


@given(st.lists(st.integers(0, 40), min_size=1, max_size=6), st.integers(1, 10))
def test_no_shown_row_lets_a_single_hidden_count_be_worked_out(counts, threshold):
    shown, total = Protector(suppress=True, threshold=threshold).row(counts)
    hidden = [i for i, v in enumerate(shown) if v is None]
    assert all(not (0 < counts[i] < threshold) for i, v in enumerate(shown) if v is not None)
    if total is not None:
        assert len(hidden) != 1


QUALITATIVE = QualitativeInput(
    cohorts=("Service users", "Peer support workers"),
    themes=(ThemeInput("Being understood", (9, 6)), ThemeInput("Barriers", (2, 7))),
    quotes=(
        QuoteInput("Being understood / Lived experience", "She just got it.", "Service user"),
        QuoteInput("Being understood", "Someone who had been there.", "Service user"),
        QuoteInput("Being understood", "A third quote.", "Service user"),
        QuoteInput("Barriers", "Only two of us in the site.", "Peer support worker"),
    ),
)


def test_themes_show_support_by_cohort_with_small_counts_hidden():
    document = assemble(_input(qualitative=QUALITATIVE))
    rows = _table(document, "themes", "theme-support")["rows"]
    # 2 is hidden; its row total (9) is shown, so 7 is hidden too (no column totals shown).
    assert rows == [["Being understood", "9", "6", "15"], ["Barriers", "*", "*", "9"]]
    assert [s["id"] for s in document.sections].index("themes") == 7


def test_quotes_are_few_per_theme_and_attributed_by_role_only():
    quotes = _section(assemble(_input(qualitative=QUALITATIVE)), "themes")["quotes"]
    assert [q["text"] for q in quotes] == [
        "She just got it.",
        "Someone who had been there.",
        "Only two of us in the site.",
    ]
    assert set(quotes[0]) == {"theme", "text", "attribution"}


def test_without_a_qualitative_project_there_is_no_themes_section():
    assert "themes" not in [s["id"] for s in assemble(_input()).sections]
