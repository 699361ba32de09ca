"""Recording, correcting and withdrawing contacts between a PSW and a service user.

A contact belongs to the episode (caseload entry) in which it happened; CHIME tags and
activities are saved with it in the same transaction and named, never valued, in its audit event.
Contacts made at a group session are written by `record_attendance` (actions/groups.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core import audit
from alongside.core.access import AnyUser
from alongside.core.models import AuditAction
from alongside.core.periods import current
from alongside.core.records import EditConflict, save_audited, update_versioned
from alongside.organisation.models import Person
from alongside.practice import rollups
from alongside.practice.models import (
    Activity,
    CaseloadEntry,
    Chime,
    Contact,
    ContactChimeTag,
    ContactFormat,
    ServiceUser,
)

NOTE_MAX_LENGTH = 1000
MAX_DURATION_MINUTES = 720
# How long the author has to withdraw a contact logged by mistake; after that it is history.
DELETE_WINDOW = timedelta(hours=24)
_SESSION_FIELDS = ("date", "duration_minutes", "mode", "setting", "contact_format")


def current_episode(*, worker: Person, service_user: ServiceUser) -> CaseloadEntry | None:
    """The worker's current caseload entry for this service user, if they are on it."""
    return CaseloadEntry.objects.filter(current(), worker=worker, service_user=service_user).first()


def contact_errors(
    *,
    date: dt.date,
    duration_minutes: int,
    note: str,
    chime: Iterable[str],
    episode: CaseloadEntry | None,
) -> dict[str, str]:
    """What is wrong with a contact's details, as messages a person can act on, by field."""
    errors: dict[str, str] = {}
    if date > timezone.localdate():
        errors["date"] = "A contact cannot be in the future: give the day it happened."
    elif episode is not None and date < episode.start:
        errors["date"] = (
            f"This is before the person's peer support with you began "
            f"({episode.start.day} {episode.start:%B %Y}): check the date."
        )
    if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = "Give the length in minutes, from 1 to 720 (12 hours)."
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = (
            f"Keep the note short: at most {NOTE_MAX_LENGTH} characters (this one has {len(note)})."
        )
    unknown = sorted(set(chime) - set(Chime.values))
    if unknown:
        errors["chime"] = f"Not a CHIME process: {', '.join(unknown)}."
    return errors


def _check_activities(activities: list[Activity], *, already: Iterable[int] = ()) -> None:
    kept = set(already)
    retired = [a.label for a in activities if not a.active and a.pk not in kept]
    if retired:
        raise ValidationError(
            {"activities": f"No longer in use, choose another: {', '.join(retired)}."}
        )


def _set_chime(contact: Contact, chime: Iterable[str]) -> None:
    wanted = set(chime)
    contact.chime_tags.exclude(domain__in=wanted).delete()
    have = set(contact.chime_tags.values_list("domain", flat=True))
    ContactChimeTag.objects.bulk_create(
        ContactChimeTag(contact=contact, domain=domain) for domain in sorted(wanted - have)
    )


