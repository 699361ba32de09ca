"""Writes to a qualitative project: sources, codebook changes that keep codings, coding, undo."""

import pytest
from django.core.exceptions import ValidationError

from alongside.core.access import Permission, visible
from alongside.core.models import AuditEvent
from alongside.evaluation.actions import withdraw_participant
from alongside.evaluation.models import Participant
from alongside.qualitative import actions
from alongside.qualitative.models import Code, Coding, Project, QuoteMark, Segment, Source, Speaker
from tests.integration.url_rules.qualitative import TRANSCRIPT, qual_project, qual_study
from tests.pseudonyms import by_code, code_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    return qual_project(personas)


@pytest.fixture
def evaluator(personas):
    return personas.user("evaluator")


def codes(project):
    return {c.name: c for c in Code.objects.filter(project=project)}


def test_a_transcript_becomes_segments_with_speakers_linked_to_participants(project):
    source = Source.objects.get(project=project)
    assert source.text == TRANSCRIPT
    segments = list(source.segments.order_by("order"))
    assert [s.text for s in segments][1] == (
        "Aoife just listened. Nobody at Riverside CMHT had time like that."
    )
    su1 = Speaker.objects.get(source=source, label="SU-1")
    assert code_of(su1.participant) == "SU-1"
    assert su1.role_label == "Service users"
    assert su1.site.code == "north"
    interviewer = Speaker.objects.get(source=source, label="Interviewer")
    assert interviewer.is_interviewer
    assert AuditEvent.objects.filter(object_type="qualitative.source", action="create").exists()


def test_a_malformed_transcript_writes_nothing(project):
    before = Source.objects.count(), Segment.objects.count()
    with pytest.raises(ValidationError, match="line 3"):
        actions.add_transcript(
            by=None,
            project=project,
            data=b"WEBVTT\n\n00:00:01.000 --> 00:00:xx.000\nhi\n",
            filename="bad.vtt",
        )
    assert (Source.objects.count(), Segment.objects.count()) == before


def test_the_same_source_name_twice_is_refused(project):
    with pytest.raises(ValidationError, match="already a source"):
        actions.add_transcript(
            by=None, project=project, data=TRANSCRIPT.encode(), filename="interview-1.txt"
        )


def test_open_answers_become_one_source_per_question(project):
    data = (
        "participant,question,answer\n"
        "SU-1,What helped most?,Someone who had been there.\n"
        "P-0002,What helped most?,\n"
        "SU-3,What helped most?,The group 😀\n"
        "SU-3,What would you change?,More evenings.\n"
    ).encode()
    created = actions.import_open_answers(by=None, project=project, data=data, filename="a.csv")
    assert [s.name for s in created] == ["What helped most?", "What would you change?"]
    first = created[0]
    assert [s.text for s in first.segments.order_by("order")] == [
        "Someone who had been there.",
        "The group 😀",
    ]
    speakers = [s.speaker for s in first.segments.order_by("order")]
    assert [code_of(s.participant) for s in speakers] == ["SU-1", "SU-3"]
    assert speakers[1].site.code == "south"
    # Speakers of open answers carry the pseudonym, never the participant code.
    assert all(s.label.startswith("P-") for s in speakers)


def test_open_answers_from_an_unknown_participant_write_nothing(project):
    data = b"participant,question,answer\nSU-1,Q1,fine\nNOBODY,Q1,hm\n"
    before = Source.objects.count()
    with pytest.raises(ValidationError, match="line 3: 'NOBODY' is not a participant"):
        actions.import_open_answers(by=None, project=project, data=data, filename="a.csv")
    assert Source.objects.count() == before


def test_a_selection_is_trimmed_and_lands_in_its_segment(project, evaluator):
    source = Source.objects.get(project=project)
    at = source.text.index(" Nobody at")
    made = actions.apply_codes(
        by=evaluator,
        source=source,
        start=at,
        end=at + len(" Nobody at Riverside "),
        codes=[codes(project)["Groups"]],
    )
    assert made[0].text == "Nobody at Riverside"
    assert made[0].segment.order == 1
    assert made[0].coder == evaluator
    # The same coding again is not repeated.
    again = actions.apply_codes(
        by=evaluator, source=source, start=made[0].start, end=made[0].end, codes=[made[0].code]
    )
    assert again == []


@pytest.mark.parametrize(("start", "end"), [(-1, 4), (5, 5), (0, 10_000)])
def test_a_selection_outside_the_text_is_refused(project, evaluator, start, end):
    source = Source.objects.get(project=project)
    with pytest.raises(ValidationError):
        actions.apply_codes(
            by=evaluator, source=source, start=start, end=end, codes=[codes(project)["Groups"]]
        )


def test_a_theme_container_takes_no_codings(project, evaluator):
    source = Source.objects.get(project=project)
    with pytest.raises(ValidationError, match="theme container"):
        actions.apply_codes(
            by=evaluator, source=source, start=0, end=5, codes=[codes(project)["Connection"]]
        )


