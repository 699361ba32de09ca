"""The demo plan: every record a load writes, as plain frozen dataclasses.

Records refer to each other by position in the plan's tuples (a contact's `episode` is an index
into `Caseloads.caseload_entries`). Dates that must look current are whole-day offsets from today,
which become dates only when written.

The organisation and its caseloads (`Caseloads`) are decided first and kept whole: a national
programme has a few hundred thousand of them. The record of the work and the measures over it
run to millions at that scale, so they are handed one by one to a sink (`PracticeSink`,
`MeasuresSink`) as they are decided: the loader writes them out in batches, `plan_programme`
collects them into a `Plan`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from alongside.core.access import RoleCode
from alongside.measures.models import AdministrationMode
from alongside.organisation.models import Discipline, TeamType
from alongside.practice.models import (
    AdvocacyOutcome,
    CaseloadStatus,
    Chime,
    ContactMode,
    ContactSetting,
    DeclineReason,
    EndingReason,
    GoalSetBy,
    GoalStatus,
    ReferralStatus,
    Urgency,
)

HOURS_PER_WEEK_FULL_TIME = Decimal(39)


PEER_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)


@dataclass(frozen=True, slots=True)
class PlannedRegion:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class PlannedArea:
    region: int
    name: str


@dataclass(frozen=True, slots=True)
class PlannedTeam:
    area: int
    name: str
    team_type: TeamType
    preparedness: float
    """How ready the team was for a peer worker, 0 to 1. Not stored yet: it drives how many
    inappropriate referrals the team sends."""


@dataclass(frozen=True, slots=True)
class PlannedPerson:
    given_name: str
    family_name: str
    username: str = ""


@dataclass(frozen=True, slots=True)
class PlannedMembership:
    person: int
    role: RoleCode
    team: int | None
    discipline: Discipline | None
    start: date
    fte: Decimal | None = None

    @property
    def contracted_hours(self) -> Decimal | None:
        if self.fte is None:
            return None
        return (self.fte * HOURS_PER_WEEK_FULL_TIME).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True)
class PlannedSupervision:
    supervisor: int
    supervisee: int
    start: date


@dataclass(frozen=True, slots=True)
class PlannedServiceUser:
    reference: str
    preferred_name: str
    contact_preferences: str
    team: int
    key_clinician: int
    consent_offset: int | None
    """Days from today the service user consented to peer support; None if not (yet)."""
    shares_notes_with_team: bool = False
    person: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedReferral:
    service_user: int
    team: int
    referrer: int | None
    """A clinician of the team; None for a self-referral."""
    referrer_discipline: Discipline | None
    recorded_by: int
    """The referrer, or the peer worker who took a self-referral."""
    reason: str
    hopes: str
    urgency: Urgency
    status: ReferralStatus
    allocated_to: int | None
    received_offset: int
    decided_offset: int | None = None
    decided_by: int | None = None
    decline_reason: DeclineReason | None = None
    decline_detail: str = ""


@dataclass(frozen=True, slots=True)
class PlannedCaseloadEntry:
    """An episode of peer support, from an accepted referral to (perhaps) an ending."""

    service_user: int
    worker: int
    referral: int
    status: CaseloadStatus
    start_offset: int
    end_offset: int | None
    next_contact_offset: int | None
    last_contact_offset: int
    """The most recent one-to-one contact; contacts are planned back from it to the start."""


@dataclass(frozen=True, slots=True)
class PlannedEnding:
    episode: int
    ended_offset: int
    recorded_by: int
    planned: bool
    reason: EndingReason
    now_community_activities: bool
    now_work: bool
    now_education: bool
    now_other_supports: bool
    now_note: str
    independence_note: str


@dataclass(frozen=True, slots=True)
class PlannedGroupProgramme:
    team: int
    name: str
    description: str
    facilitators: tuple[int, ...]
    start_offset: int


@dataclass(frozen=True, slots=True)
class PlannedGroupSession:
    programme: int
    offset: int
    duration_minutes: int
    setting: ContactSetting
    topic: str


@dataclass(frozen=True, slots=True)
class PlannedContact:
    service_user: int
    episode: int
    worker: int
    offset: int
    duration_minutes: int
    mode: ContactMode
    setting: ContactSetting
    activities: tuple[str, ...]
    """Activity codes, as seeded by the practice migrations."""
    chime: tuple[Chime, ...]
    note: str
    group_session: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedGoal:
    service_user: int
    episode: int
    text: str
    set_by: GoalSetBy
    chime_domain: Chime
    status: GoalStatus
    set_offset: int
    closed_offset: int | None
    recorded_by: int


@dataclass(frozen=True, slots=True)
class PlannedGoalStep:
    goal: int
    text: str
    order: int
    done_offset: int | None


@dataclass(frozen=True, slots=True)
class PlannedGoalProgress:
    goal: int
    offset: int
    rating: int
    note: str
    recorded_by: int
    by_service_user: bool = False


@dataclass(frozen=True, slots=True)
class PlannedAdvocacyItem:
    service_user: int
    episode: int
    team: int
    request: str
    recorded_by: int
    recorded_offset: int
    raised_offset: int | None
    team_response: str
    outcome: AdvocacyOutcome
    outcome_note: str


class MeasureTrend(StrEnum):
    """How a person's CHIME recovery support check moves from their first to their latest."""

    IMPROVING = "improving"
    STEADY = "steady"
    WORSENING = "worsening"


