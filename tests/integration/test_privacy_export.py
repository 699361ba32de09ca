"""Subject access export: everything held about a service user or a participant, audited."""

import datetime as dt
import io
import json
import zipfile
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from alongside.core.models import AuditEvent
from alongside.measures import actions as measures_actions
from alongside.measures.models import AdministrationMode, InstrumentVersion
from alongside.practice.actions import advocacy, contacts, endings, goals, groups
from alongside.practice.models import Activity, CaseloadEntry, ContactMode, ContactSetting
from alongside.privacy import actions
from alongside.privacy.walker import collect
from tests.integration.url_rules.privacy import interviewed_participant

pytestmark = pytest.mark.django_db

NOTE = "Talked about the allotment and her sister's visit"
GOAL = "Walk to the harbour on my own"
STEP = "Walk to the shop first"
PROGRESS = "Made it halfway, felt proud"
ADVOCACY = "Wants a say in changing her medication"
ENDING_NOTE = "Volunteering at the library"
WRITTEN = "Being heard by someone who has been there"


def full_record(p):
    """PSW A's service user with a record in every practice and measures model."""
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=30)
    by, worker, su = p.psw.user, p.psw, p.su_a
    activity = Activity.objects.get(code="emotional-support")
    contacts.record_contact(
        by=by,
        worker=worker,
        service_user=su,
        date=earlier,
        duration_minutes=45,
        mode=ContactMode.IN_PERSON,
        setting=ContactSetting.COMMUNITY,
        activities=[activity],
        chime=["hope"],
        note=NOTE,
        next_planned_contact=today + dt.timedelta(days=7),
    )
    goal = goals.set_goal(
        by=by,
        service_user=su,
        text=GOAL,
        set_by="service-user",
        chime_domain="empowerment",
        steps=[STEP],
        set_on=earlier,
    )
    goals.record_progress(
        by=by, goal=goal, rating=6, note=PROGRESS, rated_on=today, by_service_user=False
    )
    advocacy.raise_advocacy(by=by, service_user=su, request=ADVOCACY, recorded_on=today)
    group = groups.create_group(
        by=by,
        team=p.team_a,
        name="Walking group",
        description="",
        facilitators=[worker],
        start=earlier,
        end=None,
    )
    session = groups.add_group_session(
        by=by, programme=group, date=earlier, duration_minutes=60, setting="community", topic=""
    )
    groups.record_attendance(by=by, session=session, service_users=[su], worker=worker)
    chime = InstrumentVersion.objects.get(code="chime-support", version="1.0")
    administration = measures_actions.record_administration(
        by=by,
        service_user=su,
        instrument_version=chime,
        text_pack=None,
        administered_on=earlier,
        mode=AdministrationMode.WITH_PSW,
        answers={"connectedness": 3, "hope": 2, "identity": 4, "meaning": 1, "empowerment": 3},
        written_answers={"what-helped": WRITTEN}
        if "what-helped" in {i["code"] for i in chime.definition["items"]}
        else None,
    )
    measures_actions.create_survey_link(
        by=by, service_user=su, instrument_version=chime, text_pack=None
    )
    goal.refresh_from_db()
    goals.close_goal(
        by=by, goal=goal, expected_version=goal.version, status="achieved", closed_on=today
    )
    episode = CaseloadEntry.objects.get(service_user=su, worker=worker)
    endings.end_episode(
        by=by,
        episode=episode,
        expected_version=episode.version,
        ended_on=today,
        planned=True,
        reason="goals-achieved",
        now_community_activities=True,
        now_work=False,
        now_education=False,
        now_other_supports=False,
        now_note=ENDING_NOTE,
        independence_note="",
    )
    return administration


PRACTICE_AND_MEASURES = [
    m
    for label in ("practice", "measures")
    for m in apps.get_app_config(label).get_models()
    if m._meta.label
    not in {
        # Configuration, not about anyone: the activity list, groups, instruments, schedules.
        "practice.Activity",
        "practice.GroupProgramme",
        "practice.GroupSession",
        "measures.InstrumentVersion",
        "measures.TextPack",
        "measures.Schedule",
        # Counts for the report and dashboard (practice/rollups.py), not about anyone.
        "practice.PracticeCount",
        "practice.CaseloadCount",
        "practice.FigureChange",
    }
]


def _export(p, subject, reference="SAR-2025-014"):
    return actions.export_subject(by=p.admin.user, subject=subject, request_reference=reference)


