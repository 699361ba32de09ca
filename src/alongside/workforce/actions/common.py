"""What the workforce actions share: who is acting, and refusing what they may not do."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from alongside.core.access import AnyUser, Permission, has_permission, principal_for
from alongside.organisation.models import Person


def acting_person(by: AnyUser) -> Person:
    """The person record of the signed-in user; workforce records always name a person."""
    person_id = principal_for(by).person_id
    if person_id is None:
        raise ValidationError("Only someone with a person record in the organisation can do this.")
    return Person.objects.get(pk=person_id)


def require(by: AnyUser, permission: Permission) -> None:
    if not has_permission(by, permission):
        raise PermissionDenied