@dataclass(frozen=True, slots=True)
class PlannedMeasureCourse:
    """The planned path of one episode's CHIME checks, for episodes with two or more."""

    episode: int
    trend: MeasureTrend
    start: int
    """The first check's item sum (0-20 on the five 0-4 items)."""
    change: int
    """Latest item sum minus the first: the latest check's answers add up to `start + change`."""


@dataclass(frozen=True, slots=True)
class PlannedAdministration:
    service_user: int
    episode: int
    instrument: str
    instrument_version: str
    offset: int
    mode: AdministrationMode
    entered_by: int | None
    """The person whose login entered it (the PSW, or the service user in their own account);
    the loader stores no one when that person has no login."""
    answers: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class MeasuresPlan:
    courses: tuple[PlannedMeasureCourse, ...]
    administrations: tuple[PlannedAdministration, ...]


@dataclass(frozen=True)
class PracticePlan:
    """The day-to-day record of the work, planned over the episodes."""

    contacts: tuple[PlannedContact, ...]
    group_programmes: tuple[PlannedGroupProgramme, ...]
    group_sessions: tuple[PlannedGroupSession, ...]
    goals: tuple[PlannedGoal, ...]
    goal_steps: tuple[PlannedGoalStep, ...]
    goal_progress: tuple[PlannedGoalProgress, ...]
    advocacy_items: tuple[PlannedAdvocacyItem, ...]


@dataclass(frozen=True)
class Caseloads:
    """The organisation, its people and its caseloads: what is decided before the record of the
    work, and what that record refers to."""

    regions: tuple[PlannedRegion, ...]
    areas: tuple[PlannedArea, ...]
    teams: tuple[PlannedTeam, ...]
    people: tuple[PlannedPerson, ...]
    memberships: tuple[PlannedMembership, ...]
    supervisions: tuple[PlannedSupervision, ...]
    service_users: tuple[PlannedServiceUser, ...]
    referrals: tuple[PlannedReferral, ...]
    caseload_entries: tuple[PlannedCaseloadEntry, ...]
    endings: tuple[PlannedEnding, ...]

    def workers_by_team(self) -> dict[int, list[int]]:
        """Each team's peer workers, in the order they were planned (seniors last)."""
        workers: dict[int, list[int]] = {team: [] for team in range(len(self.teams))}
        for membership in self.memberships:
            if membership.team is not None and membership.role in PEER_ROLES:
                workers[membership.team].append(membership.person)
        return workers

    def counts(self) -> dict[str, int]:
        """Rows per kind of record, in the order the command prints them."""
        return {
            "regions": len(self.regions),
            "areas": len(self.areas),
            "teams": len(self.teams),
            "people": len(self.people),
            "logins": sum(1 for person in self.people if person.username),
            "memberships": len(self.memberships),
            "peer_support_workers": sum(
                1 for m in self.memberships if m.role == RoleCode.PEER_SUPPORT_WORKER
            ),
            "supervision_assignments": len(self.supervisions),
            "service_users": len(self.service_users),
            "referrals": len(self.referrals),
            "caseload_entries": len(self.caseload_entries),
            "endings": len(self.endings),
        }


