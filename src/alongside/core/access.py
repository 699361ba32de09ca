"""The access policy: who may do what, to which records. Deny by default.

Three parts, kept apart on purpose:

* `Permission`: everything the system lets someone do, as an enum.
* Roles: small classes listing the permissions each role grants. A person holds roles through
  memberships (organisation app); a user with no current membership holds none.
* Scope rules: for permissions about records, whether a given record is within the holder's
  reach (their own caseload, their supervisees', their team's). Each app registers the rule for
  its own models with `register_scope`, as a function that returns the queryset of records the
  user may reach; the object check is "is it in that queryset", so lists and single-record checks
  can never disagree.

`has_permission(user, permission, scope)` is the one check. Views load protected records through
`get_<thing>_for_user` helpers built on `get_object_for_user`, which answer 404 for missing and
forbidden alike and audit both the view and the refused attempt.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from alongside.core import audit
from alongside.core.models import AuditAction
from alongside.core.periods import current

AnyUser = AbstractBaseUser | AnonymousUser


class Permission(enum.StrEnum):
    VIEW_OWN_CASELOAD = "view-own-caseload"
    VIEW_SUPERVISEE_CASELOADS = "view-supervisee-caseloads"
    VIEW_SERVICE_USER = "view-service-user"
    VIEW_OWN_RECORD = "view-own-record"
    VIEW_TEAM_REFERRALS = "view-team-referrals"
    VIEW_REFERRAL = "view-referral"
    VIEW_PROGRAMME_SUMMARY = "view-programme-summary"
    VIEW_ORGANISATION = "view-organisation"
    MANAGE_ORGANISATION = "manage-organisation"
    VIEW_PEOPLE = "view-people"
    MANAGE_PEOPLE = "manage-people"
    VIEW_AUDIT = "view-audit"
    # Practice: each is scoped to records (a caseload, a team) by the practice app's rules.
    EDIT_SERVICE_USER = "edit-service-user"
    MAKE_REFERRAL = "make-referral"
    DECIDE_REFERRAL = "decide-referral"
    VIEW_CONTACTS = "view-contacts"
    RECORD_CONTACT = "record-contact"
    VIEW_GOALS = "view-goals"
    MANAGE_GOALS = "manage-goals"
    ADD_OWN_PROGRESS = "add-own-progress"
    VIEW_ADVOCACY = "view-advocacy"
    RAISE_ADVOCACY = "raise-advocacy"
    RESPOND_TO_ADVOCACY = "respond-to-advocacy"
    END_EPISODE = "end-episode"
    VIEW_GROUPS = "view-groups"
    MANAGE_GROUPS = "manage-groups"
    # Measures: instruments are configuration; administrations are scoped to caseloads.
    VIEW_INSTRUMENTS = "view-instruments"
    VIEW_MEASURES = "view-measures"
    RECORD_MEASURES = "record-measures"
    COMPLETE_OWN_MEASURES = "complete-own-measures"
    # Evaluation: study configuration and counts; participant-level study data (evaluators).
    VIEW_STUDIES = "view-studies"
    VIEW_STUDY_DATA = "view-study-data"
    IMPORT_STUDY_DATA = "import-study-data"
    # Evaluation, per study: members edit the study, send survey links and key paper forms;
    # administrators decide who is a member; leads and administrators see every study's counts.
    VIEW_ALL_STUDIES = "view-all-studies"
    CREATE_STUDY = "create-study"
    MANAGE_STUDY = "manage-study"
    ENTER_PAPER_FORMS = "enter-paper-forms"
    MANAGE_STUDY_MEMBERS = "manage-study-members"
    # Qualitative analysis, per study (members only): read sources and codings; code, edit the
    # codebook, add sources and mark quotes.
    VIEW_QUALITATIVE = "view-qualitative"
    CODE_QUALITATIVE = "code-qualitative"
    # Workforce: supervision (private notes reach the two people in the session only), CPD,
    # grades and resources, team readiness, the role-understanding pulse, exchange, guidance.
    VIEW_SUPERVISION = "view-supervision"
    LOG_SUPERVISION = "log-supervision"
    VIEW_SUPERVISION_NOTES = "view-supervision-notes"
    VIEW_CPD = "view-cpd"
    REQUEST_CPD = "request-cpd"
    APPROVE_CPD = "approve-cpd"
    VIEW_WORKFORCE = "view-workforce"
    MANAGE_WORK_TERMS = "manage-work-terms"
    VIEW_READINESS = "view-readiness"
    MANAGE_READINESS = "manage-readiness"
    ANSWER_PULSE = "answer-pulse"
    RUN_PULSE = "run-pulse"
    VIEW_EXCHANGE = "view-exchange"
    POST_EXCHANGE = "post-exchange"
    MODERATE_EXCHANGE = "moderate-exchange"
    VIEW_GUIDANCE = "view-guidance"
    MANAGE_GUIDANCE = "manage-guidance"
    # Reports: the programme dashboard (aggregates only, small counts hidden).
    VIEW_PROGRAMME_DASHBOARD = "view-programme-dashboard"
    # Privacy: data subject requests (export, erase, anonymise), for administrators only.
    HANDLE_SUBJECT_REQUESTS = "handle-subject-requests"
    # Open the pseudonym key: read participant codes (identified exports, subject requests).
    OPEN_PARTICIPANT_CODES = "open-participant-codes"


class RoleCode(models.TextChoices):
    PEER_SUPPORT_WORKER = "psw", "Peer support worker"
    SENIOR_PEER_SUPPORT_WORKER = "senior-psw", "Senior peer support worker"
    SUPERVISOR = "supervisor", "PSW supervisor / line manager"
    TEAM_CLINICIAN = "clinician", "Team clinician"
    PROGRAMME_LEAD = "lead", "Programme lead"
    EVALUATOR = "evaluator", "Evaluator"
    ADMINISTRATOR = "admin", "Administrator"
    SERVICE_USER = "service-user", "Service user"


class Role:
    code: ClassVar[RoleCode]
    permissions: ClassVar[frozenset[Permission]]
    # Roles held on a team (a PSW on a CMHT); the others are held across the organisation.
    team_based: ClassVar[bool] = True


class PeerSupportWorker(Role):
    code = RoleCode.PEER_SUPPORT_WORKER
    permissions = frozenset(
        {
            Permission.VIEW_OWN_CASELOAD,
            Permission.VIEW_SERVICE_USER,
            Permission.EDIT_SERVICE_USER,
            Permission.VIEW_REFERRAL,
            Permission.MAKE_REFERRAL,
            Permission.DECIDE_REFERRAL,
            Permission.VIEW_CONTACTS,
            Permission.RECORD_CONTACT,
            Permission.VIEW_GOALS,
            Permission.MANAGE_GOALS,
            Permission.VIEW_ADVOCACY,
            Permission.RAISE_ADVOCACY,
            Permission.END_EPISODE,
            Permission.VIEW_GROUPS,
            Permission.MANAGE_GROUPS,
            Permission.VIEW_INSTRUMENTS,
            Permission.VIEW_MEASURES,
            Permission.RECORD_MEASURES,
        }
    )
    permissions = permissions | {  # Workforce
        Permission.VIEW_SUPERVISION,
        Permission.LOG_SUPERVISION,
        Permission.VIEW_SUPERVISION_NOTES,
        Permission.VIEW_CPD,
        Permission.REQUEST_CPD,
        Permission.ANSWER_PULSE,
        Permission.VIEW_EXCHANGE,
        Permission.POST_EXCHANGE,
        Permission.VIEW_GUIDANCE,
    }


class SeniorPeerSupportWorker(Role):
    code = RoleCode.SENIOR_PEER_SUPPORT_WORKER
    permissions = PeerSupportWorker.permissions | {
        Permission.VIEW_TEAM_REFERRALS,
        Permission.VIEW_SUPERVISEE_CASELOADS,
    }
    permissions = permissions | {Permission.APPROVE_CPD}  # Workforce


class Supervisor(Role):
    """Sees supervisees' work to support and supervise it; does not write in it."""

    code = RoleCode.SUPERVISOR
    permissions = frozenset(
        {
            Permission.VIEW_SUPERVISEE_CASELOADS,
            Permission.VIEW_SERVICE_USER,
            Permission.VIEW_REFERRAL,
            Permission.VIEW_CONTACTS,
            Permission.VIEW_GOALS,
            Permission.VIEW_ADVOCACY,
            Permission.VIEW_GROUPS,
            Permission.VIEW_INSTRUMENTS,
            Permission.VIEW_MEASURES,
        }
    )
    permissions = permissions | {  # Workforce
        Permission.VIEW_SUPERVISION,
        Permission.LOG_SUPERVISION,
        Permission.VIEW_SUPERVISION_NOTES,
        Permission.VIEW_CPD,
        Permission.APPROVE_CPD,
        Permission.VIEW_READINESS,
        Permission.ANSWER_PULSE,
        Permission.VIEW_EXCHANGE,
        Permission.POST_EXCHANGE,
        Permission.VIEW_GUIDANCE,
    }
    permissions = permissions | {Permission.VIEW_PROGRAMME_DASHBOARD}  # Reports


