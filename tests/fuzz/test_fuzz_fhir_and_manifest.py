"""FHIR QuestionnaireResponse JSON (`alongside instrument import-response`) and the example
manifest (`example.yaml`): any document is imported whole or refused, nothing half written.

Those are the only JSON and manifest parsers of incoming data: measures/fhir.py reads a
QuestionnaireResponse (`parse_response`); everything else in it writes FHIR out.
"""

import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import strategies as st

from alongside.evaluation.example import ExampleError, load_example_manifest
from alongside.measures import actions, fhir
from alongside.measures.models import Administration, AdministrationMode, InstrumentVersion
from tests.fuzz import fuzz
from tests.fuzz.strategies import JSON_TREE, TREE, mutate

pytestmark = pytest.mark.django_db


@pytest.fixture
def valid_response(personas):
    row = InstrumentVersion.objects.get(code="chime-support")
    given = actions.record_administration(
        by=personas.psw.user,
        service_user=personas.su_a,
        instrument_version=row,
        text_pack=None,
        administered_on=timezone.localdate(),
        mode=AdministrationMode.WITH_PSW,
        answers={"connectedness": 3, "hope": 2, "identity": 4, "meaning": 1, "empowerment": 3},
    )
    return fhir.questionnaire_response(given), personas.psw.user.username


def _import(body: bytes, username: str) -> None:
    """Run the command on the file: it imports, or refuses with a CommandError, all or none."""
    before = Administration.objects.count()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "response.json"
        path.write_bytes(body)
        try:
            call_command(
                "instrument", "import-response", str(path), "--as", username,
                stdout=StringIO(), stderr=StringIO(),
            )  # fmt: skip
        except CommandError:
            assert Administration.objects.count() == before
            return
    assert Administration.objects.count() == before + 1


def _refused(body: bytes, username: str) -> str:
    """Run the command on a file it must refuse; the problems it printed."""
    before = Administration.objects.count()
    err = StringIO()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "response.json"
        path.write_bytes(body)
        with pytest.raises(CommandError):
            call_command(
                "instrument", "import-response", str(path), "--as", username,
                stdout=StringIO(), stderr=err,
            )  # fmt: skip
    assert Administration.objects.count() == before
    return err.getvalue()


def _first_item(response, **changes):
    return {**response, "item": [{**response["item"][0], **changes}, *response["item"][1:]]}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda r: {**r, "subject": "SU-1"}, "subject.identifier"),
        (lambda r: {**r, "subject": {"identifier": ["SU-1"]}}, "subject.identifier"),
        (
            lambda r: {**r, "subject": {"identifier": {**r["subject"]["identifier"], "value": 7}}},
            "subject.identifier",
        ),
        (
            lambda r: {
                **r,
                "subject": {"identifier": {**r["subject"]["identifier"], "value": "a\x00"}},
            },
            "subject.identifier",
        ),
        (lambda r: {**r, "questionnaire": r["questionnaire"] + "\x00"}, "questionnaire"),
        (lambda r: {**r, "item": "hope"}, "item"),
        (lambda r: {**r, "item": {"linkId": "hope"}}, "item"),
        (lambda r: {**r, "item": ["hope", *r["item"][1:]]}, "item[0]"),
        (lambda r: _first_item(r, answer={"valueCoding": {"code": "1"}}), "item[0]"),
        (lambda r: _first_item(r, answer="1"), "item[0]"),
        (lambda r: _first_item(r, answer=["1"]), "item[0]"),
        (lambda r: _first_item(r, answer=[{"valueCoding": "1"}]), "valueCoding.code"),
        (lambda r: _first_item(r, answer=[{"valueCoding": {"code": [1]}}]), "valueCoding.code"),
        (lambda r: _first_item(r, answer=[{"valueCoding": {"code": True}}]), "valueCoding.code"),
    ],
)
def test_a_field_of_the_wrong_shape_is_refused_as_a_problem(valid_response, change, named):
    response, username = valid_response
    shown = _refused(json.dumps(change(response)).encode(), username)
    assert named in shown


@fuzz(st.data(), share=0.3)
def test_a_mutated_response_is_imported_whole_or_refused(valid_response, data):
    response, username = valid_response
    document = mutate(response, data, JSON_TREE)
    _import(json.dumps(document).encode(), username)


@fuzz(
    st.one_of(st.binary(max_size=200), JSON_TREE.map(lambda t: json.dumps(t).encode())), share=0.2
)
def test_any_json_or_bytes_are_imported_whole_or_refused(valid_response, body):
    _import(body, valid_response[1])


EXAMPLE = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "examples/psw-impact/example.yaml").read_text()
)


EXAMPLE_FOLDER = Path(__file__).resolve().parents[2] / "examples" / "psw-impact"


def _read_manifest(text: str) -> list[str] | None:
    """Read TEXT as the manifest of a copy of the example folder (its files linked in): None
    if it is sound, else the problems listed."""
    with tempfile.TemporaryDirectory() as folder:
        for file in EXAMPLE_FOLDER.iterdir():
            (Path(folder) / file.name).symlink_to(file)
        path = Path(folder) / "fuzzed.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            manifest = load_example_manifest(path)
        except ExampleError as error:
            return error.problems
        assert manifest.study.is_file()
        return None


def _manifest(text: str) -> None:
    problems = _read_manifest(text)
    assert problems is None or (problems and all(problems))


def test_a_file_name_too_long_is_refused_as_a_problem():
    problems = _read_manifest("study: " + "x" * 300 + ".yaml\n")
    assert problems is not None
    assert any("study: cannot open 'xxx" in p and "too long" in p for p in problems)


def test_a_manifest_nested_too_deeply_is_refused_as_a_problem():
    problems = _read_manifest("[" * 5000)
    assert problems == [problems[0]]
    assert "nested too deeply" in problems[0]


def test_the_unmutated_manifest_is_valid():
    assert _read_manifest(yaml.safe_dump(EXAMPLE)) is None


@fuzz(st.data())
def test_a_mutated_example_manifest_is_read_or_refused(data):
    _manifest(yaml.safe_dump(mutate(EXAMPLE, data, TREE), allow_unicode=True))


@fuzz(st.text(max_size=200))
def test_any_text_as_an_example_manifest_is_read_or_refused(text):
    _manifest(text)
