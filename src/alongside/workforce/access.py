"""Who may reach which workforce records.

* **Supervision sessions**: the supervisee and the supervisor who took part; a supervisor (or
  senior PSW) also reaches their current supervisees' sessions, to see that supervision
  happens. The private notes reach the two people in the session and no one else: not a
  colleague supervisor, not a programme lead, not an administrator.
* **CPD requests**: one's own; a supervisor's current supervisees'; every request for a
  programme lead, who approves and follows up access across the programme.
* **Pulse answers**: the respondent's own. Others see only team aggregates.
* **Exchange threads and replies**: the national space and the regions one works in; a post
  hidden by a moderator stays visible to its author and to moderators only. Programme leads
  moderate everywhere.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from alongside.core.access import (
    ROLES,
    AnyUser,
    Permission,
    Principal,
    RoleCode,
    get_object_for_user,
    principal_for,
    register_scope,
)
from alongside.core.periods import current
from alongside.organisation.access import supervisee_ids
from alongside.organisation.models import Person, Region, SupervisionAssignment, Team
from alongside.workforce.models import (
    CpdRequest,
    Grade,
    PulseResponse,
    Reply,
    SupervisionSession,
    Thread,
    WorkTerms,
)

_NOTHING = Q(pk__in=[])
SUPERVISING_ROLES = frozenset({RoleCode.SUPERVISOR, RoleCode.SENIOR_PEER_SUPPORT_WORKER})
PSW_ROLES = frozenset({RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER})


def _supervises(principal: Principal, permission: Permission) -> bool:
    """Whether a role the principal holds both supervises and grants the permission."""
    return any(
        grant.role in SUPERVISING_ROLES and permission in ROLES[grant.role].permissions
        for grant in principal.grants
    )


def _programme_wide(principal: Principal) -> bool:
    return Permission.VIEW_WORKFORCE in principal.permissions


def region_ids(principal: Principal) -> QuerySet[Region, int]:
    """The regions of the teams where the principal currently holds any role."""
    team_ids = {grant.team_id for grant in principal.grants if grant.team_id is not None}
    return Region.objects.filter(areas__teams__in=team_ids).values_list("pk", flat=True)


def _session_rule(principal: Principal, permission: Permission) -> QuerySet[SupervisionSession]:
    objects = SupervisionSession.objects
    me = principal.person_id
    if me is None:
        return objects.none()
    took_part = Q(supervisee_id=me) | Q(supervisor_id=me)
    if permission is Permission.VIEW_SUPERVISION_NOTES:
        # Deliberately no other reach: the notes belong to the two people in the room.
        return objects.filter(took_part)
    if permission is Permission.VIEW_SUPERVISION:
        reach = took_part
        if _supervises(principal, permission):
            # The ids are read first: a subquery OR-ed with the rest would make PostgreSQL
            # read every session instead of combining its indexes.
            reach |= Q(supervisee_id__in=list(supervisee_ids(principal)))
        return objects.filter(reach)
    return objects.none()


def _cpd_rule(principal: Principal, permission: Permission) -> QuerySet[CpdRequest]:
    objects = CpdRequest.objects
    me = principal.person_id
    if permission is Permission.REQUEST_CPD:
        return objects.filter(person_id=me) if me is not None else objects.none()
    if permission not in (Permission.VIEW_CPD, Permission.APPROVE_CPD):
        return objects.none()
    if _programme_wide(principal):
        return objects.all()
    reach = _NOTHING
    if me is not None and permission is Permission.VIEW_CPD:
        reach |= Q(person_id=me)
    if me is not None and _supervises(principal, permission):
        reach |= Q(person_id__in=list(supervisee_ids(principal)))  # read first, as above
    return objects.filter(reach)


def _pulse_rule(principal: Principal, permission: Permission) -> QuerySet[PulseResponse]:
    if permission is Permission.ANSWER_PULSE and principal.person_id is not None:
        return PulseResponse.objects.filter(respondent_id=principal.person_id)
    return PulseResponse.objects.none()


def _spaces_q(principal: Principal, prefix: str = "") -> Q:
    """Posts in the national space or in a region the principal works in."""
    return Q(**{f"{prefix}region__isnull": True}) | Q(
        **{f"{prefix}region_id__in": region_ids(principal)}
    )


def _thread_rule(principal: Principal, permission: Permission) -> QuerySet[Thread]:
    objects = Thread.objects
    if Permission.MODERATE_EXCHANGE in principal.permissions and permission in (
        Permission.VIEW_EXCHANGE,
        Permission.MODERATE_EXCHANGE,
        Permission.POST_EXCHANGE,
    ):
        return objects.all()
    if permission is Permission.VIEW_EXCHANGE:
        return objects.filter(_spaces_q(principal)).filter(
            Q(hidden=False) | Q(author_id=principal.person_id)
        )
    if permission is Permission.POST_EXCHANGE:
        return objects.filter(_spaces_q(principal), hidden=False)
    return objects.none()


def _reply_rule(principal: Principal, permission: Permission) -> QuerySet[Reply]:
    objects = Reply.objects
    if Permission.MODERATE_EXCHANGE in principal.permissions and permission in (
        Permission.VIEW_EXCHANGE,
        Permission.MODERATE_EXCHANGE,
    ):
        return objects.all()
    if permission is Permission.VIEW_EXCHANGE:
        return objects.filter(_spaces_q(principal, "thread__")).filter(
            Q(hidden=False) | Q(author_id=principal.person_id)
        )
    return objects.none()


def register() -> None:
    register_scope(SupervisionSession, _session_rule)
    register_scope(CpdRequest, _cpd_rule)
    register_scope(PulseResponse, _pulse_rule)
    register_scope(Thread, _thread_rule)
    register_scope(Reply, _reply_rule)


# --- who may be named where ----------------------------------------------------------------------


def loggable_supervisees(user: AnyUser) -> QuerySet[Person]:
    """Whose supervision the user may log: their current supervisees, and themselves as a PSW."""
    principal = principal_for(user)
    if Permission.LOG_SUPERVISION not in principal.permissions or principal.person_id is None:
        return Person.objects.none()
    reach = _NOTHING
    if principal.roles & PSW_ROLES:
        reach |= Q(pk=principal.person_id)
    if _supervises(principal, Permission.LOG_SUPERVISION):
        reach |= Q(pk__in=supervisee_ids(principal))
    return Person.objects.filter(reach).order_by("family_name", "given_name")


def possible_supervisors(user: AnyUser, supervisee: Person) -> QuerySet[Person]:
    """Who may be named as the supervisor: the user if they supervise the supervisee, the
    supervisee's current supervisors, and peer supervisors (grade) for peer supervision."""
    principal = principal_for(user)
    assigned = SupervisionAssignment.objects.filter(current(), supervisee=supervisee).values(
        "supervisor_id"
    )
    peer_supervisors = WorkTerms.objects.filter(current(), grade=Grade.PEER_SUPERVISOR).values(
        "person_id"
    )
    reach = Q(pk__in=assigned) | Q(pk__in=peer_supervisors)
    if principal.person_id is not None and principal.person_id != supervisee.pk:
        reach |= Q(pk=principal.person_id)
    return Person.objects.filter(reach).exclude(pk=supervisee.pk).order_by("family_name")


