"""Pure helpers over spans and the code tree: which segment a selection falls in, trimming a
selection to its words, the codebook as a tree, a code's descendants and path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


class Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The selection without the spaces and line breaks at its ends (a browser selection often
    takes a space or a newline with it). Empty when there are no words."""
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def containing_index(segments: Sequence[Span], start: int, end: int) -> int | None:
    """The index of the segment the span lies in, else the first it overlaps, else None."""
    overlapping = None
    for index, segment in enumerate(segments):
        if segment.start <= start and end <= segment.end:
            return index
        if overlapping is None and segment.start < end and start < segment.end:
            overlapping = index
    return overlapping


@dataclass
class Node:
    """One code in the tree, with its children in name order."""

    id: int
    name: str
    parent_id: int | None
    is_codable: bool
    children: list[Node] = field(default_factory=list)
    depth: int = 0


def build_tree(rows: Iterable[tuple[int, str, int | None, bool]]) -> list[Node]:
    """Roots of the code tree from (id, name, parent id, is codable) rows."""
    nodes = {row[0]: Node(*row) for row in rows}
    roots: list[Node] = []
    for node in sorted(nodes.values(), key=lambda n: (n.name.casefold(), n.id)):
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)

    def set_depth(children: list[Node], depth: int) -> None:
        for child in children:
            child.depth = depth
            set_depth(child.children, depth + 1)

    set_depth(roots, 0)
    return roots


def flatten(roots: Sequence[Node]) -> list[Node]:
    """Depth-first, in display order."""
    out: list[Node] = []
    for node in roots:
        out.append(node)
        out.extend(flatten(node.children))
    return out


def descendants(parents: Mapping[int, int | None], code_id: int) -> set[int]:
    """Every code below `code_id` (not itself), from a map of code to parent."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = list(children.get(code_id, []))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def path_of(names: Mapping[int, str], parents: Mapping[int, int | None], code_id: int) -> str:
    """ "Theme/Sub-theme/Code" for a code."""
    parts: list[str] = []
    current: int | None = code_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        seen.add(current)
        parts.append(names[current])
        current = parents.get(current)
    return "/".join(reversed(parts))


def root_of(parents: Mapping[int, int | None], code_id: int) -> int:
    """The top-level code (the theme) a code sits under; itself when it is at the top."""
    current = code_id
    seen: set[int] = set()
    while (parent := parents.get(current)) is not None and parent not in seen:
        seen.add(current)
        current = parent
    return current
