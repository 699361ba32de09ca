"""Scoring: worked examples per shipped instrument, missing-data rules and properties."""

import copy
import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.measures.definitions import (
    Catalogue,
    Scale,
    ScaleOption,
    load_shipped_catalogue,
    parse_definition,
)
from alongside.measures.scoring import (
    AnswerError,
    ScoreStatus,
    check_answers,
    reverse_value,
    round_half_up,
    score_answers,
)

SHIPPED = load_shipped_catalogue()


def answers_for(code, values):
    instrument = SHIPPED.latest(code)
    scored = [item.code for item in instrument.items if item.scale is not None]
    return dict(zip(scored, values, strict=True))


# Worked examples: (instrument, answers in item order, score, value, status). Each value is
# worked by hand in the comment.
WORKED = [
    # (4+3+2+1+0)/5 = 2.0; x 25 = 50
    ("chime-support", [4, 3, 2, 1, 0], "total", 50.0, ScoreStatus.COMPLETE),
    # one unanswered: mean of the four answered, (4+4+3+3)/4 = 3.5; x 25 = 87.5
    ("chime-support", [4, 4, 3, 3, None], "total", 87.5, ScoreStatus.PRORATED),
    # two unanswered: fewer than min_answered 4
    ("chime-support", [4, 4, 3, None, None], "total", None, ScoreStatus.TOO_FEW_ANSWERS),
    # (1+2+3)/3 = 2; x 25 = 50 with 3 of 5 answered (at least half)
    ("brief-inspire", [1, 2, 3, None, None], "support", 50.0, ScoreStatus.PRORATED),
    # 2 of 5 = 0.4 is less than half
    ("brief-inspire", [4, 4, None, None, None], "support", None, ScoreStatus.TOO_FEW_ANSWERS),
    # 15 x 3 = 45
    ("qpr-15", [3] * 15, "total", 45.0, ScoreStatus.COMPLETE),
    # 13 answered: 12 x 3 + 2 = 38; 38 / 13 x 15 = 43.846...; rounds to 44
    ("qpr-15", [3] * 12 + [2, None, None], "total", 44.0, ScoreStatus.PRORATED),
    # 14 answered summing 21 (seven 3s, seven 0s): 21 / 14 x 15 = 22.5; half up gives 23
    ("qpr-15", [3] * 7 + [0] * 7 + [None], "total", 23.0, ScoreStatus.PRORATED),
    # 12 answered: fewer than 13
    ("qpr-15", [4] * 12 + [None] * 3, "total", None, ScoreStatus.TOO_FEW_ANSWERS),
    # raw 7 x 3 = 21
    ("swemwbs", [3] * 7, "raw", 21.0, ScoreStatus.COMPLETE),
    # raw 21 converts to 19.25 in the table
    ("swemwbs", [3] * 7, "metric", 19.25, ScoreStatus.COMPLETE),
    # raw 1+2+3+4+5+5+5 = 25 converts to 22.35
    ("swemwbs", [1, 2, 3, 4, 5, 5, 5], "metric", 22.35, ScoreStatus.COMPLETE),
    ("swemwbs", [1] * 7, "metric", 7.0, ScoreStatus.COMPLETE),
    ("swemwbs", [5] * 7, "metric", 35.0, ScoreStatus.COMPLETE),
    # no prorating for SWEMWBS: one gap, no score
    ("swemwbs", [5] * 6 + [None], "metric", None, ScoreStatus.TOO_FEW_ANSWERS),
    # SQOL = mean of the 8 life items: (1+2+3+4+5+6+7+4)/8 = 4.0; TS = (7+6+5)/3 = 6.0
    ("dialog", [1, 2, 3, 4, 5, 6, 7, 4, 7, 6, 5], "sqol", 4.0, ScoreStatus.COMPLETE),
    ("dialog", [1, 2, 3, 4, 5, 6, 7, 4, 7, 6, 5], "ts", 6.0, ScoreStatus.COMPLETE),
    ("dialog", [4] * 10 + [None], "ts", None, ScoreStatus.TOO_FEW_ANSWERS),
    ("ons4", [8, 9, 4, 1], "life_satisfaction", 8.0, ScoreStatus.COMPLETE),
    ("ons4", [8, 9, 4, 1], "anxiety", 1.0, ScoreStatus.COMPLETE),
    ("ons4", [8, None, 4, 1], "worthwhile", None, ScoreStatus.TOO_FEW_ANSWERS),
]


