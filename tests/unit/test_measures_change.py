"""Change statistics against worked examples with known answers, and their properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from alongside.measures.change import (
    ChangeCategory,
    ChangeDirection,
    CutoffCriterion,
    classify_change,
    classify_with_norms,
    clinical_cutoff,
    cutoff_from_norms,
    difference,
    median_interval,
    paired_summaries,
    paired_summary,
    reliable_change,
    reliable_change_half_width,
    standard_error_of_difference,
    standard_error_of_measurement,
    summarise_classifications,
    wilcoxon_signed_rank,
    wilson_interval,
)
from alongside.measures.definitions import Better, ChangeNorms, Norm, load_shipped_catalogue

SHIPPED = load_shipped_catalogue()

# --- reliable change index ----------------------------------------------------------------------


def test_rci_worked_example_sd_10_r_08():
    # SE_diff = 10 x sqrt(2) x sqrt(1 - 0.8) = 10 x 1.414214 x 0.447214 = 6.324555
    # RCI = 15 / 6.324555 = 2.371708 > 1.96: reliable improvement
    rc = reliable_change(40, 55, sd=10, reliability=0.8)
    assert rc.se_difference == pytest.approx(6.324555, abs=1e-6)
    assert rc.rci == pytest.approx(2.371708, abs=1e-6)
    assert rc.reliable
    assert rc.direction is ChangeDirection.IMPROVED
    # band half-width 1.96 x 6.324555 = 12.396128 points
    assert reliable_change_half_width(10, 0.8) == pytest.approx(12.396128, abs=1e-6)


def test_rci_worked_example_from_the_research_note():
    # SD 5, r 0.84: SE = 5 x sqrt(0.16) = 2.000; S_diff = 2 x sqrt(2) = 2.828; RC = 1.96 x
    # 2.828 = 5.544 points
    assert standard_error_of_measurement(5, 0.84) == pytest.approx(2.000, abs=5e-4)
    assert standard_error_of_difference(5, 0.84) == pytest.approx(2.828, abs=5e-4)
    assert reliable_change_half_width(5, 0.84) == pytest.approx(5.544, abs=5e-4)


@pytest.mark.parametrize(
    ("pre", "post", "better", "direction"),
    [
        (40, 55, Better.HIGHER, ChangeDirection.IMPROVED),
        (40, 55, Better.LOWER, ChangeDirection.DETERIORATED),
        (55, 40, Better.LOWER, ChangeDirection.IMPROVED),
        # 12 / 6.324555 = 1.897 < 1.96: not reliable either way
        (40, 52, Better.HIGHER, ChangeDirection.NO_RELIABLE_CHANGE),
        (52, 40, Better.LOWER, ChangeDirection.NO_RELIABLE_CHANGE),
    ],
)
def test_the_direction_of_good_change_is_configurable(pre, post, better, direction):
    rc = reliable_change(pre, post, sd=10, reliability=0.8, better=better)
    assert rc.direction is direction


def test_shipped_norms_give_the_expected_reliable_change():
    # QPR-15: SD 10, test-retest 0.74: S_diff = 10 x sqrt(2) x sqrt(0.26) = 7.2111;
    # RC = 1.96 x 7.2111 = 14.134 points
    qpr = SHIPPED.latest("qpr-15").score("total").change
    assert reliable_change_half_width(qpr.sd, qpr.reliability) == pytest.approx(14.134, abs=1e-3)
    # SWEMWBS: the derived reliability must give back the published SEM of 1.03 points:
    # 3.92 x sqrt(1 - 0.931) = 3.92 x 0.26268 = 1.0297
    swemwbs = SHIPPED.latest("swemwbs").score("metric").change
    sem = standard_error_of_measurement(swemwbs.sd, swemwbs.reliability)
    assert sem == pytest.approx(1.03, abs=0.005)


@pytest.mark.parametrize(("sd", "reliability"), [(0, 0.8), (-1, 0.8), (10, 0), (10, 1), (10, 1.2)])
def test_impossible_norms_are_refused(sd, reliability):
    with pytest.raises(ValueError, match="must be"):
        reliable_change(1, 2, sd=sd, reliability=reliability)


scores = st.floats(-100, 100, allow_nan=False)
sds = st.floats(0.1, 50)
reliabilities = st.floats(0.01, 0.99)


@settings(deadline=None)
@given(scores, scores, sds, reliabilities)
def test_rci_is_antisymmetric(pre, post, sd, r):
    forward = reliable_change(pre, post, sd=sd, reliability=r)
    backward = reliable_change(post, pre, sd=sd, reliability=r)
    assert forward.rci == -backward.rci
    assert forward.reliable == backward.reliable


# --- clinically significant change --------------------------------------------------------------


def test_cutoff_c_worked_example_equal_sds():
    # (3.9 x 23.5 + 3.9 x 19.3) / (3.9 + 3.9) = (91.65 + 75.27) / 7.8 = 21.4
    c = clinical_cutoff(
        CutoffCriterion.C, clinical=Norm(mean=19.3, sd=3.9), general=Norm(mean=23.5, sd=3.9)
    )
    assert c == pytest.approx(21.4)


@pytest.mark.parametrize(
    ("criterion", "better", "cutoff"),
    [
        # clinical mean 10 SD 4, general mean 20 SD 6
        (CutoffCriterion.A, Better.HIGHER, 18.0),  # 10 + 2 x 4
        (CutoffCriterion.A, Better.LOWER, 2.0),  # 10 - 2 x 4
        (CutoffCriterion.B, Better.HIGHER, 8.0),  # 20 - 2 x 6
        (CutoffCriterion.B, Better.LOWER, 32.0),  # 20 + 2 x 6
        (CutoffCriterion.C, Better.HIGHER, 14.0),  # (4 x 20 + 6 x 10) / (4 + 6)
        (CutoffCriterion.C, Better.LOWER, 14.0),  # c does not depend on direction
    ],
)
def test_cutoff_criteria_with_unequal_sds(criterion, better, cutoff):
    clinical, general = Norm(mean=10, sd=4), Norm(mean=20, sd=6)
    assert clinical_cutoff(criterion, clinical=clinical, general=general, better=better) == cutoff


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (CutoffCriterion.A, "criterion a needs the clinical"),
        (CutoffCriterion.B, "criterion b needs the general"),
        (CutoffCriterion.C, "criterion c needs both"),
    ],
)
def test_a_cutoff_without_its_norms_is_refused(criterion, message):
    with pytest.raises(ValueError, match=message):
        clinical_cutoff(criterion)


# SD 10, r 0.8 (S_diff 6.3246, reliable beyond 12.396 points), cut-off 50, higher is better.
CLASSIFIED = [
    # +15: reliable; 40 is on the clinical side, 55 beyond 50
    (40, 55, ChangeCategory.RECOVERED, True, True),
    # +15: reliable, but 45 is still below the cut-off
    (30, 45, ChangeCategory.IMPROVED, True, False),
    # +15: reliable, but started beyond the cut-off: cannot recover
    (55, 70, ChangeCategory.IMPROVED, False, True),
    # +14: RCI 2.214, reliable; ends exactly at the cut-off, which is not beyond it
    (36, 50, ChangeCategory.IMPROVED, True, False),
    # +12: crosses the cut-off but RCI 1.897 is not reliable
    (40, 52, ChangeCategory.UNCHANGED, True, True),
    # -15: reliable deterioration
    (60, 45, ChangeCategory.DETERIORATED, False, False),
]


@pytest.mark.parametrize(("pre", "post", "category", "started", "ended"), CLASSIFIED)
def test_classification_worked_examples(pre, post, category, started, ended):
    result = classify_change(pre, post, sd=10, reliability=0.8, cutoff=50)
    assert result.category is category
    assert (result.started_in_clinical_range, result.ended_in_general_range) == (started, ended)


def test_classification_when_lower_is_better_and_without_a_cutoff():
    # -15 with lower better: reliable improvement from 60 (clinical side of 50) to 45
    lower = classify_change(60, 45, sd=10, reliability=0.8, better=Better.LOWER, cutoff=50)
    assert lower.category is ChangeCategory.RECOVERED
    none = classify_change(40, 55, sd=10, reliability=0.8)
    assert none.category is ChangeCategory.IMPROVED
    assert none.started_in_clinical_range is None


def test_classify_with_norms_uses_the_given_cutoff_or_computes_c():
    given_cutoff = ChangeNorms(
        sd=10, reliability=0.8, reliability_kind="test_retest", source="s", cutoff=50
    )
    assert classify_with_norms(40, 55, given_cutoff).category is ChangeCategory.RECOVERED
    from_norms = ChangeNorms(
        sd=10,
        reliability=0.8,
        reliability_kind="test_retest",
        source="s",
        clinical=Norm(mean=40, sd=10),
        general=Norm(mean=60, sd=10),
    )
    assert cutoff_from_norms(from_norms, Better.HIGHER) == 50
    # Only clinical norms: criterion c is impossible, criterion a is 40 + 2 x 10 = 60
    clinical_only = ChangeNorms(
        sd=10, reliability=0.8, reliability_kind="test_retest", source="s", clinical=Norm(40, 10)
    )
    assert cutoff_from_norms(clinical_only, Better.HIGHER) is None
    assert cutoff_from_norms(clinical_only, Better.HIGHER, CutoffCriterion.A) == 60
    assert classify_with_norms(40, 55, clinical_only).category is ChangeCategory.IMPROVED


@settings(deadline=None)
@given(scores, scores, sds, reliabilities, st.none() | scores)
def test_classification_is_consistent(pre, post, sd, r, cutoff):
    higher = classify_change(pre, post, sd=sd, reliability=r, cutoff=cutoff)
    # Mirroring every score and the direction of good change changes nothing.
    mirrored = classify_change(
        -pre,
        -post,
        sd=sd,
        reliability=r,
        better=Better.LOWER,
        cutoff=None if cutoff is None else -cutoff,
    )
    assert mirrored.category is higher.category
    # Running time backwards turns improvement into deterioration.
    backwards = classify_change(post, pre, sd=sd, reliability=r, cutoff=cutoff)
    improved = {ChangeCategory.RECOVERED, ChangeCategory.IMPROVED}
    assert (higher.category in improved) == (backwards.category is ChangeCategory.DETERIORATED)
    if higher.category is ChangeCategory.RECOVERED:
        assert higher.change.reliable
        assert higher.started_in_clinical_range
        assert higher.ended_in_general_range


def test_a_summary_of_classifications_counts_and_excludes_the_ineligible_from_recovery():
    results = [
        classify_change(pre, post, sd=10, reliability=0.8, cutoff=50)
        for pre, post, *_ in CLASSIFIED
    ]
    summary = summarise_classifications(results)
    assert summary.total == 6
    assert summary.counts == {
        ChangeCategory.RECOVERED: 1,
        ChangeCategory.IMPROVED: 3,
        ChangeCategory.UNCHANGED: 1,
        ChangeCategory.DETERIORATED: 1,
    }
    # four started on the clinical side (40, 30, 36, 40); one of them recovered
    assert (summary.recovered_of_eligible.count, summary.recovered_of_eligible.total) == (1, 4)
    assert (summary.reliable_improvement.count, summary.reliable_improvement.total) == (4, 6)
    assert summary.shares[ChangeCategory.UNCHANGED].estimate == pytest.approx(1 / 6)


# --- Wilson score interval ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "total", "estimate", "low", "high"),
    [
        # 38/50: p = 0.76, z^2 = 3.841459; centre 0.76 + 0.038415 = 0.798415; spread
        # 1.959964 x sqrt(0.76 x 0.24 / 50 + 3.841459 / 10000) = 1.959964 x 0.063499 = 0.124455;
        # divide by 1 + 0.076829: (0.673960, 0.922870) / 1.076829 = (0.6259, 0.8570)
        (38, 50, 0.76, 0.6259, 0.8570),
        # the research note's values
        (8, 10, 0.8, 0.4902, 0.9433),
        (0, 5, 0.0, 0.0, 0.4345),
        (5, 5, 1.0, 0.5655, 1.0),
        (45, 60, 0.75, 0.6277, 0.8422),
    ],
)
def test_wilson_worked_examples(count, total, estimate, low, high):
    p = wilson_interval(count, total)
    assert p.estimate == pytest.approx(estimate)
    assert p.low == pytest.approx(low, abs=5e-5)
    assert p.high == pytest.approx(high, abs=5e-5)


def test_wilson_edges():
    assert wilson_interval(0, 5).low == 0.0
    assert wilson_interval(5, 5).high == 1.0
    empty = wilson_interval(0, 0)
    assert (empty.estimate, empty.low, empty.high) == (None, None, None)
    with pytest.raises(ValueError, match="count <= total"):
        wilson_interval(6, 5)
    with pytest.raises(ValueError, match="confidence level"):
        wilson_interval(1, 5, confidence=1.5)


@settings(deadline=None)
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_agrees_with_scipy_and_stays_in_0_1(count_total):
    count, total = count_total
    ours = wilson_interval(count, total)
    theirs = stats.binomtest(count, total).proportion_ci(method="wilson")
    assert ours.low == pytest.approx(theirs.low, abs=1e-9)
    assert ours.high == pytest.approx(theirs.high, abs=1e-9)
    assert 0 <= ours.low <= ours.estimate <= ours.high <= 1


# --- Wilcoxon signed-rank -----------------------------------------------------------------------


def test_wilcoxon_exact_worked_example():
    # SciPy's documentation example (Darwin's Zea mays differences), 15 pairs, no ties or zeros.
    # |d| ranks 1..15 in order; the negatives -48 and -67 have ranks 10 and 14, so W- = 24 and
    # W+ = 120 - 24 = 96. Exact two-sided p = 0.041259765625 (SciPy docs: statistic 24.0).
    # Z = (96 - 15 x 16 / 4) / sqrt(15 x 16 x 31 / 24) = 36 / 17.6068 = 2.0447
    d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
    w = wilcoxon_signed_rank(d)
    assert (w.w_plus, w.w_minus, w.statistic, w.n, w.zeros) == (96, 24, 24, 15, 0)
    assert w.p_value == pytest.approx(0.041259765625, abs=1e-12)
    assert w.method == "exact"
    assert w.z == pytest.approx(2.0447, abs=5e-5)


def _enumerated_p(differences):
    """Two-sided p by listing every sign assignment of the non-zero differences."""
    nonzero = [d for d in differences if d != 0]
    ranks = stats.rankdata(np.abs(nonzero))
    total = ranks.sum()
    observed = ranks[np.array(nonzero) > 0].sum()
    extreme = min(observed, total - observed)
    signs = (np.arange(2 ** len(nonzero))[:, None] >> np.arange(len(nonzero))) & 1
    w = signs @ ranks
    return float(np.mean((w <= extreme) | (w >= total - extreme)))


def test_wilcoxon_worked_example_with_ties_and_zeros():
    # 20 pairs: eight +1, four +2, two +3, three -1, three 0. Zeros dropped: n = 17.
    # |d| = 1 (x11) takes ranks 1-11, average 6; 2 (x4) ranks 12-15, average 13.5;
    # 3 (x2) ranks 16-17, average 16.5. W+ = 8 x 6 + 4 x 13.5 + 2 x 16.5 = 135; W- = 3 x 6 = 18.
    # Z: mean 17 x 18 / 4 = 76.5; variance 17 x 18 x 35 / 24 = 446.25 minus ties
    # (1320 + 60 + 6) / 48 = 28.875 gives 417.375, SD 20.42976; Z = 58.5 / 20.42976 = 2.86347.
    # p is exact over the 2^17 sign assignments: 476 of 131072 are as extreme, 0.0036316
    d = [1] * 8 + [2] * 4 + [3] * 2 + [-1] * 3 + [0] * 3
    w = wilcoxon_signed_rank(d)
    assert (w.w_plus, w.w_minus, w.n, w.zeros) == (135, 18, 17, 3)
    assert w.z == pytest.approx(2.86347, abs=5e-6)
    assert w.method == "exact, conditional on the tied ranks"
    assert w.p_value == _enumerated_p(d) == 476 / 2**17
    # SciPy's own asymptotic statistic agrees with our signed Z in size
    scipy_z = stats.wilcoxon(d, method="asymptotic").zstatistic
    assert abs(scipy_z) == pytest.approx(w.z)


def test_wilcoxon_normal_approximation_worked_example():
    # 60 pairs: thirty +1, fifteen +2, ten -1, five 0. Zeros dropped: n = 55 (> 50).
    # |d| = 1 (x40) ranks 1-40, average 20.5; 2 (x15) ranks 41-55, average 48.
    # W+ = 30 x 20.5 + 15 x 48 = 1335; W- = 10 x 20.5 = 205; mean 55 x 56 / 4 = 770.
    # Variance 55 x 56 x 111 / 24 = 14245 minus ties (63960 + 3360) / 48 = 1402.5 gives
    # 12842.5, SD 113.32475. Z = 565 / 113.32475 = 4.98567; p = 2 x (1 - Phi(4.98567)) = 6.1747e-7
    d = [1] * 30 + [2] * 15 + [-1] * 10 + [0] * 5
    w = wilcoxon_signed_rank(d)
    assert (w.w_plus, w.w_minus, w.n, w.zeros) == (1335, 205, 55, 5)
    assert w.z == pytest.approx(4.98567, abs=5e-6)
    assert w.p_value == pytest.approx(6.1747e-7, rel=1e-4)
    assert w.method == "normal approximation, tie-corrected"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=1, max_size=14))
def test_exact_p_matches_enumerating_every_sign_assignment(differences):
    w = wilcoxon_signed_rank(differences)
    if w is None:
        assert all(d == 0 for d in differences)
        return
    assert w.p_value == pytest.approx(min(1.0, _enumerated_p(differences)), abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.sets(st.integers(1, 200), min_size=1, max_size=50), st.data())
def test_exact_p_without_ties_matches_scipy(magnitudes, data):
    differences = [m * data.draw(st.sampled_from([1, -1])) for m in sorted(magnitudes)]
    ours = wilcoxon_signed_rank(differences)
    theirs = stats.wilcoxon(differences, method="exact")
    assert ours.method == "exact"
    assert ours.statistic == theirs.statistic
    assert ours.p_value == pytest.approx(float(theirs.pvalue), abs=1e-12)


def test_wilcoxon_with_every_difference_zero_is_none():
    assert wilcoxon_signed_rank([0, 0, 0]) is None
    assert wilcoxon_signed_rank([]) is None


# --- confidence interval for the median change --------------------------------------------------


def test_median_interval_worked_example_n_10():
    # B ~ Binomial(10, 1/2): P(B <= 1) = 11/1024 = 0.0107 <= 0.025 but P(B <= 2) = 56/1024 =
    # 0.0547 > 0.025, so k = 2: the interval is [x(2), x(9)], coverage 1 - 2 x 11/1024 = 0.978516
    values = [7, 1, 9, 3, 5, 2, 8, 4, 10, 6]
    interval = median_interval(values)
    assert (interval.low, interval.high) == (2, 9)
    assert interval.coverage == pytest.approx(0.978515625)


def test_median_interval_needs_six_values_at_95_percent():
    # n = 5: P(B <= 0) = 1/32 = 0.03125 > 0.025; n = 6: 1/64 = 0.0156 is small enough
    assert median_interval([1, 2, 3, 4, 5]) is None
    interval = median_interval([1, 2, 3, 4, 5, 6])
    assert (interval.low, interval.high) == (1, 6)
    assert interval.coverage == pytest.approx(1 - 2 / 64)


@settings(deadline=None)
@given(st.lists(st.integers(-10, 10), min_size=6, max_size=60))
def test_median_interval_agrees_with_scipy_quantile_test(values):
    ours = median_interval(values)
    theirs = stats.quantile_test(values, q=0, p=0.5).confidence_interval(0.95)
    assert (ours.low, ours.high) == (theirs.low, theirs.high)
    assert ours.coverage >= 0.95
    assert ours.low <= statistics_median(values) <= ours.high


def statistics_median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return (ordered[middle] + ordered[~middle]) / 2


# --- paired summaries ---------------------------------------------------------------------------


def test_paired_summary_worked_example():
    pre = [10, 12, 9, 15, 11, 14, 8, 13, 10, 12]
    post = [14, 13, 9, 18, 15, 13, 12, 16, 11, 17]
    # d = 4, 1, 0, 3, 4, -1, 4, 3, 1, 5; sorted -1, 0, 1, 1, 3, 3, 4, 4, 4, 5
    s = paired_summary([*zip(pre, post, strict=True), (12, None), (None, None)])
    assert (s.n, s.incomplete) == (10, 2)
    # medians: pre (11 + 12) / 2; post (13 + 14) / 2; change (3 + 3) / 2
    assert (s.median_pre, s.median_post, s.median_change) == (11.5, 13.5, 3.0)
    # n = 10: [d(2), d(9)] = [0, 4]
    assert (s.median_change_ci.low, s.median_change_ci.high) == (0, 4)
    assert (s.increased, s.decreased, s.unchanged) == (8, 1, 1)
    # mean 24 / 10 = 2.4; squared deviations sum to 36.4, SD = sqrt(36.4 / 9) = 2.011080
    assert s.mean_change == pytest.approx(2.4)
    assert s.sd_change == pytest.approx(2.011080, abs=1e-6)
    # d_z = 2.4 / 2.011080 = 1.193388
    assert s.cohens_dz == pytest.approx(1.193388, abs=1e-6)
    # Wilcoxon on the 9 non-zero: |d| 1 (x3) ranks 1-3 avg 2; 3 (x2) ranks 4-5 avg 4.5;
    # 4 (x3) ranks 6-8 avg 7; 5 rank 9. W- = 2 (the -1), W+ = 45 - 2 = 43.
    # Exact: 8 of the 512 sign assignments of these ranks are as extreme, p = 0.015625.
    w = s.wilcoxon
    assert (w.w_plus, w.w_minus, w.n, w.zeros) == (43, 2, 9, 1)
    assert w.p_value == pytest.approx(0.015625)
    assert w.method == "exact, conditional on the tied ranks"
    # Z = (43 - 22.5) / sqrt(71.25 - (24 + 6 + 24) / 48) = 20.5 / 8.374067 = 2.448034;
    # r = 2.448034 / sqrt(10) = 0.774136; rank-biserial (43 - 2) / 45 = 0.911111
    assert w.z == pytest.approx(2.448034, abs=1e-6)
    assert s.effect_size_r == pytest.approx(0.774136, abs=1e-6)
    assert s.rank_biserial == pytest.approx(0.911111, abs=1e-6)
    assert s.notes == ()
    assert "zero differences" in s.method


@pytest.mark.parametrize(
    ("pairs", "n", "notes"),
    [
        ([], 0, ("no complete pairs",)),
        ([(1, None), (None, 3)], 0, ("no complete pairs",)),
        (
            [(10, 14)],
            1,
            (
                "one pair: no SD, effect size or test",
                "too few pairs for a 95% interval for the median change",
            ),
        ),
        (
            [(10, 10), (12, 12), (9, 9)],
            3,
            (
                "every difference is zero: no test",
                "too few pairs for a 95% interval for the median change",
                "every difference is the same: d_z is undefined",
            ),
        ),
    ],
)
def test_small_and_degenerate_groups_give_clear_results(pairs, n, notes):
    s = paired_summary(pairs)
    assert s.n == n
    assert s.notes == notes
    assert s.wilcoxon is None
    assert s.effect_size_r is None
    assert s.cohens_dz is None


def test_identical_non_zero_changes_are_tested_but_have_no_d_z():
    s = paired_summary([(1, 3)] * 8)
    assert s.median_change == 2
    assert s.wilcoxon.w_plus == 36
    assert s.rank_biserial == 1
    assert s.cohens_dz is None
    assert s.notes == ("every difference is the same: d_z is undefined",)


def test_equal_decimal_changes_tie_exactly():
    # In binary floating point 22.35 - 21.54 and 20.73 - 19.92 differ in the last bits; as
    # written they are both 0.81 and must share a rank.
    assert 22.35 - 21.54 != 20.73 - 19.92
    assert difference(21.54, 22.35) == difference(19.92, 20.73) == 0.81


def test_summaries_per_group():
    groups = {
        "Team A": [(10, 14), (12, 15), (9, 9), (11, 16), (10, 13), (8, 12)],
        "Team B": [(20, 18)],
    }
    result = paired_summaries(groups)
    assert list(result) == ["Team A", "Team B"]
    assert result["Team A"].n == 6
    assert result["Team A"].median_change_ci is not None
    assert result["Team B"].median_change == -2


@settings(deadline=None)
@given(st.lists(st.tuples(scores, scores), min_size=0, max_size=40))
def test_paired_summary_never_crashes_and_keeps_its_invariants(pairs):
    s = paired_summary(pairs)
    assert s.increased + s.decreased + s.unchanged == s.n
    if s.wilcoxon is not None:
        assert 0 <= s.wilcoxon.p_value <= 1
        assert -1 <= s.rank_biserial <= 1
        assert math.isclose(
            s.wilcoxon.w_plus + s.wilcoxon.w_minus, s.wilcoxon.n * (s.wilcoxon.n + 1) / 2
        )
    if s.median_change_ci is not None:
        assert s.median_change_ci.low <= s.median_change <= s.median_change_ci.high
