"""An online survey as a sequence of screens, and the checks on what one screen posts.

A survey for one cohort is: a consent screen; then the cohort's instruments, one block of
questions per screen (an instrument's own grouping, its subscales, where it has one; otherwise
at most `BLOCK_SIZE` items at a time); then a screen to check the answers and send them.

Only scale (choice) items are asked: a study response holds scale values, as imports and paper
entry do. Every question may be left unanswered (missing), so the only answer a screen refuses
is one that is not on the item's scale (a tampered or stale form).

Answers so far (a "draft") map instrument code to item code to value or None; the consents
given on the first screen are kept beside them under `CONSENT_KEY`, which no instrument code
can equal (codes start with a letter).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby
from typing import Any

from alongside.measures.definitions import Instrument, Item, ItemKind

BLOCK_SIZE = 5
CONSENT_KEY = "_consent"
YES = "yes"

Answers = dict[str, int | None]
Draft = dict[str, Any]


class ScreenKind(StrEnum):
    CONSENT = "consent"
    QUESTIONS = "questions"
    CHECK = "check"


@dataclass(frozen=True)
class Screen:
    kind: ScreenKind
    instrument: str | None = None
    items: tuple[str, ...] = ()
    part: int = 1  # this block's place among its instrument's blocks
    parts: int = 1


@dataclass(frozen=True)
class Progress:
    number: int  # 1-based
    total: int

    @property
    def text(self) -> str:
        return f"Screen {self.number} of {self.total}"


@dataclass(frozen=True)
class Consents:
    take_part: bool
    quote_anonymously: bool
    recontact: bool

    def as_draft(self) -> dict[str, bool]:
        return {
            "take_part": self.take_part,
            "quote_anonymously": self.quote_anonymously,
            "recontact": self.recontact,
        }


CONSENT_FIELDS = ("take_part", "quote_anonymously", "recontact")
TAKE_PART_REQUIRED = "Tick the box to say you agree to take part, or close this page to stop."
NOT_ON_SCALE = "Choose one of the answers shown, or leave the question unanswered."


def _chunks(items: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]


def item_blocks(instrument: Instrument, size: int = BLOCK_SIZE) -> tuple[tuple[str, ...], ...]:
    """The instrument's scale items in screen-sized blocks, in the definition's order.

    With subscales, each run of consecutive items of one subscale is a block (items without a
    subscale between them are blocked by `size`); without, blocks of at most `size` items.
    """
    if size < 1:
        raise ValueError(f"a block holds at least one item, got {size}")
    choice = [item for item in instrument.items if item.kind is ItemKind.CHOICE]
    if not any(item.subscale for item in choice):
        return tuple(_chunks([item.code for item in choice], size))
    blocks: list[tuple[str, ...]] = []

    def subscale_of(item: Item) -> str | None:
        return item.subscale

    for subscale, run in groupby(choice, key=subscale_of):
        codes = [item.code for item in run]
        blocks.extend([tuple(codes)] if subscale else _chunks(codes, size))
    return tuple(blocks)


def build_screens(instruments: Sequence[Instrument]) -> tuple[Screen, ...]:
    """Consent, every instrument's blocks in the order given, then check and send."""
    screens = [Screen(ScreenKind.CONSENT)]
    for instrument in instruments:
        blocks = item_blocks(instrument)
        screens.extend(
            Screen(ScreenKind.QUESTIONS, instrument.code, block, part, len(blocks))
            for part, block in enumerate(blocks, start=1)
        )
    screens.append(Screen(ScreenKind.CHECK))
    return tuple(screens)


def clamp(screens: Sequence[Screen], position: int) -> int:
    """A stored position made safe to show: within the screens."""
    return max(0, min(position, len(screens) - 1))


def progress(screens: Sequence[Screen], position: int) -> Progress:
    return Progress(clamp(screens, position) + 1, len(screens))


def validate_block(
    instrument: Instrument, items: Sequence[str], posted: Mapping[str, str]
) -> tuple[Answers, dict[str, str]]:
    """Check one screen's posted answers (item code to raw text; absent or empty = missing).

    Returns the answers (every item of the block, None when missing) and the problems by item.
    """
    answers: Answers = {}
    errors: dict[str, str] = {}
    for code in items:
        raw = posted.get(code, "").strip()
        if not raw:
            answers[code] = None
            continue
        scale = instrument.item_scale(instrument.item(code))
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value not in scale.values:
            errors[code] = NOT_ON_SCALE
            continue
        answers[code] = value
    return answers, errors


def validate_consent(posted: Mapping[str, str]) -> tuple[Consents | None, dict[str, str]]:
    """The consent screen's boxes: taking part must be ticked; the other two are optional."""
    ticked = {name: posted.get(name, "") == YES for name in CONSENT_FIELDS}
    if not ticked["take_part"]:
        return None, {"take_part": TAKE_PART_REQUIRED}
    return Consents(**ticked), {}


def consents_in(draft: Mapping[str, Any]) -> Consents | None:
    """The consents kept in a draft, or None when taking part was not agreed yet."""
    kept = draft.get(CONSENT_KEY)
    if not isinstance(kept, Mapping) or kept.get("take_part") is not True:
        return None
    return Consents(**{name: kept.get(name) is True for name in CONSENT_FIELDS})


def merge(draft: Mapping[str, Any], instrument: str, answers: Mapping[str, int | None]) -> Draft:
    """A new draft with one screen's answers laid over the answers so far."""
    merged: Draft = {key: dict(value) for key, value in draft.items()}
    merged.setdefault(instrument, {}).update(answers)
    return merged


def with_consents(draft: Mapping[str, Any], consents: Consents) -> Draft:
    merged: Draft = {key: dict(value) for key, value in draft.items()}
    merged[CONSENT_KEY] = consents.as_draft()
    return merged


def final_answers(
    instruments: Sequence[Instrument], draft: Mapping[str, Any]
) -> dict[str, Answers]:
    """Each instrument's answers as a response holds them: every scale item, None when missing.

    Values in the draft that are not on the item's scale (a draft kept across a change of
    definition) count as missing.
    """
    result: dict[str, Answers] = {}
    for instrument in instruments:
        given = draft.get(instrument.code)
        given = given if isinstance(given, Mapping) else {}
        answers: Answers = {}
        for item in instrument.items:
            if item.kind is not ItemKind.CHOICE:
                continue
            value = given.get(item.code)
            on_scale = (
                isinstance(value, int)
                and not isinstance(value, bool)
                and value in instrument.item_scale(item).values
            )
            answers[item.code] = value if on_scale else None
        result[instrument.code] = answers
    return result
