"""Who may reach which evaluation records.

* Studies (configuration and counts, no personal data): evaluators, programme leads and
  administrators, with `VIEW_STUDIES`.
* Participants, their consent and their responses: evaluators only (`VIEW_STUDY_DATA`,
  `IMPORT_STUDY_DATA`). For now an evaluator reaches every study: there is no per-study
  membership yet, so an organisation running several evaluations with different teams of
  evaluators cannot yet keep them apart (a known limitation, docs/formats/study.md).
* Programme leads never reach a participant: they see aggregates only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from alongside.core.access import (
    AnyUser,
    Permission,
    Principal,
    get_object_for_user,
    register_scope,
)
from alongside.evaluation.models import Consent, Participant, Response, Study

_STUDY_DATA = frozenset({Permission.VIEW_STUDY_DATA, Permission.IMPORT_STUDY_DATA})


def _study_rule(principal: Principal, permission: Permission) -> QuerySet[Study]:
    if permission is Permission.VIEW_STUDIES or permission in _STUDY_DATA:
        return Study.objects.all()
    return Study.objects.none()


def _participant_rule(principal: Principal, permission: Permission) -> QuerySet[Participant]:
    if permission in _STUDY_DATA:
        return Participant.objects.all()
    return Participant.objects.none()


def _consent_rule(principal: Principal, permission: Permission) -> QuerySet[Consent]:
    if permission in _STUDY_DATA:
        return Consent.objects.all()
    return Consent.objects.none()


def _response_rule(principal: Principal, permission: Permission) -> QuerySet[Response]:
    if permission in _STUDY_DATA:
        return Response.objects.all()
    return Response.objects.none()


def register() -> None:
    register_scope(Study, _study_rule)
    register_scope(Participant, _participant_rule)
    register_scope(Consent, _consent_rule)
    register_scope(Response, _response_rule)


def get_study_for_user(user: AnyUser, slug: Any, permission: Permission) -> Study:
    """A study the user may reach for `permission`, by slug; 404 when missing or forbidden."""
    row = Study.objects.filter(slug=str(slug)[:64]).values_list("pk", flat=True).first()
    return get_object_for_user(
        Study, user, row if row is not None else -1, permission, audit_view=False
    )