def test_undo_removes_my_last_coding_only(project, evaluator, personas):
    source = Source.objects.get(project=project)
    segment = source.segments.get(order=3)
    actions.code_segment(by=evaluator, segment=segment, codes=[codes(project)["Groups"]])
    count = Coding.objects.count()
    undone = actions.undo_last_coding(by=evaluator, project=project)
    assert undone.segment == segment
    assert Coding.objects.count() == count - 1
    assert actions.undo_last_coding(by=personas.user("psw"), project=project) is None
    assert AuditEvent.objects.filter(object_type="qualitative.coding", action="delete").exists()


def test_merge_moves_codings_children_and_memos(project, evaluator):
    c = codes(project)
    source = Source.objects.get(project=project)
    actions.code_segment(by=evaluator, segment=source.segments.get(order=3), codes=[c["Groups"]])
    # The same span coded with both codes by the same coder: one survives the merge.
    actions.code_segment(by=evaluator, segment=source.segments.get(order=1), codes=[c["Groups"]])
    sub = actions.create_code(by=None, project=project, name="Walking", parent=c["Groups"])
    actions.add_memo(by=evaluator, project=project, text="Close to listening?", code=c["Groups"])
    before = Coding.objects.filter(source=source).count()
    actions.merge_codes(by=evaluator, code=c["Groups"], into=c["Being listened to"])
    assert not Code.objects.filter(pk=c["Groups"].pk).exists()
    target = c["Being listened to"]
    assert target.codings.count() == 2
    assert Coding.objects.filter(source=source).count() == before - 1
    assert Code.objects.get(pk=sub.pk).parent == target
    assert target.memos.count() == 1
    # The quote mark on the kept coding survives.
    assert QuoteMark.objects.filter(coding__code=target).count() == 1


def test_merge_into_own_subcode_is_refused(project):
    c = codes(project)
    with pytest.raises(ValidationError, match="sub-codes"):
        actions.merge_codes(by=None, code=c["Connection"], into=c["Groups"])


def test_split_moves_the_chosen_codings_to_a_sibling(project, evaluator):
    c = codes(project)
    source = Source.objects.get(project=project)
    actions.code_segment(
        by=evaluator, segment=source.segments.get(order=3), codes=[c["Being listened to"]]
    )
    chosen = list(c["Being listened to"].codings.filter(segment__order=3))
    new = actions.split_code(
        by=evaluator, code=c["Being listened to"], new_name="Routine", codings=chosen
    )
    assert new.parent == c["Connection"]
    assert list(new.codings.values_list("segment__order", flat=True)) == [3]
    assert c["Being listened to"].codings.count() == 1


def test_move_refuses_a_cycle_and_rename_keeps_codings(project):
    c = codes(project)
    with pytest.raises(ValidationError, match="under itself"):
        actions.move_code(by=None, code=c["Connection"], parent=c["Groups"])
    actions.move_code(by=None, code=c["Being listened to"], parent=None)
    renamed = actions.update_code(
        by=None,
        code=c["Being listened to"],
        name="Feeling heard",
        definition="d",
        inclusion="i",
        exclusion="e",
        is_codable=True,
    )
    assert renamed.codings.count() == 1
    with pytest.raises(ValidationError, match="theme container"):
        actions.update_code(
            by=None,
            code=renamed,
            name="Feeling heard",
            definition="",
            inclusion="",
            exclusion="",
            is_codable=False,
        )


def test_two_codes_with_one_name_under_one_parent_are_refused(project):
    with pytest.raises(ValidationError):
        actions.create_code(
            by=None, project=project, name="Groups", parent=codes(project)["Connection"]
        )
    with pytest.raises(ValidationError):
        actions.create_code(by=None, project=project, name="Connection")


def test_only_members_reach_the_project(personas, project):
    evaluator = personas.user("evaluator")
    assert list(visible(Project, evaluator, Permission.VIEW_QUALITATIVE)) == [project]
    assert visible(Coding, evaluator, Permission.CODE_QUALITATIVE).count() == 1
    for name in ("lead", "admin", "psw", "outsider"):
        assert not visible(Source, personas.user(name), Permission.VIEW_QUALITATIVE).exists()


def test_an_evaluator_who_is_not_a_member_reaches_nothing(personas):
    project = qual_project(None)
    evaluator = personas.user("evaluator")
    assert project.study.members.count() == 0
    assert not visible(Project, evaluator, Permission.VIEW_QUALITATIVE).exists()
    assert not visible(Segment, evaluator, Permission.VIEW_QUALITATIVE).exists()


def test_withdrawal_keeps_the_speaker_link(project):
    participant = Participant.objects.get(study=qual_study(), **by_code("SU-1"))
    withdraw_participant(by=None, participant=participant, keep_data=True)
    assert Speaker.objects.filter(participant=participant).exists()
