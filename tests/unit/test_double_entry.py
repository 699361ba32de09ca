"""Comparing and merging two keyings of one paper form."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.evaluation.double_entry import (
    Disagreement,
    Keyed,
    ResolutionError,
    compare,
    item_field,
    item_of,
    merge,
)

BASE = Keyed("SU-1", "CHO1", "service-users", {"a": 1, "b": 2, "c": None})


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        (BASE, []),
        (
            Keyed("SU-7", "CHO1", "service-users", {"a": 1, "b": 2, "c": None}),
            [Disagreement("participant_code", "SU-1", "SU-7")],
        ),
        (
            Keyed("SU-1", "CHO2", "providers", {"a": 1, "b": 2, "c": None}),
            [
                Disagreement("site", "CHO1", "CHO2"),
                Disagreement("cohort", "service-users", "providers"),
            ],
        ),
        (
            Keyed("SU-1", "CHO1", "service-users", {"a": 1, "b": 3, "c": None}),
            [Disagreement("item-b", 2, 3)],
        ),
        # A blank against a value is a disagreement; so is an item one keying left out.
        (
            Keyed("SU-1", "CHO1", "service-users", {"a": None, "b": 2, "c": 0}),
            [Disagreement("item-a", 1, None), Disagreement("item-c", None, 0)],
        ),
        (
            Keyed("SU-1", "CHO1", "service-users", {"a": 1, "b": 2}),
            [],
        ),
        (
            Keyed("SU-1", "CHO1", "service-users", {"a": 1, "b": 2, "d": 4}),
            [Disagreement("item-d", None, 4)],
        ),
    ],
)
def test_compare(second, expected):
    assert compare(BASE, second) == expected


def test_item_field_names_round_trip_and_header_fields_are_not_items():
    assert item_of(item_field("hope")) == "hope"
    assert item_of("site") is None


def test_merge_takes_agreed_values_and_the_choices():
    second = Keyed("SU-7", "CHO1", "service-users", {"a": 1, "b": 3, "c": None})
    merged = merge(BASE, second, {"participant_code": "SU-7", "item-b": 2})
    assert merged == Keyed("SU-7", "CHO1", "service-users", {"a": 1, "b": 2, "c": None})


@pytest.mark.parametrize(
    ("choices", "problem_fields"),
    [
        ({}, {"item-b"}),
        ({"item-b": 4}, {"item-b"}),
        ({"item-b": 3, "item-a": 1}, {"item-a"}),
        ({"item-b": 3, "site": "CHO1"}, {"site"}),
    ],
)
def test_a_resolution_must_choose_one_of_the_two_values_for_every_disagreement(
    choices, problem_fields
):
    second = Keyed("SU-1", "CHO1", "service-users", {"a": 1, "b": 3, "c": None})
    with pytest.raises(ResolutionError) as caught:
        merge(BASE, second, choices)
    assert set(caught.value.problems) == problem_fields


def test_a_blank_can_be_chosen():
    second = Keyed("SU-1", "CHO1", "service-users", {"a": None, "b": 2, "c": None})
    assert merge(BASE, second, {"item-a": None}).answers["a"] is None


def test_stored_form_round_trips():
    assert Keyed.from_json(BASE.to_json()) == BASE


codes = st.sampled_from(["CHO1", "CHO2", "SU-1", "SU-2"])
values = st.one_of(st.none(), st.integers(min_value=0, max_value=4))
answers = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), values, max_size=4)
keyings = st.builds(Keyed, codes, codes, codes, answers)


@given(keyings, keyings)
def test_comparison_is_symmetric(first, second):
    forward = {(d.field, d.first, d.second) for d in compare(first, second)}
    backward = {(d.field, d.second, d.first) for d in compare(second, first)}
    assert forward == backward


@given(keyings)
def test_identical_keyings_never_disagree(keyed):
    assert compare(keyed, Keyed.from_json(keyed.to_json())) == []


@given(keyings, keyings, st.data())
def test_any_complete_resolution_yields_a_keying_both_would_agree_with(first, second, data):
    disagreements = compare(first, second)
    choices = {
        d.field: data.draw(st.sampled_from([d.first, d.second]), label=d.field)
        for d in disagreements
    }
    merged = merge(first, second, choices)
    for d in disagreements:
        assert merged.value(d.field) == choices[d.field]
    agreed = {f for f in [*first.fields(), *second.fields()] if f not in choices}
    for name in agreed:
        assert merged.value(name) == first.value(name) == second.value(name)
    if disagreements:
        dropped = dict(choices)
        dropped.pop(disagreements[0].field)
        with pytest.raises(ResolutionError):
            merge(first, second, dropped)
