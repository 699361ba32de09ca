"""Practice figures counted ahead of time, and kept equal to the records as they change.

The impact report and the programme dashboard count referrals, first contacts, contacts by
setting and activity, endings and goals over a period, for the whole programme, a region or
some teams. At national scale that is millions of rows, so the counts are kept in
`PracticeCount` at five grains:

* raw grains, recounted from the records: per team per calendar month (`team-month`) and per
  region per day (`region-day`);
* derived grains, summed from the region days: per region per month, and for the whole
  programme per day and per month.

A period is answered from whole months plus the days of the partial months at its edges
(`counts`), so any place and period reads a few thousand rows at most; a team's partial months
are read from the records themselves, which for one team are few. Open episodes per worker and
team are kept in `CaseloadCount`.

Keeping them equal: a change to a record marks the buckets (place, period) it was in before and
is in after; at the end of the change the marked buckets are recounted from the records, in
the same transaction. Recounting, never adding or subtracting, makes a bucket's refresh
idempotent, so the same change may mark it twice (a signal and an action) at no risk. On
PostgreSQL a refresh takes an advisory lock per team, region, day and month it recounts, held to
the end of the transaction, so that two writers cannot each miss the other's record; SQLite has
one writer at a time anyway.

Marks come from model signals (`connect`, which catches every `save()` and `delete()`, including
deletes that cascade) and, for writes that bypass them (`QuerySet.update`, which
`core.records.update_versioned` uses), from the practice actions, which wrap such writes in
`tracking(obj)`. This is bookkeeping of derived data, not business logic. Bulk loads and raw SQL
bypass both: run `rebuild_all()` (or `alongside rollups rebuild`) after them.

A change to a team's caseloads (or a service user moving team) also appends a `FigureChange`
note for the team, as does the reports app when an administration changes
(`note_changed`); `version(teams)` names the newest, so that the measures figures, which cannot
be rolled up (people counted once over a period, first and latest scores), can be cached under
it. Contacts, referrals, goals and endings leave the notes alone: they do not feed those
figures, and at national scale they change every few seconds.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from alongside.organisation.models import Area, Team
from alongside.practice.models import (
    Activity,
    CaseloadEntry,
    CaseloadStatus,
    Contact,
    DeclineReason,
    Ending,
    Goal,
    Referral,
    ReferralStatus,
    ServiceUser,
)
from alongside.practice.models.rollups import CaseloadCount, FigureChange, Grain, PracticeCount
from alongside.practice.referral_queries import with_first_contact

REFERRALS = "referral"
FIRST_CONTACT = "first-contact"
SETTINGS = "setting"
ACTIVITIES = "activity"
ENDINGS = "ending"
GOALS = "goal"
FIGURES = (REFERRALS, FIRST_CONTACT, SETTINGS, ACTIVITIES, ENDINGS, GOALS)
NOT_APPROPRIATE_KEY = f"{ReferralStatus.DECLINED}:{DeclineReason.NOT_APPROPRIATE}"
OPEN_EPISODE = (CaseloadStatus.ACTIVE, CaseloadStatus.ON_HOLD, CaseloadStatus.ENDING)
PROGRAMME = 0
BATCH = 5000
# Notes are pruned to the newest per team once in this many, so the table stays small.
PRUNE_EVERY = 1000


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


# --- what is counted -------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One figure: the records it counts, where their team and date are, what keys them."""

    figure: str
    model: type[models.Model]
    team: str
    """Path from the record to its team (a relation, so `__area__region_id` reaches the region)."""
    date: str
    fields: tuple[str, ...]
    key: Callable[[tuple[Any, ...]], str]
    only: Q = field(default_factory=Q)

    @property
    def team_id(self) -> str:
        return f"{self.team}_id"

    @property
    def region_id(self) -> str:
        return f"{self.team}__area__region_id"

    def rows(self, where: Q) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(self.only, where).order_by()


def _referral_key(values: tuple[Any, ...]) -> str:
    status, reason = values
    if status == ReferralStatus.DECLINED and reason == DeclineReason.NOT_APPROPRIATE:
        return NOT_APPROPRIATE_KEY
    return str(status)


