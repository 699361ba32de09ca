"""Who may reach which measures records, built from the practice app's caseload reach.

* A PSW (or senior PSW) records and views measures for people on their own current caseload.
* A supervisor (or senior PSW) views, never records, those of their supervisees' caseloads.
* A service user completes and views their own.
* Team clinicians see the instrument list only: scores are part of the peer support record, and
  the person has not agreed to share them with the team (decided here; docs/measures.md).
* Programme leads see aggregates only (`queries.programme_summary`), never a person's scores.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from alongside.core.access import (
    AnyUser,
    Permission,
    Principal,
    get_object_for_user,
    principal_for,
    register_scope,
    visible,
)
from alongside.measures.models import Administration, SurveyLink
from alongside.practice.access import caseload_ids
from alongside.practice.models import ServiceUser


def _reach(principal: Principal, permission: Permission) -> Q:
    if permission is Permission.VIEW_MEASURES:
        return Q(service_user_id__in=caseload_ids(principal, permission))
    if permission is Permission.RECORD_MEASURES:
        return Q(service_user_id__in=caseload_ids(principal, permission, supervised=False))
    if permission is Permission.COMPLETE_OWN_MEASURES and principal.person_id is not None:
        return Q(service_user__person_id=principal.person_id)
    return Q(pk__in=[])


def _administration_rule(principal: Principal, permission: Permission) -> QuerySet[Administration]:
    return Administration.objects.filter(_reach(principal, permission))


def _survey_link_rule(principal: Principal, permission: Permission) -> QuerySet[SurveyLink]:
    if permission is not Permission.RECORD_MEASURES:
        return SurveyLink.objects.none()
    return SurveyLink.objects.filter(_reach(principal, permission))


def register() -> None:
    register_scope(Administration, _administration_rule)
    register_scope(SurveyLink, _survey_link_rule)


def get_service_user_for_measures(user: AnyUser, pk: Any, permission: Permission) -> ServiceUser:
    """A service user within the user's measures reach, audited; 404 when missing or not."""
    principal = principal_for(user)
    if permission is Permission.VIEW_MEASURES:
        ids = caseload_ids(principal, permission)
    else:
        ids = caseload_ids(principal, permission, supervised=False)
    return get_object_for_user(
        ServiceUser,
        user,
        pk,
        Permission.VIEW_SERVICE_USER,
        queryset=ServiceUser.objects.filter(pk__in=ids),
    )


def get_own_service_user(user: AnyUser) -> ServiceUser | None:
    """The signed-in service user's own record (audited as a view), if they may do measures."""
    if Permission.COMPLETE_OWN_MEASURES not in principal_for(user).permissions:
        return None
    own = visible(ServiceUser, user, Permission.VIEW_OWN_RECORD).first()
    if own is None:
        return None
    return get_object_for_user(ServiceUser, user, own.pk, Permission.VIEW_OWN_RECORD)


def get_administration_for_user(user: AnyUser, pk: Any, permission: Permission) -> Administration:
    return get_object_for_user(Administration, user, pk, permission)
