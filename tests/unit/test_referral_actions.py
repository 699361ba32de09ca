"""The referral actions: making, accepting, declining, waiting; consent; conflicts; telling the
referrer. Every refusal is checked to write nothing at all, not even an audit event."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.core.access import RoleCode
from alongside.core.models import AuditAction, AuditEvent, Notification
from alongside.core.records import EditConflict
from alongside.organisation.models import Discipline
from alongside.practice.actions.referrals import (
    accept_referral,
    decline_referral,
    make_referral,
    put_on_waiting_list,
)
from alongside.practice.models import (
    CaseloadEntry,
    CaseloadStatus,
    Contact,
    DeclineReason,
    Referral,
    ReferralStatus,
    ServiceUser,
    Urgency,
)
from alongside.practice.referral_queries import days_to_first_contact, with_first_contact
from tests import factories

TODAY = timezone.localdate()


def _snapshot():
    """Everything a referral action could write."""
    return {
        "audit": AuditEvent.objects.count(),
        "referrals": list(Referral.objects.values_list("pk", "version", "status").order_by("pk")),
        "service_users": list(
            ServiceUser.objects.values_list("pk", "version", "consented_to_peer_support")
        ),
        "episodes": CaseloadEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }


@pytest.fixture
def nothing_written():
    """Use as `with nothing_written():` around a call that must be refused."""

    class Guard:
        def __enter__(self):
            self.before = _snapshot()

        def __exit__(self, *exc):
            assert _snapshot() == self.before
            return False

    return Guard


def _pending(personas, **kwargs):
    service_user = kwargs.pop("service_user", None) or factories.ServiceUserFactory(
        team=personas.team_a, reference=kwargs.pop("reference", "SU-0012")
    )
    kwargs.setdefault("referrer", personas.clinician)
    kwargs.setdefault("received_on", TODAY - dt.timedelta(days=3))
    return factories.ReferralFactory(service_user=service_user, **kwargs)


def _refer(personas, **overrides):
    arguments = {
        "by": personas.clinician.user,
        "team": personas.team_a,
        "reference": "SU-0100",
        "preferred_name": "Róisín",
        "contact_preferences": "Text first",
        "reason": "Low mood since losing her job; wants to get out more",
        "hopes": "To join a walking group",
        "urgency": Urgency.SOON,
        "referrer": personas.clinician,
        "referrer_discipline": Discipline.NURSING,
        "self_referral": False,
        "received_on": TODAY,
    }
    arguments.update(overrides)
    return make_referral(**arguments)


def _contact(service_user, worker, date):
    return Contact.objects.create(
        service_user=service_user,
        worker=worker,
        date=date,
        duration_minutes=30,
        mode="phone",
        setting="community",
    )


# Making a referral


def test_a_clinician_refers_someone_new(personas):
    referral = _refer(personas)
    service_user = referral.service_user
    assert (service_user.reference, service_user.team) == ("SU-0100", personas.team_a)
    assert not service_user.consented_to_peer_support
    assert referral.status == ReferralStatus.PENDING
    assert referral.referrer == personas.clinician
    assert referral.recorded_by == personas.clinician
    assert referral.referrer_discipline == Discipline.NURSING
    assert not referral.self_referral
    created = AuditEvent.objects.filter(action=AuditAction.CREATE)
    assert sorted(created.values_list("object_type", flat=True)) == [
        "practice.referral",
        "practice.serviceuser",
    ]
    assert "Róisín" not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_a_clinician_refers_someone_already_known_with_their_consent(personas):
    known = factories.ServiceUserFactory(
        team=personas.team_a, consented_to_peer_support=False, consent_date=None
    )
    referral = _refer(
        personas,
        service_user=known,
        reference="",
        preferred_name="",
        consented_to_peer_support=True,
        consent_date=TODAY,
    )
    assert referral.service_user == known
    known.refresh_from_db()
    assert known.consented_to_peer_support
    assert known.consent_date == TODAY
    assert known.version == 2
    assert ServiceUser.objects.filter(reference="SU-0100").count() == 0


def test_a_new_person_can_be_referred_with_consent(personas):
    referral = _refer(personas, consented_to_peer_support=True, consent_date=TODAY)
    assert referral.service_user.consented_to_peer_support
    assert referral.service_user.consent_date == TODAY


def test_a_psw_records_a_self_referral(personas):
    referral = _refer(
        personas,
        by=personas.psw.user,
        referrer=None,
        referrer_discipline="",
        self_referral=True,
    )
    assert referral.self_referral
    assert referral.referrer is None
    assert referral.recorded_by == personas.psw


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reference": "", "preferred_name": ""}, "service_user"),
        ({"reference": ""}, "reference"),
        ({"preferred_name": ""}, "preferred_name"),
        ({"received_on": TODAY + dt.timedelta(days=1)}, "received_on"),
        ({"consented_to_peer_support": True}, "consent_date"),
        (
            {"consented_to_peer_support": True, "consent_date": TODAY + dt.timedelta(days=1)},
            "consent_date",
        ),
        ({"urgency": "whenever"}, "urgency"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_writes_nothing(
    personas, nothing_written, overrides, field
):
    with nothing_written(), pytest.raises(ValidationError) as caught:
        _refer(personas, **overrides)
    assert field in caught.value.message_dict


def test_a_reference_already_in_use_is_refused_clearly(personas, nothing_written):
    with nothing_written(), pytest.raises(ValidationError) as caught:
        _refer(personas, reference=personas.su_b.reference.lower())
    (message,) = caught.value.message_dict["reference"]
    assert "already in use" in message


def test_choosing_someone_known_and_giving_new_details_is_refused(personas, nothing_written):
    with nothing_written(), pytest.raises(ValidationError) as caught:
        _refer(personas, service_user=personas.su_a)
    assert "reference" in caught.value.message_dict


def test_someone_of_another_team_cannot_be_referred_to_this_one(personas, nothing_written):
    with nothing_written(), pytest.raises(ValidationError) as caught:
        _refer(personas, service_user=personas.su_b, reference="", preferred_name="")
    assert "service_user" in caught.value.message_dict


@pytest.mark.parametrize("status", [ReferralStatus.PENDING, ReferralStatus.WAITING_LIST])
def test_a_second_open_referral_for_the_same_person_is_refused(personas, nothing_written, status):
    open_referral = _pending(personas, status=status)
    with nothing_written(), pytest.raises(ValidationError) as caught:
        _refer(personas, service_user=open_referral.service_user, reference="", preferred_name="")
    (message,) = caught.value.message_dict["service_user"]
    assert "already has a referral" in message


def test_a_person_whose_referral_was_decided_can_be_referred_again(personas):
    declined = _pending(personas, status=ReferralStatus.DECLINED, decline_reason="no-capacity")
    again = _refer(personas, service_user=declined.service_user, reference="", preferred_name="")
    assert again.status == ReferralStatus.PENDING


@pytest.mark.parametrize(
    ("referrer", "self_referral"), [("clinician", True), (None, False)], ids=["both", "neither"]
)
def test_a_referral_has_a_referrer_or_is_a_self_referral(
    personas, nothing_written, referrer, self_referral
):
    with nothing_written(), pytest.raises(ValidationError):
        _refer(
            personas,
            referrer=getattr(personas, referrer) if referrer else None,
            self_referral=self_referral,
        )


# Accepting


def test_a_psw_accepts_onto_their_own_caseload_and_the_referrer_is_told(personas):
    referral = _pending(personas)
    planned = TODAY + dt.timedelta(days=2)
    episode = accept_referral(
        by=personas.psw.user,
        referral=referral,
        expected_version=1,
        worker=personas.psw,
        next_planned_contact=planned,
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.decided_on == TODAY
    assert referral.decided_by == personas.psw
    assert referral.allocated_to == personas.psw
    assert referral.version == 2
    assert episode.referral == referral
    assert (episode.worker, episode.start, episode.status) == (
        personas.psw,
        TODAY,
        CaseloadStatus.ACTIVE,
    )
    assert episode.next_planned_contact == planned
    (notification,) = Notification.objects.all()
    assert notification.recipient == personas.clinician.user
    assert notification.message == "Referral SU-0012 to Riverside CMHT was accepted."
    assert notification.url == f"/practice/referrals/{referral.pk}/"
    audited = set(AuditEvent.objects.values_list("action", "object_type"))
    assert {
        ("update", "practice.referral"),
        ("create", "practice.caseloadentry"),
        ("create", "core.notification"),
    } <= audited


def test_a_senior_psw_allocates_to_a_colleague(personas):
    referral = _pending(personas)
    accept_referral(
        by=personas.senior.user,
        referral=referral,
        expected_version=1,
        worker=personas.psw,
        next_planned_contact=None,
    )
    referral.refresh_from_db()
    assert referral.allocated_to == personas.psw
    assert referral.decided_by == personas.senior


def test_a_psw_cannot_allocate_to_someone_else(personas, nothing_written):
    referral = _pending(personas)
    with nothing_written(), pytest.raises(ValidationError) as caught:
        accept_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            worker=personas.senior,
            next_planned_contact=None,
        )
    assert "own caseload" in caught.value.message_dict["worker"][0]


@pytest.mark.parametrize("worker", ["psw_b", "clinician"])
def test_the_worker_must_be_a_psw_of_the_referrals_team(personas, nothing_written, worker):
    referral = _pending(personas)
    with nothing_written(), pytest.raises(ValidationError) as caught:
        accept_referral(
            by=personas.senior.user,
            referral=referral,
            expected_version=1,
            worker=getattr(personas, worker),
            next_planned_contact=None,
        )
    assert "not a peer support worker of this team" in caught.value.message_dict["worker"][0]


def test_a_psw_whose_membership_ended_cannot_be_allocated(personas, nothing_written):
    referral = _pending(personas)
    leaver = factories.PersonFactory()
    factories.MembershipFactory(
        person=leaver,
        team=personas.team_a,
        role=RoleCode.PEER_SUPPORT_WORKER,
        end=TODAY - dt.timedelta(days=1),
    )
    with nothing_written(), pytest.raises(ValidationError):
        accept_referral(
            by=personas.senior.user,
            referral=referral,
            expected_version=1,
            worker=leaver,
            next_planned_contact=None,
        )


def test_a_referral_cannot_be_accepted_without_consent(personas, nothing_written):
    no_consent = factories.ServiceUserFactory(
        team=personas.team_a, consented_to_peer_support=False, consent_date=None
    )
    referral = _pending(personas, service_user=no_consent)
    with nothing_written(), pytest.raises(ValidationError) as caught:
        accept_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            worker=personas.psw,
            next_planned_contact=None,
        )
    assert caught.value.code == "no-consent"
    assert "has not consented to peer support" in caught.value.messages[0]


def test_a_stale_version_is_a_conflict_that_writes_nothing(personas, nothing_written):
    referral = _pending(personas)
    Referral.objects.filter(pk=referral.pk).update(version=2)
    referral.refresh_from_db()
    with nothing_written(), pytest.raises(EditConflict):
        accept_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            worker=personas.psw,
            next_planned_contact=None,
        )


def test_a_concurrent_save_between_load_and_write_is_a_conflict(personas, nothing_written):
    """The version in memory matches, but the database moved on: the UPDATE itself refuses."""
    referral = _pending(personas)
    Referral.objects.filter(pk=referral.pk).update(version=2)
    with nothing_written(), pytest.raises(EditConflict):
        decline_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            reason=DeclineReason.NO_CAPACITY,
            detail="",
        )


def test_a_decided_referral_cannot_be_decided_again(personas, nothing_written):
    referral = personas.referral_a
    with nothing_written(), pytest.raises(ValidationError) as caught:
        decline_referral(
            by=personas.senior.user,
            referral=referral,
            expected_version=referral.version,
            reason=DeclineReason.NO_CAPACITY,
            detail="",
        )
    assert "already been decided" in caught.value.messages[0]


def test_the_next_planned_contact_cannot_be_in_the_past(personas, nothing_written):
    referral = _pending(personas)
    with nothing_written(), pytest.raises(ValidationError) as caught:
        accept_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            worker=personas.psw,
            next_planned_contact=TODAY - dt.timedelta(days=1),
        )
    assert "next_planned_contact" in caught.value.message_dict


def test_someone_still_on_a_caseload_is_not_accepted_twice(personas, nothing_written):
    referral = _pending(personas, service_user=personas.su_a)
    with nothing_written(), pytest.raises(ValidationError) as caught:
        accept_referral(
            by=personas.senior.user,
            referral=referral,
            expected_version=1,
            worker=personas.senior,
            next_planned_contact=None,
        )
    assert "already on a caseload" in caught.value.messages[0]


def test_a_re_referral_opens_a_new_episode_and_keeps_the_old_one(personas):
    earlier = personas.su_a.caseload_entries.get()
    CaseloadEntry.objects.filter(pk=earlier.pk).update(
        status=CaseloadStatus.ENDED, end=TODAY - dt.timedelta(days=30)
    )
    referral = _pending(personas, service_user=personas.su_a)
    episode = accept_referral(
        by=personas.psw.user,
        referral=referral,
        expected_version=1,
        worker=personas.psw,
        next_planned_contact=None,
    )
    assert episode.pk != earlier.pk
    assert set(personas.su_a.caseload_entries.values_list("pk", "status")) == {
        (earlier.pk, CaseloadStatus.ENDED),
        (episode.pk, CaseloadStatus.ACTIVE),
    }


def test_a_referral_on_the_waiting_list_can_be_accepted(personas):
    referral = _pending(personas, status=ReferralStatus.WAITING_LIST)
    accept_referral(
        by=personas.psw.user,
        referral=referral,
        expected_version=1,
        worker=personas.psw,
        next_planned_contact=None,
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


# Declining


def test_not_appropriate_needs_a_why(personas, nothing_written):
    referral = _pending(personas)
    with nothing_written(), pytest.raises(ValidationError) as caught:
        decline_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            reason=DeclineReason.NOT_APPROPRIATE,
            detail="   ",
        )
    assert caught.value.message_dict == {
        "detail": ["Say why peer support is not appropriate for them now."]
    }


def test_declined_as_not_appropriate_the_referrer_is_told_why_by_reference(personas):
    referral = _pending(personas)
    decline_referral(
        by=personas.psw.user,
        referral=referral,
        expected_version=1,
        reason=DeclineReason.NOT_APPROPRIATE,
        detail="Needs crisis support first; refer again when things settle.",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == DeclineReason.NOT_APPROPRIATE
    assert referral.decline_detail.startswith("Needs crisis support")
    assert (referral.decided_on, referral.decided_by) == (TODAY, personas.psw)
    (notification,) = Notification.objects.filter(recipient=personas.clinician.user)
    assert notification.message == (
        "Referral SU-0012 to Riverside CMHT was declined: not appropriate for peer support."
    )
    assert referral.service_user.preferred_name not in notification.message


def test_other_needs_a_why_but_no_capacity_does_not(personas, nothing_written):
    referral = _pending(personas)
    with nothing_written(), pytest.raises(ValidationError):
        decline_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            reason=DeclineReason.OTHER,
            detail="",
        )
    decline_referral(
        by=personas.psw.user,
        referral=referral,
        expected_version=1,
        reason=DeclineReason.NO_CAPACITY,
        detail="",
    )
    assert Referral.objects.get(pk=referral.pk).decline_reason == DeclineReason.NO_CAPACITY


def test_a_reason_not_on_the_list_is_refused(personas, nothing_written):
    referral = _pending(personas)
    with nothing_written(), pytest.raises(ValidationError) as caught:
        decline_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            reason="too-busy",
            detail="",
        )
    assert "reason" in caught.value.message_dict


# The waiting list


def test_put_on_the_waiting_list_the_referrer_is_told(personas):
    referral = _pending(personas)
    put_on_waiting_list(by=personas.psw.user, referral=referral, expected_version=1)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WAITING_LIST
    assert referral.decided_on is None
    assert Notification.objects.get().message == (
        "Referral SU-0012 to Riverside CMHT was put on the waiting list."
    )


def test_a_referral_already_waiting_is_not_put_on_the_list_again(personas, nothing_written):
    referral = _pending(personas, status=ReferralStatus.WAITING_LIST)
    with nothing_written(), pytest.raises(ValidationError):
        put_on_waiting_list(by=personas.psw.user, referral=referral, expected_version=1)


# Telling the referrer


def test_no_one_is_notified_of_a_self_referral_or_a_referrer_without_a_login(personas):
    self_referral = _pending(personas, referrer=None, self_referral=True)
    no_login = factories.PersonFactory(user=None)
    by_someone_without_login = _pending(personas, reference="SU-0013", referrer=no_login)
    for referral in (self_referral, by_someone_without_login):
        put_on_waiting_list(by=personas.psw.user, referral=referral, expected_version=1)
    assert not Notification.objects.exists()


def test_an_email_goes_after_commit_when_email_is_turned_on(
    personas, settings, django_capture_on_commit_callbacks
):
    settings.ALONGSIDE_NOTIFY_BY_EMAIL = True
    personas.clinician.user.email = "clinician@example.org"
    personas.clinician.user.save()
    referral = _pending(personas)
    with django_capture_on_commit_callbacks(execute=True):
        put_on_waiting_list(by=personas.psw.user, referral=referral, expected_version=1)
    (email,) = mail.outbox
    assert email.to == ["clinician@example.org"]
    assert "/notifications/" in email.body
    # The email says there is news, not what it is.
    assert "SU-0012" not in email.subject + email.body
    assert "waiting" not in email.body


@pytest.mark.parametrize(("enabled", "address"), [(False, "c@example.org"), (True, "")])
def test_no_email_unless_turned_on_and_the_recipient_has_an_address(
    personas, settings, django_capture_on_commit_callbacks, enabled, address
):
    settings.ALONGSIDE_NOTIFY_BY_EMAIL = enabled
    personas.clinician.user.email = address
    personas.clinician.user.save()
    referral = _pending(personas)
    with django_capture_on_commit_callbacks(execute=True):
        put_on_waiting_list(by=personas.psw.user, referral=referral, expected_version=1)
    assert Notification.objects.count() == 1
    assert mail.outbox == []


def test_no_email_is_sent_when_the_decision_is_refused(
    personas, settings, django_capture_on_commit_callbacks
):
    settings.ALONGSIDE_NOTIFY_BY_EMAIL = True
    personas.clinician.user.email = "clinician@example.org"
    personas.clinician.user.save()
    referral = _pending(personas)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        decline_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            reason=DeclineReason.NOT_APPROPRIATE,
            detail="",
        )
    assert callbacks == []
    assert mail.outbox == []


# Time to first contact


def test_time_to_first_contact_counts_the_allocated_workers_first_contact_after_receipt(
    personas,
):
    referral = personas.referral_a  # received 2020-01-01, allocated to PSW A
    assert days_to_first_contact(referral) is None
    _contact(personas.su_a, personas.psw, dt.date(2019, 12, 30))  # before the referral
    _contact(personas.su_a, personas.senior, dt.date(2020, 1, 3))  # someone else
    assert days_to_first_contact(referral) is None
    _contact(personas.su_a, personas.psw, dt.date(2020, 1, 12))
    _contact(personas.su_a, personas.psw, dt.date(2020, 1, 9))
    _contact(personas.su_a, personas.psw, dt.date(2020, 2, 1))
    assert days_to_first_contact(referral) == 8
    row = with_first_contact(Referral.objects.filter(pk=referral.pk)).get()
    assert row.first_contact_on == dt.date(2020, 1, 9)


def test_a_contact_on_the_day_of_receipt_is_day_zero(personas):
    _contact(personas.su_a, personas.psw, personas.referral_a.received_on)
    assert days_to_first_contact(personas.referral_a) == 0


def test_a_referral_not_yet_allocated_has_no_time_to_first_contact(personas):
    referral = _pending(personas, service_user=personas.su_a)
    _contact(personas.su_a, personas.psw, TODAY)
    assert days_to_first_contact(referral) is None


def test_consent_heard_at_acceptance_is_recorded_with_it(personas):
    no_consent = factories.ServiceUserFactory(
        team=personas.team_a, consented_to_peer_support=False, consent_date=None
    )
    referral = _pending(personas, service_user=no_consent)
    episode = accept_referral(
        by=personas.psw.user,
        referral=referral,
        expected_version=1,
        worker=personas.psw,
        next_planned_contact=None,
        consent_date=TODAY,
    )
    no_consent.refresh_from_db()
    assert no_consent.consented_to_peer_support
    assert no_consent.consent_date == TODAY
    assert episode.service_user == no_consent


def test_a_consent_date_in_the_future_is_refused(personas, nothing_written):
    no_consent = factories.ServiceUserFactory(
        team=personas.team_a, consented_to_peer_support=False, consent_date=None
    )
    referral = _pending(personas, service_user=no_consent)
    with nothing_written(), pytest.raises(ValidationError) as caught:
        accept_referral(
            by=personas.psw.user,
            referral=referral,
            expected_version=1,
            worker=personas.psw,
            next_planned_contact=None,
            consent_date=TODAY + dt.timedelta(days=1),
        )
    assert "consent_date" in caught.value.message_dict