class TeamClinician(Role):
    """Refers to peer support and hears back; reads contact notes only where the person agreed."""

    code = RoleCode.TEAM_CLINICIAN
    permissions = frozenset(
        {
            Permission.VIEW_TEAM_REFERRALS,
            Permission.VIEW_REFERRAL,
            Permission.MAKE_REFERRAL,
            Permission.VIEW_CONTACTS,
            Permission.VIEW_ADVOCACY,
            Permission.RESPOND_TO_ADVOCACY,
            Permission.VIEW_INSTRUMENTS,
        }
    )
    permissions = permissions | {Permission.ANSWER_PULSE, Permission.VIEW_GUIDANCE}  # Workforce


class ProgrammeLead(Role):
    code = RoleCode.PROGRAMME_LEAD
    team_based = False
    permissions = frozenset({Permission.VIEW_PROGRAMME_SUMMARY, Permission.VIEW_ORGANISATION})
    permissions = permissions | {Permission.VIEW_INSTRUMENTS}
    permissions = permissions | {Permission.VIEW_STUDIES, Permission.VIEW_ALL_STUDIES}
    permissions = permissions | {  # Workforce: aggregates, readiness, moderation, guidance
        Permission.VIEW_WORKFORCE,
        Permission.VIEW_CPD,
        Permission.APPROVE_CPD,
        Permission.MANAGE_WORK_TERMS,
        Permission.VIEW_READINESS,
        Permission.MANAGE_READINESS,
        Permission.RUN_PULSE,
        Permission.VIEW_EXCHANGE,
        Permission.POST_EXCHANGE,
        Permission.MODERATE_EXCHANGE,
        Permission.VIEW_GUIDANCE,
        Permission.MANAGE_GUIDANCE,
    }
    permissions = permissions | {Permission.VIEW_PROGRAMME_DASHBOARD}  # Reports


