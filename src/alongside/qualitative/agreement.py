"""Inter-coder agreement at segment level, per code and pooled over codes.

The unit is a segment (a speaker's turn, an open answer): for every segment a coder looked at,
each code is either applied (1) or not (0). A coder who never saw a segment is missing data,
not a 0. From that:

- percent agreement: agreeing coder pairs / all coder pairs, over segments seen by two or more;
- Cohen's kappa (exactly two coders, segments both saw), with its large-sample standard error
  (Fleiss, Cohen and Everitt 1969) and a Wald interval;
- Gwet's AC1 beside kappa, since kappa collapses for rare codes (the "kappa paradox");
- Krippendorff's alpha, nominal, any number of coders, missing data allowed (the
  ``krippendorff`` package computes the reported value).

Confidence intervals are percentile bootstraps over segments (a segment's codes move together),
with a fixed seed so a report is reproducible. "Pooled" stacks every segment x code decision.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

UNIT = "segment"
POOLED = "(all codes)"

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class Judgement:
    """The codes one coder applied to one segment (empty: looked at it, applied none)."""

    segment: str
    coder: str
    codes: frozenset[str]


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (or pooled over all codes); None where a figure is undefined."""

    code: str
    segments: int  # segments seen by at least two coders
    applied: int  # coder x segment applications of the code among them
    percent_agreement: float | None
    percent_ci: Interval | None
    kappa: float | None
    kappa_se: float | None
    kappa_ci: Interval | None  # Wald interval from the analytic standard error
    kappa_bootstrap_ci: Interval | None
    ac1: float | None
    alpha: float | None
    alpha_ci: Interval | None


@dataclass(frozen=True)
class AgreementReport:
    coders: tuple[str, ...]
    segments: int
    per_code: tuple[CodeAgreement, ...]
    pooled: CodeAgreement
    unit: str = UNIT
    confidence: float = 0.95
    resamples: int = 0
    seed: int = 0