SOURCES: dict[str, Source] = {
    s.figure: s
    for s in (
        Source(
            REFERRALS, Referral, "team", "received_on", ("status", "decline_reason"), _referral_key
        ),
        Source(
            FIRST_CONTACT,
            Referral,
            "team",
            "received_on",
            (),
            lambda values: str(values[0]),
            ~Q(status=ReferralStatus.DECLINED),
        ),
        Source(SETTINGS, Contact, "service_user__team", "date", ("setting",), lambda v: str(v[0])),
        Source(
            ACTIVITIES,
            Contact.activities.through,
            "contact__service_user__team",
            "contact__date",
            ("activity_id",),
            lambda v: str(v[0]),
        ),
        Source(
            ENDINGS,
            Ending,
            "episode__service_user__team",
            "ended_on",
            ("now_community_activities",),
            lambda v: "community" if v[0] else "other",
        ),
        Source(
            GOALS,
            Goal,
            "service_user__team",
            "set_on",
            ("chime_domain", "status"),
            lambda v: f"{v[0]}:{v[1]}",
        ),
    )
}

Counted = Counter[tuple[int, dt.date | None, str]]
"""Counts by (place, period, key): place 0 and period None where not grouped by them."""
DAY = "day"
MONTH = "month"


def _period(day: dt.date, by: str | None) -> dt.date | None:
    if by is None:
        return None
    return month_of(day) if by == MONTH else day


def _grouped(source: Source, where: Q, *, place: str | None, period: str | None) -> Counted:
    """Count the source's records matching `where` by place (a path, or None for the whole
    programme), period (DAY, MONTH or None) and key.

    Counted in the database, except the days to first contact, which are worked out here from
    each referral's first contact date (as the referrals page shows it).
    """
    counted: Counted = Counter()
    rows = source.rows(where)
    if source.figure == FIRST_CONTACT:
        found = with_first_contact(rows).values_list(
            place or "team_id", source.date, "first_contact_on"
        )
        for where_id, received, first in found:
            if first is not None:
                key = source.key(((first - received).days,))
                counted[(where_id if place else PROGRAMME, _period(received, period), key)] += 1
        return counted
    dims: dict[str, Any] = {}
    if place:
        dims["rollup_place"] = F(place)
    if period == MONTH:
        dims["rollup_period"] = TruncMonth(source.date)
    elif period == DAY:
        dims["rollup_period"] = F(source.date)
    names = (*dims, *source.fields)
    grouped = rows.annotate(**dims).values_list(*names).annotate(rollup_n=Count("pk"))
    for row in grouped.values_list(*names, "rollup_n"):
        values = list(row)
        n = values.pop()
        where_id = values.pop(0) if place else PROGRAMME
        day = values.pop(0) if period else None
        counted[(where_id, day, source.key(tuple(values)))] += n
    return counted


def totals(source: Source, where: Q) -> Counter[str]:
    """The source's records matching `where`, counted by key only."""
    counted: Counter[str] = Counter()
    for (_, _, key), n in _grouped(source, where, place=None, period=None).items():
        counted[key] += n
    return counted


# --- refreshing ------------------------------------------------------------------------------


@dataclass
class Marks:
    """What a change touched: (team, date) per figure, caseloads of teams, whole regions."""

    figures: dict[str, set[tuple[int, dt.date]]] = field(default_factory=lambda: defaultdict(set))
    caseload_teams: set[int] = field(default_factory=set)
    regions: set[int] = field(default_factory=set)
    """Regions whose every day is recounted: a team moved in or out."""

    def add(self, figures: Iterable[str], team: int | None, day: dt.date | None) -> None:
        if team is None or day is None:
            return
        for figure in figures:
            self.figures[figure].add((team, day))

    def update(self, other: Marks) -> None:
        for figure, places in other.figures.items():
            self.figures[figure] |= places
        self.caseload_teams |= other.caseload_teams
        self.regions |= other.regions

    def __bool__(self) -> bool:
        return bool(self.caseload_teams or self.regions or any(self.figures.values()))


_deferred: contextvars.ContextVar[Marks | None] = contextvars.ContextVar(
    "practice_rollup_marks", default=None
)

# Advisory lock namespaces (PostgreSQL's two-integer form): one per kind of thing locked.
_LOCK_ALL = 0x50524100
_LOCK_TEAM = _LOCK_ALL + 1
_LOCK_REGION = _LOCK_ALL + 2
_LOCK_DAY = _LOCK_ALL + 3
_LOCK_MONTH = _LOCK_ALL + 4


