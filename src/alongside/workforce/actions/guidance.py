"""The guidance library: adding documents, new versions, and changing owner and tags."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from alongside.core.access import AnyUser, Permission
from alongside.core.models import AuditAction
from alongside.core.records import save_audited
from alongside.organisation.models import Person
from alongside.workforce.actions.common import acting_person, require
from alongside.workforce.models import GuidanceDocument, GuidanceTag, GuidanceVersion


def _tags(names: Iterable[str]) -> list[GuidanceTag]:
    tags = []
    for name in sorted({slugify(n)[:40] for n in names if slugify(n)}):
        tag = GuidanceTag.objects.filter(name=name).first() or GuidanceTag.objects.create(name=name)
        tags.append(tag)
    return tags


def add_guidance(
    *,
    by: AnyUser,
    title: str,
    summary: str,
    owner: Person,
    tags: Iterable[str],
    body: str,
) -> GuidanceDocument:
    """A new document, with its first version."""
    require(by, Permission.MANAGE_GUIDANCE)
    title = title.strip()
    if GuidanceDocument.objects.filter(title__iexact=title).exists():
        raise ValidationError({"title": "The library already has a document with this title."})
    if not body.strip():
        raise ValidationError({"body": "Write the guidance itself."})
    with transaction.atomic():
        document = save_audited(
            GuidanceDocument(title=title, summary=summary.strip(), owner=owner),
            by=by,
            action=AuditAction.CREATE,
            fields=["title", "summary", "owner", "tags"],
        )
        document.tags.set(_tags(tags))
        _add_version(by=by, document=document, body=body, change_note="First version.")
        return document


def _add_version(
    *, by: AnyUser, document: GuidanceDocument, body: str, change_note: str
) -> GuidanceVersion:
    latest = document.versions.aggregate(n=Max("number"))["n"] or 0
    return save_audited(
        GuidanceVersion(
            document=document,
            number=latest + 1,
            body=body.strip(),
            change_note=change_note.strip(),
            published_on=timezone.localdate(),
            published_by=acting_person(by),
        ),
        by=by,
        action=AuditAction.CREATE,
        fields=["document", "number", "body", "change_note"],
    )


def add_guidance_version(
    *, by: AnyUser, document: GuidanceDocument, body: str, change_note: str
) -> GuidanceVersion:
    """Publish a new version; earlier versions stay readable."""
    require(by, Permission.MANAGE_GUIDANCE)
    if not body.strip():
        raise ValidationError({"body": "Write the guidance itself."})
    if not change_note.strip():
        raise ValidationError({"change_note": "Say what changed in this version."})
    with transaction.atomic():
        GuidanceDocument.objects.select_for_update().filter(pk=document.pk).first()
        return _add_version(by=by, document=document, body=body, change_note=change_note)


def update_guidance_details(
    *, by: AnyUser, document: GuidanceDocument, summary: str, owner: Person, tags: Iterable[str]
) -> GuidanceDocument:
    require(by, Permission.MANAGE_GUIDANCE)
    with transaction.atomic():
        document.summary = summary.strip()
        document.owner = owner
        save_audited(
            document,
            by=by,
            action=AuditAction.UPDATE,
            fields=["summary", "owner", "tags"],
            update_fields=["summary", "owner"],
        )
        document.tags.set(_tags(tags))
        return document
