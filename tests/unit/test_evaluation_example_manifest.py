"""The example manifest: every problem at once, paths relative to the manifest."""

import pytest

from alongside.evaluation.example import ExampleError, load_example_manifest
from tests.integration.url_rules.evaluation import EXAMPLE


def test_the_shipped_example_manifest():
    manifest = load_example_manifest(EXAMPLE / "example.yaml")
    assert manifest.study == EXAMPLE / "study.yaml"
    assert manifest.participants == [EXAMPLE / "participants.csv"]
    assert [(r.file.name, r.cohort, r.instrument) for r in manifest.responses] == [
        ("service-users.csv", "service-users", "su-experience"),
        ("providers.csv", "providers", "provider-survey"),
        ("psws.csv", "psws", "psw-survey"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("study: [", "not a readable YAML file"),
        ("- a list", "must be a mapping"),
        ("study: missing.yaml", "study: no file"),
        ("study: s.yaml\ncolour: red", "unknown field 'colour'"),
        ("study: s.yaml\nparticipants: p.csv", "participants: must be a list"),
        ("study: s.yaml\nresponses: [{file: s.yaml}]", "responses[1]: must have exactly"),
        ("study: s.yaml\nresponses: [{file: no.csv, cohort: c, instrument: i}]", "no file"),
    ],
)
def test_a_bad_manifest_says_what_is_wrong(tmp_path, text, expected):
    (tmp_path / "s.yaml").write_text("slug: s\n")
    (tmp_path / "example.yaml").write_text(text)
    with pytest.raises(ExampleError) as info:
        load_example_manifest(tmp_path / "example.yaml")
    assert any(expected in line for line in info.value.problems), info.value.problems


def test_a_missing_manifest(tmp_path):
    with pytest.raises(ExampleError, match="cannot read the file"):
        load_example_manifest(tmp_path / "example.yaml")