def _lock(keys: Iterable[tuple[int, int]], *, everything: bool = False) -> None:
    """Hold PostgreSQL advisory locks on these keys to the end of the transaction.

    Every refresh holds the programme-wide lock shared; a rebuild holds it alone.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if everything:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_LOCK_ALL])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [_LOCK_ALL])
        for namespace, key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key])


def _either(queries: Iterable[Q | None]) -> Q | None:
    found = [q for q in queries if q is not None]
    return reduce(or_, found) if found else None


def _in_months(path: str, months: Iterable[dt.date]) -> Q:
    ranges = [
        Q(**{f"{path}__gte": month, f"{path}__lt": next_month(month)}) for month in sorted(months)
    ]
    return reduce(or_, ranges)


def _records_in(
    source: Source, place: str, periods: dict[int, set[dt.date]], *, by_month: bool
) -> Q:
    """The source's records in these places (team or region ids) and days or months."""
    found = _either(
        Q(**{place: where_id})
        & (
            _in_months(source.date, periods_of)
            if by_month
            else Q(**{f"{source.date}__in": sorted(periods_of)})
        )
        for where_id, periods_of in sorted(periods.items())
    )
    return Q(pk=None) if found is None else found


def _stored(grain: str, figure: str, periods: dict[int, set[dt.date]]) -> Q | None:
    """The stored counts of these places and periods."""
    return _either(
        Q(grain=grain, figure=figure, place=where_id, period__in=sorted(periods_of))
        for where_id, periods_of in sorted(periods.items())
    )


Row = tuple[str, int, dt.date, str, str, int]
_COLUMNS = ("grain", "place", "period", "figure", "key", "n")


def _write(rows: Sequence[Row]) -> None:
    """Insert counts: with COPY on PostgreSQL (a rebuild writes millions), else in batches."""
    if not rows:
        return
    table = connection.ops.quote_name(PracticeCount._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(_COLUMNS))
        for at in range(0, len(rows), BATCH):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                rows[at : at + BATCH],
            )


def _rows(grain: str, figure: str, counted: Counted) -> list[Row]:
    return [
        (str(grain), place, period, figure, key, n)
        for (place, period, key), n in counted.items()
        if n and period is not None
    ]


def _derived(where: Q, *, by_region: bool, period: str) -> dict[str, Counted]:
    """Sum the stored region days matching `where` into region months, programme days or
    programme months, per figure."""
    rows = PracticeCount.objects.filter(where, grain=Grain.REGION_DAY).order_by()
    dims: dict[str, Any] = {
        "rollup_period": TruncMonth("period") if period == MONTH else F("period")
    }
    if by_region:
        dims["rollup_place"] = F("place")
    names = ("figure", *dims, "key")
    grouped = rows.annotate(**dims).values_list(*names).annotate(total=Sum("n"))
    counted: dict[str, Counted] = defaultdict(Counter)
    for row in grouped.values_list(*names, "total"):
        figure, day, *rest = row
        place, key, total = (rest[0], rest[1], rest[2]) if by_region else (PROGRAMME, *rest)
        counted[figure][(place, day, key)] += total
    return counted


def _regions_of(teams: Iterable[int]) -> dict[int, int]:
    return dict(Team.objects.filter(pk__in=sorted(set(teams))).values_list("pk", "area__region_id"))


Places = dict[int, set[dt.date]]
"""Team or region ids, each with the months or days to recount."""


def _refresh(marks: Marks) -> None:
    """Recount every bucket the marks touch, finest first, and note the teams that changed."""
    regions_of = _regions_of(
        [team for places in marks.figures.values() for team, _ in places]
        + list(marks.caseload_teams)
    )
    keys = {(_LOCK_TEAM, team) for team in regions_of}
    keys |= {(_LOCK_REGION, region) for region in (*regions_of.values(), *marks.regions)}
    plans: dict[str, tuple[Places, Places]] = {}
    for figure in FIGURES:
        team_months: Places = defaultdict(set)
        region_days: Places = defaultdict(set)
        for team, day in marks.figures.get(figure, ()):
            if team not in regions_of:
                continue
            team_months[team].add(month_of(day))
            keys |= {(_LOCK_DAY, day.toordinal()), (_LOCK_MONTH, month_of(day).toordinal())}
            if regions_of[team] not in marks.regions:
                region_days[regions_of[team]].add(day)
        if team_months or marks.regions:
            plans[figure] = (team_months, region_days)
    with transaction.atomic():
        _lock(keys)
        if plans:
            _recount(plans, sorted(marks.regions))
        if marks.caseload_teams:
            _refresh_caseloads(marks.caseload_teams)
        # Only caseloads feed the cached measures tables; contacts and the rest do not.
        _note(marks.caseload_teams, everything=bool(marks.regions))


