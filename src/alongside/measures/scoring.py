"""Scoring: pure functions from a definition and one person's answers to scores.

Rules, in the order they apply to each score (docs/formats/instrument.md, "Scoring"):

1. An answer is an option value of the item's scale, or None (not answered). An unscored option
   ("not applicable", "don't know") leaves the item out of the score altogether.
2. Reversed items are mirrored within their scale: value -> low + high - value.
3. If the score's missing-data rule is not met, there is no score (value None) and the status
   says why. Otherwise a sum with gaps is prorated: mean of the answered items x number of
   items, rounded half up to a whole number; a mean is the mean of the answered items.
4. `sum` adds, `mean` averages, `mean_x25` averages 0-4 answers and multiplies by 25 (0-100),
   `lookup` converts the (prorated) raw sum through the definition's table.

Arithmetic is exact (fractions) until the final value, so x.5 rounds the same way everywhere,
and a score can never leave the range the definition gives it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from alongside.measures.definitions import (
    Instrument,
    ItemKind,
    Scale,
    ScoreMethod,
    ScoreRule,
)

Answers = Mapping[str, int | None]


class AnswerError(ValueError):
    """The answers do not fit the definition; `problems` names each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class ScoreStatus(StrEnum):
    COMPLETE = "complete"  # every applicable item answered
    PRORATED = "prorated"  # some unanswered, estimated under the missing-data rule
    TOO_FEW_ANSWERS = "too_few_answers"  # the missing-data rule is not met: no score
    NOT_APPLICABLE = "not_applicable"  # every item was answered with an unscored option


@dataclass(frozen=True)
class ScoreResult:
    code: str
    value: float | None
    status: ScoreStatus
    items: int
    answered: int
    not_applicable: int
    unanswered: int
    raw: int | None = None  # the raw sum a lookup score converted
    band: str | None = None

    @property
    def prorated(self) -> bool:
        return self.status is ScoreStatus.PRORATED

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class ScoreSheet:
    """The scores of one administration, tied to the exact definition that produced them."""

    instrument: str
    version: str
    digest: str
    scores: tuple[ScoreResult, ...]

    def __getitem__(self, code: str) -> ScoreResult:
        for result in self.scores:
            if result.code == code:
                return result
        raise KeyError(f"no score {code!r}")

    def values(self) -> dict[str, float | None]:
        return {result.code: result.value for result in self.scores}


def reverse_value(scale: Scale, value: int) -> int:
    """Mirror a scored value within its scale (on 0-4, 0 <-> 4, 1 <-> 3)."""
    if not scale.is_scored(value):
        raise ValueError(f"{value} is not a scored value of scale {scale.code!r}")
    return scale.low + scale.high - value


def round_half_up(value: Fraction) -> int:
    """Round to the nearest whole number, halves upwards (40.5 -> 41), never to even."""
    return int((value + Fraction(1, 2)).__floor__())


def check_answers(instrument: Instrument, answers: Answers) -> list[str]:
    """Every way the answers do not fit the definition (empty when they fit)."""
    problems = []
    known = {item.code: item for item in instrument.items}
    for code, value in answers.items():
        item = known.get(code)
        where = f"{instrument.code} {instrument.version}: answer to '{code}'"
        if item is None:
            problems.append(f"{where}: no such item")
        elif item.kind is ItemKind.TEXT:
            problems.append(f"{where}: the item takes a written answer, which is never scored")
        elif value is None:
            continue
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: must be a whole number, got {value!r}")
        elif value not in instrument.item_scale(item).values:
            allowed = ", ".join(str(v) for v in sorted(instrument.item_scale(item).values))
            problems.append(f"{where}: {value} is not an option (options: {allowed})")
    return problems


def score_answers(instrument: Instrument, answers: Answers) -> ScoreSheet:
    """Score one administration; answers that do not fit the definition raise AnswerError."""
    problems = check_answers(instrument, answers)
    if problems:
        raise AnswerError(problems)
    return ScoreSheet(
        instrument=instrument.code,
        version=instrument.version,
        digest=instrument.digest,
        scores=tuple(score_rule(instrument, rule, answers) for rule in instrument.scores),
    )


def score_rule(instrument: Instrument, rule: ScoreRule, answers: Answers) -> ScoreResult:
    """One score from answers already checked with `check_answers`."""
    values: list[int] = []
    not_applicable = 0
    unanswered = 0
    for code in rule.items:
        item = instrument.item(code)
        scale = instrument.item_scale(item)
        answer = answers.get(code)
        if answer is None:
            unanswered += 1
        elif not scale.is_scored(answer):
            not_applicable += 1
        else:
            values.append(reverse_value(scale, answer) if item.reverse else answer)
    applicable = len(rule.items) - not_applicable

    def result(value: float | None, status: ScoreStatus, raw: int | None = None) -> ScoreResult:
        return ScoreResult(
            code=rule.code,
            value=value,
            status=status,
            items=len(rule.items),
            answered=len(values),
            not_applicable=not_applicable,
            unanswered=unanswered,
            raw=raw,
            band=None if value is None else band_for(rule, value),
        )

    if applicable == 0:
        return result(None, ScoreStatus.NOT_APPLICABLE)
    if not rule.missing.enough(len(values), applicable):
        return result(None, ScoreStatus.TOO_FEW_ANSWERS)
    status = ScoreStatus.PRORATED if unanswered else ScoreStatus.COMPLETE
    mean = Fraction(sum(values), len(values))
    raw: int | None = None
    if rule.method is ScoreMethod.MEAN:
        value = float(mean)
    elif rule.method is ScoreMethod.MEAN_X25:
        value = float(mean * 25)
    else:
        # Sums and lookups never have unscored options (the validator refuses them), so the
        # prorated sum stands for all the score's items.
        total = sum(values) if not unanswered else round_half_up(mean * len(rule.items))
        if rule.method is ScoreMethod.SUM:
            value = float(total)
        else:
            raw = total
            value = rule.lookup(total)
    return result(value, status, raw)


def band_for(rule: ScoreRule, value: float) -> str | None:
    """The label of the band holding the value, if the score has bands."""
    label = None
    for band in rule.bands:
        if value >= band.min:
            label = band.label
    return label