def record_contact(
    *,
    by: AnyUser,
    worker: Person,
    service_user: ServiceUser,
    date: dt.date,
    duration_minutes: int,
    mode: str,
    setting: str,
    activities: Iterable[Activity],
    chime: Iterable[str],
    note: str,
    contact_format: str = ContactFormat.ONE_TO_ONE,
    next_planned_contact: dt.date | None = None,
) -> Contact:
    """Log a contact the worker had with someone on their current caseload.

    With `next_planned_contact`, the date arranged for the next one goes on the episode, so
    the caseload's "next planned" and "overdue" stay true.
    """
    activities = list(activities)
    chime = set(chime)
    note = note.strip()
    with transaction.atomic(), rollups.deferred():
        episode = current_episode(worker=worker, service_user=service_user)
        if episode is None:
            raise ValidationError(
                f"{service_user.reference} is not on your current caseload, so you cannot "
                f"log a contact with them."
            )
        errors = contact_errors(
            date=date, duration_minutes=duration_minutes, note=note, chime=chime, episode=episode
        )
        if next_planned_contact is not None and next_planned_contact < date:
            errors["next_planned_contact"] = "The next contact cannot be before this one."
        if errors:
            raise ValidationError(errors)
        _check_activities(activities)
        contact = Contact(
            service_user=service_user,
            episode=episode,
            worker=worker,
            date=date,
            duration_minutes=duration_minutes,
            mode=mode,
            setting=setting,
            contact_format=contact_format,
            note=note,
        )
        fields = ["date", "duration_minutes", "mode", "setting", "contact_format", "note"]
        save_audited(
            contact,
            by=by,
            action=AuditAction.CREATE,
            fields=[*fields, "service_user", "episode", "worker", "activities", "chime"],
        )
        contact.activities.set(activities)
        _set_chime(contact, chime)
        if next_planned_contact is not None:
            episode.next_planned_contact = next_planned_contact
            save_audited(
                episode,
                by=by,
                action=AuditAction.UPDATE,
                fields=["next_planned_contact"],
                update_fields=["next_planned_contact"],
            )
        return contact


def update_contact(
    *,
    by: AnyUser,
    contact: Contact,
    expected_version: int,
    date: dt.date,
    duration_minutes: int,
    mode: str,
    setting: str,
    contact_format: str,
    activities: Iterable[Activity],
    chime: Iterable[str],
    note: str,
) -> Contact:
    """Correct a contact read at `expected_version`; EditConflict if someone saved since.

    A contact made at a group session takes its date, length, place and format from the session,
    so only its activities, CHIME tags and note can change here.
    """
    activities = list(activities)
    chime = set(chime)
    note = note.strip()
    changes = {
        "date": date,
        "duration_minutes": duration_minutes,
        "mode": mode,
        "setting": setting,
        "contact_format": contact_format,
        "note": note,
    }
    if contact.group_session_id is not None and any(
        getattr(contact, name) != changes[name] for name in _SESSION_FIELDS
    ):
        raise ValidationError(
            "This contact comes from a group session: change the session itself on the "
            "group's page."
        )
    errors = contact_errors(
        date=date,
        duration_minutes=duration_minutes,
        note=note,
        chime=chime,
        episode=contact.episode,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), rollups.tracking(contact):
        old_activities = set(contact.activities.values_list("pk", flat=True))
        old_chime = set(contact.chime_tags.values_list("domain", flat=True))
        _check_activities(activities, already=old_activities)
        update_versioned(contact, by=by, expected_version=expected_version, changes=changes)
        related = []
        if {a.pk for a in activities} != old_activities:
            contact.activities.set(activities)
            related.append("activities")
        if chime != old_chime:
            _set_chime(contact, chime)
            related.append("chime")
        if related:
            # update_versioned audits the record's own fields; this names the related changes.
            audit.record(
                actor=by, action=AuditAction.UPDATE, obj=contact, detail={"fields": related}
            )
        return contact


def delete_contact(*, by: AnyUser, contact: Contact, expected_version: int) -> Contact:
    """Withdraw a contact logged by mistake: only its author, and only within 24 hours."""
    if contact.worker.user_id is None or contact.worker.user_id != by.pk:
        raise ValidationError("Only the person who logged a contact can delete it.")
    if contact.group_session_id is not None:
        raise ValidationError(
            "This contact comes from a group session: untick the person on the session's "
            "attendance instead."
        )
    if timezone.now() - contact.recorded_at > DELETE_WINDOW:
        raise ValidationError(
            "A contact can be deleted only in the 24 hours after it was logged. Correct it instead."
        )
    with transaction.atomic():
        deleted, _ = Contact.objects.filter(pk=contact.pk, version=expected_version).delete()
        if not deleted:
            raise EditConflict
        audit.record(actor=by, action=AuditAction.DELETE, obj=contact)
        return contact
