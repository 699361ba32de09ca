"""Plan and load the demo programme's workforce: supervision, CPD, grades and equipment, team
readiness, role-understanding pulse rounds, practice exchange threads and guidance.

Shaped like the seed evaluation's findings: most supervision given by other disciplines, with
some peer group supervision in each region; about half of peer support workers with access to
CPD; part-time hours; some with a phone only; a minority of teams prepared before a peer
support worker arrived. A team's readiness follows the `preparedness` the generator gave it,
which also decides how many of its referrals were declined as not appropriate.

Planning is pure and draws from its own `random.Random`, seeded from the demo seed, so that
adding the workforce changes nothing else in the plan. Loading uses bulk inserts, as the rest of
the demo loader does; the whole load is audited once by the caller.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models

from alongside.core.access import RoleCode
from alongside.demo.plan import Caseloads
from alongside.organisation.models import Discipline, Region
from alongside.workforce.models import (
    CpdEvent,
    CpdRequest,
    CpdStatus,
    Grade,
    GuidanceDocument,
    GuidanceTag,
    GuidanceVersion,
    PeerGroupAttendance,
    PeerGroupSession,
    PulseResponse,
    PulseRound,
    ReadinessChecklist,
    Reply,
    RespondentGroup,
    SupervisionSession,
    Thread,
    WorkResources,
    WorkTerms,
)
from alongside.workforce.pulse import NO, PULSE_CODE, PULSE_VERSION, SOMEWHAT, YES, score_pulse
from alongside.workforce.readiness import READY_FROM, Checklist, readiness_score

CPD_ACCESS_SHARE = 0.5
PREPARED_FROM = 0.65
"""Teams at or above this preparedness were made ready before placement: about a third."""
PULSE_ROUND_OFFSETS = (-330, -190, -50)
PSW_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)

SUPERVISION_NOTES = (
    "Talked through a difficult ending and what helped.",
    "Looked at how to keep time for group work with part-time hours.",
    "Went over boundaries when sharing lived experience with the team.",
    "Planned how to raise advocacy items at the team meeting.",
    "Checked in on workload and self-care after a busy month.",
    "Reflected on using recovery language in team notes.",
)
PEER_GROUP_TOPICS = (
    "Sharing your story with purpose",
    "Working alongside clinical colleagues",
    "Endings that leave people stronger",
    "Keeping well at work",
)
CPD_EVENTS = (
    ("Recovery education facilitation", "Recovery College", "12.0"),
    ("Intentional peer support: core skills", "Peer Training Network", "21.0"),
    ("Suicide awareness and safe conversations", "Health service training unit", "6.0"),
    ("WRAP facilitator refresher", "Recovery College", "14.0"),
    ("Trauma-informed practice", "University continuing education", "18.0"),
    ("Peer support national conference", "Peer support network", "7.0"),
)
DECLINE_NOTES = (
    "No training budget left this year; ask again in January.",
    "Cover could not be found for those days.",
)
RESOURCE_KITS: tuple[tuple[tuple[bool, bool, bool, bool], int], ...] = (
    ((True, True, True, True), 40),
    ((False, False, True, False), 20),  # phone only
    ((True, True, True, False), 20),  # no printer
    ((False, True, True, False), 12),  # hot-desking with a laptop
    ((True, False, True, False), 8),  # no computer
)
THREADS = (
    (
        None,
        "How do you explain the role at a first team meeting?",
        "New to a CMHT next month. What did you say at your first team meeting that helped?",
        (
            "I brought the job description and a one-page summary of what peer support is not.",
            "Ask for ten minutes on the agenda every month for the first three months.",
        ),
    ),
    (
        None,
        "Protected time for supervision",
        "My supervision keeps getting moved for clinics. Has anyone agreed protected time?",
        ("We put it in the diary as a recurring meeting our line manager signed off.",),
    ),
    (
        0,
        "Peer group supervision dates for the spring",
        "Proposing the first Tuesday of each month for the regional peer group.",
        ("Tuesdays work for me.", "Could we alternate venues so it is fair on travel?"),
    ),
    (
        1,
        "Recovery college courses open to PSWs",
        "Two places left on the WRAP refresher: ask your line manager this week.",
        (),
    ),
    (
        None,
        "Working part-time and keeping up with the caseload",
        "On 0.5 FTE I struggle to make team meetings and groups. What works for you?",
        ("I block group days and swap admin into the afternoon.",),
    ),
)
GUIDANCE = (
    (
        "Supervision of peer support workers",
        ("supervision",),
        "How often supervision happens, who gives it, and why time for it is protected.",
        (
            "Every peer support worker has practice supervision at least monthly and line "
            "management as agreed. Peer group supervision in each region adds peer supervision.",
            "Every peer support worker has practice supervision at least monthly and line "
            "management as agreed. Time for supervision is protected: it is not moved for other "
            "work. Peer group supervision in each region adds supervision by peers.",
        ),
    ),
    (
        "Getting a team ready for a peer support worker",
        ("readiness", "teams"),
        "What a team does before a peer support worker starts.",
        (
            "Brief the whole team on the role, share the job description, arrange supervision "
            "and make sure a desk, a computer and a phone are ready on the first day. Management "
            "and the clinical lead say publicly that they support the role.",
        ),
    ),
    (
        "The peer support worker role in different settings",
        ("role", "settings"),
        "Community teams, rehab and recovery, early intervention and inpatient units.",
        (
            "The role is the same everywhere: support towards goals the person chooses, "
            "grounded in lived experience. What changes is the setting: in an inpatient unit "
            "contacts are shorter and planning for discharge matters most.",
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class PlannedSession:
    supervisor: int
    supervisee: int
    discipline: str
    offset: int
    minutes: int
    session_type: str
    protected: bool
    notes: str


@dataclass(frozen=True, slots=True)
class PlannedPeerGroup:
    region: int
    facilitator: int
    offset: int
    minutes: int
    protected: bool
    topic: str
    attendees: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PlannedCpd:
    person: int
    event: int
    status: CpdStatus
    requested_offset: int
    decided_by: int | None
    note: str


@dataclass(frozen=True, slots=True)
class PlannedTerms:
    person: int
    grade: Grade
    fte: Decimal
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class PlannedReadiness:
    team: int
    phase: str
    offset: int
    checklist: Checklist


@dataclass(frozen=True, slots=True)
class PlannedPulseAnswer:
    team: int
    round: int
    person: int
    group: RespondentGroup
    answers: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class WorkforcePlan:
    sessions: tuple[PlannedSession, ...]
    peer_groups: tuple[PlannedPeerGroup, ...]
    cpd: tuple[PlannedCpd, ...]
    terms: tuple[PlannedTerms, ...]
    resources: tuple[tuple[int, tuple[bool, bool, bool, bool]], ...]
    readiness: tuple[PlannedReadiness, ...]
    pulse: tuple[PlannedPulseAnswer, ...]
    lead: int

    def counts(self) -> dict[str, int]:
        return {
            "supervision_sessions": len(self.sessions),
            "peer_group_sessions": len(self.peer_groups),
            "cpd_requests": len(self.cpd),
            "psws_with_cpd_access": len(
                {
                    c.person
                    for c in self.cpd
                    if c.status in (CpdStatus.APPROVED, CpdStatus.COMPLETED)
                }
            ),
            "readiness_checklists": len(self.readiness),
            "teams_prepared_before_placement": sum(
                1
                for r in self.readiness
                if r.phase == "before" and readiness_score(r.checklist) >= READY_FROM
            ),
            "pulse_answers": len(self.pulse),
        }


def _deck(rng: random.Random, weighted: tuple[tuple[Any, int], ...], n: int) -> list[Any]:
    """n values in the given proportions (largest remainders), shuffled."""
    total = sum(w for _, w in weighted)
    counts = [n * w // total for _, w in weighted]
    for i in sorted(range(len(weighted)), key=lambda i: -(n * weighted[i][1] % total))[
        : n - sum(counts)
    ]:
        counts[i] += 1
    deck = [value for (value, _), c in zip(weighted, counts, strict=True) for _ in range(c)]
    rng.shuffle(deck)
    return deck


def _checklist(rng: random.Random, preparedness: float, *, ready: bool) -> Checklist:
    """Items in place with a probability that follows preparedness; nudged across the line so
    that prepared teams score ready and the others do not."""
    for _ in range(50):
        checklist = Checklist(
            team_briefed=rng.random() < preparedness + 0.1,
            staff_trained_percent=max(
                0, min(100, round(preparedness * 100 + rng.randint(-15, 15)))
            ),
            management_endorsement=rng.random() < preparedness + 0.2,
            clinical_lead_endorsement=rng.random() < preparedness,
            job_description_shared=rng.random() < preparedness + 0.1,
            supervision_arranged=rng.random() < preparedness + 0.2,
            resources_in_place=rng.random() < preparedness,
        )
        if (readiness_score(checklist) >= READY_FROM) == ready:
            return checklist
    return Checklist(ready, 80 if ready else 20, ready, ready, ready, ready, ready)


def plan_workforce(plan: Caseloads, *, seed: int) -> WorkforcePlan:
    """Decide the workforce records over a planned programme. Pure: same plan and seed, equal."""
    rng = random.Random(f"alongside-demo-workforce-{seed}")
    psw_memberships = [m for m in plan.memberships if m.role in PSW_ROLES and m.team is not None]
    team_of = {m.person: m.team for m in psw_memberships}
    region_of_team = {i: plan.areas[t.area].region for i, t in enumerate(plan.teams)}
    discipline_of = {m.person: m.discipline for m in plan.memberships if m.discipline}
    supervisor_of = {s.supervisee: s.supervisor for s in plan.supervisions}
    lead = next(i for i, p in enumerate(plan.people) if p.username == "lead")

    sessions: list[PlannedSession] = []
    for m in psw_memberships:
        supervisor = supervisor_of.get(m.person)
        if supervisor is None:
            continue
        # A few have had none lately: the gap a lead should see.
        offset = -rng.randint(3, 20) if rng.random() > 0.2 else -rng.randint(63, 90)
        while offset > -200:
            sessions.append(
                PlannedSession(
                    supervisor=supervisor,
                    supervisee=m.person,
                    discipline=str(discipline_of.get(supervisor, Discipline.SOCIAL_WORK)),
                    offset=offset,
                    minutes=rng.choice((45, 60, 60, 90)),
                    session_type=rng.choice(
                        ("practice-supervision", "practice-supervision", "line-management")
                    ),
                    protected=rng.random() < 0.6,
                    notes=rng.choice(SUPERVISION_NOTES),
                )
            )
            offset -= rng.randint(21, 42)

    by_region: dict[int, list[int]] = defaultdict(list)
    for person, team in team_of.items():
        by_region[region_of_team[team]].append(person)
    peer_groups: list[PlannedPeerGroup] = []
    for region, people in sorted(by_region.items()):
        if len(people) < 2:
            continue
        for month in range(6):
            size = max(2, round(len(people) * rng.uniform(0.3, 0.7)))
            attendees = tuple(sorted(rng.sample(people, min(size, len(people)))))
            peer_groups.append(
                PlannedPeerGroup(
                    region=region,
                    facilitator=attendees[0],
                    offset=-(month * 30 + rng.randint(2, 10)),
                    minutes=90,
                    protected=rng.random() < 0.7,
                    topic=rng.choice(PEER_GROUP_TOPICS),
                    attendees=attendees[1:],
                )
            )

    people = [m.person for m in psw_memberships]
    access = _deck(
        rng,
        ((True, round(CPD_ACCESS_SHARE * 100)), (False, round((1 - CPD_ACCESS_SHARE) * 100))),
        len(people),
    )
    cpd: list[PlannedCpd] = []
    for person, has_access in zip(people, access, strict=True):
        decider = supervisor_of.get(person, lead)
        events = rng.sample(range(len(CPD_EVENTS)), 2)
        if has_access:
            status = rng.choice((CpdStatus.APPROVED, CpdStatus.COMPLETED, CpdStatus.COMPLETED))
            cpd.append(PlannedCpd(person, events[0], status, -rng.randint(40, 200), decider, ""))
        elif rng.random() < 0.5:
            cpd.append(
                PlannedCpd(
                    person,
                    events[0],
                    CpdStatus.DECLINED,
                    -rng.randint(40, 200),
                    decider,
                    rng.choice(DECLINE_NOTES),
                )
            )
        if rng.random() < 0.25:
            cpd.append(
                PlannedCpd(person, events[1], CpdStatus.REQUESTED, -rng.randint(0, 20), None, "")
            )

    terms: list[PlannedTerms] = []
    for m in psw_memberships:
        grade = Grade.SENIOR_PSW if m.role == RoleCode.SENIOR_PEER_SUPPORT_WORKER else Grade.PSW
        fte = m.fte or Decimal("1.0")
        if fte < 1 and rng.random() < 0.3:
            earlier = max(Decimal("0.4"), fte - Decimal("0.1"))
            change = m.start + timedelta(days=rng.randint(200, 500))
            terms.append(
                PlannedTerms(m.person, grade, earlier, m.start, change - timedelta(days=1))
            )
            terms.append(PlannedTerms(m.person, grade, fte, change, None))
        else:
            terms.append(PlannedTerms(m.person, grade, fte, m.start, None))
    kits = _deck(rng, RESOURCE_KITS, len(people))
    resources = tuple(zip(people, kits, strict=True))

    readiness: list[PlannedReadiness] = []
    for index, team in enumerate(plan.teams):
        prepared = team.preparedness >= PREPARED_FROM
        readiness.append(
            PlannedReadiness(
                index, "before", -900, _checklist(rng, team.preparedness, ready=prepared)
            )
        )
        later = min(1.0, team.preparedness + 0.25)
        readiness.append(
            PlannedReadiness(
                index,
                "after",
                -rng.randint(30, 120),
                _checklist(rng, later, ready=later >= PREPARED_FROM),
            )
        )

    staff_by_team: dict[int, list[tuple[int, RespondentGroup]]] = defaultdict(list)
    for m in plan.memberships:
        if m.team is None:
            continue
        if m.role in PSW_ROLES:
            staff_by_team[m.team].append((m.person, RespondentGroup.PSW))
        elif m.role in (RoleCode.TEAM_CLINICIAN, RoleCode.SUPERVISOR):
            staff_by_team[m.team].append((m.person, RespondentGroup.STAFF))
    codes = ("purpose_clear", "referrals_clear", "difference_clear", "included")
    pulse: list[PlannedPulseAnswer] = []
    for index, team in enumerate(plan.teams):
        for round_number in range(len(PULSE_ROUND_OFFSETS)):
            clear = min(0.95, 0.25 + team.preparedness * 0.5 + round_number * 0.1)
            for person, group in staff_by_team[index]:
                if rng.random() < 0.2:
                    continue  # did not answer this round
                answers = tuple(
                    (
                        code,
                        YES if (r := rng.random()) < clear else SOMEWHAT if r < clear + 0.3 else NO,
                    )
                    for code in codes
                )
                pulse.append(PlannedPulseAnswer(index, round_number, person, group, answers))

    return WorkforcePlan(
        sessions=tuple(sessions),
        peer_groups=tuple(peer_groups),
        cpd=tuple(cpd),
        terms=tuple(terms),
        resources=resources,
        readiness=tuple(readiness),
        pulse=tuple(pulse),
        lead=lead,
    )


def _bulk(model: type[models.Model], rows: list[Any]) -> list[Any]:
    return model._default_manager.bulk_create(rows, batch_size=1000)


def load_workforce(
    *,
    plan: Caseloads,
    seed: int,
    today: date,
    person_ids: Sequence[int],
    team_ids: Sequence[int],
) -> dict[str, int]:
    """Write the planned workforce records and return their counts, in the caller's transaction."""
    work = plan_workforce(plan, seed=seed)

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    def pid(index: int) -> int:
        return person_ids[index]

    region_ids = dict(
        Region.objects.filter(code__in=[r.code for r in plan.regions]).values_list("code", "pk")
    )
    region_of = [region_ids[r.code] for r in plan.regions]
    lead = pid(work.lead)

    _bulk(
        SupervisionSession,
        [
            SupervisionSession(
                date=day(s.offset),
                duration_minutes=s.minutes,
                supervisor_id=pid(s.supervisor),
                supervisor_discipline=s.discipline,
                supervisee_id=pid(s.supervisee),
                session_type=s.session_type,
                protected_time=s.protected,
                private_notes=s.notes,
                recorded_by_id=pid(s.supervisor),
            )
            for s in work.sessions
        ],
    )
    groups = _bulk(
        PeerGroupSession,
        [
            PeerGroupSession(
                region_id=region_of[g.region],
                date=day(g.offset),
                duration_minutes=g.minutes,
                facilitator_id=pid(g.facilitator),
                facilitator_discipline=Discipline.PEER,
                protected_time=g.protected,
                topic=g.topic,
                recorded_by_id=pid(g.facilitator),
            )
            for g in work.peer_groups
        ],
    )
    _bulk(
        PeerGroupAttendance,
        [
            PeerGroupAttendance(session_id=row.pk, person_id=pid(person))
            for row, g in zip(groups, work.peer_groups, strict=True)
            for person in g.attendees
        ],
    )
    events = _bulk(
        CpdEvent,
        [
            CpdEvent(title=title, provider=provider, hours=Decimal(hours), date=day(-220 + 40 * i))
            for i, (title, provider, hours) in enumerate(CPD_EVENTS)
        ],
    )
    _bulk(
        CpdRequest,
        [
            CpdRequest(
                person_id=pid(c.person),
                event_id=events[c.event].pk,
                reason="It would help me in my work with groups.",
                status=c.status,
                requested_on=day(c.requested_offset),
                decided_by_id=None if c.decided_by is None else pid(c.decided_by),
                decided_on=None if c.status == CpdStatus.REQUESTED else day(c.requested_offset + 7),
                decision_note=c.note,
            )
            for c in work.cpd
        ],
    )
    _bulk(
        WorkTerms,
        [
            WorkTerms(
                person_id=pid(t.person),
                grade=t.grade,
                contracted_hours=(t.fte * 39).quantize(Decimal("0.1")),
                fte=t.fte,
                start=t.start,
                end=t.end,
            )
            for t in work.terms
        ],
    )
    _bulk(
        WorkResources,
        [
            WorkResources(
                person_id=pid(person),
                desk=kit[0],
                computer=kit[1],
                phone=kit[2],
                printer=kit[3],
                checked_on=day(-30),
            )
            for person, kit in work.resources
        ],
    )
    _bulk(
        ReadinessChecklist,
        [
            ReadinessChecklist(
                team_id=team_ids[r.team],
                phase=r.phase,
                assessed_on=day(r.offset),
                recorded_by_id=lead,
                **r.checklist.__dict__,
            )
            for r in work.readiness
        ],
    )
    rounds = _bulk(
        PulseRound,
        [
            PulseRound(
                team_id=team_ids[team],
                instrument_code=PULSE_CODE,
                instrument_version=PULSE_VERSION,
                opened_on=day(offset),
                closes_on=day(offset + 14),
                opened_by_id=lead,
            )
            for team in range(len(plan.teams))
            for offset in PULSE_ROUND_OFFSETS
        ],
    )
    per_team = len(PULSE_ROUND_OFFSETS)
    _bulk(
        PulseResponse,
        [
            PulseResponse(
                round_id=rounds[a.team * per_team + a.round].pk,
                respondent_id=pid(a.person),
                group=a.group,
                answers=dict(a.answers),
                scores=score_pulse(dict(a.answers)).values(),
                answered_on=day(PULSE_ROUND_OFFSETS[a.round] + 3),
            )
            for a in work.pulse
        ],
    )
    _load_threads(plan, work, day, pid, region_of, lead)
    _load_guidance(day, lead)
    return work.counts() | {"threads": len(THREADS), "guidance_documents": len(GUIDANCE)}


