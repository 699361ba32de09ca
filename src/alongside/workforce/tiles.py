"""Workforce figures for the programme lead: what the workforce pages and the reports' dashboard
tiles show. Each function returns plain dataclasses, counts never names, computed in a few
grouped queries whatever the size of the programme.

* supervision coverage: peer support workers who had supervision (one-to-one, or a peer group
  they attended) in the last N weeks, and the share of supervision given by peers;
* CPD access: peer support workers with a CPD request approved or completed in the last year;
* readiness by team: each team's latest readiness score beside its referrals and the share
  declined as not appropriate;
* role understanding: the pulse score per team and round (shown only with enough answers);
* resource gaps: how many peer support workers lack a desk, a computer, a phone or a printer.

Each takes `team_ids`: with it, only those teams' peer support workers (and their sessions,
requests, referrals and answers) are counted, as the programme dashboard's filters ask.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone

from alongside.core.access import RoleCode
from alongside.core.periods import current
from alongside.organisation.models import Discipline, Membership, Team
from alongside.practice.models import DeclineReason, Referral, ReferralStatus
from alongside.workforce.models import (
    ACCESS_STATUSES,
    CpdRequest,
    CpdStatus,
    PeerGroupAttendance,
    PulseResponse,
    ReadinessChecklist,
    ReadinessPhase,
    SupervisionSession,
    WorkResources,
)
from alongside.workforce.pulse import SCORE
from alongside.workforce.readiness import READY_FROM, Checklist, readiness_band, readiness_score

PSW_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)
DEFAULT_WEEKS = 8
CPD_WINDOW_DAYS = 365
# A team's pulse score is shown only when at least this many people answered, so that no one's
# answers can be read off a team's figure.
MIN_PULSE_RESPONSES = 3


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return None if whole == 0 else part / whole


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


TeamIds = Sequence[int] | None
"""Teams to count, or None for the whole programme."""
PswTeams = dict[int, tuple[int, str, str]]
"""Each current PSW's person id -> (team id, team name, region name)."""


def _psw_teams(team_ids: TeamIds = None) -> PswTeams:
    """Each current PSW's person id -> (team id, team name, region name), first team kept.

    With `team_ids`, the PSWs whose first team is one of them.
    """
    rows = (
        Membership.objects.filter(current(), role__in=PSW_ROLES, team__isnull=False)
        .order_by("person_id", "start", "pk")
        .values_list("person_id", "team_id", "team__name", "team__area__region__name")
    )
    teams: dict[int, tuple[int, str, str]] = {}
    for person_id, team_id, team_name, region_name in rows:
        teams.setdefault(person_id, (team_id, team_name, region_name))
    if team_ids is not None:
        kept = set(team_ids)
        teams = {person: team for person, team in teams.items() if team[0] in kept}
    return teams


# --- supervision coverage --------------------------------------------------------------------


@dataclass(frozen=True)
class TeamCoverage:
    team: str
    region: str
    psws: int
    covered: int

    @property
    def share(self) -> float | None:
        return share(self.covered, self.psws)


@dataclass(frozen=True)
class SupervisionCoverage:
    weeks: int
    since: dt.date
    psws: int
    covered: int
    sessions: int
    peer_sessions: int
    protected_sessions: int
    by_team: tuple[TeamCoverage, ...] = ()

    @property
    def share_covered(self) -> float | None:
        return share(self.covered, self.psws)

    @property
    def share_by_peers(self) -> float | None:
        return share(self.peer_sessions, self.sessions)

    @property
    def share_protected(self) -> float | None:
        return share(self.protected_sessions, self.sessions)


def supervised_since(since: dt.date, person_ids: set[int] | None = None) -> set[int]:
    """People who had one-to-one supervision or attended a peer group on or after `since`.

    Kept to `person_ids` here rather than in the query: thousands of ids cost more to send
    than the few weeks' sessions they would leave out.
    """
    one_to_one = SupervisionSession.objects.filter(date__gte=since).order_by()
    groups = PeerGroupAttendance.objects.filter(session__date__gte=since).order_by()
    found = set(one_to_one.values_list("supervisee_id", flat=True).distinct()) | set(
        groups.values_list("person_id", flat=True).distinct()
    )
    return found if person_ids is None else found & person_ids


