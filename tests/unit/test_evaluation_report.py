"""The report data dict: the JSON contract of issue 5, and disclosure control by default."""

import json
from dataclasses import replace

from alongside.evaluation.report import build_report
from alongside.measures.definitions import CombinedOption
from tests.unit.test_evaluation_summaries import (
    APPROVALS,
    COHORTS,
    INSTRUMENT,
    SITES,
    TOP_TWO,
    answers,
    participants,
)


def report(**options):
    return build_report(
        study="psw-impact",
        sites=SITES,
        cohorts=COHORTS,
        approvals=APPROVALS,
        participants=participants(),
        answers=answers(),
        instruments=[INSTRUMENT],
        cohort_instruments={"service-users": ["su-experience"]},
        combined={"much": [TOP_TWO]},
        **options,
    )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def test_the_json_contract_keys_and_types():
    data = json.loads(json.dumps(report(suppress=False)))  # survives JSON as it is
    assert data["study"] == "psw-impact"
    assert {"study", "participants", "items"} <= data.keys()
    for entry in data["participants"]:
        assert {"site", "cohort", "n", "status"} <= entry.keys()
        assert isinstance(entry["site"], str)
        assert isinstance(entry["cohort"], str)
        assert isinstance(entry["status"], str)
        assert entry["n"] is None or _is_int(entry["n"])
    assert data["items"]
    for entry in data["items"]:
        assert {"instrument", "item", "cohort", "n", "missing", "options"} <= entry.keys()
        assert all(isinstance(entry[k], str) for k in ("instrument", "item", "cohort"))
        assert _is_int(entry["n"])
        assert _is_int(entry["missing"])
        for option in entry["options"]:
            assert {"value", "label", "count", "percent"} <= option.keys()
            assert _is_int(option["value"])
            assert isinstance(option["label"], str)
            assert _is_int(option["count"])
            assert isinstance(option["percent"], float)


def test_the_issue_example_without_suppression():
    data = report(suppress=False)
    cho1 = data["participants"][:3]
    assert cho1 == [
        {
            "site": "CHO1",
            "cohort": cohort,
            "n": n,
            "status": "approved",
            "approved": True,
            "suppressed": False,
        }
        for cohort, n in (("psw", 2), ("providers", 5), ("service-users", 20))
    ]
    refused = data["participants"][-1]
    assert (refused["site"], refused["cohort"]) == ("CHO3", "service-users")
    assert refused["n"] is None  # not approved: null, never 0
    assert refused["status"] == "refused"
    s1 = data["items"][0]
    assert {k: s1[k] for k in ("instrument", "item", "cohort", "n", "missing")} == {
        "instrument": "su-experience",
        "item": "S1",
        "cohort": "service-users",
        "n": 37,
        "missing": 2,
    }
    # 25 of 37 answered -> 67.6; Wilson (0.51464, 0.80367) -> 51.5, 80.4
    assert s1["options"][4] == {
        "value": 4,
        "label": "Very much",
        "count": 25,
        "percent": 67.6,
        "ci_low": 51.5,
        "ci_high": 80.4,
        "suppressed": False,
    }
    assert s1["combined"][0]["count"] == 33
    assert s1["combined"][0]["percent"] == 89.2  # 33 / 37
    assert data["suppression"] == {"applied": False, "threshold": None, "rule": None}
    assert data["participant_totals"]["all"] == {"n": 83, "suppressed": False}
    # the text item gets no summary; S1 and S2 for the one cohort that takes the instrument
    assert [(i["item"], i["cohort"]) for i in data["items"]] == [
        ("S1", "service-users"),
        ("S2", "service-users"),
    ]


def test_participant_table_suppression_by_default():
    # cells 2 5 20 / 7 19 19 / 3 8 N/A (totals 27 45 11 | 12 32 39 | 83)
    # primary: 2 and 3. Row CHO1 (2*, 5, 20): 2 alone -> 5 hidden. Row CHO3 (3*, 8, N/A):
    # 3 alone -> 8 hidden. Columns psw (2*, 7, 3*) and providers (5*, 19, 8*) have two each.
    data = report()
    shown = {(e["site"], e["cohort"]): (e["n"], e["suppressed"]) for e in data["participants"]}
    assert shown == {
        ("CHO1", "psw"): (None, True),
        ("CHO1", "providers"): (None, True),
        ("CHO1", "service-users"): (20, False),
        ("CHO2", "psw"): (7, False),
        ("CHO2", "providers"): (19, False),
        ("CHO2", "service-users"): (19, False),
        ("CHO3", "psw"): (None, True),
        ("CHO3", "providers"): (None, True),
        ("CHO3", "service-users"): (None, False),  # N/A, which is not a suppression
    }
    assert data["suppression"]["applied"] is True
    assert data["suppression"]["threshold"] == 5
    assert data["participant_totals"]["sites"][2] == {"site": "CHO3", "n": 11, "suppressed": False}


