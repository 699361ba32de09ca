"""Who may reach which evaluation records.

* A study's configuration and its counts (aggregates, small cells hidden): programme leads and
  administrators for every study (`VIEW_ALL_STUDIES`), evaluators for the studies they are
  members of (`VIEW_STUDIES`).
* Participants, consent, responses, invitations and paper forms (`VIEW_STUDY_DATA` and the
  permissions that write them): members of the study only. Being an evaluator is not enough:
  an organisation running several evaluations keeps each team of evaluators to its own study.
* Administrators decide who is a member (`MANAGE_STUDY_MEMBERS`) and never reach a participant.
* Programme leads never reach a participant: they see aggregates only.
* Participant codes (the pseudonym key) are opened only for someone holding the administrator
  role's `OPEN_PARTICIPANT_CODES`: in a study's identified export, also a member of the study
  allowed identifiers; in a data subject request, also `HANDLE_SUBJECT_REQUESTS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from alongside.core.access import (
    AnyUser,
    Permission,
    Principal,
    get_object_for_user,
    principal_for,
    register_scope,
)
from alongside.evaluation import pseudonym_key
from alongside.evaluation.models import (
    Consent,
    Invitation,
    PaperEntry,
    PaperForm,
    Participant,
    Response,
    Study,
    StudyMember,
)

M = TypeVar("M", bound=Model)
K = TypeVar("K")

# Permissions about a study's participant-level data: members only.
STUDY_DATA = frozenset(
    {
        Permission.VIEW_STUDY_DATA,
        Permission.IMPORT_STUDY_DATA,
        Permission.MANAGE_STUDY,
        Permission.ENTER_PAPER_FORMS,
    }
)


def member_studies(principal: Principal) -> QuerySet[Study]:
    if principal.user_id is None:
        return Study.objects.none()
    return Study.objects.filter(members__user_id=principal.user_id)


def _study_rule(principal: Principal, permission: Permission) -> QuerySet[Study]:
    everything = Study.objects.all()
    if permission is Permission.MANAGE_STUDY_MEMBERS:
        return everything
    if permission is Permission.VIEW_STUDIES:
        if Permission.VIEW_ALL_STUDIES in principal.permissions:
            return everything
        return member_studies(principal)
    if permission in STUDY_DATA:
        return member_studies(principal)
    return Study.objects.none()


def _in_member_studies(model: type[M], path: str) -> Any:
    def rule(principal: Principal, permission: Permission) -> QuerySet[M]:
        if permission not in STUDY_DATA:
            return model._default_manager.none()
        return model._default_manager.filter(
            **{f"{path}__in": member_studies(principal).values("pk")}
        )

    return rule


def register() -> None:
    register_scope(Study, _study_rule)
    register_scope(Participant, _in_member_studies(Participant, "study"))
    register_scope(Consent, _in_member_studies(Consent, "participant__study"))
    register_scope(Response, _in_member_studies(Response, "participant__study"))
    register_scope(Invitation, _in_member_studies(Invitation, "participant__study"))
    register_scope(PaperForm, _in_member_studies(PaperForm, "study"))
    register_scope(PaperEntry, _in_member_studies(PaperEntry, "form__study"))


def get_study_for_user(user: AnyUser, slug: Any, permission: Permission) -> Study:
    """A study the user may reach for `permission`, by slug; 404 when missing or forbidden."""
    row = Study.objects.filter(slug=str(slug)[:64]).values_list("pk", flat=True).first()
    return get_object_for_user(
        Study, user, row if row is not None else -1, permission, audit_view=False
    )


def may_see_identifiers(user: AnyUser, study: Study) -> bool:
    """Whether exports for this user may carry participant codes instead of pseudonyms: a
    member of the study allowed identifiers who also holds the administrator role."""
    principal = principal_for(user)
    held = principal.permissions
    if (
        Permission.VIEW_STUDY_DATA not in held
        or Permission.OPEN_PARTICIPANT_CODES not in held
        or principal.user_id is None
    ):
        return False
    return StudyMember.objects.filter(
        study=study, user_id=principal.user_id, may_see_identifiers=True
    ).exists()


def may_open_codes(user: AnyUser | None) -> bool:
    """Whether this user may read participant codes at all (None: the server's command line,
    whose operator holds the key file anyway)."""
    return user is None or Permission.OPEN_PARTICIPANT_CODES in principal_for(user).permissions


def open_codes_for_user(user: AnyUser | None, sealed: Mapping[K, str]) -> dict[K, str]:
    """The participant codes sealed in `sealed`, opened with the pseudonym key; PermissionDenied
    for anyone without the administrator role's OPEN_PARTICIPANT_CODES. The caller audits."""
    if not may_open_codes(user):
        raise PermissionDenied
    return pseudonym_key.keyring().unseal_all(sealed)


def study_abilities(user: AnyUser, study: Study) -> dict[str, bool]:
    """What the study's pages may offer this user, decided with one membership query."""
    principal = principal_for(user)
    held = principal.permissions
    member = (
        principal.user_id is not None
        and bool(held & STUDY_DATA)
        and StudyMember.objects.filter(study=study, user_id=principal.user_id).exists()
    )
    return {
        "can_see_data": member and Permission.VIEW_STUDY_DATA in held,
        "can_import": member and Permission.IMPORT_STUDY_DATA in held,
        "can_manage": member and Permission.MANAGE_STUDY in held,
        "can_enter_paper": member and Permission.ENTER_PAPER_FORMS in held,
        "can_manage_members": Permission.MANAGE_STUDY_MEMBERS in held,
    }
