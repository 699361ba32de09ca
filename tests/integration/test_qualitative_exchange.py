"""REFI-QDA in the browser: download the project and codebook, upload a .qdpx into an empty one."""

import io
import zipfile

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alongside.core.access import RoleCode
from alongside.core.models import AuditEvent
from alongside.evaluation import actions as evaluation_actions
from alongside.evaluation.studyfile import parse_study
from alongside.qualitative import refi
from alongside.qualitative.models import Code, Coding, Project, Source
from tests import factories
from tests.integration.url_rules.qualitative import SLUG, STUDY, qual_project

pytestmark = pytest.mark.django_db

EMPTY = "empty-study"


@pytest.fixture
def project(personas):
    return qual_project(personas)


@pytest.fixture
def empty_study(personas):
    text = STUDY.replace(f"slug: {SLUG}", f"slug: {EMPTY}")
    definition = parse_study(yaml.safe_load(text), source="test", text=text, available={})
    study, _ = evaluation_actions.load_study(by=None, definition=definition)
    evaluation_actions.add_study_member(by=None, study=study, user=personas.user("evaluator"))
    return study


@pytest.fixture
def client(client_for):
    return client_for("evaluator")


def _upload(data, name="project.qdpx"):
    return {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")}


def test_download_the_project_as_qdpx(project, client):
    response = client.get(reverse("qualitative:export-qdpx", args=[SLUG]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="{SLUG}.qdpx"' in response["Content-Disposition"]
    read = refi.read_qdpx(response.content)
    assert [s.name for s in read.project.sources] == ["interview-1"]
    assert any(s.code_guids for s in read.project.selections)
    event = AuditEvent.objects.get(object_type="qualitative.project", action="export")
    assert event.detail["format"] == "qdpx"


def test_download_the_codebook_as_qdc(project, client):
    response = client.get(reverse("qualitative:export-qdc", args=[SLUG]))
    assert response.status_code == 200
    assert response.content.startswith(b"<?xml")
    assert refi.schema_problems(response.content, refi.codebook_schema()) == []
    assert b"Being listened to" in response.content
    assert AuditEvent.objects.filter(action="export", detail__format="qdc").exists()


def test_the_exchange_page_links_both_downloads(project, client):
    page = client.get(reverse("qualitative:exchange", args=[SLUG])).content.decode()
    assert reverse("qualitative:export-qdpx", args=[SLUG]) in page
    assert reverse("qualitative:export-qdc", args=[SLUG]) in page
    assert "only into a study whose qualitative project has no sources" in page


def test_upload_a_qdpx_into_a_study_without_a_project(project, empty_study, client):
    data = client.get(reverse("qualitative:export-qdpx", args=[SLUG])).content
    response = client.post(reverse("qualitative:import-qdpx", args=[EMPTY]), _upload(data))
    assert response.status_code == 302
    assert response.url == reverse("qualitative:project", args=[EMPTY])
    imported = Project.objects.get(study=empty_study)
    source = Source.objects.get(project=imported)
    original = Source.objects.get(project=project)
    assert source.text == original.text
    assert Code.objects.filter(project=imported).count() == 3
    copied = Coding.objects.get(source=source)
    first = Coding.objects.get(source=original)
    assert (copied.start, copied.end, copied.coder_id) == (first.start, first.end, first.coder_id)


def test_a_malformed_file_lists_the_problem_and_writes_nothing(empty_study, client):
    response = client.post(reverse("qualitative:import-qdpx", args=[EMPTY]), _upload(b"hello"))
    assert response.status_code == 400
    assert "not a .qdpx file: it is not a ZIP archive" in response.content.decode()
    assert not Project.objects.filter(study=empty_study).exists()


def test_every_problem_of_a_broken_project_is_listed(empty_study, client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", "<Project><Broken></Project>")
    response = client.post(
        reverse("qualitative:import-qdpx", args=[EMPTY]), _upload(buffer.getvalue())
    )
    assert response.status_code == 400
    assert "project.qde: XML syntax error" in response.content.decode()
    assert not Source.objects.exists()


def test_a_project_with_sources_is_not_overwritten(project, client):
    data = client.get(reverse("qualitative:export-qdpx", args=[SLUG])).content
    response = client.post(reverse("qualitative:import-qdpx", args=[SLUG]), _upload(data))
    assert response.status_code == 400
    assert "already has sources" in response.content.decode()
    assert Source.objects.filter(project=project).count() == 1


def test_only_qdpx_files_are_taken(empty_study, client):
    response = client.post(
        reverse("qualitative:import-qdpx", args=[EMPTY]), _upload(b"x", name="notes.txt")
    )
    assert response.status_code == 200
    assert "Choose a REFI-QDA project file (.qdpx)." in response.content.decode()
    assert not Project.objects.filter(study=empty_study).exists()


NAMES = ["exchange", "export-qdpx", "export-qdc", "import-qdpx"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("persona", ["lead", "psw"])
def test_other_roles_are_refused(project, client_for, persona, name):
    response = client_for(persona).get(reverse(f"qualitative:{name}", args=[SLUG]))
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("name", NAMES)
def test_an_evaluator_who_is_not_a_member_gets_404(project, client, name):
    person = factories.PersonFactory()
    factories.MembershipFactory(person=person, team=None, role=RoleCode.EVALUATOR)
    client.force_login(person.user)
    assert client.get(reverse(f"qualitative:{name}", args=[SLUG])).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
