"""Object rules at the loader level: who reaches which record, and that every reach is audited."""

import pytest
from django.http import Http404

from alongside.core.access import Permission, has_permission, visible
from alongside.core.models import AuditAction, AuditEvent
from alongside.organisation.models import Person
from alongside.practice.access import get_referral_for_user, get_service_user_for_user
from alongside.practice.models import Referral, ServiceUser
from tests import factories


def test_a_psw_reaches_only_their_own_caseload(personas):
    user = personas.psw.user
    assert list(visible(ServiceUser, user, Permission.VIEW_SERVICE_USER)) == [personas.su_a]
    assert get_service_user_for_user(user, personas.su_a.pk) == personas.su_a
    with pytest.raises(Http404):
        get_service_user_for_user(user, personas.su_b.pk)


def test_forbidden_and_missing_look_the_same_and_both_are_audited(personas):
    user = personas.psw.user
    missing_pk = ServiceUser.objects.order_by("-pk").first().pk + 100
    errors = []
    for pk in (personas.su_b.pk, missing_pk):
        with pytest.raises(Http404) as caught:
            get_service_user_for_user(user, pk)
        errors.append(str(caught.value))
    assert errors[0] == errors[1]
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED, actor_id=user.pk)
    assert sorted(denied.values_list("object_id", flat=True)) == sorted(
        [str(personas.su_b.pk), str(missing_pk)]
    )


def test_a_successful_load_is_audited_as_a_view(personas):
    get_service_user_for_user(personas.psw.user, personas.su_a.pk)
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert event.object_type == "practice.serviceuser"
    assert event.object_id == str(personas.su_a.pk)
    assert event.actor_label == personas.psw.user.username


def test_a_supervisor_reaches_supervisees_caseloads_only(personas):
    user = personas.supervisor.user
    assert set(visible(ServiceUser, user, Permission.VIEW_SERVICE_USER)) == {personas.su_a}
    assert set(visible(Person, user, Permission.VIEW_SUPERVISEE_CASELOADS)) == {personas.psw}


def test_an_ended_supervision_no_longer_gives_access(personas):
    assignment = personas.psw.supervisor_assignments.get()
    assignment.end = assignment.start
    assignment.save()
    user = personas.supervisor.user
    assert not visible(ServiceUser, user, Permission.VIEW_SERVICE_USER).exists()


def test_an_ended_caseload_entry_no_longer_gives_access(personas):
    personas.su_a.caseload_entries.update(end="2020-01-01", status="ended")
    assert not has_permission(personas.psw.user, Permission.VIEW_SERVICE_USER, personas.su_a)


def test_a_clinician_sees_their_teams_referrals_not_others(personas):
    user = personas.clinician.user
    assert list(visible(Referral, user, Permission.VIEW_TEAM_REFERRALS)) == [personas.referral_a]
    assert get_referral_for_user(user, personas.referral_a.pk) == personas.referral_a
    with pytest.raises(Http404):
        get_referral_for_user(user, personas.referral_b.pk)


def test_a_clinician_cannot_open_service_user_records(personas):
    user = personas.clinician.user
    with pytest.raises(Http404):
        get_service_user_for_user(user, personas.su_a.pk)


@pytest.mark.parametrize("name", ["lead", "evaluator", "admin", "outsider"])
def test_non_clinical_roles_reach_no_service_user_or_referral(personas, name):
    user = personas.user(name)
    assert not visible(ServiceUser, user, Permission.VIEW_SERVICE_USER).exists()
    assert not visible(Referral, user, Permission.VIEW_REFERRAL).exists()
    assert not has_permission(user, Permission.VIEW_SERVICE_USER, personas.su_a)


def test_a_service_user_reaches_only_their_own_record(personas):
    user = personas.service_user_login.user
    assert list(visible(ServiceUser, user, Permission.VIEW_OWN_RECORD)) == [personas.su_a]
    with pytest.raises(Http404):
        get_service_user_for_user(user, personas.su_a.pk)


def test_an_ended_membership_removes_the_role(personas):
    membership = personas.psw.memberships.get()
    membership.end = membership.start
    membership.save()
    user = type(personas.psw.user).objects.get(pk=personas.psw.user.pk)
    assert not has_permission(user, Permission.VIEW_OWN_CASELOAD)


def test_an_inactive_account_holds_no_permission(personas):
    user = personas.psw.user
    user.is_active = False
    user.save()
    assert not has_permission(user, Permission.VIEW_SERVICE_USER, personas.su_a)


def test_a_future_membership_does_not_yet_grant(db):
    import datetime as dt

    from django.utils import timezone

    from alongside.core.access import RoleCode

    person = factories.PersonFactory()
    factories.MembershipFactory(
        person=person,
        role=RoleCode.PEER_SUPPORT_WORKER,
        start=timezone.localdate() + dt.timedelta(days=3),
    )
    assert not has_permission(person.user, Permission.VIEW_OWN_CASELOAD)


def test_the_grants_are_read_once_per_user_object(personas, django_assert_num_queries):
    user = type(personas.psw.user).objects.get(pk=personas.psw.user.pk)
    with django_assert_num_queries(2):
        has_permission(user, Permission.VIEW_OWN_CASELOAD)
    with django_assert_num_queries(0):
        has_permission(user, Permission.VIEW_SERVICE_USER)