def test_item_suppression_protects_the_site_breakdown_too():
    # S1 by approved site (CHO3 has no approval for service users):
    #   value:   0  1  2  3   4 | n
    #   CHO1     0  1  2  4  12 | 19
    #   CHO2     0  0  1  4  13 | 18
    #   cohort   0  1  3  8  25 | 37
    # primary: the 1, 2, 4 of CHO1, the 1, 4 of CHO2, and the cohort's 1 and 3. Column 3
    # (4*, 4* | 8) has two hidden, so the cohort's 8 is shown; the cohort row (0, 1*, 3*, 8, 25
    # | 37) has two hidden. So the cohort shows 0, -, -, 8, 25 of 37, and the combined
    # "quite a lot or very much" (values 3 and 4, none hidden) shows 33.
    data = report()
    s1 = data["items"][0]
    assert s1["n"] == 37
    assert [(o["count"], o["suppressed"]) for o in s1["options"]] == [
        (0, False),
        (None, True),
        (None, True),
        (8, False),
        (25, False),
    ]
    hidden = s1["options"][1]
    assert (hidden["percent"], hidden["ci_low"], hidden["ci_high"]) == (None, None, None)
    assert s1["combined"][0]["count"] == 33
    by_site = [e for e in data["items_by_site"] if e["item"] == "S1"]
    assert [e["site"] for e in by_site] == ["CHO1", "CHO2"]  # no rows for CHO3: not approved
    assert [o["count"] for o in by_site[0]["options"]] == [0, None, None, None, 12]
    assert [o["count"] for o in by_site[1]["options"]] == [0, 0, None, None, 13]
    # S2 (6, 14 and 7, 12 of "quite a lot" and "very much"): nothing small, nothing hidden
    s2 = data["items"][1]
    assert [o["count"] for o in s2["options"]] == [0, 0, 0, 13, 26]


def test_a_combined_category_with_a_hidden_value_is_hidden():
    data = build_report(
        study="s",
        sites=("CHO1",),
        cohorts=("service-users",),
        approvals={("CHO1", "service-users"): "approved"},
        participants=participants()[7:27],  # the 20 CHO1 service users
        answers=[a for a in answers() if a.site == "CHO1"],
        instruments=[INSTRUMENT],
        cohort_instruments={"service-users": ["su-experience"]},
        combined={"much": [TOP_TWO]},
    )
    # CHO1 S1 alone: 0 1 2 4 12 of 19. The 4 (quite a lot) is hidden, so 4 + 12 = 16 would give
    # it away beside the 12: the combined count is hidden.
    s1 = data["items"][0]
    assert s1["options"][3]["suppressed"] is True
    assert s1["combined"][0] == {
        "values": [3, 4],
        "label": TOP_TWO.label,
        "count": None,
        "percent": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": True,
    }


def test_response_rates_in_the_report():
    data = report(invitations={("CHO1", "service-users"): (40, 20)}, suppress=False)
    cho1_su = data["participants"][2]
    assert (cho1_su["invited"], cho1_su["completed"], cho1_su["response_rate"]) == (40, 20, 50.0)
    assert data["participants"][0]["response_rate"] is None


def test_small_invitation_counts_and_their_rate_are_hidden():
    data = report(invitations={("CHO1", "service-users"): (40, 3)})
    cho1_su = data["participants"][2]
    assert (cho1_su["invited"], cho1_su["completed"], cho1_su["response_rate"]) == (40, None, None)
    exact = report(invitations={("CHO1", "service-users"): (40, 3)}, suppress=False)
    assert exact["participants"][2]["response_rate"] == 7.5  # 3 / 40


def test_item_summaries_by_team_type():
    data = report(suppress=False)
    s1 = [e for e in data["items_by_team_type"] if e["item"] == "S1"]
    # Worked by hand in tests/unit/test_evaluation_summaries.py (even index cmht, odd rehab):
    # cmht answered 1 x "1", 2 x "2", 4 x "3", 12 x "4"; rehab 1 x "2", 4 x "3", 13 x "4".
    assert [(e["team_type"], e["n"], e["missing"]) for e in s1] == [
        ("cmht", 19, 1),
        ("rehab", 18, 1),
    ]
    assert [o["count"] for o in s1[0]["options"]] == [0, 1, 2, 4, 12]
    assert [o["count"] for o in s1[1]["options"]] == [0, 0, 1, 4, 13]
    assert s1[1]["options"][4]["percent"] == 72.2  # 13 of 18


def test_item_summaries_by_team_type_hide_small_counts_by_default():
    s1 = [e for e in report()["items_by_team_type"] if e["item"] == "S1"]
    counts = [[o["count"] for o in e["options"]] for e in s1]
    assert all(c is None or c == 0 or c >= 5 for row in counts for c in row)
    assert counts[0][4] == 12
    assert counts[1][4] == 13


def test_people_with_no_team_type_are_left_out_of_the_team_type_breakdown():
    rows = [replace(p, team_type=None) for p in participants()]
    data = build_report(
        study="s",
        sites=SITES,
        cohorts=COHORTS,
        approvals=APPROVALS,
        participants=rows,
        answers=answers(),
        instruments=[INSTRUMENT],
        cohort_instruments={"service-users": ["su-experience"]},
    )
    assert data["items_by_team_type"] == []
    assert data["items"]


def test_combined_categories_come_from_the_instrument_when_not_given():
    scale = replace(INSTRUMENT.scales[0], combined=(CombinedOption("Top two", (3, 4)),))
    instrument = replace(INSTRUMENT, scales=(scale,))
    data = build_report(
        study="psw-impact",
        sites=SITES,
        cohorts=COHORTS,
        approvals=APPROVALS,
        participants=participants(),
        answers=answers(),
        instruments=[instrument],
        cohort_instruments={"service-users": ["su-experience"]},
        suppress=False,
    )
    s1 = data["items"][0]
    # S1 answered 0, 1, 3, 8, 25 (of 37): 8 + 25 = 33 gave 3 or 4; 3300 / 37 = 89.19 -> 89.2
    assert [(c["label"], c["count"], c["percent"]) for c in s1["combined"]] == [
        ("Top two", 33, 89.2)
    ]