def _load_threads(
    plan: Caseloads, work: WorkforcePlan, day: Any, pid: Any, region_of: list[int], lead: int
) -> None:
    authors = sorted({s.supervisee for s in work.sessions}) or [work.lead]
    for number, (region, title, body, replies) in enumerate(THREADS):
        thread = _bulk(
            Thread,
            [
                Thread(
                    region_id=None if region is None else region_of[region % len(region_of)],
                    title=title,
                    body=body,
                    author_id=pid(authors[number * 3 % len(authors)]),
                )
            ],
        )[0]
        _bulk(
            Reply,
            [
                Reply(
                    thread_id=thread.pk,
                    body=text,
                    author_id=pid(authors[(number * 3 + i + 1) % len(authors)]),
                )
                for i, text in enumerate(replies)
            ],
        )


def _load_guidance(day: Any, lead: int) -> None:
    tags: dict[str, int] = {}
    for title, tag_names, summary, versions in GUIDANCE:
        document = _bulk(
            GuidanceDocument, [GuidanceDocument(title=title, summary=summary, owner_id=lead)]
        )[0]
        for name in tag_names:
            if name not in tags:
                tags[name] = _bulk(GuidanceTag, [GuidanceTag(name=name)])[0].pk
        document.tags.add(*[tags[name] for name in tag_names])
        _bulk(
            GuidanceVersion,
            [
                GuidanceVersion(
                    document_id=document.pk,
                    number=number,
                    body=body,
                    change_note="First version."
                    if number == 1
                    else "Time for supervision is protected.",
                    published_on=day(-400 + 200 * number),
                    published_by_id=lead,
                )
                for number, body in enumerate(versions, start=1)
            ],
        )
