"""Erasure and anonymisation on request, participant erasure, and the retention rules."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from alongside.core.models import AuditEvent, Notification
from alongside.evaluation.models import Consent, Participant, Response
from alongside.measures.models import Administration
from alongside.organisation.models import Person
from alongside.practice.models import (
    AdvocacyItem,
    CaseloadEntry,
    Contact,
    Ending,
    Goal,
    GoalProgress,
    GoalStep,
    Referral,
    ServiceUser,
)
from alongside.privacy import actions
from alongside.qualitative.models import Coding, QuoteMark, Segment, Source, Speaker
from alongside.reports.queries import practice_input
from tests.integration.test_privacy_export import GOAL, NOTE, PROGRESS, full_record
from tests.integration.url_rules.privacy import interviewed_participant
from tests.integration.url_rules.qualitative import TRANSCRIPT
from tests.pseudonyms import code_of

pytestmark = pytest.mark.django_db
User = get_user_model()


def _counts_for_reports():
    figures = practice_input(None, None)
    return (
        figures.referrals_received,
        figures.contacts_by_setting,
        figures.goals_set,
        figures.goals_achieved,
        figures.endings,
    )


def _audit_texts():
    return json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_erasing_a_service_user_deletes_every_record_about_them(personas):
    full_record(personas)
    su = personas.su_a
    login_user_id = personas.service_user_login.user_id
    counts = actions.erase_service_user(
        by=personas.admin.user, service_user=su, request_reference="ERASE-1"
    )
    assert not ServiceUser.objects.filter(pk=su.pk).exists()
    for model in (Contact, Goal, Referral, CaseloadEntry, Administration, AdvocacyItem):
        assert not model.objects.filter(service_user_id=su.pk).exists(), model
    assert not GoalStep.objects.exists()
    assert not GoalProgress.objects.exists()
    assert not Ending.objects.filter(episode__service_user_id=su.pk).exists()
    assert not Person.objects.filter(pk=personas.service_user_login.pk).exists()
    assert not User.objects.filter(pk=login_user_id).exists()
    # Nobody else's record is touched.
    assert ServiceUser.objects.filter(pk=personas.su_b.pk).exists()
    assert Referral.objects.filter(pk=personas.referral_b.pk).exists()
    assert counts["practice.contact"] == 2
    event = AuditEvent.objects.get(detail__request="erase")
    assert event.action == "delete"
    assert event.object_type == "practice.serviceuser"
    assert event.detail["counts"] == counts
    assert NOTE not in _audit_texts()
    assert "Niamh" not in _audit_texts()


def test_anonymising_blanks_the_personal_fields_and_reports_still_count_the_records(personas):
    full_record(personas)
    su = personas.su_a
    before = _counts_for_reports()
    actions.anonymise_service_user(
        by=personas.admin.user, service_user=su, request_reference="ANON-1"
    )
    su.refresh_from_db()
    assert su.preferred_name == "Erased"
    assert su.reference == f"ERASED-{su.pk}"
    assert su.contact_preferences == ""
    assert su.key_clinician_id is None
    contacts = Contact.objects.filter(service_user=su)
    assert contacts.count() == 2
    assert all(c.note == "" and c.date.day == 1 for c in contacts)
    goal = Goal.objects.get(service_user=su)
    assert goal.text == ""
    assert GoalStep.objects.get(goal=goal).text == ""
    assert GoalProgress.objects.get(goal=goal).note == ""
    assert Referral.objects.get(service_user=su).reason == ""
    administration = Administration.objects.get(service_user=su)
    assert administration.answers == {}
    assert administration.scores == {}
    assert administration.administered_on.day == 1
    login = Person.objects.get(pk=personas.service_user_login.pk)
    assert (login.given_name, login.family_name, login.email) == ("Erased", "Erased", "")
    assert not User.objects.get(pk=login.user_id).is_active
    # Programme figures count the same records as before.
    after = _counts_for_reports()
    assert after[0] == before[0]
    assert after[1] == before[1]
    assert after[2:] == before[2:]
    # The other service user keeps everything.
    personas.su_b.refresh_from_db()
    assert personas.su_b.preferred_name == "Declan-on-caseload-B"
    event = AuditEvent.objects.get(detail__request="anonymise")
    assert event.detail["counts"]["practice.contact"] == 2
    texts = _audit_texts()
    assert all(secret not in texts for secret in (NOTE, GOAL, PROGRESS, "Niamh"))


def test_an_anonymised_record_refuses_a_stale_edit(personas):
    su = personas.su_a
    version = su.version
    actions.anonymise_service_user(by=None, service_user=su, request_reference="ANON-2")
    su.refresh_from_db()
    assert su.version > version


def test_erasing_a_participant_keeps_everyone_elses_offsets(personas):
    participant = interviewed_participant(personas)
    source = Source.objects.get(project__study=participant.study)
    interviewer_segment = source.segments.get(order=2)
    from alongside.qualitative import actions as qual
    from alongside.qualitative.models import Code

    code = Code.objects.get(project=source.project, name="Groups")
    kept = qual.code_segment(
        by=personas.user("evaluator"), segment=interviewer_segment, codes=[code]
    )[0]
    assert Coding.objects.filter(segment__speaker__participant=participant).exists()
    counts = actions.erase_participant(
        by=personas.admin.user, participant=participant, request_reference="ERASE-P1"
    )
    source.refresh_from_db()
    assert len(source.text) == len(TRANSCRIPT)
    assert "Nobody at Riverside" not in source.text
    assert "walking group" not in source.text
    assert source.text.count("\n") == TRANSCRIPT.count("\n")
    # The interviewer's words, segments and codings are exactly where they were.
    for segment in source.segments.filter(speaker__is_interviewer=True):
        assert segment.text == TRANSCRIPT[segment.start : segment.end]
    kept.refresh_from_db()
    assert source.text[kept.start : kept.end] == TRANSCRIPT[kept.start : kept.end]
    their_segments = Segment.objects.filter(speaker__participant=participant)
    assert their_segments.count() == 2
    assert all(set(s.text) <= set("[erased]") for s in their_segments)
    assert not Coding.objects.filter(segment__in=their_segments).exists()
    assert not QuoteMark.objects.filter(coding__source=source).exists()
    assert not Response.objects.filter(participant=participant).exists()
    assert not Consent.objects.filter(participant=participant).exists()
    participant.refresh_from_db()
    assert code_of(participant) == f"erased-{participant.pk}"
    assert participant.withdrawn_at is not None
    assert Speaker.objects.get(participant=participant).label.startswith("Erased")
    assert counts["qualitative.coding"] == 1
    event = AuditEvent.objects.get(detail__request="erase", object_type="evaluation.participant")
    assert event.detail["counts"] == counts
    assert "Nobody at Riverside" not in _audit_texts()


def test_withdrawal_on_request_uses_the_studys_own_withdrawal(personas):
    participant = interviewed_participant(personas)
    actions.withdraw_participant_on_request(
        by=personas.admin.user, participant=participant, keep_data=False, request_reference="W-1"
    )
    participant.refresh_from_db()
    assert participant.withdrawn_at is not None
    assert not Response.objects.filter(participant=participant).exists()
    assert AuditEvent.objects.filter(detail__request="withdraw").exists()


def test_a_failed_erasure_changes_nothing(personas, monkeypatch):
    participant = interviewed_participant(personas)
    text = Source.objects.get(project__study=participant.study).text

    def boom(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(actions.audit, "record", boom)
    with pytest.raises(RuntimeError):
        actions.erase_participant(by=None, participant=participant, request_reference="X")
    assert Source.objects.get(project__study=participant.study).text == text
    assert Consent.objects.filter(participant=participant).exists()
    assert Coding.objects.filter(segment__speaker__participant=participant).exists()


# --- Retention ---------------------------------------------------------------------------------

LONG_AGO = dt.date(2010, 3, 17)


def _old_ended_episode(p):
    """PSW B's service user: a contact with a note, in an episode that ended long ago."""
    episode = CaseloadEntry.objects.get(service_user=p.su_b)
    Contact.objects.create(
        service_user=p.su_b,
        episode=episode,
        worker=p.psw_b,
        date=LONG_AGO,
        duration_minutes=30,
        mode="phone",
        setting="home",
        note="An old note about a hard week",
    )
    CaseloadEntry.objects.filter(pk=episode.pk).update(
        status="ended", start=LONG_AGO, end=LONG_AGO + dt.timedelta(days=10)
    )
    Referral.objects.filter(pk=p.referral_b.pk).update(received_on=LONG_AGO)
    Notification.objects.create(recipient=p.psw.user, message="An old message")
    Notification.objects.filter(message="An old message").update(
        created_at=timezone.make_aware(dt.datetime(2012, 1, 1))
    )


