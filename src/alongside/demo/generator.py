"""Plan and load the synthetic demo programme.

Two steps, kept apart so that determinism can be tested without a database:

* `plan_programme` is pure. From one `random.Random(seed)` (never the global generator, never a
  fake-data library whose output changes between versions) it decides every region, team,
  person, membership, supervision, caseload and referral as plain frozen dataclasses that refer to
  each other by position in the plan. The same scale and seed give an equal plan.
* `load_programme` writes a plan with `bulk_create`, in batches, in one transaction, marks it
  with a `DemoLoad` row and writes one audit record for the whole load. `bulk_create` bypasses
  the per-record audit that actions write; that is deliberate for a seeding tool, which is not
  anyone's action on personal data.

Dates. Staff start dates are fixed calendar dates (2017-2018 for peer support workers, as in the
seed programme). Dates that must look current for the demo to be useful (caseload starts, consent,
referrals, next planned contacts) are planned as whole-day offsets from "today" and become dates
only when written, from the `today` the caller passes (`timezone.localdate()` in the command).
So what is loaded depends only on the seed, and a demo loaded next year still has contacts due
this week.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from alongside.core import audit
from alongside.core.access import RoleCode
from alongside.core.models import AuditAction
from alongside.demo import names
from alongside.demo.models import DemoLoad
from alongside.demo.scales import IntRange, Scale, TeamShape
from alongside.organisation.models import (
    Area,
    Discipline,
    Membership,
    Person,
    Region,
    SupervisionAssignment,
    Team,
    TeamType,
)
from alongside.practice.models import (
    CaseloadEntry,
    CaseloadStatus,
    Referral,
    ReferralStatus,
    ServiceUser,
    Urgency,
)

DEMO_PASSWORD = "alongside-demo"
DEFAULT_SEED = 2019
BATCH_SIZE = 1000
HOURS_PER_WEEK_FULL_TIME = Decimal(39)

# The demo logins, in the order they are printed. Each is one person in the plan.
PERSONAS: tuple[str, ...] = (
    "psw",
    "psw2",
    "senior",
    "supervisor",
    "clinician",
    "lead",
    "evaluator",
    "admin",
    "serviceuser",
)
# Teams (first copy) whose first PSW is the `psw` and `psw2` persona.
PSW_PERSONA_TEAM = "Castlebar North CMHT"
PSW2_PERSONA_TEAM = "Ballina Moyview CMHT"

CLINICIAN_DISCIPLINES: tuple[Discipline, ...] = (
    Discipline.NURSING,
    Discipline.SOCIAL_WORK,
    Discipline.OCCUPATIONAL_THERAPY,
    Discipline.PSYCHOLOGY,
    Discipline.PSYCHIATRY,
    Discipline.OTHER,
)
PART_TIME_FTES: tuple[Decimal, ...] = tuple(Decimal(f) for f in ("0.5", "0.6", "0.7", "0.8"))

_PSW_FIRST_START = date(2017, 1, 9)
_PSW_START_SPREAD_DAYS = 720  # PSWs joined across 2017 and 2018.
_SUPERVISOR_FIRST_START = date(2016, 9, 1)
_CLINICIAN_FIRST_START = date(2008, 1, 7)
_CLINICIAN_START_SPREAD_DAYS = 4300  # Clinicians joined their teams over about twelve years.
_PROGRAMME_ROLES_START = date(2017, 1, 2)


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
    person: int | None = None


@dataclass(frozen=True, slots=True)
class PlannedCaseloadEntry:
    service_user: int
    worker: int
    status: CaseloadStatus
    start_offset: int
    next_contact_offset: int | None


@dataclass(frozen=True, slots=True)
class PlannedReferral:
    service_user: int
    team: int
    referrer: int | None
    """A clinician of the team; None for a self-referral."""
    referrer_discipline: Discipline | None
    reason: str
    hopes: str
    urgency: Urgency
    status: ReferralStatus
    allocated_to: int | None
    received_offset: int


@dataclass(frozen=True)
class Plan:
    """Everything a load writes, in the order it is written. Indexes point into these tuples."""

    regions: tuple[PlannedRegion, ...]
    areas: tuple[PlannedArea, ...]
    teams: tuple[PlannedTeam, ...]
    people: tuple[PlannedPerson, ...]
    memberships: tuple[PlannedMembership, ...]
    supervisions: tuple[PlannedSupervision, ...]
    service_users: tuple[PlannedServiceUser, ...]
    caseload_entries: tuple[PlannedCaseloadEntry, ...]
    referrals: tuple[PlannedReferral, ...]

    def counts(self) -> dict[str, int]:
        """Rows per kind of record: printed by the command and kept in the audit record."""
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
            "caseload_entries": len(self.caseload_entries),
            "referrals": len(self.referrals),
        }


@dataclass
class _Builder:
    """The plan under construction. Every random choice goes through `rng`, in a fixed order."""

    scale: Scale
    rng: random.Random
    regions: list[PlannedRegion] = field(default_factory=list)
    areas: list[PlannedArea] = field(default_factory=list)
    teams: list[PlannedTeam] = field(default_factory=list)
    people: list[PlannedPerson] = field(default_factory=list)
    memberships: list[PlannedMembership] = field(default_factory=list)
    supervisions: list[PlannedSupervision] = field(default_factory=list)
    service_users: list[PlannedServiceUser] = field(default_factory=list)
    caseload_entries: list[PlannedCaseloadEntry] = field(default_factory=list)
    referrals: list[PlannedReferral] = field(default_factory=list)
    clinicians_by_team: dict[int, list[int]] = field(default_factory=dict)
    workers_by_team: dict[int, list[int]] = field(default_factory=dict)
    psw_start: dict[int, date] = field(default_factory=dict)
    team_of: dict[int, int] = field(default_factory=dict)
    discipline_of: dict[int, Discipline] = field(default_factory=dict)
    supervisor_of: dict[int, int] = field(default_factory=dict)
    part_time_ftes: list[Decimal] = field(default_factory=list)

    def draw(self, span: IntRange) -> int:
        return self.rng.randint(*span)

    def add_person(self, *, username: str = "") -> int:
        self.people.append(
            PlannedPerson(
                given_name=self.rng.choice(names.GIVEN_NAMES),
                family_name=self.rng.choice(names.FAMILY_NAMES),
                username=username,
            )
        )
        return len(self.people) - 1

    def name_persona(self, person: int, username: str) -> None:
        self.people[person] = replace(self.people[person], username=username)

    def plan_fte_mix(self) -> None:
        """Fix exactly how many PSWs are part-time, then shuffle who they are."""
        total = self.scale.psws
        part_time = round(total * self.scale.part_time_share)
        ftes = [self.rng.choice(PART_TIME_FTES) for _ in range(part_time)]
        ftes += [Decimal("1.0")] * (total - part_time)
        self.rng.shuffle(ftes)
        self.part_time_ftes = ftes

    def add_team(self, *, area: int, shape: TeamShape) -> list[int]:
        """A team with its clinicians and peer support workers; returns the workers."""
        team = len(self.teams)
        self.teams.append(PlannedTeam(area=area, name=shape.name, team_type=shape.team_type))
        self.clinicians_by_team[team] = self.add_clinicians(team=team)
        workers = [
            self.add_peer_worker(team=team, role=RoleCode.PEER_SUPPORT_WORKER)
            for _ in range(shape.psws)
        ] + [
            self.add_peer_worker(team=team, role=RoleCode.SENIOR_PEER_SUPPORT_WORKER)
            for _ in range(shape.senior_psws)
        ]
        self.workers_by_team[team] = workers
        return workers

    def add_clinicians(self, *, team: int) -> list[int]:
        """Clinicians of different disciplines, as many as the scale says.

        Each discipline anchors every sixth team, so that every discipline is on some team
        however the draws fall.
        """
        anchored = CLINICIAN_DISCIPLINES[team % len(CLINICIAN_DISCIPLINES)]
        others = [d for d in CLINICIAN_DISCIPLINES if d != anchored]
        count = self.draw(self.scale.clinicians_per_team)
        clinicians: list[int] = []
        for discipline in [anchored, *self.rng.sample(others, count - 1)]:
            person = self.add_person()
            self.discipline_of[person] = discipline
            self.memberships.append(
                PlannedMembership(
                    person=person,
                    role=RoleCode.TEAM_CLINICIAN,
                    team=team,
                    discipline=discipline,
                    start=_CLINICIAN_FIRST_START
                    + timedelta(days=self.rng.randint(0, _CLINICIAN_START_SPREAD_DAYS)),
                )
            )
            clinicians.append(person)
        return clinicians

    def add_peer_worker(self, *, team: int, role: RoleCode) -> int:
        person = self.add_person()
        start = _PSW_FIRST_START + timedelta(days=self.rng.randint(0, _PSW_START_SPREAD_DAYS))
        senior = role == RoleCode.SENIOR_PEER_SUPPORT_WORKER
        self.memberships.append(
            PlannedMembership(
                person=person,
                role=role,
                team=team,
                discipline=Discipline.PEER,
                start=start,
                fte=Decimal("1.0") if senior else self.part_time_ftes.pop(),
            )
        )
        self.psw_start[person] = start
        self.team_of[person] = team
        return person

    def plan_supervision(self, region_workers: list[list[int]]) -> None:
        """Group each region's peer workers under supervisors, 1-4 each, from that region.

        Workers are grouped in the order they were planned (by area, then team), so colleagues
        on one team or in one area tend to share a supervisor, who is on the first one's team.

        Disciplines are dealt from a shuffled deck with a fixed share of social workers, so
        "mostly social work" holds for any seed rather than only on average.
        """
        groups: list[list[int]] = []
        low, high = self.scale.supervisees_per_supervisor
        for workers in region_workers:
            pool = list(workers)
            while pool:
                size = self.rng.randint(min(low, len(pool)), min(high, len(pool)))
                groups.append(pool[:size])
                pool = pool[size:]
        social_workers = math.ceil(len(groups) * self.scale.social_work_supervisor_share)
        others = (Discipline.NURSING, Discipline.OCCUPATIONAL_THERAPY)
        deck = [Discipline.SOCIAL_WORK] * social_workers + [
            others[i % len(others)] for i in range(len(groups) - social_workers)
        ]
        self.rng.shuffle(deck)
        for supervisees, discipline in zip(groups, deck, strict=True):
            supervisor = self.add_person()
            self.memberships.append(
                PlannedMembership(
                    person=supervisor,
                    role=RoleCode.SUPERVISOR,
                    team=self.team_of[supervisees[0]],
                    discipline=discipline,
                    start=_SUPERVISOR_FIRST_START + timedelta(days=self.rng.randint(0, 120)),
                )
            )
            for supervisee in supervisees:
                self.supervisor_of[supervisee] = supervisor
                self.supervisions.append(
                    PlannedSupervision(
                        supervisor=supervisor,
                        supervisee=supervisee,
                        start=self.psw_start[supervisee],
                    )
                )

    def add_service_user(self, *, team: int, consent_offset: int | None) -> int:
        self.service_users.append(
            PlannedServiceUser(
                reference="",
                preferred_name=self.rng.choice(names.GIVEN_NAMES),
                contact_preferences=(
                    f"{self.rng.choice(names.CONTACT_CHANNELS)}, "
                    f"{self.rng.choice(names.CONTACT_TIMES)}"
                ),
                team=team,
                key_clinician=self.rng.choice(self.clinicians_by_team[team]),
                consent_offset=consent_offset,
            )
        )
        return len(self.service_users) - 1

    def add_referral(
        self,
        *,
        service_user: int,
        team: int,
        status: ReferralStatus,
        received_offset: int,
        allocated_to: int | None = None,
        self_referral: bool = False,
    ) -> None:
        referrer = None if self_referral else self.rng.choice(self.clinicians_by_team[team])
        self.referrals.append(
            PlannedReferral(
                service_user=service_user,
                team=team,
                referrer=referrer,
                referrer_discipline=None if referrer is None else self.discipline_of[referrer],
                reason=self.rng.choice(names.REFERRAL_REASONS),
                hopes=self.rng.choice(names.HOPES),
                urgency=self.rng.choices(
                    (Urgency.ROUTINE, Urgency.SOON, Urgency.URGENT), weights=(14, 4, 1)
                )[0],
                status=status,
                allocated_to=allocated_to,
                received_offset=received_offset,
            )
        )

    def plan_caseload(self, *, team: int, worker: int) -> None:
        """A caseload: accepted referral, consent, then a caseload entry, in that order.

        The first entry is always active so that every worker has someone to see this week.
        """
        for position in range(self.draw(self.scale.service_users_per_psw)):
            start = -self.rng.randint(7, 540)
            received = start - self.rng.randint(5, 35)
            service_user = self.add_service_user(
                team=team, consent_offset=self.rng.randint(received, start)
            )
            self.add_referral(
                service_user=service_user,
                team=team,
                status=ReferralStatus.ACCEPTED,
                received_offset=received,
                allocated_to=worker,
            )
            status = (
                CaseloadStatus.ACTIVE
                if position == 0
                else self.rng.choices(
                    (CaseloadStatus.ACTIVE, CaseloadStatus.ON_HOLD, CaseloadStatus.ENDING),
                    weights=(8, 1, 1),
                )[0]
            )
            self.caseload_entries.append(
                PlannedCaseloadEntry(
                    service_user=service_user,
                    worker=worker,
                    status=status,
                    start_offset=start,
                    next_contact_offset=self.next_contact(status),
                )
            )

    def next_contact(self, status: CaseloadStatus) -> int | None:
        """A few active contacts are a little overdue; on-hold ones may have none planned."""
        if status == CaseloadStatus.ACTIVE:
            return self.rng.randint(-3, 14)
        if status == CaseloadStatus.ENDING:
            return self.rng.randint(0, 10)
        return self.rng.choice((None, self.rng.randint(21, 56)))

    def plan_open_referrals(self, *, team: int) -> None:
        """Referrals the team has not (or not yet) turned into a caseload."""
        for _ in range(self.draw(self.scale.pending_referrals_per_team)):
            self.add_referral(
                service_user=self.add_service_user(team=team, consent_offset=None),
                team=team,
                status=ReferralStatus.PENDING,
                received_offset=-self.rng.randint(0, 14),
                self_referral=self.rng.random() < 1 / 6,
            )
        for _ in range(self.draw(self.scale.waiting_list_referrals_per_team)):
            received = -self.rng.randint(15, 90)
            self.add_referral(
                service_user=self.add_service_user(
                    team=team, consent_offset=received + self.rng.randint(0, 7)
                ),
                team=team,
                status=ReferralStatus.WAITING_LIST,
                received_offset=received,
            )
        for _ in range(self.draw(self.scale.declined_referrals_per_team)):
            self.add_referral(
                service_user=self.add_service_user(team=team, consent_offset=None),
                team=team,
                status=ReferralStatus.DECLINED,
                received_offset=-self.rng.randint(20, 200),
            )

    def plan_personas(self) -> None:
        """Give nine planned people the demo logins; add the three organisation-wide roles."""
        psw_team = self._team_named(PSW_PERSONA_TEAM)
        psw = self.workers_by_team[psw_team][0]
        self.name_persona(psw, "psw")
        self.name_persona(self.workers_by_team[self._team_named(PSW2_PERSONA_TEAM)][0], "psw2")
        senior = next(
            m.person for m in self.memberships if m.role == RoleCode.SENIOR_PEER_SUPPORT_WORKER
        )
        self.name_persona(senior, "senior")
        self.name_persona(self.supervisor_of[psw], "supervisor")
        self.name_persona(self.clinicians_by_team[psw_team][0], "clinician")
        for username, role in (
            ("lead", RoleCode.PROGRAMME_LEAD),
            ("evaluator", RoleCode.EVALUATOR),
            ("admin", RoleCode.ADMINISTRATOR),
        ):
            self.memberships.append(
                PlannedMembership(
                    person=self.add_person(username=username),
                    role=role,
                    team=None,
                    discipline=None,
                    start=_PROGRAMME_ROLES_START,
                )
            )
        entry = next(
            e
            for e in self.caseload_entries
            if e.worker == psw and e.status == CaseloadStatus.ACTIVE
        )
        service_user = self.service_users[entry.service_user]
        person = len(self.people)
        self.people.append(
            PlannedPerson(
                given_name=service_user.preferred_name,
                family_name=self.rng.choice(names.FAMILY_NAMES),
                username="serviceuser",
            )
        )
        self.service_users[entry.service_user] = replace(service_user, person=person)
        self.memberships.append(
            PlannedMembership(
                person=person,
                role=RoleCode.SERVICE_USER,
                team=psw_team,
                discipline=None,
                start=_PROGRAMME_ROLES_START,
            )
        )

    def _team_named(self, name: str) -> int:
        return next(i for i, team in enumerate(self.teams) if team.name == name)

    def plan(self) -> Plan:
        width = max(4, len(str(len(self.service_users))))
        return Plan(
            regions=tuple(self.regions),
            areas=tuple(self.areas),
            teams=tuple(self.teams),
            people=tuple(self.people),
            memberships=tuple(self.memberships),
            supervisions=tuple(self.supervisions),
            service_users=tuple(
                replace(su, reference=f"SU-{number:0{width}d}")
                for number, su in enumerate(self.service_users, start=1)
            ),
            caseload_entries=tuple(self.caseload_entries),
            referrals=tuple(self.referrals),
        )


def plan_programme(*, scale: Scale, seed: int) -> Plan:
    """Decide the whole programme in memory. Pure: same scale and seed, equal plan."""
    builder = _Builder(scale=scale, rng=random.Random(seed))
    builder.plan_fte_mix()
    workers_by_region: list[list[int]] = []
    for region_shape in scale.layout():
        builder.regions.append(PlannedRegion(code=region_shape.code, name=region_shape.name))
        region_workers: list[int] = []
        for area_shape in region_shape.areas:
            builder.areas.append(PlannedArea(region=len(builder.regions) - 1, name=area_shape.name))
            for team_shape in area_shape.teams:
                region_workers += builder.add_team(area=len(builder.areas) - 1, shape=team_shape)
        workers_by_region.append(region_workers)
    builder.plan_supervision(workers_by_region)
    for team, workers in builder.workers_by_team.items():
        for worker in workers:
            builder.plan_caseload(team=team, worker=worker)
        builder.plan_open_referrals(team=team)
    builder.plan_personas()
    return builder.plan()


class DemoRefused(Exception):
    """The database already holds a programme, so the demo would clash with it or be mixed in."""


M = TypeVar("M", bound=models.Model)


def _chunks(rows: Iterable[M]) -> Iterator[list[M]]:
    batch: list[M] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model: type[M], rows: Iterable[M]) -> list[int]:
    """Insert in batches and return the new primary keys in order.

    Rows are built lazily and only their keys are kept, so a national load never holds
    hundreds of thousands of model instances at once. Keys come back from the insert itself
    (PostgreSQL, and SQLite 3.35 or later).
    """
    ids: list[int] = []
    for batch in _chunks(rows):
        ids.extend(obj.pk for obj in model._default_manager.bulk_create(batch))
    return ids


def _refuse_unless_empty(scale: Scale) -> None:
    existing = DemoLoad.objects.first()
    if existing is not None:
        raise DemoRefused(
            f"A demo programme at scale {existing.scale!r} is already in this database; load "
            f"scale {scale.name!r} into a fresh data directory (ALONGSIDE_DATA_DIR)."
        )
    user_model = get_user_model()
    if (
        Region.objects.exists()
        or Person.objects.exists()
        or user_model._default_manager.filter(username__in=PERSONAS).exists()
    ):
        raise DemoRefused(
            "This database already holds an organisation or people; the demo programme loads "
            "only into an empty one, so that synthetic and real records are never mixed."
        )


def load_programme(*, scale: Scale, seed: int, today: date) -> tuple[DemoLoad, dict[str, int]]:
    """Write the planned programme in one transaction; return its marker and its counts.

    Raises `DemoRefused`, writing nothing, unless the database holds no organisation yet.
    """
    plan = plan_programme(scale=scale, seed=seed)

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    def day_or_none(offset: int | None) -> date | None:
        return None if offset is None else day(offset)

    with transaction.atomic():
        _refuse_unless_empty(scale)
        region_ids = _insert(Region, (Region(code=r.code, name=r.name) for r in plan.regions))
        area_ids = _insert(
            Area, (Area(region_id=region_ids[a.region], name=a.name) for a in plan.areas)
        )
        team_ids = _insert(
            Team,
            (
                Team(area_id=area_ids[t.area], name=t.name, team_type=t.team_type)
                for t in plan.teams
            ),
        )
        user_model = get_user_model()
        # One hash for every demo login: hashing is deliberately slow, and these accounts
        # share a published password anyway.
        password_hash = make_password(DEMO_PASSWORD)
        logins = [person.username for person in plan.people if person.username]
        user_ids = dict(
            zip(
                logins,
                _insert(
                    user_model,
                    (
                        user_model(username=username, password=password_hash, is_staff=False)
                        for username in logins
                    ),
                ),
                strict=True,
            )
        )
        person_ids = _insert(
            Person,
            (
                Person(
                    given_name=p.given_name,
                    family_name=p.family_name,
                    email=f"{p.username}@example.org" if p.username else "",
                    user_id=user_ids.get(p.username),
                )
                for p in plan.people
            ),
        )
        _insert(
            Membership,
            (
                Membership(
                    person_id=person_ids[m.person],
                    team_id=None if m.team is None else team_ids[m.team],
                    role=m.role,
                    discipline=m.discipline or "",
                    fte=m.fte,
                    contracted_hours=m.contracted_hours,
                    start=m.start,
                )
                for m in plan.memberships
            ),
        )
        _insert(
            SupervisionAssignment,
            (
                SupervisionAssignment(
                    supervisor_id=person_ids[s.supervisor],
                    supervisee_id=person_ids[s.supervisee],
                    start=s.start,
                )
                for s in plan.supervisions
            ),
        )
        service_user_ids = _insert(
            ServiceUser,
            (
                ServiceUser(
                    reference=su.reference,
                    preferred_name=su.preferred_name,
                    contact_preferences=su.contact_preferences,
                    team_id=team_ids[su.team],
                    key_clinician_id=person_ids[su.key_clinician],
                    consented_to_peer_support=su.consent_offset is not None,
                    consent_date=day_or_none(su.consent_offset),
                    person_id=None if su.person is None else person_ids[su.person],
                )
                for su in plan.service_users
            ),
        )
        _insert(
            CaseloadEntry,
            (
                CaseloadEntry(
                    service_user_id=service_user_ids[e.service_user],
                    worker_id=person_ids[e.worker],
                    status=e.status,
                    start=day(e.start_offset),
                    next_planned_contact=day_or_none(e.next_contact_offset),
                )
                for e in plan.caseload_entries
            ),
        )
        _insert(
            Referral,
            (
                Referral(
                    service_user_id=service_user_ids[r.service_user],
                    team_id=team_ids[r.team],
                    referrer_id=None if r.referrer is None else person_ids[r.referrer],
                    referrer_discipline=r.referrer_discipline or "",
                    self_referral=r.referrer is None,
                    reason=r.reason,
                    hopes=r.hopes,
                    urgency=r.urgency,
                    status=r.status,
                    allocated_to_id=None if r.allocated_to is None else person_ids[r.allocated_to],
                    received_on=day(r.received_offset),
                )
                for r in plan.referrals
            ),
        )
        load = DemoLoad.objects.create(scale=scale.name, seed=seed)
        counts = plan.counts()
        audit.record(
            actor=None,
            action=AuditAction.CREATE,
            object_type="demo.demoload",
            object_id=load.pk,
            detail={"scale": scale.name, "seed": seed, "counts": counts},
        )
    return load, counts
