"""The readiness score: a pure function of a team's checklist."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.workforce.readiness import (
    WEIGHTS,
    Checklist,
    missing_items,
    readiness_band,
    readiness_score,
)

NOTHING = Checklist(False, 0, False, False, False, False, False)
EVERYTHING = Checklist(True, 100, True, True, True, True, True)


def test_the_weights_add_up_to_one_hundred():
    assert sum(WEIGHTS.values()) == 100


@pytest.mark.parametrize(
    ("checklist", "score", "band"),
    [
        (NOTHING, 0, "not ready"),
        (EVERYTHING, 100, "ready"),
        (Checklist(True, 0, False, False, False, False, False), 20, "not ready"),
        (Checklist(False, 50, False, False, False, False, False), 8, "not ready"),  # 7.5 rounds up
        (Checklist(True, 40, True, True, False, False, False), 56, "partly ready"),
        (Checklist(True, 100, True, True, False, True, False), 80, "ready"),
        (Checklist(True, 60, True, True, True, False, False), 69, "partly ready"),
        (Checklist(True, 70, True, True, True, False, False), 71, "ready"),
        (Checklist(False, 100, True, True, True, True, True), 80, "ready"),
    ],
)
def test_scores_and_bands(checklist, score, band):
    assert readiness_score(checklist) == score
    assert readiness_band(score) == band


def test_missing_items_names_what_is_not_in_place():
    checklist = Checklist(True, 80, False, True, True, False, True)
    assert missing_items(checklist) == [
        "staff_trained_percent",
        "management_endorsement",
        "supervision_arranged",
    ]
    assert missing_items(EVERYTHING) == []


@pytest.mark.parametrize("percent", [-1, 101])
def test_a_share_outside_0_to_100_is_refused(percent):
    with pytest.raises(ValueError, match="0-100"):
        readiness_score(Checklist(True, percent, True, True, True, True, True))


checklists = st.builds(
    Checklist,
    st.booleans(),
    st.integers(0, 100),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)


@given(checklists)
def test_score_is_within_range(checklist):
    assert 0 <= readiness_score(checklist) <= 100


@given(checklists, st.sampled_from([n for n in WEIGHTS if n != "staff_trained_percent"]))
def test_putting_an_item_in_place_never_lowers_the_score(checklist, name):
    before = Checklist(**{**checklist.__dict__, name: False})
    after = Checklist(**{**checklist.__dict__, name: True})
    assert readiness_score(after) - readiness_score(before) == WEIGHTS[name]


@given(checklists, st.integers(0, 100))
def test_more_staff_trained_never_lowers_the_score(checklist, more):
    lower = min(checklist.staff_trained_percent, more)
    higher = max(checklist.staff_trained_percent, more)
    low = Checklist(**{**checklist.__dict__, "staff_trained_percent": lower})
    high = Checklist(**{**checklist.__dict__, "staff_trained_percent": higher})
    assert readiness_score(low) <= readiness_score(high)