def supervision_coverage(
    *,
    weeks: int = DEFAULT_WEEKS,
    today: dt.date | None = None,
    team_ids: TeamIds = None,
    psws: PswTeams | None = None,
) -> SupervisionCoverage:
    """Who had supervision in the last `weeks` weeks, programme-wide and by team.

    Sessions count one per supervisee for one-to-one supervision and one per attendee for a
    peer group; a session is "by a peer" when its supervisor or facilitator is in peer support.
    With `team_ids`, only sessions of those teams' peer support workers count. `psws` is
    `_psw_teams(team_ids)` when the caller has it already.
    """
    since = _today(today) - timedelta(weeks=weeks)
    teams = _psw_teams(team_ids) if psws is None else psws
    covered = supervised_since(since, set(teams))
    one_to_one_sessions = SupervisionSession.objects.filter(date__gte=since)
    attendances = PeerGroupAttendance.objects.filter(session__date__gte=since)
    if team_ids is not None:
        one_to_one_sessions = one_to_one_sessions.filter(supervisee_id__in=sorted(teams))
        attendances = attendances.filter(person_id__in=sorted(teams))
    one_to_one = one_to_one_sessions.aggregate(
        n=Count("pk"),
        peer=Count("pk", filter=Q(supervisor_discipline=Discipline.PEER)),
        protected=Count("pk", filter=Q(protected_time=True)),
    )
    group = attendances.aggregate(
        n=Count("pk"),
        peer=Count("pk", filter=Q(session__facilitator_discipline=Discipline.PEER)),
        protected=Count("pk", filter=Q(session__protected_time=True)),
    )
    per_team: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for person_id, (_, team_name, region_name) in teams.items():
        counts = per_team[(region_name, team_name)]
        counts[0] += 1
        counts[1] += person_id in covered
    return SupervisionCoverage(
        weeks=weeks,
        since=since,
        psws=len(teams),
        covered=len(covered),
        sessions=one_to_one["n"] + group["n"],
        peer_sessions=one_to_one["peer"] + group["peer"],
        protected_sessions=one_to_one["protected"] + group["protected"],
        by_team=tuple(
            TeamCoverage(team=team, region=region, psws=n, covered=c)
            for (region, team), (n, c) in sorted(per_team.items())
        ),
    )


# --- CPD access ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionCpd:
    region: str
    psws: int
    with_access: int

    @property
    def rate(self) -> float | None:
        return share(self.with_access, self.psws)


@dataclass(frozen=True)
class CpdAccess:
    since: dt.date
    psws: int
    with_access: int
    awaiting_decision: int
    hours_completed: float
    by_region: tuple[RegionCpd, ...] = ()

    @property
    def rate(self) -> float | None:
        return share(self.with_access, self.psws)


def cpd_access(
    *,
    today: dt.date | None = None,
    days: int = CPD_WINDOW_DAYS,
    team_ids: TeamIds = None,
    psws: PswTeams | None = None,
) -> CpdAccess:
    """The programme's CPD access rate: current PSWs with CPD approved or done in the window."""
    since = _today(today) - timedelta(days=days)
    teams = _psw_teams(team_ids) if psws is None else psws
    # The year's requests, kept to the PSWs here (see `supervised_since`).
    recent = [
        (person, status, hours)
        for person, status, hours in CpdRequest.objects.filter(event__date__gte=since)
        .order_by()
        .values_list("person_id", "status", "event__hours")
        if person in teams
    ]
    with_access = {person for person, status, _ in recent if status in ACCESS_STATUSES}
    hours = sum(float(h) for _, status, h in recent if status == CpdStatus.COMPLETED)
    per_region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for person_id, (_, _, region) in teams.items():
        per_region[region][0] += 1
        per_region[region][1] += person_id in with_access
    awaiting = CpdRequest.objects.filter(status=CpdStatus.REQUESTED)
    if team_ids is None:
        awaiting_decision = awaiting.count()
    else:
        awaiting_decision = sum(
            person in teams for person in awaiting.values_list("person_id", flat=True)
        )
    return CpdAccess(
        since=since,
        psws=len(teams),
        with_access=len(with_access),
        awaiting_decision=awaiting_decision,
        hours_completed=hours,
        by_region=tuple(
            RegionCpd(region=region, psws=n, with_access=c)
            for region, (n, c) in sorted(per_region.items())
        ),
    )