def agreement(
    judgements: Iterable[Judgement],
    *,
    codes: Sequence[str] | None = None,
    confidence: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> AgreementReport:
    """Agreement between the coders of ``judgements``, per code and pooled.

    ``codes`` fixes which codes are reported and in what order (default: every code applied,
    sorted). ``resamples=0`` skips the bootstrap.
    """
    judgements = list(judgements)
    coders = tuple(sorted({j.coder for j in judgements}))
    segments = tuple(sorted({j.segment for j in judgements}))
    if codes is None:
        codes = sorted({code for j in judgements for code in j.codes})
    codes = tuple(codes)
    seg_index = {s: i for i, s in enumerate(segments)}
    coder_index = {c: i for i, c in enumerate(coders)}
    code_index = {c: i for i, c in enumerate(codes)}
    # data[code, segment, coder]: 1 applied, 0 not applied, nan not seen.
    data = np.full((len(codes), len(segments), len(coders)), np.nan)
    for j in judgements:
        s, c = seg_index[j.segment], coder_index[j.coder]
        data[:, s, c] = 0.0
        for code in j.codes:
            if code in code_index:
                data[code_index[code], s, c] = 1.0
    seen = (~np.isnan(data[0]) if codes else np.zeros((len(segments), len(coders)), bool)).sum(1)
    paired = seen >= 2
    rng = np.random.default_rng(seed)
    n = int(paired.sum())
    weights = (
        rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(float)
        if resamples and n
        else np.zeros((0, n))
    )
    per_code = tuple(
        _code_agreement(code, data[k][paired][None], len(coders), weights, confidence)
        for k, code in enumerate(codes)
    )
    pooled = _code_agreement(POOLED, data[:, paired], len(coders), weights, confidence)
    return AgreementReport(
        coders=coders,
        segments=n,
        per_code=per_code,
        pooled=pooled,
        confidence=confidence,
        resamples=resamples,
        seed=seed,
    )


def _code_agreement(
    code: str, block: Floats, coders: int, weights: Floats, confidence: float
) -> CodeAgreement:
    """Figures for ``block[code, segment, coder]`` (one code, or every code stacked)."""
    segments = block.shape[1]
    ones = (block == 1).sum(2).astype(float)  # [code, segment]
    zeros = (block == 0).sum(2).astype(float)
    total = ones + zeros
    # Per-segment sums over codes of each statistic's parts, so a bootstrap reweights segments.
    pairs = (total * (total - 1) / 2).sum(0)
    agreeing = (ones * (ones - 1) / 2 + zeros * (zeros - 1) / 2).sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mismatch = np.where(total >= 2, 2 * ones * zeros / (total - 1), 0.0).sum(0)
        counted_ones = np.where(total >= 2, ones, 0.0).sum(0)
        counted = np.where(total >= 2, total, 0.0).sum(0)
    full = np.ones((1, segments))
    percent = _ratio(full @ agreeing, full @ pairs)[0]
    alpha = _alpha_value(block) if segments else None
    alpha_boot = _alpha_from_parts(weights @ mismatch, weights @ counted_ones, weights @ counted)

    kappa = se = ac1 = None
    kappa_ci = kappa_boot_ci = None
    if coders == 2 and segments:
        a, b = block[..., 0], block[..., 1]
        cells = np.stack([((a == i) & (b == j)).sum(0) for i in (1, 0) for j in (1, 0)]).astype(
            float
        )  # [n11, n10, n01, n00] per segment
        kappa, se = _kappa_and_se(cells.sum(1))
        ac1 = _ac1(cells.sum(1))
        if kappa is not None and se is not None:
            z = float(norm.ppf(0.5 + confidence / 2))
            kappa_ci = Interval(max(-1.0, kappa - z * se), min(1.0, kappa + z * se))
        kappa_boot_ci = _percentile(_kappa_vector(weights @ cells.T), confidence)
    return CodeAgreement(
        code=code,
        segments=segments,
        applied=int(ones.sum()),
        percent_agreement=_number(percent),
        percent_ci=_percentile(_ratio(weights @ agreeing, weights @ pairs), confidence),
        kappa=kappa,
        kappa_se=se,
        kappa_ci=kappa_ci,
        kappa_bootstrap_ci=kappa_boot_ci,
        ac1=ac1,
        alpha=alpha,
        alpha_ci=_percentile(alpha_boot, confidence),
    )


def _alpha_value(block: Floats) -> float | None:
    """Krippendorff's nominal alpha from the reviewed package (coders x stacked units)."""
    reliability = block.reshape(-1, block.shape[2]).T
    values = reliability[~np.isnan(reliability)]
    if values.size == 0 or np.all(values == values[0]):
        return None  # one value only: no variation to agree on, alpha is undefined
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = krippendorff.alpha(
            reliability_data=reliability, level_of_measurement="nominal", value_domain=[0, 1]
        )
    return _number(float(value))


def _alpha_from_parts(mismatch: Floats, ones: Floats, counted: Floats) -> Floats:
    """Binary nominal alpha = 1 - (n - 1) * o01+o10 / (2 * n0 * n1), from coincidences."""
    zeros = counted - ones
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(1 - (counted - 1) * mismatch / (2 * ones * zeros), dtype=float)


def _kappa_and_se(cells: Floats) -> tuple[float | None, float | None]:
    """Cohen's kappa and its non-null standard error (Fleiss, Cohen & Everitt 1969)."""
    n = cells.sum()
    if n == 0:
        return None, None
    p = cells.reshape(2, 2) / n  # rows coder A (1, 0), columns coder B (1, 0)
    rows, cols = p.sum(1), p.sum(0)
    observed = float(np.trace(p))
    expected = float(rows @ cols)
    if expected >= 1:
        return None, None
    kappa = (observed - expected) / (1 - expected)
    diagonal = sum(p[i, i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(2))
    off = (
        sum(p[i, j] * (cols[i] + rows[j]) ** 2 for i in range(2) for j in range(2) if i != j)
        * (1 - kappa) ** 2
    )
    variance = (diagonal + off - (kappa - expected * (1 - kappa)) ** 2) / (n * (1 - expected) ** 2)
    return float(kappa), math.sqrt(max(float(variance), 0.0))


def _kappa_vector(cells: Floats) -> Floats:
    """Kappa for each row of [n11, n10, n01, n00] counts (for the bootstrap)."""
    n = cells.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (cells[:, 0] + cells[:, 3]) / n
        a1, b1 = (cells[:, 0] + cells[:, 1]) / n, (cells[:, 0] + cells[:, 2]) / n
        expected = a1 * b1 + (1 - a1) * (1 - b1)
        return np.asarray((observed - expected) / (1 - expected), dtype=float)


def _ac1(cells: Floats) -> float | None:
    """Gwet's AC1 for two coders and two categories."""
    n = cells.sum()
    if n == 0:
        return None
    observed = (cells[0] + cells[3]) / n
    prevalence = ((cells[0] + cells[1]) + (cells[0] + cells[2])) / (2 * n)
    expected = 2 * prevalence * (1 - prevalence)
    return float((observed - expected) / (1 - expected))


def _ratio(top: Floats, bottom: Floats) -> Floats:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(top / bottom, dtype=float)


def _percentile(values: Floats, confidence: float) -> Interval | None:
    finite = values[np.isfinite(values)]
    # Too few defined resamples (e.g. a code nobody used) give no honest interval.
    if finite.size < max(20, values.size // 2):
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return Interval(float(low), float(high))


def _number(value: float | np.floating) -> float | None:
    return float(value) if np.isfinite(value) else None
