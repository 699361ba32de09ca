"""Change statistics: reliable and clinically significant change, paired pre/post summaries.

Every method choice here is fixed and stated, because reports must say how a number was made
(docs/formats/instrument.md, "Change statistics"):

- Reliable change (Jacobson & Truax 1991): SE_diff = SD x sqrt(2) x sqrt(1 - r);
  RCI = (post - pre) / SE_diff; reliable when |RCI| > 1.96. The band half-width for charts is
  1.96 x SE_diff.
- Clinically significant change: recovered (reliable improvement that starts on the clinical
  side of the cut-off and ends beyond it), improved (other reliable improvement), unchanged,
  deteriorated (reliable change the wrong way). A score equal to the cut-off counts as the
  clinical side. Cut-off criteria a, b and c as in Jacobson & Truax.
- Paired summaries use differences post - pre of complete pairs only. The median change is the
  median of the differences (not the difference of medians). Wilcoxon signed-rank: zero
  differences are dropped (Wilcoxon's method, as SPSS and SciPy's default do); tied absolute
  differences get average ranks. With at most 50 non-zero differences p is exact: counted over
  every sign assignment of the ranks, which with ties is the exact distribution conditional on
  the tied ranks. Above 50, the normal approximation with tie correction and no continuity
  correction.
- Effect sizes: r = Z / sqrt(N), Z the signed normal-approximation statistic above and N every
  complete pair (zeros included); the matched-pairs rank-biserial (W+ - W-) / (W+ + W-); and
  Cohen's d_z = mean change / SD of change.
- The confidence interval for the median change is distribution-free: order statistics chosen
  from the binomial(n, 1/2) distribution (the sign-test interval). Its coverage is at least the
  level asked for, and is reported; it needs at least 6 pairs for 95%.
- Proportions get Wilson score intervals.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from scipy import stats

from alongside.measures.definitions import Better, ChangeNorms, Norm

RCI_Z = 1.96
EXACT_MAX_PAIRS = 50

PAIRED_METHOD = (
    "differences post - pre of complete pairs; Wilcoxon signed-rank dropping zero differences, "
    "average ranks for ties, exact p over every sign assignment of the ranks (conditional on "
    "ties) up to 50 non-zero differences, above that normal approximation with tie correction "
    "and no continuity correction; r = Z/sqrt(N) with N = complete pairs; "
    "rank-biserial (W+ - W-)/(W+ + W-); "
    "Cohen's d_z = mean/SD of the differences; median change CI from binomial order statistics"
)


# --- reliable and clinically significant change -------------------------------------------------


def _check_norms(sd: float, reliability: float) -> None:
    if not sd > 0:
        raise ValueError(f"the SD must be above 0, got {sd}")
    if not 0 < reliability < 1:
        raise ValueError(f"the reliability must be between 0 and 1 (exclusive), got {reliability}")


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    _check_norms(sd, reliability)
    return sd * math.sqrt(1 - reliability)


def standard_error_of_difference(sd: float, reliability: float) -> float:
    """SE of the difference of two scores: sqrt(2) x SEM (the Christensen & Mendoza fix)."""
    return math.sqrt(2) * standard_error_of_measurement(sd, reliability)


def reliable_change_half_width(sd: float, reliability: float, z: float = RCI_Z) -> float:
    """Points a score must move to be reliable change: the half-width of the chart band."""
    return z * standard_error_of_difference(sd, reliability)


class ChangeDirection(StrEnum):
    IMPROVED = "improved"
    DETERIORATED = "deteriorated"
    NO_RELIABLE_CHANGE = "no_reliable_change"


@dataclass(frozen=True)
class ReliableChange:
    pre: float
    post: float
    change: float
    se_difference: float
    rci: float
    reliable: bool
    direction: ChangeDirection


def reliable_change(
    pre: float, post: float, *, sd: float, reliability: float, better: Better = Better.HIGHER
) -> ReliableChange:
    se_diff = standard_error_of_difference(sd, reliability)
    change = post - pre
    rci = change / se_diff
    reliable = abs(rci) > RCI_Z
    towards_better = change > 0 if better is Better.HIGHER else change < 0
    if not reliable:
        direction = ChangeDirection.NO_RELIABLE_CHANGE
    elif towards_better:
        direction = ChangeDirection.IMPROVED
    else:
        direction = ChangeDirection.DETERIORATED
    return ReliableChange(pre, post, change, se_diff, rci, reliable, direction)


class CutoffCriterion(StrEnum):
    A = "a"  # beyond 2 SD of the clinical mean, towards the better side
    B = "b"  # within 2 SD of the general population mean
    C = "c"  # weighted midpoint of the two means (preferred when both norms exist)


def clinical_cutoff(
    criterion: CutoffCriterion,
    *,
    clinical: Norm | None = None,
    general: Norm | None = None,
    better: Better = Better.HIGHER,
) -> float:
    """Jacobson & Truax's cut-off from the clinical and general (functional) population norms."""
    sign = 1 if better is Better.HIGHER else -1
    if criterion is CutoffCriterion.A:
        if clinical is None:
            raise ValueError("criterion a needs the clinical population's mean and SD")
        return clinical.mean + sign * 2 * clinical.sd
    if criterion is CutoffCriterion.B:
        if general is None:
            raise ValueError("criterion b needs the general population's mean and SD")
        return general.mean - sign * 2 * general.sd
    if clinical is None or general is None:
        raise ValueError("criterion c needs both the clinical and the general population norms")
    return (clinical.sd * general.mean + general.sd * clinical.mean) / (clinical.sd + general.sd)