def _recount(plans: dict[str, tuple[Places, Places]], whole: list[int]) -> None:
    """Recount the planned team months and region days of each figure from the records (and
    every day of the `whole` regions), then the region months and programme days and months
    above them: a few statements for all the figures together."""
    stale: list[Q | None] = []
    fresh: list[Row] = []
    for figure, (team_months, region_days) in plans.items():
        source = SOURCES[figure]
        stale += [
            _stored(Grain.TEAM_MONTH, figure, team_months),
            _stored(Grain.REGION_DAY, figure, region_days),
        ]
        if team_months:
            where = _records_in(source, source.team_id, team_months, by_month=True)
            counted = _grouped(source, where, place=source.team_id, period=MONTH)
            fresh += _rows(Grain.TEAM_MONTH, figure, counted)
        day_scopes = [
            _records_in(source, source.region_id, region_days, by_month=False)
            if region_days
            else None,
            Q(**{f"{source.region_id}__in": whole}) if whole else None,
        ]
        for scope in day_scopes:
            if scope is not None:
                counted = _grouped(source, scope, place=source.region_id, period=DAY)
                fresh += _rows(Grain.REGION_DAY, figure, counted)
    if whole:
        stale.append(
            Q(grain__in=(Grain.REGION_DAY, Grain.REGION_MONTH), place__in=whole, figure__in=plans)
        )
    stale_q = _either(stale)
    if stale_q is not None:
        PracticeCount.objects.filter(stale_q).delete()
    _write(fresh)

    stale = []
    sums: dict[tuple[str, bool, str], list[Q | None]] = defaultdict(list)
    for figure, (_, region_days) in plans.items():
        region_months = {r: {month_of(d) for d in days} for r, days in region_days.items()}
        days = sorted({d for days_of in region_days.values() for d in days_of})
        months = sorted({month_of(d) for d in days})
        stale.append(_stored(Grain.REGION_MONTH, figure, region_months))
        sums[(Grain.REGION_MONTH, True, MONTH)] += [
            *(
                Q(figure=figure, place=r) & _in_months("period", ms)
                for r, ms in sorted(region_months.items())
            ),
            Q(figure=figure, place__in=whole) if whole else None,
        ]
        if days:
            stale.append(Q(grain=Grain.PROGRAMME_DAY, figure=figure, period__in=days))
            stale.append(Q(grain=Grain.PROGRAMME_MONTH, figure=figure, period__in=months))
            sums[(Grain.PROGRAMME_DAY, False, DAY)].append(Q(figure=figure, period__in=days))
            sums[(Grain.PROGRAMME_MONTH, False, MONTH)].append(
                Q(figure=figure) & _in_months("period", months)
            )
    derived: list[Row] = []
    for (grain, by_region, period), parts in sums.items():
        summed = _either(parts)
        if summed is None:
            continue
        for figure, counted in _derived(summed, by_region=by_region, period=period).items():
            derived += _rows(grain, figure, counted)
    stale_q = _either(stale)
    if stale_q is not None:
        PracticeCount.objects.filter(stale_q).delete()
    _write(derived)


def _refresh_caseloads(teams: set[int] | None) -> None:
    """Recount open episodes per worker for these teams' service users (None: every team)."""
    entries = CaseloadEntry.objects.filter(status__in=OPEN_EPISODE)
    stale = CaseloadCount.objects.all()
    if teams is not None:
        entries = entries.filter(service_user__team_id__in=sorted(teams))
        stale = stale.filter(team__in=sorted(teams))
    stale.delete()
    CaseloadCount.objects.bulk_create(
        (
            CaseloadCount(team=team, worker=worker, open_episodes=n)
            for team, worker, n in entries.order_by()
            .values_list("service_user__team_id", "worker_id")
            .annotate(n=Count("pk"))
            .values_list("service_user__team_id", "worker_id", "n")
        ),
        batch_size=BATCH,
    )


def _note(teams: set[int], *, everything: bool = False) -> None:
    notes = [FigureChange(team=team, token=secrets.token_hex(8)) for team in sorted(teams)]
    if everything:
        notes.append(FigureChange(team=None, token=secrets.token_hex(8)))
    made = FigureChange.objects.bulk_create(notes)
    if any(n.pk is not None and n.pk % PRUNE_EVERY == 0 for n in made):
        prune_notes()


def prune_notes() -> None:
    """Keep the newest note of each team (and of everything), so versions stay as they are."""
    newest = FigureChange.objects.values("team").annotate(newest=models.Max("pk")).values("newest")
    FigureChange.objects.exclude(pk__in=newest).delete()