@pytest.mark.parametrize(("code", "values", "score", "value", "status"), WORKED)
def test_worked_examples(code, values, score, value, status):
    result = score_answers(SHIPPED.latest(code), answers_for(code, values))[score]
    assert result.status is status
    assert result.value == (pytest.approx(value) if value is not None else None)
    assert result.prorated is (status is ScoreStatus.PRORATED)
    assert result.missing is (value is None)


def test_a_lookup_records_the_raw_sum_it_converted():
    result = score_answers(SHIPPED.latest("swemwbs"), answers_for("swemwbs", [2] * 7))["metric"]
    assert (result.raw, result.value) == (14, 15.32)


@pytest.mark.parametrize(
    ("values", "bands"),
    [
        # life satisfaction, worthwhile, happiness: 0-4 low, 5-6 medium, 7-8 high, 9-10 very
        # high; anxiety: 0-1 very low, 2-3 low, 4-5 medium, 6-10 high (ONS thresholds)
        ([4, 5, 8, 1], ("low", "medium", "high", "very low")),
        ([9, 10, 6, 2], ("very high", "very high", "medium", "low")),
        ([0, 7, 5, 6], ("low", "high", "medium", "high")),
        ([3, 3, 3, 5], ("low", "low", "low", "medium")),
    ],
)
def test_ons4_bands(values, bands):
    sheet = score_answers(SHIPPED.latest("ons4"), answers_for("ons4", values))
    assert tuple(r.band for r in sheet.scores) == bands


def test_a_sheet_names_the_exact_definition_that_scored_it():
    instrument = SHIPPED.latest("qpr-15")
    sheet = score_answers(instrument, answers_for("qpr-15", [2] * 15))
    assert (sheet.instrument, sheet.version, sheet.digest) == ("qpr-15", "1.0", instrument.digest)
    assert sheet.values() == {"total": 30.0}
    with pytest.raises(KeyError):
        sheet["nope"]


# --- a small definition with reversed items and "not applicable" --------------------------------


def small(**score):
    return parse_definition(
        {
            "code": "small",
            "title": "Small",
            "version": "1.0",
            "scales": [
                {
                    "code": "s",
                    "options": [{"value": v, "label": str(v)} for v in range(5)]
                    + [{"value": 9, "label": "Not important to me", "scored": False}],
                }
            ],
            "items": [
                {"code": "a", "text": "A", "scale": "s"},
                {"code": "b", "text": "B", "scale": "s", "reverse": True},
                {"code": "c", "text": "C", "scale": "s"},
                {"code": "d", "text": "D", "scale": "s"},
            ],
            "scores": [{"code": "x", "method": "mean_x25", **score}],
        },
        source="small.yaml",
    )


@pytest.mark.parametrize(
    ("answers", "value", "status", "counts"),
    [
        # b is reversed: 1 -> 3. (4 + 3 + 2 + 3) / 4 = 3.0; x 25 = 75
        ({"a": 4, "b": 1, "c": 2, "d": 3}, 75.0, ScoreStatus.COMPLETE, (4, 0, 0)),
        # d not applicable: left out of numerator and denominator. (4 + 3 + 2) / 3 x 25 = 75
        ({"a": 4, "b": 1, "c": 2, "d": 9}, 75.0, ScoreStatus.COMPLETE, (3, 1, 0)),
        # every item not applicable
        ({"a": 9, "b": 9, "c": 9, "d": 9}, None, ScoreStatus.NOT_APPLICABLE, (0, 4, 0)),
        # complete answers are required by default: one gap, no score
        ({"a": 4, "b": 1, "c": 2}, None, ScoreStatus.TOO_FEW_ANSWERS, (3, 0, 1)),
    ],
)
def test_reversed_and_not_applicable_items(answers, value, status, counts):
    result = score_answers(small(), answers)["x"]
    assert (result.value, result.status) == (value, status)
    assert (result.answered, result.not_applicable, result.unanswered) == counts


def test_a_fraction_rule_counts_only_applicable_items():
    instrument = small(missing={"min_answered_fraction": 0.5})
    # 2 applicable (c, d not applicable), 1 answered: 1/2 meets a half. b reversed: 0 -> 4.
    result = score_answers(instrument, {"b": 0, "c": 9, "d": 9})["x"]
    assert (result.value, result.status) == (100.0, ScoreStatus.PRORATED)
    # 4 applicable, 1 answered: 1/4 does not.
    assert score_answers(instrument, {"a": 2})["x"].status is ScoreStatus.TOO_FEW_ANSWERS


