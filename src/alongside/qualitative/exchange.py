"""Plain values for a qualitative project in transit: what REFI-QDA files carry.

The exchange, agreement and assist modules work on these frozen dataclasses only; the app
converts its models to and from them. Nothing here touches the database.

Conventions:
- GUIDs are lower-case ``8-4-4-4-12`` strings without braces (importers normalise to this);
  ``stable_guid`` makes deterministic ones from our own namespace, so re-exports keep identities.
- Text offsets are 0-based, half-open ``[start, end)`` and count Unicode code points of the
  exact source text (CRLF counts as two), as Python slicing does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

# Our own UUIDv5 namespace (random, fixed forever): GUIDs derived from it are stable per input.
ALONGSIDE_NAMESPACE = uuid.UUID("6f1c2a9e-3b0d-5e4f-9a61-0c7d2b8e4f15")

Variables = tuple[tuple[str, str], ...]


def stable_guid(*parts: object) -> str:
    """A deterministic GUID for the given parts, e.g. ``stable_guid("code", code.pk)``."""
    return str(uuid.uuid5(ALONGSIDE_NAMESPACE, "\x1f".join(str(part) for part in parts)))


def normalise_guid(value: str) -> str:
    """``{ABCDEF01-...}`` -> ``abcdef01-...``; raises ValueError for anything not a GUID."""
    return str(uuid.UUID(value.strip().strip("{}")))


@dataclass(frozen=True)
class User:
    guid: str
    name: str


@dataclass(frozen=True)
class Code:
    """A code or, with ``is_codable=False``, a theme or sub-theme that groups codes."""

    guid: str
    name: str
    is_codable: bool = True
    description: str = ""
    color: str | None = None
    children: tuple[Code, ...] = ()


@dataclass(frozen=True)
class Case:
    """A participant: their attributes (role, site, cohort...) and what they said.

    ``source_guids`` are whole sources that belong to the case (an interview);
    ``selection_guids`` are turns inside shared sources (a focus group).
    """

    guid: str
    name: str
    variables: Variables = ()
    source_guids: tuple[str, ...] = ()
    selection_guids: tuple[str, ...] = ()
    description: str = ""

    def variable(self, name: str, default: str = "") -> str:
        return dict(self.variables).get(name, default)


@dataclass(frozen=True)
class TextSource:
    guid: str
    name: str
    text: str
    description: str = ""
    variables: Variables = ()


@dataclass(frozen=True)
class Selection:
    """A span of one source, coded by one coder with zero or more codes.

    A selection without codes and coder marks a span (a speaker's turn) for a case.
    """

    guid: str
    source_guid: str
    start: int
    end: int
    coder_guid: str | None = None
    code_guids: tuple[str, ...] = ()
    memo: str = ""
    created: datetime | None = None


@dataclass(frozen=True)
class ExchangeProject:
    name: str
    users: tuple[User, ...] = ()
    codes: tuple[Code, ...] = ()
    cases: tuple[Case, ...] = ()
    sources: tuple[TextSource, ...] = ()
    selections: tuple[Selection, ...] = ()
    description: str = ""
    origin: str = field(default="", compare=False)

    def iter_codes(self) -> Iterator[tuple[tuple[str, ...], Code]]:
        """Every code depth-first with the names of its ancestors."""
        yield from iter_code_tree(self.codes)


def iter_code_tree(
    codes: tuple[Code, ...], ancestors: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Code]]:
    for code in codes:
        yield ancestors, code
        yield from iter_code_tree(code.children, (*ancestors, code.name))


def code_path(ancestors: tuple[str, ...], code: Code) -> str:
    """``Theme/Sub-theme/Code``, the path the suggestion contract uses."""
    return "/".join((*ancestors, code.name))


def check_project(project: ExchangeProject) -> list[str]:
    """Problems that would make the project unexchangeable (empty when it is sound)."""
    problems: list[str] = []
    seen: dict[str, str] = {}

    def claim(guid: str, what: str) -> None:
        try:
            canonical = normalise_guid(guid)
        except ValueError:
            problems.append(f"{what}: {guid!r} is not a GUID")
            return
        if canonical != guid:
            problems.append(f"{what}: write GUID {guid} as {canonical}")
        if canonical in seen:
            problems.append(f"{what}: GUID {guid} is also used by {seen[canonical]}")
        seen[canonical] = what

    for user in project.users:
        claim(user.guid, f"user {user.name!r}")
    codable: set[str] = set()
    all_codes: set[str] = set()
    for _ancestors, code in project.iter_codes():
        claim(code.guid, f"code {code.name!r}")
        all_codes.add(code.guid)
        if code.is_codable:
            codable.add(code.guid)
    texts: dict[str, str] = {}
    for source in project.sources:
        claim(source.guid, f"source {source.name!r}")
        texts[source.guid] = source.text
    users = {user.guid for user in project.users}
    selections: set[str] = set()
    for selection in project.selections:
        what = f"selection {selection.guid}"
        claim(selection.guid, what)
        selections.add(selection.guid)
        text = texts.get(selection.source_guid)
        if text is None:
            problems.append(f"{what}: unknown source {selection.source_guid}")
        elif not 0 <= selection.start <= selection.end <= len(text):
            problems.append(
                f"{what}: characters {selection.start}-{selection.end} lie outside "
                f"the {len(text)} characters of its source"
            )
        if selection.coder_guid is not None and selection.coder_guid not in users:
            problems.append(f"{what}: unknown coder {selection.coder_guid}")
        if len(set(selection.code_guids)) != len(selection.code_guids):
            problems.append(f"{what}: the same code is applied twice")
        for guid in selection.code_guids:
            if guid not in all_codes:
                problems.append(f"{what}: unknown code {guid}")
            elif guid not in codable:
                problems.append(f"{what}: code {guid} is a theme container, not codable")
    for case in project.cases:
        claim(case.guid, f"case {case.name!r}")
        for guid in case.source_guids:
            if guid not in texts:
                problems.append(f"case {case.name!r}: unknown source {guid}")
        for guid in case.selection_guids:
            if guid not in selections:
                problems.append(f"case {case.name!r}: unknown selection {guid}")
    return problems
