"""Who may reach which practice records. One rule per model, all built from three reaches:

* **own caseload**: service users on the principal's current caseload (a PSW or senior PSW);
* **supervised caseloads**: those on their current supervisees' caseloads (a supervisor, or a
  senior PSW);
* **team**: records of the teams where the principal holds a role granting the permission (a
  clinician's referrals, responses to advocacy; a PSW's team's waiting referrals and groups).

A PSW never reaches another PSW's caseload. A clinician reaches the referrals of their teams
and those they made, advocacy for their teams, and contact notes only of service users who
agreed to share them with their team. Leads, evaluators and administrators reach none of these.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from alongside.core.access import (
    ROLES,
    Permission,
    Principal,
    RoleCode,
    get_object_for_user,
    register_scope,
    visible,
)
from alongside.core.periods import current
from alongside.organisation.access import supervisee_ids
from alongside.practice.models import (
    AdvocacyItem,
    CaseloadEntry,
    Contact,
    Ending,
    Goal,
    GoalStatus,
    GroupProgramme,
    GroupSession,
    Referral,
    ReferralStatus,
    ServiceUser,
)

AnyUser = AbstractBaseUser | AnonymousUser

_PSW_ROLES = frozenset({RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER})
_SUPERVISING_ROLES = frozenset({RoleCode.SUPERVISOR, RoleCode.SENIOR_PEER_SUPPORT_WORKER})
_TEAM_REFERRAL_ROLES = (RoleCode.TEAM_CLINICIAN, RoleCode.SENIOR_PEER_SUPPORT_WORKER)
_NOTHING = Q(pk__in=[])
# Writing about a person (their record, contacts, goals, advocacy) needs them on one's own
# current caseload: supervisors read, they do not write.
_OWN_CASELOAD_WRITES = frozenset(
    {
        Permission.EDIT_SERVICE_USER,
        Permission.RECORD_CONTACT,
        Permission.MANAGE_GOALS,
        Permission.RAISE_ADVOCACY,
    }
)


def _granting_roles(principal: Principal, permission: Permission) -> frozenset[RoleCode]:
    return frozenset(r for r in principal.roles if permission in ROLES[r].permissions)


def _team_ids(principal: Principal, permission: Permission) -> set[int]:
    """Teams where a role the principal holds there grants the permission."""
    return {
        g.team_id
        for g in principal.grants
        if g.team_id is not None and permission in ROLES[g.role].permissions
    }


def _workers_q(
    principal: Principal,
    permission: Permission,
    field: str,
    *,
    own: bool = True,
    supervised: bool = True,
    read_supervisees: bool = False,
) -> Q:
    """Records worked by the principal (as a PSW) and/or by their supervisees.

    With `read_supervisees`, the supervisees' ids are read first (one query) and the condition
    names them, instead of holding a subquery: a condition OR-ed with others needs that, or
    PostgreSQL reads the whole table rather than combining indexes.
    """
    if principal.person_id is None:
        return _NOTHING
    roles = _granting_roles(principal, permission)
    q = _NOTHING
    if own and roles & _PSW_ROLES:
        q |= Q(**{field: principal.person_id})
    if supervised and roles & _SUPERVISING_ROLES:
        supervisees = supervisee_ids(principal)
        q |= Q(**{f"{field}__in": list(supervisees) if read_supervisees else supervisees})
    return q


def caseload_ids(
    principal: Principal, permission: Permission, *, own: bool = True, supervised: bool = True
) -> QuerySet[CaseloadEntry, int]:
    """Ids of service users on the reachable current caseloads."""
    return CaseloadEntry.objects.filter(
        current(), _workers_q(principal, permission, "worker_id", own=own, supervised=supervised)
    ).values_list("service_user_id", flat=True)


def _service_user_rule(principal: Principal, permission: Permission) -> QuerySet[ServiceUser]:
    objects = ServiceUser.objects
    if permission is Permission.VIEW_OWN_RECORD:
        if principal.person_id is None:
            return objects.none()
        return objects.filter(person_id=principal.person_id)
    if permission is Permission.VIEW_SERVICE_USER:
        return objects.filter(pk__in=caseload_ids(principal, permission))
    if permission in _OWN_CASELOAD_WRITES:
        return objects.filter(pk__in=caseload_ids(principal, permission, supervised=False))
    if permission is Permission.VIEW_CONTACTS:
        # Whose contact history the user may open: their reach, and for a clinician the team's
        # service users who agreed to share notes with the team.
        shared = Q(
            shares_notes_with_team=True,
            team_id__in=principal.team_ids(RoleCode.TEAM_CLINICIAN),
        )
        return objects.filter(Q(pk__in=caseload_ids(principal, permission)) | shared)
    if permission is Permission.MAKE_REFERRAL:
        return objects.filter(team_id__in=_team_ids(principal, permission))
    return objects.none()


def _caseload_entry_rule(principal: Principal, permission: Permission) -> QuerySet[CaseloadEntry]:
    objects = CaseloadEntry.objects
    if permission is Permission.VIEW_OWN_CASELOAD:
        return objects.filter(
            current(), _workers_q(principal, permission, "worker_id", supervised=False)
        )
    if permission is Permission.VIEW_SUPERVISEE_CASELOADS:
        return objects.filter(current(), _workers_q(principal, permission, "worker_id", own=False))
    if permission is Permission.END_EPISODE:
        return objects.filter(
            current(), _workers_q(principal, permission, "worker_id", supervised=False)
        )
    if permission is Permission.VIEW_SERVICE_USER:
        # The whole history of a reachable person, earlier episodes with other workers included.
        return objects.filter(service_user_id__in=caseload_ids(principal, permission))
    return objects.none()


def _referral_rule(principal: Principal, permission: Permission) -> QuerySet[Referral]:
    objects = Referral.objects
    open_statuses = [ReferralStatus.PENDING, ReferralStatus.WAITING_LIST]
    if permission is Permission.VIEW_TEAM_REFERRALS:
        return objects.filter(team_id__in=principal.team_ids(*_TEAM_REFERRAL_ROLES))
    if permission is Permission.VIEW_REFERRAL:
        q = Q(team_id__in=principal.team_ids(*_TEAM_REFERRAL_ROLES))
        q |= _workers_q(principal, permission, "allocated_to_id", read_supervisees=True)
        if principal.person_id is not None:
            q |= Q(referrer_id=principal.person_id)
        if _granting_roles(principal, Permission.DECIDE_REFERRAL) & _PSW_ROLES:
            q |= Q(
                status__in=open_statuses,
                team_id__in=_team_ids(principal, Permission.DECIDE_REFERRAL),
            )
        return objects.filter(q)
    if permission is Permission.DECIDE_REFERRAL:
        teams = _team_ids(principal, permission)
        senior_teams = principal.team_ids(RoleCode.SENIOR_PEER_SUPPORT_WORKER)
        mine_or_unallocated = Q(allocated_to__isnull=True) | Q(allocated_to_id=principal.person_id)
        return objects.filter(
            Q(team_id__in=senior_teams) | (Q(team_id__in=teams) & mine_or_unallocated),
            status__in=open_statuses,
        )
    return objects.none()


def _contact_rule(principal: Principal, permission: Permission) -> QuerySet[Contact]:
    objects = Contact.objects
    if permission is Permission.VIEW_CONTACTS:
        shared = Q(
            service_user__shares_notes_with_team=True,
            service_user__team_id__in=principal.team_ids(RoleCode.TEAM_CLINICIAN),
        )
        return objects.filter(Q(service_user_id__in=caseload_ids(principal, permission)) | shared)
    if permission is Permission.RECORD_CONTACT:
        # A PSW corrects only contacts they recorded, for people still on their caseload.
        return objects.filter(
            worker_id=principal.person_id,
            service_user_id__in=caseload_ids(principal, permission, supervised=False),
        )
    return objects.none()


def _goal_rule(principal: Principal, permission: Permission) -> QuerySet[Goal]:
    objects = Goal.objects
    if permission is Permission.VIEW_GOALS:
        q = Q(service_user_id__in=caseload_ids(principal, permission))
        if principal.person_id is not None and RoleCode.SERVICE_USER in principal.roles:
            q |= Q(service_user__person_id=principal.person_id)
        return objects.filter(q)
    if permission is Permission.MANAGE_GOALS:
        return objects.filter(
            service_user_id__in=caseload_ids(principal, permission, supervised=False)
        )
    if permission is Permission.ADD_OWN_PROGRESS and principal.person_id is not None:
        return objects.filter(service_user__person_id=principal.person_id, status=GoalStatus.OPEN)
    return objects.none()


def _advocacy_rule(principal: Principal, permission: Permission) -> QuerySet[AdvocacyItem]:
    objects = AdvocacyItem.objects
    if permission is Permission.VIEW_ADVOCACY:
        q = Q(service_user_id__in=caseload_ids(principal, permission))
        q |= Q(team_id__in=principal.team_ids(RoleCode.TEAM_CLINICIAN))
        if principal.person_id is not None and RoleCode.TEAM_CLINICIAN in principal.roles:
            q |= Q(episode__referral__referrer_id=principal.person_id)
        return objects.filter(q)
    if permission is Permission.RAISE_ADVOCACY:
        return objects.filter(
            service_user_id__in=caseload_ids(principal, permission, supervised=False)
        )
    if permission is Permission.RESPOND_TO_ADVOCACY:
        return objects.filter(team_id__in=_team_ids(principal, permission))
    return objects.none()


def _group_q(principal: Principal, permission: Permission, prefix: str = "") -> Q:
    if principal.person_id is None:
        return _NOTHING
    q = Q(**{f"{prefix}team_id__in": _team_ids(principal, permission)})
    q |= Q(**{f"{prefix}facilitators": principal.person_id})
    if (
        permission is Permission.VIEW_GROUPS
        and _granting_roles(principal, permission) & _SUPERVISING_ROLES
    ):
        q |= Q(**{f"{prefix}facilitators__in": supervisee_ids(principal)})
    return q


def _group_rule(principal: Principal, permission: Permission) -> QuerySet[GroupProgramme]:
    if permission not in {Permission.VIEW_GROUPS, Permission.MANAGE_GROUPS}:
        return GroupProgramme.objects.none()
    return GroupProgramme.objects.filter(_group_q(principal, permission)).distinct()


def _group_session_rule(principal: Principal, permission: Permission) -> QuerySet[GroupSession]:
    if permission not in {Permission.VIEW_GROUPS, Permission.MANAGE_GROUPS}:
        return GroupSession.objects.none()
    return GroupSession.objects.filter(
        programme_id__in=_group_rule(principal, permission).values("pk")
    )


def _ending_rule(principal: Principal, permission: Permission) -> QuerySet[Ending]:
    if permission is not Permission.VIEW_SERVICE_USER:
        return Ending.objects.none()
    return Ending.objects.filter(episode__service_user_id__in=caseload_ids(principal, permission))


register_scope(ServiceUser, _service_user_rule)
register_scope(CaseloadEntry, _caseload_entry_rule)
register_scope(Referral, _referral_rule)
register_scope(Contact, _contact_rule)
register_scope(Goal, _goal_rule)
register_scope(AdvocacyItem, _advocacy_rule)
register_scope(GroupProgramme, _group_rule)
register_scope(GroupSession, _group_session_rule)
register_scope(Ending, _ending_rule)


def get_service_user_for_user(
    user: AnyUser, pk: Any, permission: Permission = Permission.VIEW_SERVICE_USER
) -> ServiceUser:
    return get_object_for_user(ServiceUser, user, pk, permission)


def get_own_service_user_record(user: AnyUser) -> ServiceUser | None:
    """The signed-in service user's own record, audited as a view, or None."""
    own = visible(ServiceUser, user, Permission.VIEW_OWN_RECORD).first()
    if own is None:
        return None
    return get_object_for_user(ServiceUser, user, own.pk, Permission.VIEW_OWN_RECORD)


def get_referral_for_user(
    user: AnyUser, pk: Any, permission: Permission = Permission.VIEW_REFERRAL
) -> Referral:
    return get_object_for_user(Referral, user, pk, permission)


def get_episode_for_user(user: AnyUser, pk: Any, permission: Permission) -> CaseloadEntry:
    return get_object_for_user(CaseloadEntry, user, pk, permission)


def get_contact_for_user(user: AnyUser, pk: Any, permission: Permission) -> Contact:
    return get_object_for_user(Contact, user, pk, permission)


def get_goal_for_user(user: AnyUser, pk: Any, permission: Permission) -> Goal:
    return get_object_for_user(Goal, user, pk, permission)


def get_advocacy_item_for_user(user: AnyUser, pk: Any, permission: Permission) -> AdvocacyItem:
    return get_object_for_user(AdvocacyItem, user, pk, permission)


def get_group_for_user(user: AnyUser, pk: Any, permission: Permission) -> GroupProgramme:
    return get_object_for_user(GroupProgramme, user, pk, permission, audit_view=False)


def get_group_session_for_user(user: AnyUser, pk: Any, permission: Permission) -> GroupSession:
    return get_object_for_user(GroupSession, user, pk, permission, audit_view=False)
