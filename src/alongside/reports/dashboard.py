"""The programme dashboard's figures: aggregates only, small counts hidden, a fixed few queries.

Every table is a plain dict (`id`, `caption`, `headers`, `rows` of text), the same shape as the
report's tables, so the page, the CSV download and the charts show the same numbers.

At national scale the dashboard reads rollups, not records: practice figures and caseload sizes
come from `alongside.practice.rollups`, kept equal to the records as they change. The measures
tables (measures due, completed, reliable change) count people once over a period and compare
each person's first and latest score, which no rollup can hold; they are cached under the
change note of the teams shown (`rollups.version`), which every change to those teams'
caseloads, service users' teams and administrations (and to schedules and instruments, for
all teams) moves on, so a cached table is never read after its data changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from alongside.core.access import RoleCode
from alongside.core.disclosure import DEFAULT_THRESHOLD
from alongside.core.periods import current
from alongside.measures.models import Administration
from alongside.measures.queries import measures_due
from alongside.organisation.models import Membership, Team, TeamType
from alongside.practice import rollups
from alongside.practice.models import CaseloadEntry, CaseloadStatus, Contact, GroupSession
from alongside.reports import charts
from alongside.reports.assembly import Protector, percent, reliable_change_rows
from alongside.reports.charts import Chart
from alongside.reports.queries import practice_input, score_pairs
from alongside.workforce.tiles import WorkforceTiles, workforce_tiles

PSW_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)
OPEN = (CaseloadStatus.ACTIVE, CaseloadStatus.ON_HOLD, CaseloadStatus.ENDING)
CASELOAD_BANDS = ((1, 5), (6, 10), (11, 15), (16, 20), (21, None))
# How long a cached measures table is kept: it is keyed by the data's change note, so this only
# bounds the memory of tables nobody asks for again.
MEASURES_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Filters:
    region_id: int | None = None
    team_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Dashboard:
    tables: dict[str, dict[str, Any]]
    charts: dict[str, Chart]
    tiles: WorkforceTiles | None


def _t(value: int | float | None) -> str:
    if value is None:
        return "*"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _table(
    ident: str, caption: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]
) -> dict[str, Any]:
    return {
        "id": ident,
        "caption": caption,
        "headers": list(headers),
        "rows": [list(r) for r in rows],
    }


def team_ids(filters: Filters) -> list[int] | None:
    """The teams the filters keep, or None for the whole programme."""
    if filters.team_id is None and filters.region_id is None:
        return None
    teams = Team.objects.all()
    if filters.region_id is not None:
        teams = teams.filter(area__region_id=filters.region_id)
    if filters.team_id is not None:
        teams = teams.filter(pk=filters.team_id)
    return list(teams.values_list("pk", flat=True))


def build_dashboard(
    filters: Filters, *, threshold: int = DEFAULT_THRESHOLD, with_tiles: bool = True
) -> Dashboard:
    protect = Protector(suppress=True, threshold=threshold)
    teams = team_ids(filters)
    tables: dict[str, dict[str, Any]] = {}
    made: dict[str, Chart] = {}

    # Peer support workers: headcount and FTE by region and team type.
    memberships = Membership.objects.filter(current(), role__in=PSW_ROLES, team__isnull=False)
    if teams is not None:
        memberships = memberships.filter(team_id__in=teams)
    people: dict[tuple[str, str], set[int]] = defaultdict(set)
    fte: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    team_types = {code: str(label) for code, label in TeamType.choices}
    for person_id, region, team_type, hours in memberships.values_list(
        "person_id", "team__area__region__name", "team__team_type", "fte"
    ):
        key = (region, team_types.get(team_type, team_type))
        people[key].add(person_id)
        fte[key] += hours or Decimal(0)
    keys = sorted(people)
    shown, total = protect.row([len(people[k]) for k in keys])
    rows = [
        (region, kind, _t(n), "*" if n is None else f"{fte[(region, kind)]:.1f}")
        for (region, kind), n in zip(keys, shown, strict=True)
    ]
    rows.append(
        ("All", "", _t(total), "*" if total is None else f"{sum(fte.values(), Decimal(0)):.1f}")
    )
    tables["psws"] = _table(
        "psws",
        "Peer support workers by region and team type",
        ("Region", "Team type", "Headcount", "FTE"),
        rows,
    )
    by_region: dict[str, int] = defaultdict(int)
    for (region, _), members in people.items():
        by_region[region] += len(members)
    region_names = sorted(by_region)
    region_shown, _ = protect.row([by_region[r] for r in region_names])
    chart = charts.bar_chart(
        "psws-by-region",
        "Peer support workers by region",
        list(zip(region_names, region_shown, strict=True)),
    )
    made[chart.ident] = chart

    # Caseload sizes: open episodes per worker, banded.
    sizes = rollups.caseload_sizes(teams)
    band_counts = [
        sum(1 for s in sizes if s >= low and (high is None or s <= high))
        for low, high in CASELOAD_BANDS
    ]
    band_shown, workers = protect.row(band_counts)
    tables["caseloads"] = _table(
        "caseloads",
        "Caseload sizes (open episodes per peer support worker)",
        ("Caseload size", "Peer support workers"),
        [
            *(
                (f"{low} to {high}" if high else f"{low} or more", _t(n))
                for (low, high), n in zip(CASELOAD_BANDS, band_shown, strict=True)
            ),
            ("All", _t(workers)),
            (
                "Median caseload",
                _t(float(statistics.median(sizes))) if workers is not None and sizes else "*",
            ),
        ],
    )

    # Referrals, contacts and goals: the same figures as the report's practice section. A
    # region alone is read from its own rollups rather than from each of its teams'.
    if filters.team_id is None and filters.region_id is not None:
        practice = practice_input(filters.start, filters.end, region_id=filters.region_id)
    else:
        practice = practice_input(filters.start, filters.end, team_ids=teams)
    decided, received = protect.row(
        [
            practice.referrals_accepted,
            practice.declined_not_appropriate,
            practice.declined_other,
            practice.referrals_open,
        ]
    )
    with_contact = protect.one(len(practice.days_to_first_contact))
    median_days = (
        None
        if with_contact is None or not practice.days_to_first_contact
        else float(statistics.median(practice.days_to_first_contact))
    )
    tables["referrals"] = _table(
        "referrals",
        "Referrals",
        ("Measure", "Count"),
        [
            ("Received", _t(received)),
            ("Accepted", _t(decided[0])),
            ("Declined as not appropriate", _t(decided[1])),
            ("Declined for other reasons", _t(decided[2])),
            ("Awaiting a decision", _t(decided[3])),
            ("First contact made", _t(with_contact)),
            ("Median days to first contact", _t(median_days)),
        ],
    )
    chart = charts.funnel(
        "referral-funnel",
        "Referrals",
        [("Received", received), ("Accepted", decided[0]), ("First contact made", with_contact)],
    )
    made[chart.ident] = chart
    for ident, caption, pairs in (
        ("contacts-by-setting", "Contacts by setting", practice.contacts_by_setting),
        ("contacts-by-activity", "Contacts by activity", practice.contacts_by_activity),
    ):
        shown, total = protect.row([n for _, n in pairs])
        tables[ident] = _table(
            ident,
            caption,
            ("Category", "Contacts"),
            [
                *((name, _t(n)) for (name, _), n in zip(pairs, shown, strict=True)),
                ("All", _t(total)),
            ],
        )
        if ident == "contacts-by-setting":
            chart = charts.bar_chart(
                ident,
                caption,
                [(name, n) for (name, _), n in zip(pairs, shown, strict=True)],
                unit="contacts",
            )
            made[chart.ident] = chart
    goal_rows = []
    for domain, set_count, achieved in practice.goals_by_chime:
        (got, _), n = protect.row([achieved, set_count - achieved])
        goal_rows.append(
            (
                domain,
                _t(n),
                _t(got),
                _t(None if got is None or n is None else percent(achieved, set_count)),
            )
        )
    (got_all, _), set_all = protect.row(
        [practice.goals_achieved, practice.goals_set - practice.goals_achieved]
    )
    goal_rows.append(
        (
            "All goals",
            _t(set_all),
            _t(got_all),
            _t(
                None
                if got_all is None or set_all is None
                else percent(practice.goals_achieved, practice.goals_set)
            ),
        )
    )
    tables["goals"] = _table(
        "goals",
        "Recovery goals set in the period",
        ("CHIME process", "Set", "Achieved", "Percent achieved"),
        goal_rows,
    )

    # Groups and attendance.
    sessions = GroupSession.objects.all()
    group_contacts = Contact.objects.filter(group_session__isnull=False)
    if filters.start is not None:
        sessions = sessions.filter(date__gte=filters.start)
        group_contacts = group_contacts.filter(group_session__date__gte=filters.start)
    if filters.end is not None:
        sessions = sessions.filter(date__lte=filters.end)
        group_contacts = group_contacts.filter(group_session__date__lte=filters.end)
    if teams is not None:
        sessions = sessions.filter(programme__team_id__in=teams)
        group_contacts = group_contacts.filter(group_session__programme__team_id__in=teams)
    session_count = sessions.aggregate(n=Count("pk"), groups=Count("programme", distinct=True))
    attendance = group_contacts.aggregate(
        n=Count("pk"), people=Count("service_user", distinct=True)
    )
    tables["groups"] = _table(
        "groups",
        "Groups and attendance",
        ("Measure", "Count"),
        [
            ("Groups that met", str(session_count["groups"])),
            ("Sessions", str(session_count["n"])),
            ("Attendances", _t(protect.one(attendance["n"]))),
            ("People who attended", _t(protect.one(attendance["people"]))),
        ],
    )

    tables.update(measures_tables(filters, teams, threshold=threshold))

    tiles: WorkforceTiles | None = None
    if with_tiles:
        tiles = workforce_tiles(team_ids=teams)
    return Dashboard(tables=tables, charts=made, tiles=tiles)


def _measures_key(filters: Filters, teams: list[int] | None, threshold: int, version: str) -> str:
    scope = "all" if teams is None else ",".join(str(t) for t in sorted(teams))
    raw = f"{version}|{scope}|{filters.start}|{filters.end}|{threshold}|{timezone.localdate()}"
    return "reports:dashboard-measures:" + hashlib.sha256(raw.encode()).hexdigest()


def measures_tables(
    filters: Filters, teams: list[int] | None, *, threshold: int = DEFAULT_THRESHOLD
) -> dict[str, dict[str, Any]]:
    """The measures tables, from the cache while the teams' data has not changed since."""
    version = rollups.version(teams)
    if version is None:
        return _measures_tables(filters, teams, threshold=threshold)
    key = _measures_key(filters, teams, threshold, version)
    found: dict[str, dict[str, Any]] | None = cache.get(key)
    if found is None:
        found = _measures_tables(filters, teams, threshold=threshold)
        cache.set(key, found, MEASURES_CACHE_SECONDS)
    return found


