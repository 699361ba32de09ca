"""Taking names out of quotes: pure functions, no database.

A quote is shown with every name of a person or place the system knows replaced by a label:
a peer support worker's name by "[peer support worker]", a team's or region's by "[place]".
Names match as whole words. A name of several words matches in any letter case; a one-word
name only with its capital letter as given, so that a family name such as "Hope" or "Ward"
does not take out the ordinary word. Longer names are tried first, so "Mary Byrne" becomes one
label and not two. A name known in two roles (two people called Orla) gets the neutral
"[person]".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

PLACE = "[place]"
PERSON = "[person]"
MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class Replacement:
    name: str
    label: str


def role_label(role: str) -> str:
    """'Peer support worker' -> '[peer support worker]'; empty -> '[person]'."""
    role = " ".join(role.split())
    return f"[{role.lower()}]" if role else PERSON


def _words(text: str) -> set[str]:
    # Both foldings, so that no name the redactor's case-blind pattern would find is missed.
    return set(re.findall(r"\w+", text.lower())) | set(re.findall(r"\w+", text.casefold()))


def mentioned_in(texts: Iterable[str]) -> Callable[[str], bool]:
    """Whether a name could be found in any of `texts`: each of its words is one of theirs, in
    any letter case. A redactor for a few quotes needs only those names, not all 200,000."""
    found: set[str] = set()
    for text in texts:
        found |= _words(text)

    def could_match(name: str) -> bool:
        lower = name.lower()
        if lower in found:
            return True
        if lower.isascii() and lower.isalnum():  # most names: one plain word, not in the texts
            return False
        words, folded = re.findall(r"\w+", lower), re.findall(r"\w+", name.casefold())
        return all(w in found for w in words) or all(w in found for w in folded)

    return could_match


class Redactor:
    """Built once from every known name; applied to many quotes."""

    def __init__(self, replacements: Iterable[Replacement]) -> None:
        self.labels: dict[str, str] = {}
        folded: dict[str, str] = {}
        exact: dict[str, str] = {}
        for item in replacements:
            name = " ".join(item.name.split())
            if len(name) < MIN_NAME_LENGTH or not any(ch.isalpha() for ch in name):
                continue
            table, key = (folded, name.casefold()) if " " in name else (exact, name)
            # A name shared by people in different roles says only that it was a person.
            held = table.setdefault(key, item.label)
            if held != item.label:
                table[key] = PERSON if item.label != PLACE and held != PLACE else PLACE
        self._folded = folded
        self._exact = exact
        self._pattern = self._compile([*folded, *exact])

    @staticmethod
    def _compile(names: list[str]) -> re.Pattern[str] | None:
        if not names:
            return None
        names = sorted(set(names), key=lambda n: (-len(n), n))
        alternatives = "|".join(r"\s+".join(re.escape(w) for w in n.split(" ")) for n in names)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def label_for(self, found: str) -> str | None:
        words = " ".join(found.split())
        if " " in words:
            return self._folded.get(words.casefold())
        return self._exact.get(words) or self._folded.get(words.casefold())

    def redact(self, text: str) -> str:
        if self._pattern is None:
            return text

        def replace(match: re.Match[str]) -> str:
            label = self.label_for(match.group(0))
            return label if label is not None else match.group(0)

        return self._pattern.sub(replace, text)
