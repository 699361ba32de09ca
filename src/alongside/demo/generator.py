"""Plan the synthetic demo programme.

Two steps, kept apart so that determinism can be tested without a database:

* Planning is pure. From one `random.Random(seed)` (never the global generator, never a
  fake-data library whose output changes between versions) `plan_caseloads` decides every
  region, team, person, membership, supervision, referral and episode here; then, drawing on
  the same generator in a fixed order, `plan_practice` (`demo/practice.py`) decides the
  contacts, groups, goals and advocacy of those episodes and `plan_measures`
  (`demo/outcomes.py`) the outcome measures given over them. Everything is plain frozen
  dataclasses that refer to each other by position in the plan (`demo/plan.py`). The same
  scale and seed give the same records in the same order. `plan_programme` collects them all
  into one `Plan`, which is how the tests look at a plan.
* `load_programme` (`demo/loader.py`) writes the records as they are planned, in bulk
  (`demo/bulk.py`: COPY on PostgreSQL), in one transaction, without ever holding the millions of
  a national programme's contacts; it marks the load with a `DemoLoad` row and writes one audit
  record for the whole load. Bulk writes bypass the per-record audit that actions write; that is
  deliberate for a seeding tool, which is not anyone's action on personal data.

Dates. Staff start dates are fixed calendar dates (2017-2018 for peer support workers, as in the
seed programme). Dates that must look current for the demo to be useful (episodes, consent,
referrals, contacts, next planned contacts) are planned as whole-day offsets from "today" and
become dates only when written, from the `today` the caller passes (`timezone.localdate()` in
the command). So what is loaded depends only on the seed, and a demo loaded next year still has
contacts due this week.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from alongside.core.access import RoleCode
from alongside.demo import names, wording
from alongside.demo.outcomes import plan_measures
from alongside.demo.plan import (
    Caseloads,
    MeasuresPlan,
    Plan,
    PlannedAdministration,
    PlannedAdvocacyItem,
    PlannedArea,
    PlannedCaseloadEntry,
    PlannedContact,
    PlannedEnding,
    PlannedGoal,
    PlannedGoalProgress,
    PlannedGoalStep,
    PlannedGroupProgramme,
    PlannedGroupSession,
    PlannedMembership,
    PlannedPerson,
    PlannedReferral,
    PlannedRegion,
    PlannedServiceUser,
    PlannedSupervision,
    PlannedTeam,
    PracticePlan,
)
from alongside.demo.practice import plan_practice
from alongside.demo.scales import IntRange, Scale, TeamShape
from alongside.organisation.models import Discipline
from alongside.practice.models import CaseloadStatus, DeclineReason, ReferralStatus, Urgency

DEMO_PASSWORD = "alongside-demo"
DEFAULT_SEED = 2019

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

# Declines for reasons other than the referral itself, and how often each is given.
OTHER_DECLINE_REASONS: tuple[DeclineReason, ...] = (
    DeclineReason.PERSON_DECLINED,
    DeclineReason.NO_CONSENT,
    DeclineReason.NO_CAPACITY,
    DeclineReason.COULD_NOT_CONTACT,
    DeclineReason.OTHER,
)
OTHER_DECLINE_WEIGHTS: tuple[int, ...] = (30, 15, 20, 25, 10)

# Who is doing what after an ending. Three in four were more active in their community in the
# seed evaluation; fewer were in work or education.
NOW_COMMUNITY_SHARE = 0.76
NOW_WORK_SHARE = 0.15
NOW_EDUCATION_SHARE = 0.12
NOW_OTHER_SUPPORTS_SHARE = 0.45
PLANNED_ENDING_SHARE = 0.75
SHARES_NOTES_SHARE = 0.6
QUIET_SHARE = 0.08
"""Active episodes where the person has not been seen for three weeks or more."""

_PSW_FIRST_START = date(2017, 1, 9)
_PSW_START_SPREAD_DAYS = 720  # PSWs joined across 2017 and 2018.
_SUPERVISOR_FIRST_START = date(2016, 9, 1)
_CLINICIAN_FIRST_START = date(2008, 1, 7)
_CLINICIAN_START_SPREAD_DAYS = 4300  # Clinicians joined their teams over about twelve years.
_PROGRAMME_ROLES_START = date(2017, 1, 2)


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
    referrals: list[PlannedReferral] = field(default_factory=list)
    caseload_entries: list[PlannedCaseloadEntry] = field(default_factory=list)
    endings: list[PlannedEnding] = field(default_factory=list)
    clinicians_by_team: dict[int, list[int]] = field(default_factory=dict)
    workers_by_team: dict[int, list[int]] = field(default_factory=dict)
    psw_start: dict[int, date] = field(default_factory=dict)
    team_of: dict[int, int] = field(default_factory=dict)
    discipline_of: dict[int, Discipline] = field(default_factory=dict)
    supervisor_of: dict[int, int] = field(default_factory=dict)
    part_time_ftes: list[Decimal] = field(default_factory=list)
    preparedness_deck: list[float] = field(default_factory=list)

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

    def plan_preparedness(self, teams: int) -> None:
        """One preparedness score per team, spread evenly over 0-1, then shuffled.

        One score from each of `teams` equal slices of 0-1, so that every seed has some teams
        that were well prepared for a peer worker and some that were not.
        """
        deck = [round((slot + self.rng.random()) / teams, 2) for slot in range(teams)]
        self.rng.shuffle(deck)
        self.preparedness_deck = deck

    def add_team(self, *, area: int, shape: TeamShape) -> list[int]:
        """A team with its clinicians and peer support workers; returns the workers."""
        team = len(self.teams)
        self.teams.append(
            PlannedTeam(
                area=area,
                name=shape.name,
                team_type=shape.team_type,
                preparedness=self.preparedness_deck.pop(),
            )
        )
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
                shares_notes_with_team=(
                    consent_offset is not None and self.rng.random() < SHARES_NOTES_SHARE
                ),
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
        self_referral: bool = False,
        allocated_to: int | None = None,
        decided_by: int | None = None,
        decided_offset: int | None = None,
        decline_reason: DeclineReason | None = None,
        decline_detail: str = "",
    ) -> int:
        """A referral; a self-referral is recorded by a peer worker of the team."""
        referrer = None if self_referral else self.rng.choice(self.clinicians_by_team[team])
        if referrer is not None:
            recorded_by = referrer
        elif allocated_to is not None:
            recorded_by = allocated_to
        else:
            recorded_by = self.rng.choice(self.workers_by_team[team])
        self.referrals.append(
            PlannedReferral(
                service_user=service_user,
                team=team,
                referrer=referrer,
                referrer_discipline=None if referrer is None else self.discipline_of[referrer],
                recorded_by=recorded_by,
                reason=self.rng.choice(names.REFERRAL_REASONS),
                hopes=self.rng.choice(names.HOPES),
                urgency=self.rng.choices(
                    (Urgency.ROUTINE, Urgency.SOON, Urgency.URGENT), weights=(14, 4, 1)
                )[0],
                status=status,
                allocated_to=allocated_to,
                received_offset=received_offset,
                decided_offset=decided_offset,
                decided_by=decided_by,
                decline_reason=decline_reason,
                decline_detail=decline_detail,
            )
        )
        return len(self.referrals) - 1

    def add_accepted_referral(
        self, *, service_user: int, team: int, worker: int, received_offset: int, start: int
    ) -> int:
        """Accepted by the worker a few days after it came in, and no later than the start."""
        return self.add_referral(
            service_user=service_user,
            team=team,
            status=ReferralStatus.ACCEPTED,
            received_offset=received_offset,
            self_referral=self.rng.random() < self.scale.self_referral_share,
            allocated_to=worker,
            decided_by=worker,
            decided_offset=received_offset + self.rng.randint(1, min(10, start - received_offset)),
        )

    def add_episode(
        self,
        *,
        service_user: int,
        worker: int,
        referral: int,
        status: CaseloadStatus,
        start: int,
        last_contact: int,
        end: int | None = None,
    ) -> int:
        self.caseload_entries.append(
            PlannedCaseloadEntry(
                service_user=service_user,
                worker=worker,
                referral=referral,
                status=status,
                start_offset=start,
                end_offset=end,
                next_contact_offset=None if end is not None else self.next_contact(status),
                last_contact_offset=last_contact,
            )
        )
        return len(self.caseload_entries) - 1

    def plan_caseload(self, *, team: int, worker: int, shows_follow_up: bool) -> None:
        """A worker's current caseload, and the people whose episodes with them have ended.

        Each current episode follows an accepted referral and consent, in that order. The first
        is always active and seen this week, so every worker has someone to see. A worker who
        `shows_follow_up` (the first on each team, so every persona PSW) also has someone who
        has not been seen for over three weeks and someone who came back after an ending.
        """
        size = self.draw(self.scale.service_users_per_psw)
        returning = self.draw(self.scale.returning_per_psw)
        if shows_follow_up:
            returning = max(returning, 1)
        returning_positions = set(self.rng.sample(range(2, size), min(returning, size - 2)))
        for position in range(size):
            follow_up = shows_follow_up and position == 1
            if position == 0 or follow_up:
                status = CaseloadStatus.ACTIVE
            else:
                status = self.rng.choices(
                    (CaseloadStatus.ACTIVE, CaseloadStatus.ON_HOLD, CaseloadStatus.ENDING),
                    weights=(8, 1, 1),
                )[0]
            # Someone seen this week or gone quiet has been on the caseload a while.
            start = -self.rng.randint(60 if position == 0 or follow_up else 7, 540)
            received = start - self.rng.randint(5, 35)
            if position == 0:
                last_contact = -self.rng.randint(1, 6)
            elif follow_up:
                last_contact = -self.rng.randint(22, 45)
            else:
                last_contact = max(start, self.last_contact(status))
            if position in returning_positions:
                service_user = self.plan_earlier_episode(team=team, worker=worker, before=received)
            else:
                service_user = self.add_service_user(
                    team=team, consent_offset=self.rng.randint(received, start)
                )
            referral = self.add_accepted_referral(
                service_user=service_user,
                team=team,
                worker=worker,
                received_offset=received,
                start=start,
            )
            self.add_episode(
                service_user=service_user,
                worker=worker,
                referral=referral,
                status=status,
                start=start,
                last_contact=last_contact,
            )
        for _ in range(self.draw(self.scale.ended_episodes_per_psw)):
            end = -self.rng.randint(14, 700)
            start = end - self.rng.randint(60, 400)
            received = start - self.rng.randint(5, 35)
            service_user = self.add_service_user(
                team=team, consent_offset=self.rng.randint(received, start)
            )
            self.plan_ended_episode(
                service_user=service_user,
                team=team,
                worker=worker,
                received=received,
                start=start,
                end=end,
            )

    def plan_earlier_episode(self, *, team: int, worker: int, before: int) -> int:
        """A service user whose earlier episode ended some months before `before`."""
        end = before - self.rng.randint(30, 240)
        start = end - self.rng.randint(60, 360)
        received = start - self.rng.randint(5, 35)
        service_user = self.add_service_user(
            team=team, consent_offset=self.rng.randint(received, start)
        )
        self.plan_ended_episode(
            service_user=service_user,
            team=team,
            worker=worker,
            received=received,
            start=start,
            end=end,
        )
        return service_user

    def plan_ended_episode(
        self, *, service_user: int, team: int, worker: int, received: int, start: int, end: int
    ) -> None:
        """An accepted referral, an episode and how it ended, with where the person is now.

        A planned ending has a last meeting on the day; an unplanned one trails off weeks
        before the episode is closed.
        """
        referral = self.add_accepted_referral(
            service_user=service_user,
            team=team,
            worker=worker,
            received_offset=received,
            start=start,
        )
        planned = self.rng.random() < PLANNED_ENDING_SHARE
        if planned:
            reason = self.rng.choices(
                wording.PLANNED_ENDING_REASONS, weights=wording.PLANNED_ENDING_WEIGHTS
            )[0]
            last_contact = end
        else:
            reason = self.rng.choices(
                wording.UNPLANNED_ENDING_REASONS, weights=wording.UNPLANNED_ENDING_WEIGHTS
            )[0]
            last_contact = max(start, end - self.rng.randint(14, 42))
        episode = self.add_episode(
            service_user=service_user,
            worker=worker,
            referral=referral,
            status=CaseloadStatus.ENDED,
            start=start,
            end=end,
            last_contact=last_contact,
        )
        community = self.rng.random() < NOW_COMMUNITY_SHARE
        work = self.rng.random() < NOW_WORK_SHARE
        education = self.rng.random() < NOW_EDUCATION_SHARE
        other_supports = self.rng.random() < NOW_OTHER_SUPPORTS_SHARE
        doing = [
            self.rng.choice(phrases)
            for flag, phrases in (
                (community, wording.NOW_COMMUNITY),
                (work, wording.NOW_WORK),
                (education, wording.NOW_EDUCATION),
                (other_supports, wording.NOW_OTHER_SUPPORTS),
            )
            if flag
        ]
        now_note = "; ".join(doing) if doing else wording.NOW_QUIET
        self.endings.append(
            PlannedEnding(
                episode=episode,
                ended_offset=end,
                recorded_by=worker,
                planned=planned,
                reason=reason,
                now_community_activities=community,
                now_work=work,
                now_education=education,
                now_other_supports=other_supports,
                now_note=now_note[0].upper() + now_note[1:].rstrip(".") + ".",
                independence_note=self.rng.choice(
                    wording.INDEPENDENCE_NOTES if planned else wording.UNPLANNED_INDEPENDENCE_NOTES
                ),
            )
        )

    def last_contact(self, status: CaseloadStatus) -> int:
        """Days since the latest contact: longer on hold, and a few active people gone quiet."""
        if status == CaseloadStatus.ON_HOLD:
            return -self.rng.randint(21, 60)
        if status == CaseloadStatus.ENDING:
            return -self.rng.randint(0, 10)
        if self.rng.random() < QUIET_SHARE:
            return -self.rng.randint(22, 45)
        return -self.rng.randint(0, 13)

    def next_contact(self, status: CaseloadStatus) -> int | None:
        """A few active contacts are a little overdue; on-hold ones may have none planned."""
        if status == CaseloadStatus.ACTIVE:
            return self.rng.randint(-3, 14)
        if status == CaseloadStatus.ENDING:
            return self.rng.randint(0, 10)
        return self.rng.choice((None, self.rng.randint(21, 56)))

    def not_appropriate_declines(self, team: int) -> int:
        """Fewest for the best prepared team, most for the least prepared."""
        low, high = self.scale.not_appropriate_declines_per_team
        return low + round((1 - self.teams[team].preparedness) * (high - low))

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
            reason = self.rng.choices(OTHER_DECLINE_REASONS, weights=OTHER_DECLINE_WEIGHTS)[0]
            self.add_declined_referral(
                team=team,
                reason=reason,
                detail=self.rng.choice(wording.OTHER_DECLINE_DETAIL[reason]),
                self_referral=self.rng.random() < 1 / 6,
            )
        for _ in range(self.not_appropriate_declines(team)):
            self.add_declined_referral(
                team=team,
                reason=DeclineReason.NOT_APPROPRIATE,
                detail=self.rng.choice(wording.NOT_APPROPRIATE_WHY),
                self_referral=False,
            )

    def add_declined_referral(
        self, *, team: int, reason: DeclineReason, detail: str, self_referral: bool
    ) -> None:
        received = -self.rng.randint(20, 200)
        self.add_referral(
            service_user=self.add_service_user(team=team, consent_offset=None),
            team=team,
            status=ReferralStatus.DECLINED,
            received_offset=received,
            self_referral=self_referral,
            decided_by=self.rng.choice(self.workers_by_team[team]),
            decided_offset=received + self.rng.randint(1, 14),
            decline_reason=reason,
            decline_detail=detail,
        )

    def plan_personas(self) -> None:
        """Give nine planned people the demo logins; add the three organisation-wide roles."""
        psw_team = self.team_named(PSW_PERSONA_TEAM)
        psw = self.workers_by_team[psw_team][0]
        self.name_persona(psw, "psw")
        self.name_persona(self.workers_by_team[self.team_named(PSW2_PERSONA_TEAM)][0], "psw2")
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
        # The first active episode is the worker's first: seen this week, with an open goal.
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

    def team_named(self, name: str) -> int:
        return next(i for i, team in enumerate(self.teams) if team.name == name)

    def caseloads(self) -> Caseloads:
        width = max(4, len(str(len(self.service_users))))
        return Caseloads(
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
            referrals=tuple(self.referrals),
            caseload_entries=tuple(self.caseload_entries),
            endings=tuple(self.endings),
        )


def plan_caseloads(*, scale: Scale, seed: int) -> tuple[Caseloads, random.Random]:
    """Decide the organisation, its people and its caseloads.

    Returns them with the generator, which the record of the work and the measures go on
    drawing from (`plan_practice`, then `plan_measures`), so that the whole programme follows
    from the one seed.
    """
    builder = _Builder(scale=scale, rng=random.Random(seed))
    builder.plan_fte_mix()
    layout = scale.layout()
    builder.plan_preparedness(sum(len(area.teams) for region in layout for area in region.areas))
    workers_by_region: list[list[int]] = []
    for region_shape in layout:
        builder.regions.append(PlannedRegion(code=region_shape.code, name=region_shape.name))
        region_workers: list[int] = []
        for area_shape in region_shape.areas:
            builder.areas.append(PlannedArea(region=len(builder.regions) - 1, name=area_shape.name))
            for team_shape in area_shape.teams:
                region_workers += builder.add_team(area=len(builder.areas) - 1, shape=team_shape)
        workers_by_region.append(region_workers)
    builder.plan_supervision(workers_by_region)
    for team, workers in builder.workers_by_team.items():
        for position, worker in enumerate(workers):
            builder.plan_caseload(team=team, worker=worker, shows_follow_up=position == 0)
        builder.plan_open_referrals(team=team)
    builder.plan_personas()
    return builder.caseloads(), builder.rng


class _Collector:
    """A sink that keeps every planned record, for `plan_programme`."""

    def __init__(self) -> None:
        self.contacts: list[PlannedContact] = []
        self.group_programmes: list[PlannedGroupProgramme] = []
        self.group_sessions: list[PlannedGroupSession] = []
        self.goals: list[PlannedGoal] = []
        self.goal_steps: list[PlannedGoalStep] = []
        self.progress: list[PlannedGoalProgress] = []
        self.advocacy_items: list[PlannedAdvocacyItem] = []
        self.administrations: list[PlannedAdministration] = []

    def contact(self, contact: PlannedContact) -> None:
        self.contacts.append(contact)

    def group_programme(self, programme: PlannedGroupProgramme) -> None:
        self.group_programmes.append(programme)

    def group_session(self, session: PlannedGroupSession) -> None:
        self.group_sessions.append(session)

    def goal(self, goal: PlannedGoal) -> None:
        self.goals.append(goal)

    def goal_step(self, step: PlannedGoalStep) -> None:
        self.goal_steps.append(step)

    def goal_progress(self, progress: PlannedGoalProgress) -> None:
        self.progress.append(progress)

    def advocacy_item(self, item: PlannedAdvocacyItem) -> None:
        self.advocacy_items.append(item)

    def administration(self, administration: PlannedAdministration) -> None:
        self.administrations.append(administration)


def plan_programme(*, scale: Scale, seed: int) -> Plan:
    """Decide the whole programme in memory. Pure: same scale and seed, equal plan.

    For looking at a plan (the tests do); a load streams the same records instead.
    """
    caseloads, rng = plan_caseloads(scale=scale, seed=seed)
    collector = _Collector()
    contact_days = plan_practice(scale=scale, rng=rng, caseloads=caseloads, sink=collector)
    courses = plan_measures(rng=rng, caseloads=caseloads, contact_days=contact_days, sink=collector)
    return Plan(
        caseloads=caseloads,
        practice=PracticePlan(
            contacts=tuple(collector.contacts),
            group_programmes=tuple(collector.group_programmes),
            group_sessions=tuple(collector.group_sessions),
            goals=tuple(collector.goals),
            goal_steps=tuple(collector.goal_steps),
            goal_progress=tuple(collector.progress),
            advocacy_items=tuple(collector.advocacy_items),
        ),
        measures=MeasuresPlan(courses=courses, administrations=tuple(collector.administrations)),
    )