def _measures_tables(
    filters: Filters, teams: list[int] | None, *, threshold: int
) -> dict[str, dict[str, Any]]:
    protect = Protector(suppress=True, threshold=threshold)
    entries = CaseloadEntry.objects.filter(status__in=OPEN)
    if teams is not None:
        entries = entries.filter(service_user__team_id__in=teams)
    # Passed as a query, not a list: measures_due then reads with a join, not with a list of
    # every open person's id (150,000 of them at national scale).
    open_people = entries.order_by().values_list("service_user_id", flat=True).distinct()
    due = measures_due(open_people)  # type: ignore[arg-type]
    done = Administration.objects.all()
    if filters.start is not None:
        done = done.filter(administered_on__gte=filters.start)
    if filters.end is not None:
        done = done.filter(administered_on__lte=filters.end)
    if teams is not None:
        done = done.filter(service_user__team_id__in=teams)
    completed = done.aggregate(n=Count("pk"), people=Count("service_user", distinct=True))
    outcomes = score_pairs(filters.start, filters.end, team_ids=teams)
    return {
        "measures": _table(
            "measures",
            "Measures due and completed",
            ("Measure", "Count"),
            [
                ("People on a caseload with a measure due now", _t(protect.one(len(due)))),
                ("Measures completed in the period", _t(protect.one(completed["n"]))),
                ("People who completed a measure", _t(protect.one(completed["people"]))),
            ],
        ),
        "reliable-change": _table(
            "reliable-change",
            "Reliable change from first to latest score",
            (
                "Measure",
                "People",
                "Reliably improved",
                "No reliable change",
                "Reliably deteriorated",
            ),
            reliable_change_rows(outcomes, protect),
        ),
    }
