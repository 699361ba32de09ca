"""Inter-coder agreement (qualitative/agreement.py) against values worked out by hand."""

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.qualitative.agreement import (
    POOLED,
    Interval,
    Judgement,
    _alpha_from_parts,
    agreement,
)


def judgements(applied: dict[str, dict[str, set[int]]], segments: range) -> list[Judgement]:
    """applied[coder][code] = segment numbers the coder gave that code; all saw every segment."""
    return [
        Judgement(
            f"s{s:02}",
            coder,
            frozenset(code for code, where in by_code.items() if s in where),
        )
        for coder, by_code in applied.items()
        for s in segments
    ]


# Two coders, ten segments. Hope: A on 1-4, B on 1-3 and 5. Connect: A on 6-7, B on 6-8.
TWO_CODERS = judgements(
    {
        "A": {"Hope": {1, 2, 3, 4}, "Connect": {6, 7}},
        "B": {"Hope": {1, 2, 3, 5}, "Connect": {6, 7, 8}},
    },
    range(1, 11),
)


def test_two_coders_one_code_by_hand():
    # Hope table: both 3, A only 1, B only 1, neither 5 (n = 10).
    # p_o = 8/10 = 0.8. Each coder applied it 4/10: p_e = .4*.4 + .6*.6 = 0.52.
    # kappa = (0.8 - 0.52) / (1 - 0.52) = 0.28 / 0.48 = 0.583333.
    # SE (Fleiss, Cohen, Everitt 1969), with 1 - kappa = 0.416667:
    #   diagonal .3*(1 - .8*.416667)^2 + .5*(1 - 1.2*.416667)^2 = .133333 + .125 = .258333
    #   off-diagonal (.1*(.4+.6)^2 + .1*(.6+.4)^2) * .416667^2 = .2 * .173611 = .034722
    #   minus (kappa - p_e*(1 - kappa))^2 = (.583333 - .216667)^2 = .134444
    #   var = .158611 / (10 * .48^2) = .068842, SE = .262377
    # Wald 95%: .583333 +- 1.959964 * .262377 = (.069084, 1.097583) -> upper clipped to 1.
    # AC1: prevalence (.4 + .4)/2 = .4, p_e = 2*.4*.6 = .48, AC1 = (.8 - .48)/.52 = .615385.
    # Alpha: 20 values, 8 ones and 12 zeros; segments 4 and 5 each add 2 mismatched
    #   coincidences: alpha = 1 - 19 * 4 / (2 * 12 * 8) = 1 - 76/192 = .604167.
    hope = agreement(TWO_CODERS, codes=["Hope"]).per_code[0]
    assert hope.segments == 10
    assert hope.applied == 8
    assert hope.percent_agreement == pytest.approx(0.8)
    assert hope.kappa == pytest.approx(0.583333, abs=1e-6)
    assert hope.kappa_se == pytest.approx(0.262377, abs=1e-6)
    assert hope.kappa_ci == Interval(pytest.approx(0.069084, abs=1e-6), 1.0)
    assert hope.ac1 == pytest.approx(0.615385, abs=1e-6)
    assert hope.alpha == pytest.approx(0.604167, abs=1e-6)


def test_pooled_stacks_every_segment_code_decision():
    # Connect table: both 2, A only 0, B only 1, neither 7.
    # Pooled with Hope: both 5, A only 1, B only 2, neither 12 (n = 20).
    # p_o = 17/20 = .85; A applied 6/20 = .3, B 7/20 = .35;
    # p_e = .3*.35 + .7*.65 = .105 + .455 = .56; kappa = (.85 - .56)/.44 = .659091.
    # Alpha: 40 values, 13 ones, 27 zeros, 3 disagreeing segments x 2 coincidences:
    #   1 - 39 * 6 / (2 * 27 * 13) = 1 - 234/702 = .666667.
    report = agreement(TWO_CODERS)
    assert report.coders == ("A", "B")
    assert [c.code for c in report.per_code] == ["Connect", "Hope"]
    connect = report.per_code[0]
    assert connect.percent_agreement == pytest.approx(0.9)
    # Connect: p_e = .2*.3 + .8*.7 = .62, kappa = (.9 - .62)/.38 = .736842.
    assert connect.kappa == pytest.approx(0.736842, abs=1e-6)
    pooled = report.pooled
    assert pooled.code == POOLED
    assert pooled.percent_agreement == pytest.approx(0.85)
    assert pooled.kappa == pytest.approx(0.659091, abs=1e-6)
    assert pooled.alpha == pytest.approx(2 / 3, abs=1e-6)


