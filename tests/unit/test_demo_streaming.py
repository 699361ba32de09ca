"""The pure parts of streaming a demo load: weighted draws, how the programme study is split,
and what a load says while it works."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.demo import progress, research
from alongside.demo.practice import _pick

WEIGHTS = st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=12).filter(any)


@given(seed=st.integers(min_value=0, max_value=2**32), weights=WEIGHTS)
def test_a_weighted_pick_draws_what_choices_would_and_leaves_the_generator_the_same(seed, weights):
    items = tuple(range(len(weights)))
    ours, theirs = random.Random(seed), random.Random(seed)
    for _ in range(5):
        assert _pick(ours, items, tuple(weights)) == theirs.choices(items, weights=weights)[0]
    assert ours.getstate() == theirs.getstate()


@pytest.mark.parametrize("segments", [0, 1, 49, 50, 51, 120, 20_000, 20_049])
def test_interviews_add_up_to_the_segments_asked_for(segments):
    lengths = research.interview_lengths(segments)
    assert sum(lengths) == segments
    assert all(1 <= n <= research.TURNS_PER_INTERVIEW for n in lengths)
    if lengths:
        assert max(lengths) - min(lengths) <= 1


def test_the_national_scale_has_400_interviews_of_50_turns():
    assert research.interview_lengths(20_000) == [50] * 400


@pytest.mark.parametrize("responses", [0, 1, 7, 300, 200_000])
def test_survey_responses_are_split_between_the_cohorts(responses):
    counts = research.survey_counts(responses)
    assert sum(counts.values()) == responses
    assert set(counts) == set(research.SURVEY_SHARES)
    if responses >= 300:
        assert counts["service-users"] > counts["providers"] > counts["psws"] > 0


def test_an_interview_alternates_interviewer_and_interviewee():
    text = research.interview_text(random.Random(1), "INT-0001", "psws", 6)
    speakers = [line.split(":")[0] for line in text.splitlines()]
    assert speakers == ["Interviewer", "INT-0001"] * 3
    assert text.splitlines()[0] == f"Interviewer: {research.QUESTIONS[0]}"


def test_each_stage_says_rows_seconds_and_rate_and_the_total_comes_last(monkeypatch):
    clock = iter([0.0, 1.0, 3.0, 3.0, 3.5, 10.0])
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    lines: list[str] = []
    stages = progress.Stages(lines.append)
    with stages.stage("practice") as stage:
        stage.count(1_000)
        stage.count(500)
    with stages.stage("nothing counted"):
        pass
    stages.finish()
    assert lines[0].split() == ["practice", "1,500", "rows", "2.0", "s", "750", "rows/s"]
    assert lines[1].split() == ["nothing", "counted", "0.5", "s"]
    assert lines[2].split() == ["total", "1,500", "rows", "10.0", "s", "150", "rows/s"]


def test_a_long_stage_says_how_far_it_has_got_now_and_then(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: now[0])
    lines: list[str] = []
    stage = progress.Stage("practice", lines.append)
    stage.count(10)
    for done in range(1, 101):
        now[0] = done
        stage.progress(done, 100, "episodes")
    assert len(lines) == 100 // progress.PROGRESS_EVERY_SECONDS
    assert lines[0] == "    practice: 15% of 100 episodes, 10 rows so far, 15 s"
