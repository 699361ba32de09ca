"""Every change to regions, areas, teams, people, memberships, supervision and logins.

Each action is one transaction that validates the record (so database constraints surface as
validation errors), saves it and writes its audit event. Audit detail names the fields that were
set or changed, never their values.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from alongside.core import audit
from alongside.core.access import ROLES, AnyUser, RoleCode
from alongside.core.models import AuditAction
from alongside.core.records import save_audited
from alongside.organisation.models import (
    Area,
    Membership,
    Person,
    Region,
    SupervisionAssignment,
    Team,
)

M = TypeVar("M", bound=models.Model)

MAX_CONTRACTED_HOURS = Decimal(80)


def membership_errors(
    *,
    role: str | None,
    team: Team | None,
    start: dt.date | None,
    end: dt.date | None,
    fte: Decimal | None,
    contracted_hours: Decimal | None,
) -> dict[str, str]:
    """The membership rules the database enforces, as messages a person can act on, by field."""
    errors: dict[str, str] = {}
    if start and end and end < start:
        errors["end"] = "The end date must be on or after the start date."
    if fte is not None and not Decimal(0) < fte <= Decimal(1):
        errors["fte"] = "FTE must be more than 0 and at most 1 (1.00 is full time)."
    if contracted_hours is not None and not Decimal(0) < contracted_hours <= MAX_CONTRACTED_HOURS:
        errors["contracted_hours"] = (
            f"Contracted hours must be more than 0 and at most {MAX_CONTRACTED_HOURS} a week."
        )
    if role in ROLES and ROLES[RoleCode(role)].team_based and team is None:
        errors["team"] = f"Choose a team: the role “{RoleCode(role).label}” is held on a team."
    return errors


def _check_membership(membership: Membership) -> None:
    errors = membership_errors(
        role=membership.role,
        team=membership.team,
        start=membership.start,
        end=membership.end,
        fte=membership.fte,
        contracted_hours=membership.contracted_hours,
    )
    if errors:
        raise ValidationError(errors)


def _check_supervision(assignment: SupervisionAssignment) -> None:
    if assignment.supervisor_id == assignment.supervisee_id:
        raise ValidationError({"supervisor": "A person cannot supervise themselves."})
    overlapping = SupervisionAssignment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=assignment.start),
        supervisor_id=assignment.supervisor_id,
        supervisee_id=assignment.supervisee_id,
    )
    if overlapping.exists():
        raise ValidationError({"supervisor": "This person already supervises them."})


def _save(
    obj: M,
    *,
    by: AnyUser | None,
    action: AuditAction,
    fields: Iterable[str],
    check: Callable[[M], None] | None = None,
    update_fields: list[str] | None = None,
) -> M:
    """Validate, save and audit one record; the caller holds the transaction."""
    if check is not None:
        check(obj)
    return save_audited(obj, by=by, action=action, fields=fields, update_fields=update_fields)


def _create(
    model: type[M], *, by: AnyUser | None, check: Callable[[M], None] | None = None, **values: Any
) -> M:
    with transaction.atomic():
        set_fields = [name for name, value in values.items() if value not in (None, "")]
        return _save(
            model(**values), by=by, action=AuditAction.CREATE, fields=set_fields, check=check
        )


def _update(
    obj: M,
    *,
    by: AnyUser | None,
    editable: frozenset[str],
    changes: dict[str, Any],
    check: Callable[[M], None] | None = None,
) -> M:
    """Apply `changes` to the stored record (not to `obj`, which a bound form may have altered)."""
    refused = sorted(set(changes) - editable)
    if refused:
        raise TypeError(f"These fields are not changed here: {', '.join(refused)}.")
    with transaction.atomic():
        stored: M = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        changed = [name for name, value in changes.items() if getattr(stored, name) != value]
        if not changed:
            return stored
        for name in changed:
            setattr(stored, name, changes[name])
        return _save(
            stored,
            by=by,
            action=AuditAction.UPDATE,
            fields=changed,
            check=check,
            update_fields=changed,
        )


def create_region(*, by: AnyUser | None, code: str, name: str) -> Region:
    return _create(Region, by=by, code=code, name=name)


def update_region(*, by: AnyUser | None, region: Region, **changes: Any) -> Region:
    return _update(region, by=by, editable=frozenset({"code", "name"}), changes=changes)


def create_area(*, by: AnyUser | None, region: Region, name: str) -> Area:
    return _create(Area, by=by, region=region, name=name)


def update_area(*, by: AnyUser | None, area: Area, **changes: Any) -> Area:
    return _update(area, by=by, editable=frozenset({"name"}), changes=changes)


def create_team(*, by: AnyUser | None, area: Area, name: str, team_type: str) -> Team:
    return _create(Team, by=by, area=area, name=name, team_type=team_type)


def update_team(*, by: AnyUser | None, team: Team, **changes: Any) -> Team:
    return _update(team, by=by, editable=frozenset({"area", "name", "team_type"}), changes=changes)


def create_person(
    *, by: AnyUser | None, given_name: str, family_name: str, email: str = ""
) -> Person:
    return _create(Person, by=by, given_name=given_name, family_name=family_name, email=email)


def update_person(*, by: AnyUser | None, person: Person, **changes: Any) -> Person:
    """Change a person's name or email; their login's email follows, for password resets."""
    with transaction.atomic():
        updated = _update(
            person,
            by=by,
            editable=frozenset({"given_name", "family_name", "email"}),
            changes=changes,
        )
        user = updated.user
        if user is not None and "email" in changes and user.email != updated.email:
            user.email = updated.email
            _save(user, by=by, action=AuditAction.UPDATE, fields=["email"], update_fields=["email"])
        return updated


def add_membership(
    *,
    by: AnyUser | None,
    person: Person,
    team: Team | None,
    role: str,
    discipline: str = "",
    contracted_hours: Decimal | None = None,
    fte: Decimal | None = None,
    start: dt.date,
    end: dt.date | None = None,
) -> Membership:
    return _create(
        Membership,
        by=by,
        check=_check_membership,
        person=person,
        team=team,
        role=role,
        discipline=discipline,
        contracted_hours=contracted_hours,
        fte=fte,
        start=start,
        end=end,
    )


def end_membership(*, by: AnyUser | None, membership: Membership, end: dt.date) -> Membership:
    return _update(
        membership,
        by=by,
        editable=frozenset({"end"}),
        changes={"end": end},
        check=_check_membership,
    )


def assign_supervisor(
    *, by: AnyUser | None, supervisor: Person, supervisee: Person, start: dt.date
) -> SupervisionAssignment:
    return _create(
        SupervisionAssignment,
        by=by,
        check=_check_supervision,
        supervisor=supervisor,
        supervisee=supervisee,
        start=start,
    )


def create_login(*, by: AnyUser | None, person: Person, username: str) -> AbstractBaseUser:
    """Give a person a login. Nothing is sent: they set a password with "Forgotten your password".

    The password is random and never shown to anyone. It is not Django's "unusable" password,
    because the password reset form ignores accounts with one, which would leave the person no
    way to set their own.
    """
    with transaction.atomic():
        stored = Person.objects.select_for_update().get(pk=person.pk)
        if stored.user_id is not None:
            raise ValidationError("This person already has a login.")
        if not stored.email:
            raise ValidationError(
                "Add an email address for this person first: the link to set a password is "
                "sent there."
            )
        user = get_user_model()(username=username, email=stored.email)
        user.set_password(secrets.token_urlsafe(32))
        _save(user, by=by, action=AuditAction.CREATE, fields=["username", "email", "password"])
        stored.user = user
        _save(stored, by=by, action=AuditAction.UPDATE, fields=["user"], update_fields=["user"])
        return user


def set_password(*, by: AnyUser | None, user: AbstractBaseUser, password: str) -> None:
    """Set a login's password (already checked against the password rules by the caller)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=by, action=AuditAction.UPDATE, obj=user, detail={"fields": ["password"]})
