"""Group programmes, their sessions, and who came to each.

Attendance is not stored apart: each attendee has one group contact for the session, so coming
to a group counts as a contact. Whom a person may mark is the policy's answer, not the team's
list: only service users they may see with VIEW_SERVICE_USER (their own caseload; for a senior
PSW, their supervisees' too). So a facilitator never sees who is on a colleague's caseload;
each PSW marks their own people, and saving one person's marks never touches the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from alongside.core import audit
from alongside.core.access import AnyUser, Permission, RoleCode, visible
from alongside.core.models import AuditAction
from alongside.core.periods import current
from alongside.core.records import EditConflict, save_audited, update_versioned
from alongside.organisation.models import Person, Team
from alongside.practice import rollups
from alongside.practice.actions.contacts import MAX_DURATION_MINUTES
from alongside.practice.models import (
    Activity,
    CaseloadEntry,
    Contact,
    ContactFormat,
    ContactMode,
    GroupProgramme,
    GroupSession,
    ServiceUser,
)

# Groups are peer-led: their facilitators are the team's current (senior) peer support workers.
FACILITATOR_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)


def possible_facilitators(team_ids: Iterable[int]) -> QuerySet[Person]:
    """People who may facilitate a group of these teams."""
    return Person.objects.filter(
        current("memberships__"),
        memberships__team_id__in=list(team_ids),
        memberships__role__in=FACILITATOR_ROLES,
    ).distinct()


def markable_attendees(user: AnyUser) -> QuerySet[ServiceUser]:
    """Whose attendance this user may mark or unmark: the people they may see."""
    return visible(ServiceUser, user, Permission.VIEW_SERVICE_USER)


def _programme_errors(
    *,
    team: Team,
    name: str,
    start: dt.date,
    end: dt.date | None,
    facilitators: list[Person],
    programme: GroupProgramme | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the group a name."
    else:
        same_name = GroupProgramme.objects.filter(team=team, name__iexact=name)
        if programme is not None:
            same_name = same_name.exclude(pk=programme.pk)
        if same_name.exists():
            errors["name"] = f"{team.name} already has a group called “{name}”."
    if end is not None and end < start:
        errors["end"] = "The end date must be on or after the start date."
    if not facilitators:
        errors["facilitators"] = "Choose at least one facilitator."
    else:
        allowed = set(possible_facilitators([team.pk]).values_list("pk", flat=True))
        strangers = [p.full_name for p in facilitators if p.pk not in allowed]
        if strangers:
            errors["facilitators"] = (
                f"Not a peer support worker on {team.name} now: {', '.join(strangers)}."
            )
    if programme is not None:
        outside = Q(date__lt=start) | (Q(date__gt=end) if end is not None else Q(pk__in=[]))
        if programme.sessions.filter(outside).exists():
            errors["start"] = "Some sessions fall outside these dates: move or keep the dates."
    return errors


def create_group(
    *,
    by: AnyUser,
    team: Team,
    name: str,
    description: str,
    facilitators: Iterable[Person],
    start: dt.date,
    end: dt.date | None,
) -> GroupProgramme:
    """Start a group programme (a walking group, a recovery education course) on a team."""
    facilitators = list(facilitators)
    name = name.strip()
    with transaction.atomic():
        errors = _programme_errors(
            team=team, name=name, start=start, end=end, facilitators=facilitators
        )
        if errors:
            raise ValidationError(errors)
        programme = GroupProgramme(
            team=team, name=name, description=description.strip(), start=start, end=end
        )
        save_audited(
            programme,
            by=by,
            action=AuditAction.CREATE,
            fields=["team", "name", "description", "start", "end", "facilitators"],
        )
        programme.facilitators.set(facilitators)
        return programme


def update_group(
    *,
    by: AnyUser,
    programme: GroupProgramme,
    expected_version: int,
    name: str,
    description: str,
    facilitators: Iterable[Person],
    start: dt.date,
    end: dt.date | None,
) -> GroupProgramme:
    """Change a programme read at `expected_version`; EditConflict if someone saved since."""
    facilitators = list(facilitators)
    name = name.strip()
    with transaction.atomic():
        errors = _programme_errors(
            team=programme.team,
            name=name,
            start=start,
            end=end,
            facilitators=facilitators,
            programme=programme,
        )
        if errors:
            raise ValidationError(errors)
        before = set(programme.facilitators.values_list("pk", flat=True))
        update_versioned(
            programme,
            by=by,
            expected_version=expected_version,
            changes={"name": name, "description": description.strip(), "start": start, "end": end},
        )
        if {p.pk for p in facilitators} != before:
            programme.facilitators.set(facilitators)
            # update_versioned audits the programme's own fields; this names the related change.
            audit.record(
                actor=by,
                action=AuditAction.UPDATE,
                obj=programme,
                detail={"fields": ["facilitators"]},
            )
        return programme


def add_group_session(
    *,
    by: AnyUser,
    programme: GroupProgramme,
    date: dt.date,
    duration_minutes: int,
    setting: str,
    topic: str,
) -> GroupSession:
    """Add a session (past or planned) within the programme's dates."""
    errors: dict[str, str] = {}
    if date < programme.start or (programme.end is not None and date > programme.end):
        until = f" to {programme.end:%d/%m/%Y}" if programme.end else ""
        errors["date"] = (
            f"The session must fall within the programme: from {programme.start:%d/%m/%Y}{until}."
        )
    if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = "Give the length in minutes, from 1 to 720 (12 hours)."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = GroupSession(
            programme=programme,
            date=date,
            duration_minutes=duration_minutes,
            setting=setting,
            topic=topic.strip(),
        )
        return save_audited(
            session,
            by=by,
            action=AuditAction.CREATE,
            fields=["programme", "date", "duration_minutes", "setting", "topic"],
        )


