"""Strategies shared by the fuzz tests: YAML/JSON-like values and mutations of valid documents."""

import datetime
from typing import Any

from hypothesis import strategies as st

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
AWKWARD = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e309",
        "nan",
        "NaN",
        "../../etc/passwd",
        "=cmd|' /C calc'!A0",
        "<script>alert(1)</script>",
        "\x00",
        "\ufeff",
        "é" * 300,
        "2025-02-30",
        "CHO1",
        "service-users",
        "approved",
        "x" * 5000,
    ]
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(min_value=datetime.date(1, 1, 1)),
    TEXT,
    AWKWARD,
)
# Keys are mostly text, as YAML and JSON write them, with the odd number or null.
KEY = st.one_of(TEXT, AWKWARD, st.integers(-3, 3), st.none(), st.booleans())
TREE = st.recursive(
    SCALAR,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(KEY, children, max_size=5)
    ),
    max_leaves=25,
)
JSON_TREE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT, AWKWARD),
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(TEXT, children, max_size=5)
    ),
    max_leaves=25,
)


def mutate(document: Any, data: st.DataObject, tree: st.SearchStrategy = TREE) -> Any:
    """A copy of a valid document with a few random changes: values replaced, keys dropped or
    added, list entries removed or repeated. Most of it stays valid, so checks deep inside the
    parser are reached, not only the first one."""
    changes = data.draw(st.integers(1, 4), label="changes")
    for _ in range(changes):
        document = _change(document, data, tree)
    return document


def _change(node: Any, data: st.DataObject, tree: st.SearchStrategy) -> Any:
    if isinstance(node, dict) and node and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(node, key=repr)))
        how = data.draw(st.sampled_from(["descend", "descend", "replace", "drop", "add"]))
        copy = dict(node)
        if how == "descend":
            copy[key] = _change(node[key], data, tree)
        elif how == "replace":
            copy[key] = data.draw(tree)
        elif how == "drop":
            del copy[key]
        else:
            copy[data.draw(KEY)] = data.draw(tree)
        return copy
    if isinstance(node, list) and node and data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(node) - 1))
        how = data.draw(st.sampled_from(["descend", "descend", "replace", "drop", "repeat"]))
        copy = list(node)
        if how == "descend":
            copy[at] = _change(node[at], data, tree)
        elif how == "replace":
            copy[at] = data.draw(tree)
        elif how == "drop":
            del copy[at]
        else:
            copy.append(node[at])
        return copy
    return data.draw(tree)
