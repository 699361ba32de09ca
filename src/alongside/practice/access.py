"""Who may reach which service users, caseload entries and referrals.

* A peer support worker: the service users on their own current caseload, and referrals
  allocated to them.
* A supervisor (or senior PSW): their current supervisees' caseloads and allocated referrals.
* A team clinician (and a senior PSW allocating work): referrals to their own teams.
* A service user: their own record.
* Programme leads, evaluators and administrators: none of these records.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from alongside.core.access import (
    Permission,
    Principal,
    RoleCode,
    get_object_for_user,
    register_scope,
)
from alongside.core.periods import current
from alongside.organisation.access import supervisee_ids
from alongside.practice.models import CaseloadEntry, Referral, ServiceUser

_PSW_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)
_SUPERVISING_ROLES = (RoleCode.SUPERVISOR, RoleCode.SENIOR_PEER_SUPPORT_WORKER)
_TEAM_REFERRAL_ROLES = (RoleCode.TEAM_CLINICIAN, RoleCode.SENIOR_PEER_SUPPORT_WORKER)


def _workers_q(principal: Principal, permission: Permission, field: str) -> Q:
    """Records worked by the principal (a PSW) or by their supervisees (a supervisor)."""
    if principal.person_id is None:
        return Q(pk__in=[])
    roles = principal.roles
    q = Q(pk__in=[])
    own = permission in {
        Permission.VIEW_OWN_CASELOAD,
        Permission.VIEW_SERVICE_USER,
        Permission.VIEW_REFERRAL,
    }
    if own and roles & set(_PSW_ROLES):
        q |= Q(**{field: principal.person_id})
    supervising = permission in {
        Permission.VIEW_SUPERVISEE_CASELOADS,
        Permission.VIEW_SERVICE_USER,
        Permission.VIEW_REFERRAL,
    }
    if supervising and roles & set(_SUPERVISING_ROLES):
        q |= Q(**{f"{field}__in": supervisee_ids(principal)})
    return q


def _caseload_entry_rule(principal: Principal, permission: Permission) -> QuerySet[CaseloadEntry]:
    if permission not in {Permission.VIEW_OWN_CASELOAD, Permission.VIEW_SUPERVISEE_CASELOADS}:
        return CaseloadEntry.objects.none()
    return CaseloadEntry.objects.filter(current(), _workers_q(principal, permission, "worker_id"))


def _service_user_rule(principal: Principal, permission: Permission) -> QuerySet[ServiceUser]:
    if permission is Permission.VIEW_OWN_RECORD and principal.person_id is not None:
        return ServiceUser.objects.filter(person_id=principal.person_id)
    if permission is not Permission.VIEW_SERVICE_USER:
        return ServiceUser.objects.none()
    on_caseload = CaseloadEntry.objects.filter(
        current(), _workers_q(principal, permission, "worker_id")
    ).values_list("service_user_id", flat=True)
    return ServiceUser.objects.filter(pk__in=on_caseload)


def _referral_rule(principal: Principal, permission: Permission) -> QuerySet[Referral]:
    if permission not in {Permission.VIEW_REFERRAL, Permission.VIEW_TEAM_REFERRALS}:
        return Referral.objects.none()
    q = Q(team_id__in=principal.team_ids(*_TEAM_REFERRAL_ROLES))
    if permission is Permission.VIEW_REFERRAL:
        q |= _workers_q(principal, permission, "allocated_to_id")
    return Referral.objects.filter(q)


register_scope(CaseloadEntry, _caseload_entry_rule)
register_scope(ServiceUser, _service_user_rule)
register_scope(Referral, _referral_rule)

AnyUser = AbstractBaseUser | AnonymousUser


def get_service_user_for_user(user: AnyUser, pk: Any) -> ServiceUser:
    return get_object_for_user(ServiceUser, user, pk, Permission.VIEW_SERVICE_USER)


def get_own_service_user_record(user: AnyUser) -> ServiceUser | None:
    """The signed-in service user's own record, audited as a view, or None."""
    from alongside.core.access import visible

    own = visible(ServiceUser, user, Permission.VIEW_OWN_RECORD).first()
    if own is None:
        return None
    return get_object_for_user(ServiceUser, user, own.pk, Permission.VIEW_OWN_RECORD)


def get_referral_for_user(user: AnyUser, pk: Any) -> Referral:
    return get_object_for_user(Referral, user, pk, Permission.VIEW_REFERRAL)