def _run(*args):
    out = StringIO()
    call_command("retention", "apply", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_counts_and_changes_nothing(personas):
    _old_ended_episode(personas)
    output = _run("--dry-run")
    assert "contact-notes: 1 would be anonymised" in output
    assert "service-users: 1 would be anonymised" in output
    assert "notifications: 1 would be deleted" in output
    assert "audit-trail: kept" in output
    assert Contact.objects.get(service_user=personas.su_b).note != ""
    assert Notification.objects.filter(message="An old message").exists()
    event = AuditEvent.objects.get(object_type="privacy.retention")
    assert event.detail["dry_run"] is True
    assert event.detail["counts"]["contact-notes"] == 1


def test_applying_the_rules_anonymises_and_deletes_what_is_due(personas):
    _old_ended_episode(personas)
    output = _run()
    assert "contact-notes: 1 anonymised" in output
    contact = Contact.objects.get(service_user=personas.su_b)
    assert contact.note == ""
    personas.su_b.refresh_from_db()
    assert personas.su_b.preferred_name == "Erased"
    assert not Notification.objects.filter(message="An old message").exists()
    # PSW A's current service user is not due.
    personas.su_a.refresh_from_db()
    assert personas.su_a.preferred_name == "Niamh-on-caseload-A"
    event = AuditEvent.objects.get(object_type="privacy.retention")
    assert event.detail["dry_run"] is False
    assert event.detail["counts"]["service-users"] == 1
    # Running again finds nothing more to do.
    assert "contact-notes: 0 anonymised" in _run()


def test_a_rule_can_be_set_to_delete(personas):
    _old_ended_episode(personas)
    with override_settings(ALONGSIDE_RETENTION={"contact-notes": {"action": "delete"}}):
        output = _run()
    assert "contact-notes: 1 deleted" in output
    assert not Contact.objects.filter(service_user=personas.su_b).exists()


def test_a_longer_period_leaves_records_alone(personas):
    _old_ended_episode(personas)
    with override_settings(
        ALONGSIDE_RETENTION={"contact-notes": {"years": 50}, "service-users": {"years": 50}}
    ):
        _run()
    assert Contact.objects.get(service_user=personas.su_b).note != ""


def test_a_wrong_setting_fails_loudly(personas):
    with (
        override_settings(ALONGSIDE_RETENTION={"audit-trail": {"action": "delete"}}),
        pytest.raises(ImproperlyConfigured),
    ):
        _run("--dry-run")
    assert not AuditEvent.objects.filter(object_type="privacy.retention").exists()


def test_survey_invitations_go_a_year_after_the_study_period(personas):
    from alongside.evaluation.actions.surveys import create_invitations
    from alongside.evaluation.models import Invitation

    participant = interviewed_participant(personas)
    create_invitations(
        by=personas.user("evaluator"), study=participant.study, participants=[participant]
    )
    study = participant.study
    type(study).objects.filter(pk=study.pk).update(
        period_start=dt.date(2015, 1, 1), period_end=dt.date(2016, 1, 1)
    )
    assert "survey-invitations: 1 deleted" in _run()
    assert not Invitation.objects.filter(participant=participant).exists()
    assert Participant.objects.filter(pk=participant.pk).exists()