# --- readiness beside referrals -------------------------------------------------------------


@dataclass(frozen=True)
class TeamReadiness:
    team_id: int
    team: str
    region: str
    before_score: int | None
    after_score: int | None
    assessed_on: dt.date | None
    referrals: int
    declined_not_appropriate: int

    @property
    def score(self) -> int | None:
        """The latest assessment's score: after placement if there is one, else before."""
        return self.after_score if self.after_score is not None else self.before_score

    @property
    def band(self) -> str:
        return "not assessed" if self.score is None else readiness_band(self.score)

    @property
    def prepared_in_advance(self) -> bool:
        return self.before_score is not None and self.before_score >= READY_FROM

    @property
    def not_appropriate_share(self) -> float | None:
        return share(self.declined_not_appropriate, self.referrals)


@dataclass(frozen=True)
class GroupComparison:
    label: str
    teams: int
    referrals: int
    declined_not_appropriate: int
    mean_referrals: float | None

    @property
    def not_appropriate_share(self) -> float | None:
        return share(self.declined_not_appropriate, self.referrals)


@dataclass(frozen=True)
class ReadinessView:
    teams: tuple[TeamReadiness, ...]
    prepared: GroupComparison
    not_prepared: GroupComparison
    assessed_teams: int = 0
    regions: tuple[str, ...] = field(default_factory=tuple)


def checklist_of(row: ReadinessChecklist) -> Checklist:
    return Checklist(
        team_briefed=row.team_briefed,
        staff_trained_percent=row.staff_trained_percent,
        management_endorsement=row.management_endorsement,
        clinical_lead_endorsement=row.clinical_lead_endorsement,
        job_description_shared=row.job_description_shared,
        supervision_arranged=row.supervision_arranged,
        resources_in_place=row.resources_in_place,
    )


def _compare(label: str, rows: list[TeamReadiness]) -> GroupComparison:
    referrals = sum(r.referrals for r in rows)
    return GroupComparison(
        label=label,
        teams=len(rows),
        referrals=referrals,
        declined_not_appropriate=sum(r.declined_not_appropriate for r in rows),
        mean_referrals=None if not rows else referrals / len(rows),
    )


