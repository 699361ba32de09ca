"""What one step of a browser run hands to `assist`: the batch keeps its exact context."""

from hypothesis import given
from hypothesis import strategies as st

from alongside.qualitative.assist import Segment
from alongside.qualitative.views.assist import step_inputs


def _project(layout):
    """Segments in project order from [(source, coded?)...], numbered within each source."""
    segments, position = [], {}
    for source, coded in layout:
        start = position.get(source, 0)
        position[source] = start + 10
        segments.append(
            Segment(
                key=f"{source}-{start}",
                source=source,
                start=start,
                end=start + 5,
                text=f"text {source} {start}",
                codes=("c",) if coded else (),
            )
        )
    return sorted(segments, key=lambda s: (s.source, s.start))


def _neighbours(segments, key):
    index = next(i for i, s in enumerate(segments) if s.key == key)
    return [
        segments[j].key
        for j in (index - 1, index + 1)
        if 0 <= j < len(segments) and segments[j].source == segments[index].source
    ]


layouts = st.lists(st.tuples(st.sampled_from("abc"), st.booleans()), max_size=30)


@given(layouts, st.integers(min_value=1, max_value=8))
def test_a_batch_keeps_its_neighbours_and_every_coded_segment(layout, limit):
    segments = _project(layout)
    uncoded = {s.key for s in segments if not s.codes}
    inputs, batch = step_inputs(segments, uncoded, limit)
    assert len(batch) == min(limit, len(uncoded))
    assert batch == [s.key for s in segments if s.key in uncoded][:limit]
    keys = [s.key for s in inputs]
    assert keys == [s.key for s in segments if s.key in set(keys)]  # project order kept
    assert {s.key for s in segments if s.codes} <= set(keys)
    for key in batch:
        assert _neighbours(inputs, key) == _neighbours(segments, key)


@given(layouts)
def test_batches_in_turn_cover_every_uncoded_segment_once(layout):
    segments = _project(layout)
    pending = {s.key for s in segments if not s.codes}
    seen = []
    while pending:
        _, batch = step_inputs(segments, pending, 3)
        assert batch
        seen += batch
        pending -= set(batch)
    assert sorted(seen) == sorted(s.key for s in segments if not s.codes)


def test_without_a_limit_every_wanted_segment_is_chosen():
    segments = _project([("a", True), ("a", False), ("a", True), ("b", False)])
    coded = {s.key for s in segments if s.codes}
    inputs, chosen = step_inputs(segments, coded, None)
    assert chosen == ["a-0", "a-20"]
    assert [s.key for s in inputs] == ["a-0", "a-10", "a-20"]