def exchange_regions(user: AnyUser) -> QuerySet[Region]:
    """The regional spaces the user may post in (everyone may post in the national one)."""
    principal = principal_for(user)
    if Permission.POST_EXCHANGE not in principal.permissions:
        return Region.objects.none()
    if Permission.MODERATE_EXCHANGE in principal.permissions:
        return Region.objects.all()
    return Region.objects.filter(pk__in=region_ids(principal))


def managed_teams(user: AnyUser) -> QuerySet[Team]:
    if Permission.MANAGE_READINESS in principal_for(user).permissions:
        return Team.objects.select_related("area__region")
    return Team.objects.none()


# --- loaders: 404 for missing and forbidden alike ------------------------------------------------


def get_session_for_user(user: AnyUser, pk: Any, permission: Permission) -> SupervisionSession:
    return get_object_for_user(SupervisionSession, user, pk, permission)


def may_read_notes(user: AnyUser, session: SupervisionSession) -> bool:
    """True only for the supervisor and supervisee of this session."""
    principal = principal_for(user)
    return (
        Permission.VIEW_SUPERVISION_NOTES in principal.permissions
        and principal.person_id is not None
        and principal.person_id in (session.supervisor_id, session.supervisee_id)
    )


def get_cpd_request_for_user(user: AnyUser, pk: Any, permission: Permission) -> CpdRequest:
    return get_object_for_user(CpdRequest, user, pk, permission)


def get_thread_for_user(user: AnyUser, pk: Any, permission: Permission) -> Thread:
    return get_object_for_user(Thread, user, pk, permission)


def get_reply_for_user(user: AnyUser, pk: Any, permission: Permission) -> Reply:
    return get_object_for_user(Reply, user, pk, permission)