class Evaluator(Role):
    code = RoleCode.EVALUATOR
    team_based = False
    permissions = frozenset({Permission.VIEW_ORGANISATION})
    permissions = permissions | {Permission.VIEW_INSTRUMENTS}
    permissions = permissions | {
        Permission.VIEW_STUDIES,
        Permission.VIEW_STUDY_DATA,
        Permission.IMPORT_STUDY_DATA,
    }
    permissions = permissions | {
        Permission.CREATE_STUDY,
        Permission.MANAGE_STUDY,
        Permission.ENTER_PAPER_FORMS,
    }
    permissions = permissions | {Permission.VIEW_QUALITATIVE, Permission.CODE_QUALITATIVE}
    permissions = permissions | {Permission.VIEW_GUIDANCE}  # Workforce


class Administrator(Role):
    """Manages configuration, accounts and the audit trail; never clinical records."""

    code = RoleCode.ADMINISTRATOR
    team_based = False
    permissions = frozenset(
        {
            Permission.VIEW_ORGANISATION,
            Permission.MANAGE_ORGANISATION,
            Permission.VIEW_PEOPLE,
            Permission.MANAGE_PEOPLE,
            Permission.VIEW_AUDIT,
            Permission.VIEW_INSTRUMENTS,
            Permission.VIEW_STUDIES,
        }
    )
    permissions = permissions | {
        Permission.VIEW_ALL_STUDIES,
        Permission.CREATE_STUDY,
        Permission.MANAGE_STUDY_MEMBERS,
    }
    # Workforce
    permissions = permissions | {Permission.MANAGE_WORK_TERMS, Permission.VIEW_GUIDANCE}
    permissions = permissions | {Permission.HANDLE_SUBJECT_REQUESTS}  # Privacy
    permissions = permissions | {Permission.OPEN_PARTICIPANT_CODES}  # Evaluation: the key


class ServiceUserRole(Role):
    code = RoleCode.SERVICE_USER
    permissions = frozenset(
        {Permission.VIEW_OWN_RECORD, Permission.VIEW_GOALS, Permission.ADD_OWN_PROGRESS}
    )
    permissions = permissions | {Permission.COMPLETE_OWN_MEASURES}


ROLES: dict[RoleCode, type[Role]] = {
    role.code: role
    for role in (
        PeerSupportWorker,
        SeniorPeerSupportWorker,
        Supervisor,
        TeamClinician,
        ProgrammeLead,
        Evaluator,
        Administrator,
        ServiceUserRole,
    )
}