def readiness_by_team(*, team_ids: TeamIds = None) -> ReadinessView:
    """Every team (or these) with its latest readiness scores, referral volume and
    inappropriate share."""
    checklists = ReadinessChecklist.objects.all()
    referrals = Referral.objects.order_by()
    teams = Team.objects.select_related("area__region")
    if team_ids is not None:
        checklists = checklists.filter(team_id__in=sorted(set(team_ids)))
        referrals = referrals.filter(team_id__in=sorted(set(team_ids)))
        teams = teams.filter(pk__in=sorted(set(team_ids)))
    latest: dict[tuple[int, str], ReadinessChecklist] = {}
    for row in checklists.order_by("team_id", "phase", "-assessed_on", "-pk"):
        latest.setdefault((row.team_id, row.phase), row)
    referral_counts: dict[int, int] = {}
    not_appropriate: dict[int, int] = {}
    for team_id, n, declined in (
        referrals.values_list("team_id")
        .annotate(
            n=Count("pk"),
            declined=Count(
                "pk",
                filter=Q(
                    status=ReferralStatus.DECLINED, decline_reason=DeclineReason.NOT_APPROPRIATE
                ),
            ),
        )
        .values_list("team_id", "n", "declined")
    ):
        referral_counts[team_id] = n
        not_appropriate[team_id] = declined
    rows: list[TeamReadiness] = []
    for team in teams.order_by("area__region__name", "name"):
        before = latest.get((team.pk, ReadinessPhase.BEFORE))
        after = latest.get((team.pk, ReadinessPhase.AFTER))
        dates = [c.assessed_on for c in (before, after) if c is not None]
        rows.append(
            TeamReadiness(
                team_id=team.pk,
                team=team.name,
                region=team.area.region.name,
                before_score=None if before is None else readiness_score(checklist_of(before)),
                after_score=None if after is None else readiness_score(checklist_of(after)),
                assessed_on=max(dates) if dates else None,
                referrals=referral_counts.get(team.pk, 0),
                declined_not_appropriate=not_appropriate.get(team.pk, 0),
            )
        )
    assessed = [r for r in rows if r.score is not None]
    return ReadinessView(
        teams=tuple(rows),
        prepared=_compare(
            "Prepared before placement", [r for r in assessed if r.prepared_in_advance]
        ),
        not_prepared=_compare(
            "Not prepared before placement", [r for r in assessed if not r.prepared_in_advance]
        ),
        assessed_teams=len(assessed),
        regions=tuple(sorted({r.region for r in rows})),
    )


# --- role understanding ----------------------------------------------------------------------


@dataclass(frozen=True)
class PulsePoint:
    round_id: int
    opened_on: dt.date
    responses: int
    score: float | None
    """Mean understanding score 0-100, or None when too few answered to show it."""


@dataclass(frozen=True)
class TeamPulse:
    team_id: int
    team: str
    region: str
    points: tuple[PulsePoint, ...]

    @property
    def latest(self) -> float | None:
        shown = [p.score for p in self.points if p.score is not None]
        return shown[-1] if shown else None

    @property
    def change(self) -> float | None:
        """Latest shown score minus the first shown: the trend in points."""
        shown = [p.score for p in self.points if p.score is not None]
        return shown[-1] - shown[0] if len(shown) >= 2 else None


@dataclass(frozen=True)
class RoleUnderstanding:
    teams: tuple[TeamPulse, ...]
    staff_mean: float | None
    psw_mean: float | None
    responses: int


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def role_understanding(*, team_ids: TeamIds = None) -> RoleUnderstanding:
    """Pulse scores per team and round, and programme means for staff and for PSWs."""
    by_round: dict[int, list[float]] = defaultdict(list)
    rounds: dict[int, tuple[int, str, str, dt.date]] = {}
    by_group: dict[str, list[float]] = defaultdict(list)
    responses = PulseResponse.objects.all()
    if team_ids is not None:
        responses = responses.filter(round__team_id__in=sorted(set(team_ids)))
    rows = responses.values_list(
        "round_id",
        "round__team_id",
        "round__team__name",
        "round__team__area__region__name",
        "round__opened_on",
        "group",
        "scores",
    )
    for round_id, team_id, team, region, opened_on, group, scores in rows:
        rounds[round_id] = (team_id, team, region, opened_on)
        value = scores.get(SCORE) if isinstance(scores, dict) else None
        if isinstance(value, int | float):
            by_round[round_id].append(float(value))
            by_group[group].append(float(value))
    per_team: dict[tuple[str, str, int], list[PulsePoint]] = defaultdict(list)
    for round_id, (team_id, team, region, opened_on) in rounds.items():
        values = by_round[round_id]
        per_team[(region, team, team_id)].append(
            PulsePoint(
                round_id=round_id,
                opened_on=opened_on,
                responses=len(values),
                score=_mean(values) if len(values) >= MIN_PULSE_RESPONSES else None,
            )
        )
    return RoleUnderstanding(
        teams=tuple(
            TeamPulse(
                team_id=team_id,
                team=team,
                region=region,
                points=tuple(sorted(points, key=lambda p: (p.opened_on, p.round_id))),
            )
            for (region, team, team_id), points in sorted(per_team.items())
        ),
        staff_mean=_mean(by_group["staff"]),
        psw_mean=_mean(by_group["psw"]),
        responses=sum(len(v) for v in by_round.values()),
    )