def cutoff_from_norms(
    norms: ChangeNorms, better: Better, criterion: CutoffCriterion = CutoffCriterion.C
) -> float | None:
    """The definition's own cut-off if it gives one, else the criterion's, else None."""
    if norms.cutoff is not None:
        return norms.cutoff
    try:
        return clinical_cutoff(
            criterion, clinical=norms.clinical, general=norms.general, better=better
        )
    except ValueError:
        return None


class ChangeCategory(StrEnum):
    RECOVERED = "recovered"
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DETERIORATED = "deteriorated"


@dataclass(frozen=True)
class ChangeClassification:
    category: ChangeCategory
    change: ReliableChange
    cutoff: float | None
    # None when there is no cut-off; a person who starts beyond it can improve but not recover.
    started_in_clinical_range: bool | None
    ended_in_general_range: bool | None


def beyond_cutoff(score: float, cutoff: float, better: Better) -> bool:
    """On the general (functional) side; a score equal to the cut-off is not."""
    return score > cutoff if better is Better.HIGHER else score < cutoff


def classify_change(
    pre: float,
    post: float,
    *,
    sd: float,
    reliability: float,
    better: Better = Better.HIGHER,
    cutoff: float | None = None,
) -> ChangeClassification:
    rc = reliable_change(pre, post, sd=sd, reliability=reliability, better=better)
    started = None if cutoff is None else not beyond_cutoff(pre, cutoff, better)
    ended = None if cutoff is None else beyond_cutoff(post, cutoff, better)
    if rc.direction is ChangeDirection.DETERIORATED:
        category = ChangeCategory.DETERIORATED
    elif rc.direction is ChangeDirection.NO_RELIABLE_CHANGE:
        category = ChangeCategory.UNCHANGED
    elif started and ended:
        category = ChangeCategory.RECOVERED
    else:
        category = ChangeCategory.IMPROVED
    return ChangeClassification(category, rc, cutoff, started, ended)


def classify_with_norms(
    pre: float,
    post: float,
    norms: ChangeNorms,
    *,
    better: Better = Better.HIGHER,
    criterion: CutoffCriterion = CutoffCriterion.C,
) -> ChangeClassification:
    return classify_change(
        pre,
        post,
        sd=norms.sd,
        reliability=norms.reliability,
        better=better,
        cutoff=cutoff_from_norms(norms, better, criterion),
    )


# --- proportions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proportion:
    count: int
    total: int
    estimate: float | None
    low: float | None
    high: float | None
    confidence: float


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"the confidence level must be between 0 and 1, got {confidence}")
    return statistics.NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(count: int, total: int, confidence: float = 0.95) -> Proportion:
    """The Wilson score interval, which stays inside 0-1 and behaves at 0 and at `total`."""
    if total < 0 or not 0 <= count <= total:
        raise ValueError(f"need 0 <= count <= total, got {count} of {total}")
    z = _z(confidence)
    if total == 0:
        return Proportion(count, total, None, None, None, confidence)
    p = count / total
    z2 = z * z
    centre = p + z2 / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    scale = 1 + z2 / total
    # At 0 and at `total` the bound is exactly 0 or 1; float rounding must not say otherwise.
    low = 0.0 if count == 0 else (centre - spread) / scale
    high = 1.0 if count == total else (centre + spread) / scale
    return Proportion(count, total, p, low, high, confidence)


