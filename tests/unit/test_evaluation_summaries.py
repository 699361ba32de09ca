"""Participant tables and item summaries against hand-worked examples."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.core.disclosure import protect_table
from alongside.evaluation.rows import AnswerRow, ParticipantRow
from alongside.evaluation.summaries import (
    NOT_APPROVED_TEXT,
    UNLISTED,
    CombinedCategory,
    item_summaries,
    method_table,
    participant_table,
    percent,
)
from alongside.measures.definitions import Instrument, Item, ItemKind, Scale, ScaleOption

SITES = ("CHO1", "CHO2", "CHO3")
COHORTS = ("psw", "providers", "service-users")
# CHO3 has no approval for service users (refused); every other pair is approved.
APPROVALS = {(s, c): "approved" for s in SITES for c in COHORTS} | {
    ("CHO3", "service-users"): "refused"
}
# Hand-worked 3x3 table (participants):
#            psw  providers  service-users | total
#   CHO1       2      5           20       |  27
#   CHO2       7     19           19       |  45
#   CHO3       3      8          N/A       |  11
#   total     12     32           39       |  83
COUNTS = {
    ("CHO1", "psw"): 2,
    ("CHO1", "providers"): 5,
    ("CHO1", "service-users"): 20,
    ("CHO2", "psw"): 7,
    ("CHO2", "providers"): 19,
    ("CHO2", "service-users"): 19,
    ("CHO3", "psw"): 3,
    ("CHO3", "providers"): 8,
}

MUCH = Scale(
    code="much",
    options=(
        ScaleOption(0, "Not at all"),
        ScaleOption(1, "A little"),
        ScaleOption(2, "Somewhat"),
        ScaleOption(3, "Quite a lot"),
        ScaleOption(4, "Very much"),
    ),
)
INSTRUMENT = Instrument(
    code="su-experience",
    title="Service user experience",
    version="1.0",
    scales=(MUCH,),
    items=(
        Item("S1", scale="much", text="Peer support helped my recovery"),
        Item("S2", scale="much", text="I liked receiving peer support"),
        Item("comment", kind=ItemKind.TEXT, text="Anything else?"),
    ),
)
TOP_TWO = CombinedCategory("Quite a lot or very much", (3, 4))


def participants():
    rows = []
    for (site, cohort), n in COUNTS.items():
        for i in range(n):
            method = "paper-survey" if i % 4 == 0 else "online-survey"
            team = "cmht" if i % 2 == 0 else "rehab"
            rows.append(ParticipantRow(f"{site}-{cohort}-{i:02d}", site, cohort, method, team))
    return rows


# S1, service users (CHO1 20 people, CHO2 19 = 39 with an answer row):
#   value:    0   1   2   3   4  | answered  missing
#   CHO1      0   1   2   4  12  |   19        1
#   CHO2      0   0   1   4  13  |   18        1
#   cohort    0   1   3   8  25  |   37        2
S1_VALUES = {
    "CHO1": [1] + [2] * 2 + [3] * 4 + [4] * 12 + [None],
    "CHO2": [2] + [3] * 4 + [4] * 13 + [None],
}
# S2, service users: everyone answered; 13 "quite a lot", 26 "very much" (39 answered).
S2_VALUES = {"CHO1": [3] * 6 + [4] * 14, "CHO2": [3] * 7 + [4] * 12}


def answers():
    rows = []
    for item, table in (("S1", S1_VALUES), ("S2", S2_VALUES)):
        for site, values in table.items():
            for i, value in enumerate(values):
                pseudonym = f"{site}-service-users-{i:02d}"
                rows.append(
                    AnswerRow(pseudonym, site, "service-users", "su-experience", item, value)
                )
    return rows


# --- percentages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [
        (25, 37, 67.6),  # 2500 / 37 = 67.567... -> 67.6
        (1, 37, 2.7),  # 100 / 37 = 2.7027 -> 2.7
        (3, 37, 8.1),  # 8.108 -> 8.1
        (1, 16, 6.3),  # 6.25 exactly: half up -> 6.3 (banker's rounding would give 6.2)
        (5, 16, 31.3),  # 31.25 -> 31.3 (float round(31.25, 1) gives 31.2)
        (1, 8, 12.5),
        (0, 5, 0.0),
        (5, 5, 100.0),
        (0, 0, None),
    ],
)
def test_percent_one_decimal_half_up(count, total, expected):
    assert percent(count, total) == expected


def test_percent_checks_its_input():
    with pytest.raises(ValueError, match="count <= total"):
        percent(6, 5)


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_percent_is_within_a_twentieth_of_the_exact_share(pair):
    count, total = pair
    assert abs(percent(count, total) - 100 * count / total) <= 0.05 + 1e-9


# --- participant table ---------------------------------------------------------------------------


def test_participant_table_has_n_a_never_zero_and_totals_without_it():
    extra = [ParticipantRow("late", "CHO3", "service-users", "interview", None)]
    table = participant_table(
        participants() + extra, sites=SITES, cohorts=COHORTS, approvals=APPROVALS
    )
    assert table.cells == ((2, 5, 20), (7, 19, 19), (3, 8, None))
    assert table.cell("CHO3", "service-users") is None  # not approved: N/A, never 0
    # rows 2+5+20 = 27, 7+19+19 = 45, 3+8 = 11; columns 2+7+3 = 12, 5+19+8 = 32, 20+19 = 39
    assert table.row_totals == (27, 45, 11)
    assert table.column_totals == (12, 32, 39)
    assert table.grand_total == 83  # 27 + 45 + 11 = 12 + 32 + 39
    assert table.statuses[2][2] == "refused"
    # The participant found where approval is refused is left out and reported.
    assert table.excluded == {("CHO3", "service-users"): 1}
    text = table.text()
    assert NOT_APPROVED_TEXT in text
    assert text.splitlines()[-1].split() == ["Total", "12", "32", "39", "83"]


def test_participant_table_text_with_suppression():
    table = participant_table(participants(), sites=SITES, cohorts=COHORTS, approvals=APPROVALS)
    # primary 2 and 3; secondary 5 (row CHO1) and 8 (row CHO3): see test_evaluation_report
    lines = table.text(protected=protect_table(table.cells)).splitlines()
    assert lines[1].split() == ["CHO1", "*", "*", "20", "27"]
    assert lines[3].split("  ")[0:1] == ["CHO3"]
    assert lines[3].split()[1:3] == ["*", "*"]
    assert NOT_APPROVED_TEXT in lines[3]
    assert "0" not in lines[3].split()


def test_an_unlisted_pair_counts_as_not_approved_even_when_empty():
    approvals = {("CHO1", "psw"): "approved"}
    table = participant_table([], sites=("CHO1",), cohorts=("psw", "x"), approvals=approvals)
    assert table.cells == ((0, None),)  # approved and empty is 0; unlisted is N/A
    assert table.statuses == (("approved", UNLISTED),)


def test_unknown_sites_and_cohorts_are_refused():
    stray = [ParticipantRow("p", "CHO9", "psw", "interview", None)]
    with pytest.raises(ValueError, match="CHO9"):
        participant_table(stray, sites=SITES, cohorts=COHORTS, approvals=APPROVALS)
    stray = [ParticipantRow("p", "CHO1", "nobody", "interview", None)]
    with pytest.raises(ValueError, match="nobody"):
        participant_table(stray, sites=SITES, cohorts=COHORTS, approvals=APPROVALS)


def test_method_table():
    # Per cell of n people, i % 4 == 0 is paper: ceil(n / 4) paper, the rest online.
    # psw: cells 2, 7, 3 -> paper 1 + 2 + 1 = 4, online 1 + 5 + 2 = 8
    # providers: 5, 19, 8 -> paper 2 + 5 + 2 = 9, online 3 + 14 + 6 = 23
    # service users: 20, 19 -> paper 5 + 5 = 10, online 15 + 14 = 29
    methods = ("online-survey", "paper-survey", "interview")
    table = method_table(
        participants(), cohorts=COHORTS, methods=methods, sites=SITES, approvals=APPROVALS
    )
    assert table.cells == ((8, 4, 0), (23, 9, 0), (29, 10, 0))
    assert table.column_totals == (60, 23, 0)
    assert table.grand_total == 83


# --- item summaries ------------------------------------------------------------------------------


def test_item_summary_for_s1_service_users():
    s1, s2 = item_summaries(
        answers(), INSTRUMENT, cohorts=("service-users",), combined={"much": [TOP_TWO]}
    )
    assert (s1.item, s1.cohort, s1.answered, s1.missing) == ("S1", "service-users", 37, 2)
    # percent of the 37 answered, the 2 missing left out:
    # 0/37 = 0.0, 1/37 = 2.7, 3/37 = 8.1, 8/37 = 21.6, 25/37 = 67.6
    assert [(o.value, o.label, o.count, o.percent) for o in s1.options] == [
        (0, "Not at all", 0, 0.0),
        (1, "A little", 1, 2.7),
        (2, "Somewhat", 3, 8.1),
        (3, "Quite a lot", 8, 21.6),
        (4, "Very much", 25, 67.6),
    ]
    # Wilson for 25/37, z = 1.959964: p = 0.675676, centre = p + z^2/2n = 0.675676 + 0.051912
    # = 0.727587; spread = z sqrt(p(1-p)/n + z^2/4n^2) = 1.959964 x sqrt(0.0059226 + 0.0007015)
    # = 0.159520; scale = 1 + z^2/n = 1.103823 -> (0.51464, 0.80367)
    very_much = s1.options[4].interval
    assert very_much.low == pytest.approx(0.51464, abs=1e-5)
    assert very_much.high == pytest.approx(0.80367, abs=1e-5)
    # Wilson at 0 of 37 starts at exactly 0: upper z^2/(n + z^2) = 3.841459 / 40.841459 = 0.09406
    assert s1.options[0].interval.low == 0.0
    assert s1.options[0].interval.high == pytest.approx(0.09406, abs=1e-5)
    # combined: 8 + 25 = 33 of 37 = 89.189 -> 89.2
    (top,) = s1.combined
    assert (top.label, top.values, top.count, top.percent) == (TOP_TWO.label, (3, 4), 33, 89.2)
    # S2: 13 + 26 = 39, none missing; 13/39 = 33.3, 26/39 = 66.7
    assert (s2.answered, s2.missing) == (39, 0)
    assert [o.percent for o in s2.options] == [0.0, 0.0, 0.0, 33.3, 66.7]


def test_item_summary_breakdown_by_site():
    by_site = item_summaries(
        answers(), INSTRUMENT, cohorts=("service-users",), by="site", groups=SITES
    )
    s1 = [s for s in by_site if s.item == "S1"]
    assert [(s.site, s.answered, s.missing) for s in s1] == [
        ("CHO1", 19, 1),
        ("CHO2", 18, 1),
        ("CHO3", 0, 0),
    ]
    # CHO1: 12 of 19 very much = 63.157 -> 63.2; CHO2: 13 of 18 = 72.2
    assert s1[0].options[4].percent == 63.2
    assert s1[1].options[4].percent == 72.2
    assert s1[2].options[4].percent is None  # nobody answered: no percent, no interval
    assert s1[2].options[4].interval.low is None


def test_item_summary_breakdown_by_team_type():
    by_team = item_summaries(
        answers(),
        INSTRUMENT,
        cohorts=("service-users",),
        by="team_type",
        participants=participants(),
    )
    s1 = [s for s in by_team if s.item == "S1"]
    # Person i is cmht when i is even, rehab when odd.
    # CHO1 S1 by index: 0:1, 1-2:2, 3-6:3, 7-18:4, 19:missing
    #   even: 1, 2, 3, 3, and 4 at 8..18 (6) -> 10 answered; odd: 2, 3, 3, 4 at 7..17 (6), 19
    #   missing -> 9 answered, 1 missing
    # CHO2 S1 by index: 0:2, 1-4:3, 5-17:4, 18:missing
    #   even: 2, 3, 3, 4 at 6..16 (6), 18 missing -> 9 answered, 1 missing; odd: 3, 3, 4 at
    #   5..17 (7) -> 9 answered
    assert [s.team_type for s in s1] == ["cmht", "rehab"]
    cmht, rehab = s1
    assert (cmht.answered, cmht.missing) == (19, 1)  # 10 + 9, 0 + 1
    assert (rehab.answered, rehab.missing) == (18, 1)  # 9 + 9, 1 + 0
    assert cmht.answered + rehab.answered == 37


def test_values_off_the_scale_and_duplicates_are_refused():
    off = [AnswerRow("p", "CHO1", "service-users", "su-experience", "S1", 9)]
    with pytest.raises(ValueError, match=r"\[9\]"):
        item_summaries(off, INSTRUMENT, cohorts=("service-users",))
    twice = [AnswerRow("p", "CHO1", "service-users", "su-experience", "S1", 1)] * 2
    with pytest.raises(ValueError, match="more than one"):
        item_summaries(twice, INSTRUMENT, cohorts=("service-users",))
    stray = [AnswerRow("p", "CHO1", "service-users", "su-experience", "S9", 1)]
    with pytest.raises(ValueError, match="S9"):
        item_summaries(stray, INSTRUMENT, cohorts=("service-users",))
    with pytest.raises(ValueError, match="not on scale"):
        item_summaries(
            [],
            INSTRUMENT,
            cohorts=("service-users",),
            combined={"much": [CombinedCategory("odd", (7,))]},
        )


def test_item_summary_text_rendering():
    s1 = item_summaries(
        answers(), INSTRUMENT, cohorts=("service-users",), combined={"much": [TOP_TWO]}
    )[0]
    text = s1.text_lines()
    assert text.splitlines()[0] == "su-experience S1 (service-users): n 37, missing 2"
    assert "Very much: 25 67.6% (95% CI 51.5-80.4)" in text
    assert "Quite a lot or very much: 33 89.2%" in text


@given(st.lists(st.one_of(st.none(), st.integers(0, 4)), max_size=60))
def test_counts_add_up_to_the_answered_and_percents_to_about_100(values):
    rows = [
        AnswerRow(f"p{i}", "CHO1", "service-users", "su-experience", "S1", v)
        for i, v in enumerate(values)
    ]
    (s1, _) = item_summaries(rows, INSTRUMENT, cohorts=("service-users",))
    answered = sum(v is not None for v in values)
    assert s1.answered == answered
    assert s1.missing == len(values) - answered
    assert sum(o.count for o in s1.options) == answered
    if answered:
        # each percent is within 0.05 of exact, so five of them within 0.25 of 100
        assert abs(sum(o.percent for o in s1.options) - 100) <= 0.25 + 1e-9