# --- resources -------------------------------------------------------------------------------


def gap_label(*, desk: bool, computer: bool, phone: bool, printer: bool) -> str:
    """How a person's equipment reads to a lead: "fully equipped", "phone only", "no desk"..."""
    have = {"desk": desk, "computer": computer, "phone": phone, "printer": printer}
    held = [name for name, has in have.items() if has]
    if len(held) == len(have):
        return "fully equipped"
    if not held:
        return "nothing"
    if len(held) == 1:
        return f"{held[0]} only"
    return ", ".join(f"no {name}" for name, has in have.items() if not has)


@dataclass(frozen=True)
class ResourceGaps:
    psws: int
    recorded: int
    fully_equipped: int
    by_gap: tuple[tuple[str, int], ...]
    """Each gap label other than "fully equipped", with how many PSWs have it, most first."""
    missing: tuple[tuple[str, int], ...]
    """Each resource, with how many PSWs (of those recorded) lack it."""


def resource_gaps(*, team_ids: TeamIds = None, psws: PswTeams | None = None) -> ResourceGaps:
    teams = _psw_teams(team_ids) if psws is None else psws
    rows = WorkResources.objects.filter(person_id__in=teams).values_list(
        "desk", "computer", "phone", "printer"
    )
    labels: dict[str, int] = defaultdict(int)
    lacking = {"desk": 0, "computer": 0, "phone": 0, "printer": 0}
    recorded = 0
    for desk, computer, phone, printer in rows:
        recorded += 1
        labels[gap_label(desk=desk, computer=computer, phone=phone, printer=printer)] += 1
        for name, has in zip(lacking, (desk, computer, phone, printer), strict=True):
            lacking[name] += not has
    full = labels.pop("fully equipped", 0)
    return ResourceGaps(
        psws=len(teams),
        recorded=recorded,
        fully_equipped=full,
        by_gap=tuple(sorted(labels.items(), key=lambda item: (-item[1], item[0]))),
        missing=tuple(lacking.items()),
    )


class WorkforceTiles:
    """Everything the programme dashboard and the workforce overview show about the workforce.

    Each part is counted when it is first read, so a page pays only for what it shows.
    """

    def __init__(
        self, *, weeks: int = DEFAULT_WEEKS, today: dt.date | None = None, team_ids: TeamIds = None
    ) -> None:
        self.weeks = weeks
        self.today = today
        self.team_ids = None if team_ids is None else tuple(team_ids)

    @cached_property
    def psws(self) -> PswTeams:
        return _psw_teams(self.team_ids)

    @cached_property
    def supervision(self) -> SupervisionCoverage:
        return supervision_coverage(
            weeks=self.weeks, today=self.today, team_ids=self.team_ids, psws=self.psws
        )

    @cached_property
    def cpd(self) -> CpdAccess:
        return cpd_access(today=self.today, team_ids=self.team_ids, psws=self.psws)

    @cached_property
    def readiness(self) -> ReadinessView:
        return readiness_by_team(team_ids=self.team_ids)

    @cached_property
    def role_understanding(self) -> RoleUnderstanding:
        return role_understanding(team_ids=self.team_ids)

    @cached_property
    def resources(self) -> ResourceGaps:
        return resource_gaps(team_ids=self.team_ids, psws=self.psws)


def workforce_tiles(
    *, weeks: int = DEFAULT_WEEKS, today: dt.date | None = None, team_ids: TeamIds = None
) -> WorkforceTiles:
    """The workforce figures, for the whole programme or (with `team_ids`) some teams."""
    return WorkforceTiles(weeks=weeks, today=today, team_ids=team_ids)
