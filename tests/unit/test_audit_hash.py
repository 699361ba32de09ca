"""The chain hash as a pure function."""

from hypothesis import given
from hypothesis import strategies as st

from alongside.core.audit import GENESIS_HASH, event_hash

fields = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["view", "update"]),
        "object_id": st.text(max_size=10),
        "detail": st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    }
)


@given(fields)
def test_hash_is_stable_and_hex(f):
    assert event_hash(GENESIS_HASH, f) == event_hash(GENESIS_HASH, dict(reversed(f.items())))
    assert len(event_hash(GENESIS_HASH, f)) == 64


@given(fields, st.text(min_size=1, max_size=5))
def test_any_change_to_a_field_changes_the_hash(f, suffix):
    changed = {**f, "object_id": f["object_id"] + suffix}
    assert event_hash(GENESIS_HASH, f) != event_hash(GENESIS_HASH, changed)


@given(fields)
def test_the_previous_hash_is_part_of_the_hash(f):
    assert event_hash(GENESIS_HASH, f) != event_hash("1" * 64, f)