@dataclass(frozen=True)
class ClassificationSummary:
    total: int
    counts: Mapping[ChangeCategory, int]
    shares: Mapping[ChangeCategory, Proportion]  # each category out of everyone
    reliable_improvement: Proportion  # recovered or improved, out of everyone
    # Recovery is possible only for people who started in the clinical range (J&T): they are
    # the denominator here, and nobody is eligible without a cut-off.
    recovered_of_eligible: Proportion


def summarise_classifications(
    results: Sequence[ChangeClassification], confidence: float = 0.95
) -> ClassificationSummary:
    counts = Counter(result.category for result in results)
    total = len(results)
    eligible = sum(1 for result in results if result.started_in_clinical_range)
    return ClassificationSummary(
        total=total,
        counts={category: counts[category] for category in ChangeCategory},
        shares={
            category: wilson_interval(counts[category], total, confidence)
            for category in ChangeCategory
        },
        reliable_improvement=wilson_interval(
            counts[ChangeCategory.RECOVERED] + counts[ChangeCategory.IMPROVED], total, confidence
        ),
        recovered_of_eligible=wilson_interval(
            counts[ChangeCategory.RECOVERED], eligible, confidence
        ),
    )


# --- paired pre/post summaries ------------------------------------------------------------------


@dataclass(frozen=True)
class WilcoxonResult:
    n: int  # non-zero differences, the ones ranked
    zeros: int  # zero differences, dropped
    w_plus: float
    w_minus: float
    statistic: float  # min(W+, W-), as tables and SciPy report it
    p_value: float  # two-sided
    method: str
    z: float  # signed normal approximation (tie-corrected): positive when increases dominate


def wilcoxon_signed_rank(differences: Sequence[float]) -> WilcoxonResult | None:
    """Two-sided Wilcoxon signed-rank test of the differences; None if every one is zero."""
    nonzero = [d for d in differences if d != 0]
    n = len(nonzero)
    if n == 0:
        return None
    absolute = [abs(d) for d in nonzero]
    ranks = [float(r) for r in stats.rankdata(absolute)]
    w_plus = sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0)
    w_minus = sum(r for r, d in zip(ranks, nonzero, strict=True) if d < 0)
    tie_sizes = Counter(absolute).values()
    variance = n * (n + 1) * (2 * n + 1) / 24 - sum(t**3 - t for t in tie_sizes) / 48
    z = (w_plus - n * (n + 1) / 4) / math.sqrt(variance)
    if n <= EXACT_MAX_PAIRS:
        p_value = exact_signed_rank_p(ranks, w_plus)
        has_ties = any(t > 1 for t in tie_sizes)
        method = "exact, conditional on the tied ranks" if has_ties else "exact"
    else:
        result = stats.wilcoxon(nonzero, correction=False, method="asymptotic")
        p_value = float(result.pvalue)
        method = "normal approximation, tie-corrected"
    return WilcoxonResult(
        n=n,
        zeros=len(differences) - n,
        w_plus=w_plus,
        w_minus=w_minus,
        statistic=min(w_plus, w_minus),
        p_value=p_value,
        method=method,
        z=z,
    )


def exact_signed_rank_p(ranks: Sequence[float], w_plus: float) -> float:
    """Two-sided p of W+ over all 2^n equally likely sign assignments of these ranks.

    Average ranks are multiples of 1/2, so doubled they are whole numbers and the null
    distribution of W+ is counted exactly (a subset-sum count), ties and all. Without ties this
    is the classical exact distribution.
    """
    doubled = [round(2 * r) for r in ranks]
    counts = [1] + [0] * sum(doubled)
    for step in doubled:
        for total in range(len(counts) - 1, step - 1, -1):
            counts[total] += counts[total - step]
    observed = round(2 * w_plus)
    lower = sum(counts[: observed + 1])
    upper = sum(counts[observed:])
    return float(min(Fraction(1), Fraction(2 * min(lower, upper), 2 ** len(ranks))))


@dataclass(frozen=True)
class MedianInterval:
    low: float
    high: float
    coverage: float  # achieved, at least the level asked for
    method: str = "distribution-free, binomial order statistics (sign-test interval)"


