"""bench/benchlib.py: the medians, the printed table and the merge into bench/results.json that
every benchmark of `make bench` relies on. bench/ is not a package, so it is loaded by path."""

import importlib.util
import json
import statistics
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

_PATH = Path(__file__).resolve().parents[2] / "bench" / "benchlib.py"
_SPEC = importlib.util.spec_from_file_location("benchlib", _PATH)
assert _SPEC is not None
assert _SPEC.loader is not None
benchlib = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(benchlib)


@pytest.mark.parametrize(
    ("seconds", "median", "low", "high"),
    [
        ([2.0], 2.0, 2.0, 2.0),
        ([3.0, 1.0, 2.0], 2.0, 1.0, 3.0),
        ([4.0, 1.0, 2.0, 3.0], 2.5, 1.0, 4.0),
        ([0.1, 9.0, 0.2], 0.2, 0.1, 9.0),  # one slow run does not move the median
    ],
)
def test_summarise_gives_median_min_max_and_runs(seconds, median, low, high):
    summary = benchlib.summarise(seconds)
    assert summary == {
        "median_seconds": median,
        "min_seconds": low,
        "max_seconds": high,
        "runs": len(seconds),
    }


def test_summarise_refuses_no_runs():
    with pytest.raises(ValueError, match="no runs"):
        benchlib.summarise([])


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=50))
def test_the_median_lies_between_min_and_max(seconds):
    summary = benchlib.summarise(seconds)
    assert summary["min_seconds"] <= summary["median_seconds"] <= summary["max_seconds"]
    assert summary["median_seconds"] == statistics.median(seconds)


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (0.149, 0.150, True),
        (0.150, 0.150, True),  # "at most": the target itself is met
        (0.151, 0.150, False),
        (3.2, 3.0, False),
        (None, 3.0, None),
        (1.0, None, None),
    ],
)
def test_met_is_at_most_the_target(value, target, expected):
    assert benchlib.met(value, target) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ["seed", "region", "national"]),
        ("", ["seed", "region", "national"]),
        ("seed", ["seed"]),
        ("national, seed", ["seed", "national"]),  # in the known order, spaces ignored
        ("region,region", ["region"]),
    ],
)
def test_parse_names_keeps_the_known_order(text, expected):
    assert benchlib.parse_names(text, ("seed", "region", "national"), "scale") == expected


def test_parse_names_refuses_an_unknown_name_and_says_which_are_allowed():
    with pytest.raises(ValueError, match=r"unknown scale: huge \(choose from seed, region\)"):
        benchlib.parse_names("seed,huge", ("seed", "region"), "scale")


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.1234, "ms", "123 ms"),
        (1.5, "ms", "1,500 ms"),
        (12.345, "s", "12.35 s"),
        (2.44, "x", "2.4x"),
        (None, "s", "-"),
    ],
)
def test_format_value(value, unit, shown):
    assert benchlib.format_value(value, unit) == shown


def test_table_row_compares_the_median_with_the_target():
    summary = benchlib.summarise([0.2, 0.1, 0.3])
    row = benchlib.table_row("dashboard", summary, unit="ms", target=0.150, note="43 queries")
    assert row == ("dashboard", "200 ms", "100 ms", "300 ms", "3", "≤ 150 ms", "NO", "43 queries")
    met = benchlib.table_row("import", benchlib.summarise([15.0]), target=20)
    assert met[5:7] == ("≤ 20.00 s", "yes")
    assert benchlib.table_row("idle", summary)[5:7] == ("-", "-")


def test_table_row_without_a_summary_says_no_runs():
    assert benchlib.table_row("report", None, target=3, unit="x")[1:7] == (
        "-",
        "-",
        "-",
        "0",
        "≤ 3.0x",
        "-",
    )


def test_format_table_lines_up_in_markdown():
    rows = [
        benchlib.table_row("caseload page (seed)", benchlib.summarise([0.02]), unit="ms"),
        benchlib.table_row("report", benchlib.summarise([12.0, 14.0]), target=20.0),
    ]
    lines = benchlib.format_table(rows).splitlines()
    assert len(lines) == 4
    assert len({len(line) for line in lines}) == 1
    assert lines[0].startswith("| benchmark ")
    assert set(lines[1]) <= {"|", "-", ":"}
    assert lines[3].split("|")[2].strip() == "13.00 s"
    assert lines[3].split("|")[2].startswith(" ")  # figures are right-aligned


def test_merge_results_replaces_one_key_and_keeps_the_others(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"import_100k": {"median_seconds": 15.6}, "pages": {"old": 1}}))
    benchlib.merge_results(path, "pages", {"seed": {"median_seconds": 0.07}})
    assert json.loads(path.read_text()) == {
        "import_100k": {"median_seconds": 15.6},
        "pages": {"seed": {"median_seconds": 0.07}},
    }
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no temporary left


def test_merge_results_starts_a_missing_file(tmp_path):
    path = tmp_path / "results.json"
    benchlib.merge_results(path, "load", {"failures": 0})
    assert json.loads(path.read_text()) == {"load": {"failures": 0}}


def test_merge_results_refuses_a_file_that_is_not_an_object_and_leaves_it(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="does not hold a JSON object"):
        benchlib.merge_results(path, "load", {"failures": 0})
    assert path.read_text() == "[1, 2]"


def test_machine_says_what_the_figures_were_measured_on():
    described = benchlib.machine()
    assert set(described) >= {"machine", "cpu", "python", "load_average", "when"}
    assert len(described["load_average"]) == 3
