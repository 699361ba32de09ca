"""A damaged upload gets the parser's plain message on the page, never a server error, and
nothing is written: Word transcripts, REFI-QDA projects and study files (issue 9's fuzz faults)."""

import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alongside.evaluation import actions as evaluation_actions
from alongside.evaluation.models import Study
from alongside.evaluation.studyfile import parse_study
from alongside.qualitative import actions as qualitative_actions
from alongside.qualitative.models import Project, Source
from tests.fuzz.test_fuzz_qualitative import DAMAGE, VALID_DOCX, VALID_QDPX
from tests.integration.url_rules.qualitative import SLUG, STUDY

pytestmark = pytest.mark.django_db

EMPTY = "empty-study"


@pytest.fixture
def empty_study(personas):
    text = STUDY.replace(f"slug: {SLUG}", f"slug: {EMPTY}")
    definition = parse_study(yaml.safe_load(text), source="test", text=text, available={})
    study, _ = evaluation_actions.load_study(by=None, definition=definition)
    evaluation_actions.add_study_member(by=None, study=study, user=personas.user("evaluator"))
    return study


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_word_transcript_is_refused_on_the_page(empty_study, client_for, damage):
    qualitative_actions.start_project(by=None, study=empty_study)
    upload = SimpleUploadedFile("interview.docx", DAMAGE[damage](VALID_DOCX, "word/document.xml"))
    response = client_for("evaluator").post(
        reverse("qualitative:add-transcript", args=[EMPTY]), {"file": upload, "method": "interview"}
    )
    assert response.status_code == 200
    assert "the file is damaged or not a Word document (.docx)" in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_qdpx_is_refused_on_the_page(empty_study, client_for, damage):
    upload = SimpleUploadedFile("project.qdpx", DAMAGE[damage](VALID_QDPX, "project.qde"))
    response = client_for("evaluator").post(
        reverse("qualitative:import-qdpx", args=[EMPTY]), {"file": upload}
    )
    assert response.status_code == 400  # the form's problems, shown on the page
    page = response.content.decode()
    if damage == "member not well-formed XML":
        assert "project.qde: XML syntax error on line 1" in page
    else:
        assert "the file is damaged or not a .qdpx" in page
    assert not Project.objects.filter(study=empty_study).exists()


def test_a_study_file_with_a_complex_key_is_refused_on_the_page(personas, client_for):
    upload = io.BytesIO(b"slug: new-study\n? [complex, key]\n: value\n")
    upload.name = "study.yaml"
    response = client_for("evaluator").post(reverse("evaluation:study-upload"), {"file": upload})
    assert response.status_code == 200
    assert "a list or set cannot be a key" in response.content.decode()
    assert not Study.objects.filter(slug="new-study").exists()