def median_interval(values: Sequence[float], confidence: float = 0.95) -> MedianInterval | None:
    """CI for a median from order statistics; None when n is too small for the level."""
    _z(confidence)  # validates the level
    n = len(values)
    tail_allowed = (1 - Fraction(str(confidence))) / 2
    tail = Fraction(0)
    k = 0  # the interval is [x_(k), x_(n-k+1)], 1-based
    for j in range(n):
        tail += Fraction(math.comb(n, j), 2**n)
        if tail > tail_allowed:
            break
        k = j + 1
    if k == 0:
        return None
    ordered = sorted(values)
    below = sum((Fraction(math.comb(n, j), 2**n) for j in range(k)), Fraction(0))
    return MedianInterval(
        low=float(ordered[k - 1]), high=float(ordered[n - k]), coverage=float(1 - 2 * below)
    )


@dataclass(frozen=True)
class PairedSummary:
    n: int  # complete pairs
    incomplete: int  # pairs left out because one score is missing
    median_pre: float | None
    median_post: float | None
    median_change: float | None
    median_change_ci: MedianInterval | None
    mean_change: float | None
    sd_change: float | None
    increased: int
    decreased: int
    unchanged: int
    wilcoxon: WilcoxonResult | None
    effect_size_r: float | None
    rank_biserial: float | None
    cohens_dz: float | None
    notes: tuple[str, ...]
    method: str = PAIRED_METHOD


def difference(pre: float, post: float) -> float:
    """post - pre on the decimal values as written, so equal changes tie exactly in ranking."""
    return float(Fraction(repr(float(post))) - Fraction(repr(float(pre))))


def paired_summary(
    pairs: Sequence[tuple[float | None, float | None]], confidence: float = 0.95
) -> PairedSummary:
    """Summarise pre/post scores of one group; pairs with a missing score are counted, not used."""
    complete = [(pre, post) for pre, post in pairs if pre is not None and post is not None]
    n = len(complete)
    incomplete = len(pairs) - n
    if n == 0:
        return PairedSummary(
            n=0,
            incomplete=incomplete,
            median_pre=None,
            median_post=None,
            median_change=None,
            median_change_ci=None,
            mean_change=None,
            sd_change=None,
            increased=0,
            decreased=0,
            unchanged=0,
            wilcoxon=None,
            effect_size_r=None,
            rank_biserial=None,
            cohens_dz=None,
            notes=("no complete pairs",),
        )
    notes = []
    diffs = [difference(pre, post) for pre, post in complete]
    sd_change = statistics.stdev(diffs) if n >= 2 else None
    if sd_change is None:
        notes.append("one pair: no SD, effect size or test")
    mean_change = statistics.fmean(diffs)
    test = wilcoxon_signed_rank(diffs) if n >= 2 else None
    if n >= 2 and test is None:
        notes.append("every difference is zero: no test")
    interval = median_interval(diffs, confidence)
    if interval is None:
        notes.append(f"too few pairs for a {confidence:.0%} interval for the median change")
    cohens_dz = mean_change / sd_change if sd_change else None
    if sd_change == 0:
        notes.append("every difference is the same: d_z is undefined")
    return PairedSummary(
        n=n,
        incomplete=incomplete,
        median_pre=float(statistics.median(pre for pre, _ in complete)),
        median_post=float(statistics.median(post for _, post in complete)),
        median_change=float(statistics.median(diffs)),
        median_change_ci=interval,
        mean_change=mean_change,
        sd_change=sd_change,
        increased=sum(1 for d in diffs if d > 0),
        decreased=sum(1 for d in diffs if d < 0),
        unchanged=sum(1 for d in diffs if d == 0),
        wilcoxon=test,
        effect_size_r=test.z / math.sqrt(n) if test else None,
        rank_biserial=(test.w_plus - test.w_minus) / (test.w_plus + test.w_minus) if test else None,
        cohens_dz=cohens_dz,
        notes=tuple(notes),
    )


def paired_summaries(
    groups: Mapping[str, Sequence[tuple[float | None, float | None]]], confidence: float = 0.95
) -> dict[str, PairedSummary]:
    """One summary per team, region or programme (the caller decides the grouping)."""
    return {name: paired_summary(pairs, confidence) for name, pairs in groups.items()}
