"""Writing one domain record: validate, save, audit, in the caller's transaction.

Every app's actions use these, so that no write skips validation or the audit trail, and so
that two people editing the same record find out instead of overwriting each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models

from alongside.core import audit
from alongside.core.models import AuditAction

M = TypeVar("M", bound=models.Model)
AnyUser = AbstractBaseUser | AnonymousUser


class EditConflict(ValidationError):
    """Someone else saved the record after this edit began."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this record while you were editing it. Your changes were not "
            "saved: reload the page to see theirs, then make your changes again.",
            code="conflict",
        )


def save_audited(
    obj: M,
    *,
    by: AnyUser | None,
    action: AuditAction,
    fields: Iterable[str],
    update_fields: list[str] | None = None,
    validate: bool = True,
) -> M:
    """Validate (model rules and database constraints), save and audit one record.

    `fields` names what was set or changed; the audit trail stores the names, never values.
    """
    if validate:
        obj.full_clean()
    obj.save(update_fields=update_fields)
    audit.record(actor=by, action=action, obj=obj, detail={"fields": sorted(fields)})
    return obj


def update_versioned(
    obj: M,
    *,
    by: AnyUser | None,
    expected_version: int,
    changes: dict[str, Any],
) -> M:
    """Apply `changes` to a record read at `expected_version`, or raise EditConflict.

    The version is compared and bumped in one UPDATE ... WHERE version = expected, so two
    concurrent saves cannot both win.
    """
    model = type(obj)
    changed = sorted(name for name, value in changes.items() if getattr(obj, name) != value)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    bumped = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=expected_version + 1, **{name: getattr(obj, name) for name in changes}
    )
    if bumped != 1:
        raise EditConflict
    obj.version = expected_version + 1  # type: ignore[attr-defined]
    audit.record(actor=by, action=AuditAction.UPDATE, obj=obj, detail={"fields": changed})
    return obj
