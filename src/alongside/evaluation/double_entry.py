"""Comparing two keyings of the same paper form, and merging them once someone resolves them.

Pure: plain data in, plain data out. A keying (`Keyed`) is what one person typed for a form: the
participant code, the site and cohort codes, and one value per item (None when the item was left
blank on paper). Two keyings disagree on a field whenever their values differ; a blank against a
value is a disagreement too, since one of the two people misread the paper.

The participant code is held as its keyed digest (alongside.evaluation.pseudonym_key), never as
typed: two keyings name the same person when their digests are equal. The code itself travels
sealed (`participant_sealed`), compared by nobody, so that a verified form can register a new
participant without anyone opening it.

Fields are named `participant_code`, `site`, `cohort`, and `item-<code>` for an item (item codes
never hold a hyphen, so the names cannot collide).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

HEADER_FIELDS = ("participant_code", "site", "cohort")
ITEM_PREFIX = "item-"
Value = str | int | None


def item_field(code: str) -> str:
    return f"{ITEM_PREFIX}{code}"


def item_of(field_name: str) -> str | None:
    """The item code a field name stands for, or None for a header field."""
    return field_name[len(ITEM_PREFIX) :] if field_name.startswith(ITEM_PREFIX) else None


@dataclass(frozen=True)
class Keyed:
    participant_code: str  # the keyed digest of the code typed
    site: str
    cohort: str
    answers: Mapping[str, int | None] = field(default_factory=dict)
    participant_sealed: str = ""

    def value(self, field_name: str) -> Value:
        item = item_of(field_name)
        if item is not None:
            return self.answers.get(item)
        if field_name not in HEADER_FIELDS:
            raise KeyError(field_name)
        value: str = getattr(self, field_name)
        return value

    def fields(self) -> list[str]:
        return [*HEADER_FIELDS, *(item_field(code) for code in self.answers)]

    def to_json(self) -> dict[str, Any]:
        """How a keying is stored (`PaperEntry.answers`)."""
        return {
            "participant_digest": self.participant_code,
            "participant_sealed": self.participant_sealed,
            "site": self.site,
            "cohort": self.cohort,
            "items": dict(self.answers),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Keyed:
        return cls(
            participant_code=str(data["participant_digest"]),
            site=str(data["site"]),
            cohort=str(data["cohort"]),
            answers=dict(data["items"]),
            participant_sealed=str(data.get("participant_sealed", "")),
        )


@dataclass(frozen=True)
class Disagreement:
    field: str
    first: Value
    second: Value


def compare(first: Keyed, second: Keyed) -> list[Disagreement]:
    """Every field where the two keyings differ: header fields first, then items in the order
    the first keying lists them (then any only the second has)."""
    names = list(HEADER_FIELDS)
    items = list(first.answers) + [code for code in second.answers if code not in first.answers]
    names += [item_field(code) for code in items]
    return [
        Disagreement(name, first.value(name), second.value(name))
        for name in names
        if first.value(name) != second.value(name)
    ]


class ResolutionError(ValueError):
    """A resolution that leaves a disagreement open or picks a value neither person keyed."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.problems.items()))


def merge(first: Keyed, second: Keyed, choices: Mapping[str, Value]) -> Keyed:
    """The verified keying: where the two agree, their value; where they disagree, the choice.

    Every disagreement needs a choice, and a choice must be one of the two keyed values; a
    choice for a field they agree on is refused too (it would mean the page was out of date).
    """
    disagreements = {d.field: d for d in compare(first, second)}
    problems: dict[str, str] = {}
    for name, disagreement in disagreements.items():
        if name not in choices:
            problems[name] = "choose which entry is right"
        elif choices[name] not in (disagreement.first, disagreement.second):
            problems[name] = "choose one of the two entries' values"
    for name in choices:
        if name not in disagreements:
            problems[name] = "the entries agree here: there is nothing to choose"
    if problems:
        raise ResolutionError(problems)

    def final(name: str) -> Value:
        return choices[name] if name in disagreements else first.value(name)

    items = list(first.answers) + [code for code in second.answers if code not in first.answers]
    answers: dict[str, int | None] = {}
    for code in items:
        value = final(item_field(code))
        answers[code] = value if isinstance(value, int) else None
    participant = str(final("participant_code"))
    return Keyed(
        participant_code=participant,
        site=str(final("site")),
        cohort=str(final("cohort")),
        answers=answers,
        participant_sealed=(
            first.participant_sealed
            if participant == first.participant_code
            else second.participant_sealed
        ),
    )