def test_the_export_holds_a_row_of_every_practice_and_measures_model_about_the_person(personas):
    full_record(personas)
    made = _export(personas, personas.su_a)
    data = json.loads(made.json_bytes)
    records = data["records"]
    missing = [m._meta.label for m in PRACTICE_AND_MEASURES if m._meta.label_lower not in records]
    assert not missing
    assert records["practice.contact"][0]["note"] == NOTE
    assert records["practice.contact"][0]["activities"] == [
        Activity.objects.get(code="emotional-support").pk
    ]
    assert {row["text"] for row in records["practice.goalstep"]} == {STEP}
    assert records["practice.goalprogress"][0]["note"] == PROGRESS
    assert records["practice.advocacyitem"][0]["request"] == ADVOCACY
    assert records["practice.ending"][0]["now_note"] == ENDING_NOTE
    assert records["practice.serviceuser"][0]["preferred_name"] == "Niamh-on-caseload-A"
    # Their own login person is theirs too; the group contact is there with the one-to-one.
    assert records["organisation.person"][0]["given_name"] == "Siobhan"
    assert len(records["practice.contact"]) == 2
    assert data["subject"] == {
        "kind": "service-user",
        "record_type": "practice.serviceuser",
        "id": personas.su_a.pk,
    }
    assert data["counts"] == {label: len(rows) for label, rows in records.items()}


def test_the_export_holds_nobody_elses_records(personas):
    full_record(personas)
    data = json.loads(_export(personas, personas.su_a).json_bytes)
    text = json.dumps(data)
    assert "Declan-on-caseload-B" not in text
    assert "Team B private reason" not in text
    people = {row["id"] for row in data["records"]["organisation.person"]}
    assert people == {personas.service_user_login.pk}  # not the PSW who wrote the notes


def test_the_pdf_is_a_readable_document_of_the_same_records(personas):
    full_record(personas)
    made = _export(personas, personas.su_a)
    assert made.pdf_bytes.startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(made.zip_bytes())) as archive:
        names = sorted(archive.namelist())
        assert names == [
            f"service-user-{personas.su_a.pk}.json",
            f"service-user-{personas.su_a.pk}.pdf",
        ]


def test_an_export_is_audited_with_the_reference_and_counts_never_content(personas):
    full_record(personas)
    made = _export(personas, personas.su_a, reference="SAR-77")
    event = AuditEvent.objects.filter(action="export", object_type="practice.serviceuser").get()
    assert event.object_id == str(personas.su_a.pk)
    assert event.actor_id == personas.admin.user.pk
    assert event.detail["request_reference"] == "SAR-77"
    assert event.detail["counts"] == made.counts
    assert NOTE not in json.dumps(event.detail)


def test_an_export_needs_a_request_reference(personas):
    with pytest.raises(ValidationError, match="reference"):
        _export(personas, personas.su_a, reference="   ")
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_participant_export_holds_answers_consent_and_their_words(personas):
    participant = interviewed_participant(personas)
    data = json.loads(_export(personas, participant).json_bytes)
    records = data["records"]
    assert records["evaluation.participant"][0]["code"] == "SU-1"
    assert "evaluation.consent" in records
    segments = records["qualitative.segment"]
    assert {s["text"] for s in segments} == {
        "Aoife just listened. Nobody at Riverside CMHT had time like that.",
        "I go to the walking group on Tuesdays.",
    }
    assert "qualitative.coding" in records
    assert "qualitative.quotemark" in records
    # The interviewer's words are not theirs.
    assert "What was it like" not in json.dumps(records)


def test_the_walk_finds_what_the_export_lists(personas):
    full_record(personas)
    found = collect(personas.su_a)
    assert found.counts()["practice.goal"] == 1
    assert found.counts()["measures.surveylink"] == 1


def test_the_command_writes_json_and_pdf_and_audits(personas, tmp_path):
    full_record(personas)
    out = StringIO()
    call_command(
        "subject",
        "export",
        "--service-user",
        str(personas.su_a.pk),
        "--out",
        str(tmp_path),
        "--reason",
        "SAR-9",
        stdout=out,
    )
    name = f"service-user-{personas.su_a.pk}"
    data = json.loads((tmp_path / f"{name}.json").read_text())
    assert data["request_reference"] == "SAR-9"
    assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    assert "practice.contact: 2" in out.getvalue()
    assert AuditEvent.objects.filter(action="export", detail__request_reference="SAR-9").exists()


def test_the_command_finds_a_participant_by_study_and_pseudonym(personas, tmp_path):
    participant = interviewed_participant(personas)
    call_command(
        "subject",
        "export",
        "--participant",
        f"{participant.study.slug}:{participant.pseudonym}",
        "--out",
        str(tmp_path),
        "--reason",
        "SAR-10",
        stdout=StringIO(),
    )
    name = f"participant-{participant.study.slug}-{participant.pseudonym}"
    assert json.loads((tmp_path / f"{name}.json").read_text())["subject"]["kind"] == "participant"


@pytest.mark.parametrize("value", ["nocolon", ":P1", "slug:", "no-such-study:P1"])
def test_the_command_refuses_an_unknown_participant(personas, tmp_path, value):
    with pytest.raises(CommandError):
        call_command(
            "subject", "export", "--participant", value, "--out", str(tmp_path), "--reason", "R"
        )