class PracticeSink(Protocol):
    """Receives the record of the work as it is planned, in plan order.

    A record's position among those of its kind is its index: a goal step's `goal` is the
    number of goals the sink had received before that goal.
    """

    def contact(self, contact: PlannedContact) -> None: ...
    def group_programme(self, programme: PlannedGroupProgramme) -> None: ...
    def group_session(self, session: PlannedGroupSession) -> None: ...
    def goal(self, goal: PlannedGoal) -> None: ...
    def goal_step(self, step: PlannedGoalStep) -> None: ...
    def goal_progress(self, progress: PlannedGoalProgress) -> None: ...
    def advocacy_item(self, item: PlannedAdvocacyItem) -> None: ...


class MeasuresSink(Protocol):
    """Receives the measure administrations as they are planned, in plan order."""

    def administration(self, administration: PlannedAdministration) -> None: ...


@dataclass
class Tally:
    """Running counts of the records handed to a sink, for the summary and the audit record."""

    contacts: int = 0
    contact_activities: int = 0
    contact_chime_tags: int = 0
    group_programmes: int = 0
    group_sessions: int = 0
    goals: int = 0
    goal_steps: int = 0
    goal_progress: int = 0
    advocacy_items: int = 0
    administrations: int = 0
    administrations_in_own_account: int = 0
    trends: Counter[MeasureTrend] | None = None

    def add_contact(self, contact: PlannedContact) -> None:
        self.contacts += 1
        self.contact_activities += len(contact.activities)
        self.contact_chime_tags += len(contact.chime)

    def add_administration(self, administration: PlannedAdministration) -> None:
        self.administrations += 1
        self.administrations_in_own_account += (
            administration.mode == AdministrationMode.SELF_ACCOUNT
        )

    def add_courses(self, courses: tuple[PlannedMeasureCourse, ...]) -> None:
        self.trends = Counter(course.trend for course in courses)

    def counts(self) -> dict[str, int]:
        """Rows per kind, after `Caseloads.counts` in the order the command prints them."""
        trends = self.trends or Counter()
        return {
            "contacts": self.contacts,
            "contact_activities": self.contact_activities,
            "contact_chime_tags": self.contact_chime_tags,
            "group_programmes": self.group_programmes,
            "group_sessions": self.group_sessions,
            "goals": self.goals,
            "goal_steps": self.goal_steps,
            "goal_progress": self.goal_progress,
            "advocacy_items": self.advocacy_items,
            "administrations": self.administrations,
            "administrations_in_own_account": self.administrations_in_own_account,
            **{f"measures_{trend}": trends[trend] for trend in MeasureTrend},
        }


@dataclass(frozen=True)
class Plan:
    """Everything a load writes, in the order it is written. Indexes point into these tuples."""

    caseloads: Caseloads
    practice: PracticePlan
    measures: MeasuresPlan

    def counts(self) -> dict[str, int]:
        """Rows per kind of record: printed by the command and kept in the audit record."""
        practice = self.practice
        tally = Tally(
            group_programmes=len(practice.group_programmes),
            group_sessions=len(practice.group_sessions),
            goals=len(practice.goals),
            goal_steps=len(practice.goal_steps),
            goal_progress=len(practice.goal_progress),
            advocacy_items=len(practice.advocacy_items),
        )
        for contact in practice.contacts:
            tally.add_contact(contact)
        for administration in self.measures.administrations:
            tally.add_administration(administration)
        tally.add_courses(self.measures.courses)
        return self.caseloads.counts() | tally.counts()