@dataclass(frozen=True)
class Grant:
    """One role held by a person, on a team or (team_id None) across the organisation."""

    role: RoleCode
    team_id: int | None


@dataclass(frozen=True)
class Principal:
    """What the policy knows about a signed-in user: their person record and current grants."""

    user_id: int | None
    person_id: int | None
    grants: tuple[Grant, ...]

    @property
    def roles(self) -> frozenset[RoleCode]:
        return frozenset(g.role for g in self.grants)

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset(p for g in self.grants for p in ROLES[g.role].permissions)

    def team_ids(self, *roles: RoleCode) -> frozenset[int]:
        return frozenset(
            g.team_id for g in self.grants if g.team_id is not None and g.role in roles
        )


ANONYMOUS = Principal(user_id=None, person_id=None, grants=())
_PRINCIPAL_ATTR = "_alongside_principal"


def principal_for(user: AnyUser) -> Principal:
    """The user's current grants, read once per user object (so once per request)."""
    if not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Principal | None = getattr(user, _PRINCIPAL_ATTR, None)
    if cached is not None:
        return cached
    person_model = apps.get_model("organisation", "Person")
    membership_model = apps.get_model("organisation", "Membership")
    person_id = person_model.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    grants: tuple[Grant, ...] = ()
    if person_id is not None:
        rows = (
            membership_model.objects.filter(current(), person_id=person_id)
            .values_list("role", "team_id")
            .order_by("role", "team_id")
        )
        grants = tuple(Grant(RoleCode(role), team_id) for role, team_id in rows)
    principal = Principal(user_id=user.pk, person_id=person_id, grants=grants)
    setattr(user, _PRINCIPAL_ATTR, principal)
    return principal


def forget_principal(user: AnyUser) -> None:
    """Drop the cached grants, after memberships change within the same request."""
    if hasattr(user, _PRINCIPAL_ATTR):
        delattr(user, _PRINCIPAL_ATTR)


M = TypeVar("M", bound=models.Model)
ScopeRule = Callable[[Principal, Permission], QuerySet[Any]]
_SCOPE_RULES: dict[type[models.Model], ScopeRule] = {}


def register_scope(model: type[models.Model], rule: ScopeRule) -> None:
    """Declare which records of `model` a principal may reach for a permission.

    The rule returns a queryset of `model`; it must return `model.objects.none()` for any
    permission it does not know, so that an unforeseen permission is denied.
    """
    _SCOPE_RULES[model] = rule


def visible(model: type[M], user: AnyUser, permission: Permission) -> QuerySet[M]:
    """Every record of `model` the user may reach for `permission`: where every list starts."""
    principal = principal_for(user)
    if permission not in principal.permissions:
        return model._default_manager.none()
    rule = _SCOPE_RULES.get(model)
    if rule is None:
        raise LookupError(f"No scope rule is registered for {model._meta.label}.")
    queryset: QuerySet[M] = rule(principal, permission)
    return queryset


def has_permission(
    user: AnyUser, permission: Permission, scope: models.Model | None = None
) -> bool:
    """May this user do `permission`, and if a record is given, to that record?"""
    if scope is None:
        return permission in principal_for(user).permissions
    return visible(type(scope), user, permission).filter(pk=scope.pk).exists()


def require_permission(user: AnyUser, permission: Permission) -> None:
    """For pages without a single record: 403 unless the user holds the permission."""
    if not has_permission(user, permission):
        raise PermissionDenied


def get_object_for_user(
    model: type[M],
    user: AnyUser,
    pk: Any,
    permission: Permission,
    *,
    queryset: QuerySet[M] | None = None,
    audit_view: bool = True,
) -> M:
    """Load one protected record, or raise Http404 whether it is missing or forbidden.

    A successful load of personal data is audited as a view; a refused one as a denied attempt
    (with no hint, to the caller, of whether the record exists).
    """
    base = visible(model, user, permission)
    if queryset is not None:
        base = base & queryset
    try:
        obj = base.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        audit.record(
            actor=user,
            action=AuditAction.DENIED,
            object_type=model._meta.label_lower,
            object_id=str(pk)[:64],
            detail={"permission": str(permission)},
        )
        raise Http404(f"No {model._meta.verbose_name} found.") from None
    if audit_view:
        audit.record(actor=user, action=AuditAction.VIEW, obj=obj)
    return obj
