"""Who may reach a study's qualitative project: the study's members, nobody else.

Being an evaluator is not enough (`VIEW_QUALITATIVE` to read, `CODE_QUALITATIVE` to write):
the project's study must be one the person is a member of (`evaluation.StudyMember`). Every
record of the project (sources, speakers, segments, codes, codings, memos, quotes) is in reach
exactly when its project is. Programme leads and administrators never reach what was said.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from alongside.core.access import (
    AnyUser,
    Permission,
    Principal,
    get_object_for_user,
    principal_for,
    register_scope,
)
from alongside.evaluation.access import member_studies
from alongside.evaluation.models import Study
from alongside.qualitative.models import (
    Code,
    Coding,
    Memo,
    Project,
    QuoteMark,
    Segment,
    Source,
    Speaker,
    StoredSuggestion,
    SuggestionDecision,
    SuggestionRun,
)

M = TypeVar("M", bound=Model)

QUALITATIVE = frozenset({Permission.VIEW_QUALITATIVE, Permission.CODE_QUALITATIVE})


def member_projects(principal: Principal) -> QuerySet[Project]:
    return Project.objects.filter(study__in=member_studies(principal).values("pk"))


def _in_member_projects(model: type[M], path: str) -> Any:
    def rule(principal: Principal, permission: Permission) -> QuerySet[M]:
        if permission not in QUALITATIVE:
            return model._default_manager.none()
        if not path:
            return model._default_manager.filter(pk__in=member_projects(principal).values("pk"))
        return model._default_manager.filter(
            **{f"{path}__in": member_projects(principal).values("pk")}
        )

    return rule


def register() -> None:
    register_scope(Project, _in_member_projects(Project, ""))
    register_scope(Source, _in_member_projects(Source, "project"))
    register_scope(Speaker, _in_member_projects(Speaker, "source__project"))
    register_scope(Segment, _in_member_projects(Segment, "source__project"))
    register_scope(Code, _in_member_projects(Code, "project"))
    register_scope(Coding, _in_member_projects(Coding, "source__project"))
    register_scope(Memo, _in_member_projects(Memo, "project"))
    register_scope(QuoteMark, _in_member_projects(QuoteMark, "coding__source__project"))
    register_scope(
        SuggestionDecision, _in_member_projects(SuggestionDecision, "segment__source__project")
    )
    register_scope(SuggestionRun, _in_member_projects(SuggestionRun, "project"))
    register_scope(StoredSuggestion, _in_member_projects(StoredSuggestion, "run__project"))


def studies_for_user(user: AnyUser) -> QuerySet[Study]:
    """The studies whose qualitative work this user may see: those they are a member of."""
    principal = principal_for(user)
    if Permission.VIEW_QUALITATIVE not in principal.permissions:
        return Study.objects.none()
    return member_studies(principal)


def get_study_for_user(user: AnyUser, slug: Any) -> Study:
    """A member study by slug, for starting its project; 404 when missing or forbidden."""
    study = studies_for_user(user).filter(slug=str(slug)[:64]).first()
    if study is None:
        raise Http404("No study found.")
    return study


def get_project_for_user(user: AnyUser, slug: Any, permission: Permission) -> Project:
    """The project of the study with this slug; 404 when missing or forbidden."""
    row = Project.objects.filter(study__slug=str(slug)[:64]).values_list("pk", flat=True).first()
    return get_object_for_user(
        Project,
        user,
        row if row is not None else -1,
        permission,
        queryset=Project.objects.select_related("study"),
        audit_view=False,
    )


def get_in_project(
    model: type[M], user: AnyUser, project: Project, pk: Any, permission: Permission, path: str
) -> M:
    """One record of `model` that belongs to `project`; 404 when missing, elsewhere or forbidden."""
    return get_object_for_user(
        model,
        user,
        pk,
        permission,
        queryset=model._default_manager.filter(**{path: project}),
        audit_view=False,
    )