def test_answers_that_do_not_fit_are_refused_with_every_fault():
    survey = SHIPPED.latest("su-experience")
    with pytest.raises(AnswerError) as info:
        score_answers(survey, {"valued": 7, "nope": 1, "better": 2, "hope": True, "heard": None})
    assert info.value.problems == (
        "su-experience 1.0: answer to 'valued': 7 is not an option (options: 0, 1, 2, 3, 4)",
        "su-experience 1.0: answer to 'nope': no such item",
        "su-experience 1.0: answer to 'better': the item takes a written answer, which is never "
        "scored",
        "su-experience 1.0: answer to 'hope': must be a whole number, got True",
    )
    assert check_answers(survey, {"valued": 4, "heard": None}) == []


def test_old_administrations_keep_scoring_by_their_own_version():
    old = SHIPPED.latest("qpr-15")
    data = {
        "code": "qpr-15",
        "title": old.title,
        "version": "2.0",
        "licence": {"ships_text": False, "note": old.licence.note},
        "scales": [{"code": "agree5", "options": [{"value": v} for v in range(5)]}],
        "items": [{"code": item.code, "scale": "agree5"} for item in old.items],
        # The new version stops prorating.
        "scores": [{"code": "total", "method": "sum"}],
    }
    catalogue = Catalogue([old, parse_definition(data, source="qpr-15-2.0.yaml")])
    answers = answers_for("qpr-15", [3] * 13 + [None, None])
    then = score_answers(catalogue.get("qpr-15", "1.0"), answers)
    now = score_answers(catalogue.latest("qpr-15"), answers)
    assert (then.version, then["total"].value) == ("1.0", 45.0)
    assert (now.version, now["total"].value) == ("2.0", None)
    assert then.digest != now.digest


# --- properties ---------------------------------------------------------------------------------


@st.composite
def symmetric_scales(draw):
    low = draw(st.integers(-5, 5))
    high = draw(st.integers(low + 1, low + 10))
    return Scale(code="s", options=tuple(ScaleOption(v) for v in range(low, high + 1)))


@settings(deadline=None)
@given(symmetric_scales(), st.data())
def test_reverse_scoring_twice_is_identity(scale, data):
    value = data.draw(st.sampled_from(scale.scored_values))
    once = reverse_value(scale, value)
    assert scale.is_scored(once)
    assert reverse_value(scale, once) == value
    assert once - scale.low == scale.high - value


def test_reversing_an_unscored_value_is_refused():
    scale = small().scale("s")
    with pytest.raises(ValueError, match="9 is not a scored value"):
        reverse_value(scale, 9)


@settings(deadline=None)
@given(st.fractions(min_value=-1000, max_value=1000))
def test_round_half_up_rounds_to_nearest_and_halves_up(x):
    rounded = round_half_up(x)
    assert abs(x - rounded) <= Fraction(1, 2)
    if x - int(x) in (Fraction(1, 2), Fraction(-1, 2)):
        assert rounded == x + Fraction(1, 2)


SCORED = [(instrument, rule) for instrument in SHIPPED for rule in instrument.scores]


@pytest.mark.parametrize(
    ("instrument", "rule"), SCORED, ids=[f"{i.code}:{r.code}" for i, r in SCORED]
)
@settings(deadline=None)
@given(data=st.data())
def test_a_score_never_leaves_its_range(instrument, rule, data):
    answers = {}
    for code in rule.items:
        scale = instrument.item_scale(instrument.item(code))
        answers[code] = data.draw(st.none() | st.sampled_from(sorted(scale.values)))
    result = score_answers(instrument, answers)[rule.code]
    if result.value is not None:
        assert rule.low <= result.value <= rule.high
        assert result.answered >= 1


@settings(deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2, 3, 4, None]), min_size=15, max_size=15), st.data())
def test_raising_one_answer_never_lowers_a_prorated_sum(values, data):
    qpr = SHIPPED.latest("qpr-15")
    answers = answers_for("qpr-15", values)
    before = score_answers(qpr, answers)["total"].value
    answered = [code for code, value in answers.items() if value is not None and value < 4]
    if before is None or not answered:
        return
    code = data.draw(st.sampled_from(answered))
    raised = copy.copy(answers)
    raised[code] += 1
    assert score_answers(qpr, raised)["total"].value >= before


def test_the_swemwbs_conversion_table_is_complete_increasing_and_fixed_at_the_ends():
    rule = SHIPPED.latest("swemwbs").score("metric")
    raws = [raw for raw, _ in rule.table]
    metrics = [metric for _, metric in rule.table]
    assert raws == list(range(7, 36))
    assert all(a < b for a, b in itertools.pairwise(metrics))
    assert (rule.lookup(7), rule.lookup(35)) == (7.0, 35.0)
    assert len(metrics) == 29
