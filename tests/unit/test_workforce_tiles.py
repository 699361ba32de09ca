"""Pure parts of the workforce tiles and the pulse instrument."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.measures.definitions import ItemKind, ScoreMethod
from alongside.measures.scoring import AnswerError, ScoreStatus
from alongside.workforce.actions.exchange import candidate_names, mentioned_usernames
from alongside.workforce.pulse import NO, SOMEWHAT, YES, pulse_instrument, score_pulse
from alongside.workforce.tiles import gap_label, share


@pytest.mark.parametrize(
    ("kit", "label"),
    [
        ((True, True, True, True), "fully equipped"),
        ((False, False, False, False), "nothing"),
        ((False, False, True, False), "phone only"),
        ((True, False, False, False), "desk only"),
        ((True, True, True, False), "no printer"),
        ((False, False, True, True), "no desk, no computer"),
    ],
)
def test_gap_labels(kit, label):
    desk, computer, phone, printer = kit
    assert gap_label(desk=desk, computer=computer, phone=phone, printer=printer) == label


@given(st.integers(0, 1000), st.integers(1, 1000))
def test_share_is_a_fraction(part, whole):
    assert share(part, whole) == part / whole


def test_share_of_nothing_is_none():
    assert share(0, 0) is None


def test_the_pulse_is_a_valid_measures_definition_of_yes_somewhat_no_questions():
    instrument = pulse_instrument()
    assert instrument.code == "role-pulse"
    assert all(item.kind is ItemKind.CHOICE for item in instrument.items)
    labels = [o.label for o in instrument.scale("yes_somewhat_no").options]
    assert labels == ["Yes", "Somewhat", "No"]
    assert instrument.score("understanding").method is ScoreMethod.MEAN_X25


@pytest.mark.parametrize(
    ("answers", "score", "status"),
    [
        ((YES, YES, YES, YES), 100.0, ScoreStatus.COMPLETE),
        ((NO, NO, NO, NO), 0.0, ScoreStatus.COMPLETE),
        ((YES, SOMEWHAT, NO, SOMEWHAT), 50.0, ScoreStatus.COMPLETE),
        ((YES, YES, None, SOMEWHAT), pytest.approx(83.333, abs=0.01), ScoreStatus.PRORATED),
        ((YES, None, None, NO), None, ScoreStatus.TOO_FEW_ANSWERS),
    ],
)
def test_pulse_scoring(answers, score, status):
    codes = [item.code for item in pulse_instrument().items]
    result = score_pulse(dict(zip(codes, answers, strict=True)))["understanding"]
    assert result.value == score
    assert result.status is status


def test_an_answer_off_the_scale_is_refused():
    with pytest.raises(AnswerError):
        score_pulse({"purpose_clear": 3})


def test_candidate_names_are_words_and_word_pairs_in_lower_case():
    assert {"mary", "ann", "mary ann"} <= candidate_names("Met Mary Ann today.")
    assert "jo" not in candidate_names("Jo said hi")


def test_mentions_are_read_from_at_signs_not_emails():
    assert mentioned_usernames("Thanks @psw2 and @lead. Mail me at a@b.ie") == ["lead", "psw2"]