def test_three_coders_with_missing_data_by_hand():
    # s1: all three applied; s2: A yes, B no, C did not see it; s3: all three did not apply;
    # s4: only A saw it, so it is not comparable and drops out.
    # Percent: agreeing pairs 3 + 0 + 3 of 3 + 1 + 3 = 6/7 = .857143.
    # Alpha: 8 pairable values, 4 ones, 4 zeros; s2 adds 2 mismatched coincidences:
    #   1 - 7 * 2 / (2 * 4 * 4) = 1 - 14/32 = .5625.
    data = [
        Judgement("s1", "A", frozenset({"Hope"})),
        Judgement("s1", "B", frozenset({"Hope"})),
        Judgement("s1", "C", frozenset({"Hope"})),
        Judgement("s2", "A", frozenset({"Hope"})),
        Judgement("s2", "B", frozenset()),
        Judgement("s3", "A", frozenset()),
        Judgement("s3", "B", frozenset()),
        Judgement("s3", "C", frozenset()),
        Judgement("s4", "A", frozenset({"Hope"})),
    ]
    report = agreement(data, resamples=0)
    hope = report.per_code[0]
    assert report.segments == 3
    assert hope.percent_agreement == pytest.approx(6 / 7)
    assert hope.alpha == pytest.approx(0.5625)
    assert hope.kappa is None  # Cohen's kappa is for exactly two coders
    assert hope.ac1 is None
    assert hope.percent_ci is None  # no bootstrap asked for


@pytest.mark.parametrize(
    ("a", "b", "kappa", "percent"),
    [
        # Perfect agreement with both categories present: kappa 1.
        ({1, 2}, {1, 2}, 1.0, 1.0),
        # Exactly opposite on every segment: p_o = 0, p_e = .5*.5*2 = .5, kappa = -1.
        ({1, 2}, {3, 4}, -1.0, 0.0),
        # Independent-looking: A {1,2}, B {1,3}: p_o = 2/4, p_e = .5, kappa = 0.
        ({1, 2}, {1, 3}, 0.0, 0.5),
    ],
)
def test_kappa_table(a, b, kappa, percent):
    data = judgements({"A": {"X": a}, "B": {"X": b}}, range(1, 5))
    result = agreement(data, resamples=0).per_code[0]
    assert result.kappa == pytest.approx(kappa)
    assert result.percent_agreement == pytest.approx(percent)


def test_a_code_nobody_used_has_no_kappa_or_alpha_but_full_agreement():
    data = judgements({"A": {"X": {1}}, "B": {"X": {1}}}, range(1, 5))
    unused = agreement(data, codes=["Y"]).per_code[0]
    assert unused.percent_agreement == 1.0
    assert unused.kappa is None
    assert unused.alpha is None
    assert unused.alpha_ci is None


def test_bootstrap_is_reproducible_and_brackets_the_estimate():
    first = agreement(TWO_CODERS, resamples=500, seed=7).pooled
    again = agreement(TWO_CODERS, resamples=500, seed=7).pooled
    other = agreement(TWO_CODERS, resamples=500, seed=8).pooled
    assert first == again
    assert first.alpha_ci != other.alpha_ci
    for value, interval in [
        (first.percent_agreement, first.percent_ci),
        (first.kappa, first.kappa_bootstrap_ci),
        (first.alpha, first.alpha_ci),
    ]:
        assert interval is not None
        assert interval.low <= value <= interval.high
        assert interval.high - interval.low > 0.05  # 10 segments: wide, honestly


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([0.0, 1.0, math.nan]), min_size=3, max_size=3),
        min_size=2,
        max_size=25,
    )
)
def test_bootstrap_alpha_formula_matches_the_krippendorff_package(rows):
    units = np.array(rows)  # [segment, coder]
    values = units[~np.isnan(units)]
    pairable = (~np.isnan(units)).sum(1) >= 2
    if values.size == 0 or len(set(units[pairable][~np.isnan(units[pairable])])) < 2:
        return  # alpha is undefined without variation among pairable values
    ones = np.nansum(units == 1, axis=1)
    zeros = np.nansum(units == 0, axis=1)
    total = ones + zeros
    with np.errstate(divide="ignore", invalid="ignore"):
        mismatch = np.where(total >= 2, 2 * ones * zeros / (total - 1), 0).sum()
    ours = _alpha_from_parts(
        np.array([mismatch]),
        np.array([np.where(total >= 2, ones, 0).sum()]),
        np.array([np.where(total >= 2, total, 0).sum()]),
    )[0]
    theirs = krippendorff.alpha(
        reliability_data=units.T, level_of_measurement="nominal", value_domain=[0, 1]
    )
    assert ours == pytest.approx(theirs)
