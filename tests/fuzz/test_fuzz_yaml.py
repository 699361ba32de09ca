"""Study and instrument YAML: any document, any bytes, only the parser's own error.

Valid documents (the example study, every shipped instrument) are mutated a little, so most of
each stays valid and the checks deep inside the parser are reached; raw text and bytes go
through the same file-loading path the commands use (`load_study_file`, `load_definition_file`).
"""

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import strategies as st

from alongside.evaluation.studyfile import StudyFileError, load_study_file, parse_study
from alongside.measures.definitions import (
    DefinitionError,
    load_definition_file,
    parse_definition,
    read_yaml,
    shipped_definition_paths,
)
from tests.fuzz import fuzz
from tests.fuzz.strategies import mutate

ROOT = Path(__file__).resolve().parents[2]
STUDY_FILE = ROOT / "examples" / "psw-impact" / "study.yaml"
STUDY = yaml.safe_load(STUDY_FILE.read_text(encoding="utf-8"))
AVAILABLE = {"su-experience": ["1.0"], "provider-survey": ["1.0"], "psw-survey": ["1.0", "2.0"]}
INSTRUMENTS = [
    (path, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in shipped_definition_paths()
]
# Pieces of YAML, valid and not, put together at random: flow and block styles, anchors and
# aliases, tags PyYAML's safe loader refuses, repeated keys, tabs, odd scalars.
YAML_PIECES = st.sampled_from(
    [
        "slug: psw-impact\n",
        "title: T\n",
        "sites:\n",
        "  - {code: CHO1, name: One}\n",
        "cohorts: [{code: su, name: S}]\n",
        "approvals:\n  - {site: CHO1, cohort: su, status: approved}\n",
        "instruments: {su: [su-experience]}\n",
        "period: {start: 2025-01-06, end: 2024-01-01}\n",
        "code: x\n",
        "version: '1.0'\n",
        "items:\n  - {code: a, text: A, scale: s}\n",
        "scales:\n  - {code: s, options: [{value: 0, label: No}]}\n",
        "scores: []\n",
        "&a [1, 2]\n",
        "b: *a\n",
        "*unknown\n",
        "!!python/object/apply:os.system ['true']\n",
        "x: !!binary aGVsbG8=\n",
        "slug: a\nslug: b\n",
        "\t- tab\n",
        "{",
        "]",
        "- - - -\n",
        "'unterminated\n",
        "%YAML 1.1\n---\n",
        "...\n",
        "x: 1e400\n",
        "x: .nan\n",
        "x: 0o777\n",
        "<<: {merged: true}\n",
        "\ufeff",
        "\x00",
    ]
)


def _built_or_refused(call, error_type):
    """Call the parser: it builds, or raises its own error listing at least one problem."""
    try:
        call()
    except error_type as error:
        problems = error.problems
    else:
        return
    assert problems
    assert all(isinstance(problem, str) and problem for problem in problems)


def _resolver(path):
    return lambda name: read_yaml(path.parent / name)


def _parse_study(data):
    _built_or_refused(
        lambda: parse_study(data, source="s.yaml", text="", available=AVAILABLE), StudyFileError
    )


def _parse_instrument(data, path):
    _built_or_refused(
        lambda: parse_definition(data, source=str(path), resolve_file=_resolver(path)),
        DefinitionError,
    )


def test_the_unmutated_documents_are_valid():
    """Otherwise the mutations below would only ever exercise the first refusal."""
    parse_study(STUDY, source="s.yaml", text="", available=AVAILABLE)
    for path, data in INSTRUMENTS:
        parse_definition(data, source=str(path), resolve_file=_resolver(path))


@fuzz(st.data())
def test_a_mutated_study_is_built_or_refused_with_problems(data):
    _parse_study(mutate(STUDY, data))


@fuzz(st.data())
def test_a_mutated_instrument_is_built_or_refused_with_problems(data):
    path, document = data.draw(st.sampled_from(INSTRUMENTS), label="instrument")
    _parse_instrument(mutate(document, data), path)


def _through_files(body: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.yaml"
        path.write_bytes(body)
        _built_or_refused(lambda: load_study_file(path, available=AVAILABLE), StudyFileError)
        _built_or_refused(lambda: load_definition_file(path), DefinitionError)


@fuzz(st.lists(YAML_PIECES, max_size=12).map("".join))
def test_yaml_text_from_pieces_is_loaded_or_refused_by_both_loaders(text):
    _through_files(text.encode("utf-8"))


@fuzz(st.one_of(st.binary(max_size=400), st.text(max_size=200).map(str.encode)), share=0.5)
def test_any_bytes_are_loaded_or_refused_by_both_loaders(body):
    _through_files(body)


@pytest.mark.parametrize("loader", ["study", "instrument"])
def test_an_alias_bomb_is_refused_or_read_quickly(loader):
    """Nested aliases build a small object graph that is enormous when walked as a tree."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    lines += ["slug: *a8", "code: *a8", "title: *a8", "sites: *a8", "items: *a8"]
    _through_files("\n".join(lines).encode())


@pytest.mark.parametrize(
    "body",
    [b"? [complex, key]\n: value\n", b"slug: x\n? {a: 1}\n: value\n", b"? !!set {a}\n: 1\n"],
)
def test_a_complex_mapping_key_is_refused_as_a_problem(body):
    for call in (
        lambda path: load_study_file(path, available=AVAILABLE),
        lambda path: load_definition_file(path),
    ):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "complex.yaml"
            path.write_bytes(body)
            with pytest.raises((StudyFileError, DefinitionError)) as refused:
                call(path)
        assert "cannot be a key" in refused.value.problems[0]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 5000,
        b"{a: " * 5000,
        ("a:\n" + "".join(" " * depth + "b:\n" for depth in range(1, 3000))).encode(),
    ],
)
def test_yaml_nested_too_deeply_is_refused_as_a_problem(body):
    """PyYAML builds nested lists and mappings by recursion; Python's limit must not show."""
    for call in (
        lambda path: load_study_file(path, available=AVAILABLE),
        lambda path: load_definition_file(path),
    ):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "deep.yaml"
            path.write_bytes(body)
            with pytest.raises((StudyFileError, DefinitionError)) as refused:
                call(path)
        assert refused.value.problems