def _episode_for(service_user: ServiceUser, worker: Person) -> CaseloadEntry | None:
    """The attendee's current episode: with the worker who marks them, else with anyone."""
    episodes = CaseloadEntry.objects.filter(current(), service_user=service_user)
    return episodes.filter(worker=worker).first() or episodes.order_by("-start").first()


def record_attendance(
    *,
    by: AnyUser,
    session: GroupSession,
    service_users: Iterable[ServiceUser],
    worker: Person,
    activities: Iterable[Activity] = (),
    expected: Iterable[int] | None = None,
) -> list[Contact]:
    """Make the session's attendance, among the people `by` may mark, exactly `service_users`.

    Each newly marked attendee gets one group contact (in person, on the session's date, for its
    length and at its place, with `activities`); a person unmarked loses theirs; a person marked
    before keeps theirs untouched, so saving the same marks twice changes nothing. Everything is
    checked before anything is written. Returns the session's contacts for the marked people.

    `expected` is who was marked (among those `by` may mark) when the form was read: if someone
    has changed the marks since, and this save would change them again, EditConflict.
    """
    attending = {su.pk: su for su in service_users}
    activities = list(activities)
    if session.date > timezone.localdate():
        raise ValidationError("Attendance can be marked on or after the day of the session.")
    retired = [a.label for a in activities if not a.active]
    if retired:
        raise ValidationError(
            {"activities": f"No longer in use, choose another: {', '.join(retired)}."}
        )
    try:
        with transaction.atomic(), rollups.deferred():
            markable = set(markable_attendees(by).values_list("pk", flat=True))
            strangers = sorted(su.reference for pk, su in attending.items() if pk not in markable)
            if strangers:
                raise ValidationError(
                    {"attendees": f"You cannot mark attendance for: {', '.join(strangers)}."}
                )
            existing = {
                c.service_user_id: c
                for c in Contact.objects.filter(group_session=session, service_user_id__in=markable)
            }
            if (
                expected is not None
                and set(expected) != set(existing)
                and set(attending) != set(existing)
            ):
                raise EditConflict
            for pk, contact in existing.items():
                if pk not in attending:
                    Contact.objects.filter(pk=contact.pk).delete()
                    audit.record(
                        actor=by,
                        action=AuditAction.DELETE,
                        obj=contact,
                        detail={"reason": "unmarked from group session attendance"},
                    )
            kept = [c for pk, c in existing.items() if pk in attending]
            created = [
                _attendance_contact(
                    by=by, session=session, service_user=su, worker=worker, activities=activities
                )
                for pk, su in sorted(attending.items())
                if pk not in existing
            ]
            return kept + created
    except IntegrityError:
        # Someone else marked the same person for the same session at the same moment.
        raise ValidationError(
            "Someone else saved this session's attendance at the same time. Nothing was saved: "
            "reload the page and mark it again."
        ) from None


def _attendance_contact(
    *,
    by: AnyUser,
    session: GroupSession,
    service_user: ServiceUser,
    worker: Person,
    activities: list[Activity],
) -> Contact:
    contact = Contact(
        service_user=service_user,
        episode=_episode_for(service_user, worker),
        worker=worker,
        date=session.date,
        duration_minutes=session.duration_minutes,
        mode=ContactMode.IN_PERSON,
        setting=session.setting,
        contact_format=ContactFormat.GROUP,
        group_session=session,
    )
    save_audited(
        contact,
        by=by,
        action=AuditAction.CREATE,
        fields=[
            "service_user",
            "episode",
            "worker",
            "date",
            "duration_minutes",
            "mode",
            "setting",
            "contact_format",
            "group_session",
            "activities",
        ],
    )
    contact.activities.set(activities)
    return contact
