"""Names out of quotes: whole words, longest first, one-word names only with their capital."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.qualitative.redaction import (
    PERSON,
    PLACE,
    Redactor,
    Replacement,
    mentioned_in,
    role_label,
)
from alongside.qualitative.segments import (
    build_tree,
    containing_index,
    descendants,
    flatten,
    path_of,
    root_of,
    trim_span,
)

PSW = role_label("Peer support worker")
REDACTOR = Redactor(
    [
        Replacement("Mary Byrne", PSW),
        Replacement("Mary", PSW),
        Replacement("Byrne", PSW),
        Replacement("Hope", role_label("Nurse")),
        Replacement("Riverside CMHT", PLACE),
        Replacement("Castlebar", PLACE),
        Replacement("x", PLACE),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mary Byrne rang me.", "[peer support worker] rang me."),
        ("mary  byrne rang", "[peer support worker] rang"),
        ("Mary rang. Byrne too.", "[peer support worker] rang. [peer support worker] too."),
        ("Maryland and Marys", "Maryland and Marys"),
        ("There is hope. Hope said so.", "There is hope. [nurse] said so."),
        ("At Riverside CMHT in Castlebar.", "At [place] in [place]."),
        ("at riverside cmht", "at [place]"),
        ("x marks", "x marks"),
    ],
)
def test_redaction(text, expected):
    assert REDACTOR.redact(text) == expected


def test_a_name_in_two_roles_becomes_a_person():
    redactor = Redactor([Replacement("Orla", PSW), Replacement("Orla", role_label("Nurse"))])
    assert redactor.redact("Orla came.") == f"{PERSON} came."


def test_role_labels():
    assert role_label("  Peer  support worker ") == "[peer support worker]"
    assert role_label("") == PERSON


@given(st.text(max_size=200))
def test_no_known_name_survives(text):
    out = REDACTOR.redact(f"{text} Mary Byrne {text}")
    assert "Mary Byrne" not in out.replace(text, "")


def test_trim_span():
    assert trim_span("  ab c \n", 0, 8) == (2, 6)
    assert trim_span("   ", 0, 3)[0] == trim_span("   ", 0, 3)[1]


class S:
    def __init__(self, start, end):
        self.start, self.end = start, end


def test_containing_index():
    segments = [S(0, 10), S(12, 20)]
    assert containing_index(segments, 13, 15) == 1
    assert containing_index(segments, 5, 15) == 0
    assert containing_index(segments, 10, 12) is None


def test_tree_paths_and_descendants():
    rows = [
        (1, "Theme", None, False),
        (2, "Sub", 1, False),
        (3, "b code", 2, True),
        (4, "A code", 2, True),
    ]
    roots = build_tree(rows)
    assert [(n.name, n.depth) for n in flatten(roots)] == [
        ("Theme", 0),
        ("Sub", 1),
        ("A code", 2),
        ("b code", 2),
    ]
    parents = {pk: parent for pk, _, parent, _ in rows}
    names = {pk: name for pk, name, _, _ in rows}
    assert descendants(parents, 1) == {2, 3, 4}
    assert path_of(names, parents, 3) == "Theme/Sub/b code"
    assert root_of(parents, 4) == 1
    assert root_of(parents, 1) == 1


def test_only_names_whose_every_word_is_in_the_texts_could_match():
    could = mentioned_in(["I met MARY at the O'Brien centre.", "Riverside was kind"])
    assert could("Mary")
    assert could("mary byrne") is False
    assert could("O'Brien")
    assert could("Riverside CMHT") is False
    assert could("Castlebar") is False


NAME_WORDS = st.sampled_from(
    ["Mary", "Byrne", "Ó Súilleabháin", "O'Brien", "Ana-Maria", "Hope", "Straße", "Ward"]
)
NAMES = st.lists(NAME_WORDS, min_size=1, max_size=2).map(" ".join)
TEXT_WORDS = st.one_of(
    NAME_WORDS,
    NAME_WORDS.map(str.upper),
    NAME_WORDS.map(str.lower),
    st.sampled_from(["and", "STRASSE", "hope", "said", "ward", ",", "\n", "  "]),
)


@given(
    names=st.lists(st.tuples(NAMES, st.sampled_from([PSW, PLACE])), max_size=8),
    words=st.lists(TEXT_WORDS, max_size=12),
)
def test_a_redactor_of_the_names_mentioned_redacts_as_one_of_every_name(names, words):
    text = " ".join(words)
    every = Redactor(Replacement(name, label) for name, label in names)
    could = mentioned_in([text])
    mentioned = Redactor(Replacement(name, label) for name, label in names if could(name))
    assert mentioned.redact(text) == every.redact(text)
