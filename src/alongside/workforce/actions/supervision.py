"""Logging supervision: one-to-one sessions and peer group sessions with their attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core.access import AnyUser, Permission
from alongside.core.models import AuditAction
from alongside.core.periods import current
from alongside.core.records import save_audited
from alongside.organisation.models import Discipline, Membership, Person, Region
from alongside.workforce.access import (
    PSW_ROLES,
    loggable_supervisees,
    possible_supervisors,
)
from alongside.workforce.actions.common import acting_person, require
from alongside.workforce.models import (
    MAX_SESSION_MINUTES,
    ONE_TO_ONE_TYPES,
    PeerGroupAttendance,
    PeerGroupSession,
    SupervisionSession,
)

NOTES_MAX_LENGTH = 4000


def discipline_of(person: Person) -> str:
    """The person's discipline from their current membership (peer support for a PSW)."""
    found = (
        Membership.objects.filter(current(), person=person)
        .exclude(discipline="")
        .order_by("start")
        .values_list("discipline", flat=True)
        .first()
    )
    return found or ""


def _session_errors(
    *, date: dt.date, duration_minutes: int, private_notes: str = ""
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if date > timezone.localdate():
        errors["date"] = "Supervision cannot be in the future: give the day it happened."
    if not 1 <= duration_minutes <= MAX_SESSION_MINUTES:
        errors["duration_minutes"] = f"Give the length in minutes, from 1 to {MAX_SESSION_MINUTES}."
    if len(private_notes) > NOTES_MAX_LENGTH:
        errors["private_notes"] = f"Keep the notes to {NOTES_MAX_LENGTH} characters at most."
    return errors


def log_supervision(
    *,
    by: AnyUser,
    supervisee: Person,
    supervisor: Person,
    date: dt.date,
    duration_minutes: int,
    session_type: str,
    protected_time: bool,
    private_notes: str = "",
    supervisor_discipline: str = "",
) -> SupervisionSession:
    """Record a one-to-one supervision session, by the supervisor or by the supervisee."""
    require(by, Permission.LOG_SUPERVISION)
    with transaction.atomic():
        if not loggable_supervisees(by).filter(pk=supervisee.pk).exists():
            raise PermissionDenied
        errors = _session_errors(
            date=date, duration_minutes=duration_minutes, private_notes=private_notes
        )
        if not possible_supervisors(by, supervisee).filter(pk=supervisor.pk).exists():
            errors["supervisor"] = "Choose the person who gave the supervision."
        if session_type not in [t.value for t in ONE_TO_ONE_TYPES]:
            errors["session_type"] = (
                "Choose line management or practice supervision; record a peer group as a group."
            )
        discipline = supervisor_discipline or discipline_of(supervisor)
        if discipline not in Discipline.values:
            errors["supervisor_discipline"] = "Choose the supervisor's discipline."
        if errors:
            raise ValidationError(errors)
        session = SupervisionSession(
            date=date,
            duration_minutes=duration_minutes,
            supervisor=supervisor,
            supervisor_discipline=discipline,
            supervisee=supervisee,
            session_type=session_type,
            protected_time=protected_time,
            private_notes=private_notes.strip(),
            recorded_by=acting_person(by),
        )
        return save_audited(
            session,
            by=by,
            action=AuditAction.CREATE,
            fields=[
                "date",
                "duration_minutes",
                "supervisor",
                "supervisor_discipline",
                "supervisee",
                "session_type",
                "protected_time",
                *(["private_notes"] if session.private_notes else []),
            ],
        )


def region_peer_workers(region: Region) -> list[Person]:
    """Current peer support workers of a region: who may attend its peer group."""
    return list(
        Person.objects.filter(
            current("memberships__"),
            memberships__role__in=PSW_ROLES,
            memberships__team__area__region=region,
        )
        .distinct()
        .order_by("family_name", "given_name")
    )


def record_peer_group(
    *,
    by: AnyUser,
    region: Region,
    date: dt.date,
    duration_minutes: int,
    facilitator: Person,
    protected_time: bool,
    topic: str,
    attendees: Iterable[Person],
) -> PeerGroupSession:
    """Record a peer group supervision session of a region and who came to it."""
    require(by, Permission.LOG_SUPERVISION)
    attendees = list(attendees)
    with transaction.atomic():
        errors = _session_errors(date=date, duration_minutes=duration_minutes)
        allowed = {p.pk for p in region_peer_workers(region)}
        strangers = [p.full_name for p in attendees if p.pk not in allowed]
        if not attendees:
            errors["attendees"] = "Tick who came."
        elif strangers:
            errors["attendees"] = (
                f"Not a peer support worker in {region.name} now: {', '.join(strangers)}."
            )
        if errors:
            raise ValidationError(errors)
        session = PeerGroupSession(
            region=region,
            date=date,
            duration_minutes=duration_minutes,
            facilitator=facilitator,
            facilitator_discipline=discipline_of(facilitator) or Discipline.PEER,
            protected_time=protected_time,
            topic=topic.strip(),
            recorded_by=acting_person(by),
        )
        save_audited(
            session,
            by=by,
            action=AuditAction.CREATE,
            fields=["region", "date", "duration_minutes", "facilitator", "topic", "attendees"],
        )
        PeerGroupAttendance.objects.bulk_create(
            PeerGroupAttendance(session=session, person=person) for person in attendees
        )
        return session
