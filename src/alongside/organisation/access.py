"""Who may see the organisation's structure and its people."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from alongside.core.access import (
    ROLES,
    Permission,
    Principal,
    get_object_for_user,
    register_scope,
)
from alongside.core.periods import current
from alongside.organisation.models import Area, Person, Region, SupervisionAssignment, Team

_STRUCTURE_PERMISSIONS = {Permission.VIEW_ORGANISATION, Permission.MANAGE_ORGANISATION}
_PEOPLE_PERMISSIONS = {Permission.VIEW_PEOPLE, Permission.MANAGE_PEOPLE}


def _structure_rule(model: Any) -> Any:
    def rule(principal: Principal, permission: Permission) -> QuerySet[Any]:
        # Regions, areas and teams hold no personal data: whoever may see the structure sees all.
        if permission in _STRUCTURE_PERMISSIONS:
            return model.objects.all()
        return model.objects.none()

    return rule


def supervisee_ids(principal: Principal) -> QuerySet[SupervisionAssignment, int]:
    """The people this principal currently supervises."""
    return SupervisionAssignment.objects.filter(
        current(), supervisor_id=principal.person_id
    ).values_list("supervisee_id", flat=True)


def _people_rule(principal: Principal, permission: Permission) -> QuerySet[Person]:
    if permission in _PEOPLE_PERMISSIONS:
        return Person.objects.all()
    if permission is Permission.VIEW_SUPERVISEE_CASELOADS and principal.person_id:
        return Person.objects.filter(pk__in=supervisee_ids(principal))
    return Person.objects.none()


def _team_rule(principal: Principal, permission: Permission) -> QuerySet[Team]:
    """Every team for the structure; otherwise the teams where a held role grants it.

    So a clinician may make referrals to their own teams, a PSW run groups on theirs.
    """
    if permission in _STRUCTURE_PERMISSIONS:
        return Team.objects.all()
    team_ids = {
        grant.team_id
        for grant in principal.grants
        if grant.team_id is not None and permission in ROLES[grant.role].permissions
    }
    return Team.objects.filter(pk__in=team_ids)


for _model in (Region, Area):
    register_scope(_model, _structure_rule(_model))
register_scope(Team, _team_rule)
register_scope(Person, _people_rule)


def get_region_for_user(
    user: AbstractBaseUser | AnonymousUser, pk: Any, permission: Permission
) -> Region:
    return get_object_for_user(Region, user, pk, permission, audit_view=False)


def get_area_for_user(
    user: AbstractBaseUser | AnonymousUser, pk: Any, permission: Permission
) -> Area:
    return get_object_for_user(Area, user, pk, permission, audit_view=False)


def get_team_for_user(
    user: AbstractBaseUser | AnonymousUser, pk: Any, permission: Permission
) -> Team:
    return get_object_for_user(Team, user, pk, permission, audit_view=False)


def get_person_for_user(
    user: AbstractBaseUser | AnonymousUser, pk: Any, permission: Permission
) -> Person:
    return get_object_for_user(Person, user, pk, permission)