def note_changed(teams: Iterable[int] | None) -> None:
    """Note that figures outside these rollups changed for these teams (None: everything).

    For the reports app's caches of measures figures, when an administration changes.
    """
    with transaction.atomic():
        if teams is None:
            _note(set(), everything=True)
        else:
            _note(set(teams))


def add_marks(marks: Marks) -> None:
    """Refresh what the marks touch now, or at the end of the current `deferred()` block."""
    if not marks:
        return
    pending = _deferred.get()
    if pending is not None:
        pending.update(marks)
        return
    _refresh(marks)


@contextmanager
def deferred() -> Iterator[None]:
    """Collect the marks of every change inside, and refresh once at the end (not on error)."""
    if _deferred.get() is not None:
        yield
        return
    marks = Marks()
    token = _deferred.set(marks)
    try:
        yield
    finally:
        _deferred.reset(token)
    _refresh(marks)


@contextmanager
def tracking(*records: models.Model) -> Iterator[None]:
    """For writes that send no signals (`update_versioned`): mark these records as they were
    before the block and as they are after it, and refresh at the end."""
    with deferred():
        for record in records:
            add_marks(marks_of(record))
        yield
        for record in records:
            add_marks(marks_of(record))


# --- what a record touches ---------------------------------------------------------------------


def _team_of_service_user(service_user_id: int | None) -> int | None:
    if service_user_id is None:
        return None
    return ServiceUser.objects.filter(pk=service_user_id).values_list("team_id", flat=True).first()


def _first_contact_marks(marks: Marks, service_user_id: int, worker_id: int, day: dt.date) -> None:
    """Referrals whose first contact a contact on `day` could be (or have been)."""
    for team, received in Referral.objects.filter(
        service_user_id=service_user_id, allocated_to_id=worker_id, received_on__lte=day
    ).values_list("team_id", "received_on"):
        marks.add((FIRST_CONTACT,), team, received)


def _contact_marks(
    marks: Marks, *, service_user_id: int | None, worker_id: int | None, day: dt.date | None
) -> None:
    team = _team_of_service_user(service_user_id)
    marks.add((SETTINGS, ACTIVITIES), team, day)
    if service_user_id is not None and worker_id is not None and day is not None:
        _first_contact_marks(marks, service_user_id, worker_id, day)


def marks_of(record: models.Model) -> Marks:
    """The buckets this record counts in, as it is now (in memory)."""
    marks = Marks()
    if isinstance(record, Contact):
        _contact_marks(
            marks,
            service_user_id=record.service_user_id,
            worker_id=record.worker_id,
            day=record.date,
        )
    elif isinstance(record, Referral):
        marks.add((REFERRALS, FIRST_CONTACT), record.team_id, record.received_on)
    elif isinstance(record, Goal):
        marks.add((GOALS,), _team_of_service_user(record.service_user_id), record.set_on)
    elif isinstance(record, Ending):
        service_user_id = (
            CaseloadEntry.objects.filter(pk=record.episode_id)
            .values_list("service_user_id", flat=True)
            .first()
        )
        marks.add((ENDINGS,), _team_of_service_user(service_user_id), record.ended_on)
    elif isinstance(record, CaseloadEntry):
        team = _team_of_service_user(record.service_user_id)
        if team is not None:
            marks.caseload_teams.add(team)
    return marks


def _service_user_marks(service_user_id: int, teams: Iterable[int]) -> Marks:
    """Everything of one service user's counted by their team, under each of `teams`."""
    marks = Marks()
    contact_days = set(
        Contact.objects.filter(service_user_id=service_user_id).values_list("date", flat=True)
    )
    goal_days = set(
        Goal.objects.filter(service_user_id=service_user_id).values_list("set_on", flat=True)
    )
    ending_days = set(
        Ending.objects.filter(episode__service_user_id=service_user_id).values_list(
            "ended_on", flat=True
        )
    )
    for team in teams:
        for day in contact_days:
            marks.add((SETTINGS, ACTIVITIES), team, day)
        for day in goal_days:
            marks.add((GOALS,), team, day)
        for day in ending_days:
            marks.add((ENDINGS,), team, day)
        marks.caseload_teams.add(team)
    return marks


@contextmanager
def tracking_service_user(service_user_id: int) -> Iterator[None]:
    """For writes to many of one person's records at once (anonymisation moves their dates):
    mark all their records before and after the block, and refresh at the end."""

    def everything_of() -> Marks:
        marks = Marks()
        team = _team_of_service_user(service_user_id)
        if team is None:
            return marks
        marks.update(_service_user_marks(service_user_id, [team]))
        for referral in Referral.objects.filter(service_user_id=service_user_id):
            marks.update(marks_of(referral))
        return marks

    with deferred():
        add_marks(everything_of())
        yield
        add_marks(everything_of())


