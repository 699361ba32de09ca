"""The configurable list of what contacts are about."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from alongside.core.access import AnyUser
from alongside.core.models import AuditAction
from alongside.core.records import save_audited
from alongside.practice.models import Activity


def add_activity(*, by: AnyUser, label: str, order: int) -> Activity:
    with transaction.atomic():
        activity = Activity(code=slugify(label)[:40], label=label, order=order)
        return save_audited(activity, by=by, action=AuditAction.CREATE, fields=["label", "order"])


def change_activity(
    *, by: AnyUser, activity: Activity, label: str, order: int, active: bool
) -> Activity:
    """Rename, reorder or retire. A retired activity stays on the contacts that have it."""
    changed = [
        name
        for name, value in (("label", label), ("order", order), ("active", active))
        if getattr(activity, name) != value
    ]
    activity.label, activity.order, activity.active = label, order, active
    with transaction.atomic():
        return save_audited(activity, by=by, action=AuditAction.UPDATE, fields=changed)
