"""The qualitative pages: coding by passage and by selection, the codebook, the quote bank."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alongside.core.models import AuditEvent
from alongside.evaluation.actions import withdraw_participant
from alongside.evaluation.models import Participant
from alongside.qualitative import actions
from alongside.qualitative.models import Code, Coding, QuoteMark, Source
from tests.integration.url_rules.qualitative import SLUG, qual_project
from tests.pseudonyms import by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    return qual_project(personas)


@pytest.fixture
def client(client_for):
    return client_for("evaluator")


def url(name, *args):
    return reverse(f"qualitative:{name}", args=(SLUG, *args))


def test_the_source_page_shows_passages_with_exact_offsets(project, client):
    source = Source.objects.get(project=project)
    response = client.get(url("source", source.pk))
    page = response.content.decode()
    second = source.segments.get(order=1)
    assert f'data-start="{second.start}">{second.text}</p>' in page
    assert "Being listened to" in page
    assert AuditEvent.objects.filter(object_type="qualitative.source", action="view").exists()


def test_code_a_passage_with_two_codes(project, client):
    source = Source.objects.get(project=project)
    segment = source.segments.get(order=3)
    codes = {c.name: c.pk for c in Code.objects.filter(project=project)}
    response = client.post(
        url("apply-codes", source.pk),
        {
            "prefix": "s3",
            "s3-segment": segment.pk,
            "s3-codes": [codes["Groups"], codes["Being listened to"]],
        },
    )
    assert response.status_code == 302
    assert response.url.endswith("#segment-3")
    made = Coding.objects.filter(segment=segment)
    assert sorted(c.code.name for c in made) == ["Being listened to", "Groups"]


def test_code_a_selection_counted_in_code_points(project, client, personas):
    source = actions.add_transcript(
        by=None,
        project=project,
        data="Ann: I 😀 loved the walk.\nBob: Me too.\n".encode(),
        filename="emoji.txt",
    )
    start = source.text.index("loved")
    response = client.post(
        url("apply-codes", source.pk),
        {
            "prefix": "sel",
            "sel-start": start,
            "sel-end": start + len("loved the walk"),
            "sel-codes": [Code.objects.get(project=project, name="Groups").pk],
        },
    )
    assert response.status_code == 302
    assert Coding.objects.get(source=source).text == "loved the walk"


def test_a_theme_container_cannot_be_chosen(project, client):
    source = Source.objects.get(project=project)
    client.post(
        url("apply-codes", source.pk),
        {
            "prefix": "sel",
            "sel-start": 0,
            "sel-end": 5,
            "sel-codes": [Code.objects.get(project=project, name="Connection").pk],
        },
    )
    assert Coding.objects.filter(code__name="Connection").count() == 0


def test_filter_by_code_and_role(project, client):
    source = Source.objects.get(project=project)
    groups = Code.objects.get(project=project, name="Connection")
    page = client.get(url("source", source.pk), {"code": groups.pk}).content.decode()
    assert "1 of 4 passages shown" in page
    page = client.get(url("source", source.pk), {"role": "Interviewer"}).content.decode()
    assert "2 of 4 passages shown" in page


def test_undo_from_the_page(project, client):
    before = Coding.objects.count()
    response = client.post(url("undo"))
    assert response.status_code == 302
    assert Coding.objects.count() == before - 1


def test_a_malformed_upload_names_the_line_and_adds_nothing(project, client):
    before = Source.objects.count()
    upload = SimpleUploadedFile("bad.srt", b"1\n00:00:01,000 -> 00:00:02,000\nhi\n")
    response = client.post(url("add-transcript"), {"file": upload, "method": "interview"})
    assert response.status_code == 200
    assert "line 2" in response.content.decode()
    assert Source.objects.count() == before


def test_upload_a_transcript(project, client):
    upload = SimpleUploadedFile(
        "focus.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hi\n"
    )
    response = client.post(url("add-transcript"), {"file": upload, "method": "focus-group"})
    source = Source.objects.get(project=project, name="focus")
    assert response.url == url("source", source.pk)
    assert source.method == "focus-group"


def test_merge_from_the_code_page_keeps_codings(project, client):
    codes = {c.name: c for c in Code.objects.filter(project=project)}
    response = client.post(
        url("merge-code", codes["Being listened to"].pk), {"into": codes["Groups"].pk}
    )
    assert response.url == url("code", codes["Groups"].pk)
    assert Coding.objects.filter(code=codes["Groups"]).count() == 1


def test_the_quote_bank_redacts_names_and_attributes_by_role(project, client):
    page = client.get(url("quotes")).content.decode()
    assert "[peer support worker] just listened. Nobody at [place] had time like that." in page
    assert "Aoife" not in page
    assert "Riverside CMHT" not in page
    assert "Service users" in page
    # One person heard at Northside: the small-group warning shows.
    assert "Fewer than 5 people" in page


def test_the_quote_bank_leaves_out_people_who_withdrew(project, client):
    participant = Participant.objects.get(study=project.study, **by_code("SU-1"))
    withdraw_participant(by=None, participant=participant, keep_data=True)
    page = client.get(url("quotes")).content.decode()
    assert "just listened" not in page
    assert "1 (no consent or withdrawn)" in page


def test_the_quote_bank_leaves_out_people_without_consent(project, client, personas):
    source = Source.objects.get(project=project)
    speaker = source.speakers.get(label="SU-1")
    actions.update_speaker(
        by=None,
        speaker=speaker,
        role_label="Service user",
        participant=Participant.objects.get(study=project.study, **by_code("SU-3")),
        cohort=None,
        site=None,
        is_interviewer=False,
    )
    page = client.get(url("quotes")).content.decode()
    assert "just listened" not in page


def test_theme_coverage_counts_people_per_cohort(project, client):
    response = client.get(url("quotes"))
    rows = response.context["coverage"].rows
    assert rows == [("Connection", [0, 1, 0], 1)]


def test_mark_and_unmark_a_quote(project, client):
    coding = Coding.objects.get(source__project=project)
    client.post(url("mark-quote", coding.pk), {"quote": "no"})
    assert not QuoteMark.objects.exists()
    client.post(url("mark-quote", coding.pk))
    assert QuoteMark.objects.filter(coding=coding).exists()


def test_a_member_starts_a_project(personas, client):
    from tests.integration.url_rules.qualitative import qual_study

    study = qual_study(personas)
    page = client.get(reverse("qualitative:projects")).content.decode()
    assert "Start the qualitative analysis" in page
    response = client.post(reverse("qualitative:start", args=(study.slug,)))
    assert response.url == reverse("qualitative:project", args=(study.slug,))


def test_the_phase_is_shown_and_changed(project, client):
    client.post(url("phase"), {"phase": "3-searching"})
    page = client.get(url("project")).content.decode()
    assert 'aria-current="step" class="phases__current">3. Searching for themes' in page