# --- signals ------------------------------------------------------------------------------------

# The fields whose change moves a record between buckets (or changes its key).
WATCHED: dict[type[models.Model], frozenset[str]] = {
    Contact: frozenset({"service_user", "worker", "date", "setting"}),
    Referral: frozenset(
        {"team", "received_on", "status", "decline_reason", "service_user", "allocated_to"}
    ),
    Goal: frozenset({"service_user", "set_on", "chime_domain", "status"}),
    Ending: frozenset({"episode", "ended_on", "now_community_activities"}),
    CaseloadEntry: frozenset({"service_user", "worker", "status"}),
    ServiceUser: frozenset({"team"}),
    Team: frozenset({"area"}),
    Area: frozenset({"region"}),
}
_BEFORE = "_rollup_before"


def _watched(sender: type[models.Model], update_fields: Iterable[str] | None) -> bool:
    return update_fields is None or bool(WATCHED[sender] & set(update_fields))


def _saved_row(sender: type[models.Model], pk: Any) -> models.Model | None:
    return sender._default_manager.filter(pk=pk).first()


def _before_save(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    if not _watched(sender, kwargs.get("update_fields")):
        return
    instance.__dict__[_BEFORE] = _saved_row(sender, instance.pk)


def _region_of_area(area_id: int) -> int | None:
    return Area.objects.filter(pk=area_id).values_list("region_id", flat=True).first()


def _after_save(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    if raw or not _watched(sender, kwargs.get("update_fields")):
        return
    marks = Marks()
    if isinstance(instance, ServiceUser):
        if isinstance(before, ServiceUser) and before.team_id != instance.team_id:
            marks = _service_user_marks(instance.pk, [before.team_id, instance.team_id])
    elif isinstance(instance, Team):
        if isinstance(before, Team) and before.area_id != instance.area_id:
            regions = {_region_of_area(before.area_id), _region_of_area(instance.area_id)}
            if len(regions) > 1:
                marks.regions |= {r for r in regions if r is not None}
    elif isinstance(instance, Area):
        if isinstance(before, Area) and before.region_id != instance.region_id:
            marks.regions |= {before.region_id, instance.region_id}
    else:
        if before is not None:
            marks.update(marks_of(before))
        marks.update(marks_of(instance))
    add_marks(marks)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    add_marks(marks_of(instance))


def _contacts_marks(contact_ids: Iterable[int]) -> Marks:
    marks = Marks()
    for service_user_id, worker_id, day in Contact.objects.filter(
        pk__in=sorted(contact_ids)
    ).values_list("service_user_id", "worker_id", "date"):
        _contact_marks(marks, service_user_id=service_user_id, worker_id=worker_id, day=day)
    return marks


def _activities_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Contact):
            marks = Marks()
            marks.add((ACTIVITIES,), _team_of_service_user(instance.service_user_id), instance.date)
            add_marks(marks)
        return
    # From the activity's side: `pk_set` holds contacts, or (clearing) none, so look first.
    if action == "pre_clear":
        instance.__dict__[_BEFORE] = set(
            Contact.activities.through.objects.filter(activity_id=instance.pk).values_list(
                "contact_id", flat=True
            )
        )
    elif action == "post_clear":
        add_marks(_contacts_marks(instance.__dict__.pop(_BEFORE, set())))
    elif action in {"post_add", "post_remove"} and pk_set:
        add_marks(_contacts_marks(pk_set))


def _before_activity_delete(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    instance.__dict__[_BEFORE] = set(
        Contact.activities.through.objects.filter(activity_id=instance.pk).values_list(
            "contact_id", flat=True
        )
    )


def _after_activity_delete(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    contacts = instance.__dict__.pop(_BEFORE, set())
    marks = Marks()
    for service_user_id, day in Contact.objects.filter(pk__in=sorted(contacts)).values_list(
        "service_user_id", "date"
    ):
        marks.add((ACTIVITIES,), _team_of_service_user(service_user_id), day)
    add_marks(marks)


def connect() -> None:
    """Keep the rollups equal to the records on every save and delete (from `PracticeConfig`)."""
    uid = "practice-rollups"
    for model in WATCHED:
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre-{model.__name__}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post-{model.__name__}")
    for model in (Contact, Referral, Goal, Ending, CaseloadEntry):
        post_delete.connect(
            _after_delete, sender=model, dispatch_uid=f"{uid}-delete-{model.__name__}"
        )
    m2m_changed.connect(
        _activities_changed, sender=Contact.activities.through, dispatch_uid=f"{uid}-activities"
    )
    pre_delete.connect(_before_activity_delete, sender=Activity, dispatch_uid=f"{uid}-activity-0")
    post_delete.connect(_after_activity_delete, sender=Activity, dispatch_uid=f"{uid}-activity-1")


# --- rebuilding --------------------------------------------------------------------------------


def rebuild_all() -> dict[str, int]:
    """Recount every rollup from the records: after a bulk load, a restore or raw SQL.

    Returns how many rows each grain (and the caseload counts) now has.
    """
    written: Counter[str] = Counter()
    with transaction.atomic():
        _lock((), everything=True)
        PracticeCount.objects.all().delete()
        for figure, source in SOURCES.items():
            raw = (
                (Grain.TEAM_MONTH, source.team_id, MONTH),
                (Grain.REGION_DAY, source.region_id, DAY),
            )
            for grain, place, period in raw:
                rows = _rows(grain, figure, _grouped(source, Q(), place=place, period=period))
                _write(rows)
                written[grain] += len(rows)
        for grain, by_region, period in (
            (Grain.REGION_MONTH, True, MONTH),
            (Grain.PROGRAMME_DAY, False, DAY),
            (Grain.PROGRAMME_MONTH, False, MONTH),
        ):
            for figure, counted in _derived(Q(), by_region=by_region, period=period).items():
                rows = _rows(grain, figure, counted)
                _write(rows)
                written[grain] += len(rows)
        _refresh_caseloads(None)
        written["caseload"] = CaseloadCount.objects.count()
        FigureChange.objects.all().delete()
        _note(set(), everything=True)
    return dict(written)


def differences() -> list[str]:
    """Where the stored rollups differ from a recount of the records; empty when they agree."""
    problems: list[str] = []

    def compare(what: str, stored: Counter[Any], expected: Counter[Any]) -> None:
        for key in sorted(set(stored) | set(expected), key=str):
            if stored[key] != expected[key]:
                problems.append(f"{what} {key}: stored {stored[key]}, counted {expected[key]}")

    for figure, source in SOURCES.items():
        region_days = _grouped(source, Q(), place=source.region_id, period=DAY)
        expected: dict[str, Counted] = {
            Grain.TEAM_MONTH: _grouped(source, Q(), place=source.team_id, period=MONTH),
            Grain.REGION_DAY: region_days,
            Grain.REGION_MONTH: Counter(),
            Grain.PROGRAMME_DAY: Counter(),
            Grain.PROGRAMME_MONTH: Counter(),
        }
        for (region, day, key), n in region_days.items():
            assert day is not None
            expected[Grain.REGION_MONTH][(region, month_of(day), key)] += n
            expected[Grain.PROGRAMME_DAY][(PROGRAMME, day, key)] += n
            expected[Grain.PROGRAMME_MONTH][(PROGRAMME, month_of(day), key)] += n
        for grain, counted in expected.items():
            stored: Counted = Counter(
                {
                    (place, period, key): n
                    for place, period, key, n in PracticeCount.objects.filter(
                        grain=grain, figure=figure
                    ).values_list("place", "period", "key", "n")
                }
            )
            compare(f"{figure} {grain}", stored, Counter({k: n for k, n in counted.items() if n}))
    stored_caseloads = Counter(
        {
            (team, worker): n
            for team, worker, n in CaseloadCount.objects.values_list(
                "team", "worker", "open_episodes"
            )
        }
    )
    counted_caseloads = Counter(
        {
            (team, worker): n
            for team, worker, n in CaseloadEntry.objects.filter(status__in=OPEN_EPISODE)
            .order_by()
            .values_list("service_user__team_id", "worker_id")
            .annotate(n=Count("pk"))
            .values_list("service_user__team_id", "worker_id", "n")
        }
    )
    compare("caseload", stored_caseloads, counted_caseloads)
    return problems


def build_if_missing(**kwargs: Any) -> None:
    """After `migrate`: build the rollups of a database that has records but has never had
    them (one made before they existed), so upgrading needs no extra step."""
    if FigureChange.objects.exists():
        return
    if any(
        model._default_manager.exists()
        for model in (Referral, Contact, Goal, Ending, CaseloadEntry)
    ):
        rebuild_all()


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """A period cut into whole calendar months and the days of the months it cuts."""

    whole: tuple[dt.date | None, dt.date | None] | None
    """First and last whole month (None: open-ended); None when no month is whole."""
    partial: tuple[tuple[dt.date, dt.date], ...]
    """Inclusive day ranges of the cut months."""


def split(start: dt.date | None, end: dt.date | None) -> Split:
    if start is not None and end is not None and start > end:
        return Split(None, ())
    first = last = None
    if start is not None:
        first = start if start.day == 1 else next_month(month_of(start))
    if end is not None:
        month = month_of(end)
        last = month if next_month(month) - dt.timedelta(days=1) == end else None
        last = last or month_of(month - dt.timedelta(days=1))
    if start is not None and end is not None and first and last and first > last:
        return Split(None, ((start, end),))
    partial = []
    if start is not None and first is not None and start < first:
        partial.append((start, first - dt.timedelta(days=1)))
    if end is not None and last is not None and end >= next_month(last):
        partial.append((next_month(last), end))
    return Split((first, last), tuple(partial))


def _periods(split_: Split, *, months: str, days: str | None) -> Q | None:
    """Stored counts for the split: whole months of grain `months`, cut days of grain `days`."""
    parts: list[Q] = []
    if split_.whole is not None:
        first, last = split_.whole
        whole = Q(grain=months)
        if first is not None:
            whole &= Q(period__gte=first)
        if last is not None:
            whole &= Q(period__lte=last)
        parts.append(whole)
    if days is not None:
        parts += [Q(grain=days, period__gte=a, period__lte=b) for a, b in split_.partial]
    return _either(parts)


def counts(
    start: dt.date | None,
    end: dt.date | None,
    *,
    team_ids: Sequence[int] | None = None,
    region_id: int | None = None,
) -> dict[str, Counter[str]]:
    """Each figure's counts by key over [start, end] (either may be open).

    For these teams, or (no teams) this region, or (neither) the whole programme. One query,
    or with teams and a period that cuts a month, one more per figure for the records of the
    cut months: the same number whatever the size of the data.
    """
    result: dict[str, Counter[str]] = {figure: Counter() for figure in FIGURES}
    periods = split(start, end)
    if team_ids is not None:
        teams = sorted(set(team_ids))
        if not teams:
            return result
        stored = _periods(periods, months=Grain.TEAM_MONTH, days=None)
        if stored is not None:
            for figure, key, n in _summed(stored & Q(place__in=teams)):
                result[figure][key] += n
        if periods.partial:
            for figure, source in SOURCES.items():
                days = reduce(
                    or_,
                    (
                        Q(**{f"{source.date}__gte": a, f"{source.date}__lte": b})
                        for a, b in periods.partial
                    ),
                )
                result[figure].update(totals(source, Q(**{f"{source.team_id}__in": teams}) & days))
        return result
    if region_id is None:
        stored = _periods(periods, months=Grain.PROGRAMME_MONTH, days=Grain.PROGRAMME_DAY)
        place = PROGRAMME
    else:
        stored = _periods(periods, months=Grain.REGION_MONTH, days=Grain.REGION_DAY)
        place = region_id
    if stored is not None:
        for figure, key, n in _summed(stored & Q(place=place)):
            result[figure][key] += n
    return result


def _summed(where: Q) -> Iterator[tuple[str, str, int]]:
    yield from (
        PracticeCount.objects.filter(where)
        .order_by()
        .values_list("figure", "key")
        .annotate(total=Sum("n"))
        .values_list("figure", "key", "total")
    )


def caseload_sizes(team_ids: Sequence[int] | None = None) -> list[int]:
    """Open episodes per worker (among these teams' service users), one number per worker."""
    rows = CaseloadCount.objects.all()
    if team_ids is not None:
        rows = rows.filter(team__in=sorted(set(team_ids)))
    return [
        n
        for _, n in rows.order_by()
        .values_list("worker")
        .annotate(total=Sum("open_episodes"))
        .values_list("worker", "total")
        if n
    ]


def version(team_ids: Sequence[int] | None = None) -> str | None:
    """The newest change note for these teams (or anywhere), as text; None if there is none."""
    notes = FigureChange.objects.all()
    if team_ids is not None:
        notes = notes.filter(Q(team__in=sorted(set(team_ids))) | Q(team__isnull=True))
    newest = notes.order_by("-pk").values_list("pk", "token").first()
    return None if newest is None else f"{newest[0]}-{newest[1]}"
