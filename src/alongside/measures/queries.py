"""Reading measures: what is due, a person's scores over time, and programme aggregates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from alongside.measures import change
from alongside.measures.definitions import Instrument, version_key
from alongside.measures.models import Administration, InstrumentVersion, Schedule, TextPack
from alongside.measures.textpacks import DisplayInstrument, TextPackError, display_instrument
from alongside.practice.models import CaseloadEntry, CaseloadStatus

# An ending is marked due while the episode is "ending", unless one was given this recently.
ENDING_WINDOW = dt.timedelta(weeks=4)
# Groups with fewer complete pairs than this are not shown (small-cell suppression).
MIN_GROUP = 5
# Who may be asked to answer an instrument about themselves.
SERVICE_USER_RESPONDENTS = {"", "service_user", "anyone"}


def latest_versions() -> list[InstrumentVersion]:
    """The newest loaded version of each instrument, by code."""
    newest: dict[str, InstrumentVersion] = {}
    for row in InstrumentVersion.objects.prefetch_related("text_packs"):
        known = newest.get(row.code)
        if known is None or version_key(row.version) > version_key(known.version):
            newest[row.code] = row
    return [newest[code] for code in sorted(newest)]


def latest_version(code: str) -> InstrumentVersion | None:
    rows = [r for r in latest_versions() if r.code == code]
    return rows[0] if rows else None


def for_service_users(rows: Iterable[InstrumentVersion]) -> list[InstrumentVersion]:
    return [row for row in rows if row.respondent in SERVICE_USER_RESPONDENTS]


def pack_for(row: InstrumentVersion) -> TextPack | None:
    """The organisation's most recently loaded pack for this version, for licensed wording.

    Chosen in Python from `row.text_packs.all()`, so rows read with their packs prefetched (as
    `latest_versions` does) cost no query each.
    """
    if row.ships_text:
        return None
    return max(row.text_packs.all(), key=lambda pack: (pack.loaded_at, pack.pk), default=None)


@dataclass(frozen=True)
class Displayable:
    row: InstrumentVersion
    instrument: Instrument
    pack: TextPack | None
    display: DisplayInstrument | None
    problem: str | None


def displayable(row: InstrumentVersion) -> Displayable:
    """The instrument ready to show, or why it cannot be shown (no text pack loaded)."""
    instrument = row.instrument()
    pack = pack_for(row)
    try:
        display = display_instrument(instrument, pack.text_pack() if pack else None)
    except TextPackError:
        return Displayable(
            row,
            instrument,
            pack,
            None,
            f"{instrument.title} is a licensed instrument and no text pack with its wording "
            "is loaded, so it cannot be used yet. An administrator loads the organisation's "
            "pack with `alongside instrument textpack FILE`.",
        )
    return Displayable(row, instrument, pack, display, None)


# --- what is due ---------------------------------------------------------------------------------


def measures_due(service_user_ids: list[int]) -> dict[int, list[str]]:
    """For the caseload's "Measures due" column: three queries whatever the number of people."""
    if not service_user_ids:
        return {}
    newest_title = InstrumentVersion.objects.filter(code=OuterRef("instrument_code")).order_by(
        "-loaded_at"
    )
    schedules = list(
        Schedule.objects.filter(active=True).annotate(
            title=Subquery(newest_title.values("title")[:1])
        )
    )
    if not schedules:
        return {}
    codes = [s.instrument_code for s in schedules]
    titles = {s.instrument_code: s.title for s in schedules if s.title}
    episodes: dict[int, tuple[dt.date, str]] = {}
    for su_id, start, status in CaseloadEntry.objects.filter(
        service_user_id__in=service_user_ids, end__isnull=True
    ).values_list("service_user_id", "start", "status"):
        earlier = episodes.get(su_id)
        if earlier is None or start < earlier[0]:
            episodes[su_id] = (start, status)
        elif status == CaseloadStatus.ENDING:
            episodes[su_id] = (earlier[0], status)
    last: dict[tuple[int, str], dt.date] = {
        (su_id, code): on
        for su_id, code, on in Administration.objects.filter(
            service_user_id__in=service_user_ids, instrument_version__code__in=codes
        )
        .values("service_user_id", "instrument_version__code")
        .annotate(last=Max("administered_on"))
        .values_list("service_user_id", "instrument_version__code", "last")
    }
    today = timezone.localdate()
    due: dict[int, list[str]] = {}
    for su_id in service_user_ids:
        if su_id not in episodes:
            continue
        start, status = episodes[su_id]
        for schedule in schedules:
            title = titles.get(schedule.instrument_code)
            if title is None:
                continue
            reason = _due_reason(
                schedule, start, status, last.get((su_id, schedule.instrument_code)), today
            )
            if reason:
                due.setdefault(su_id, []).append(f"{title} ({reason})")
    return due


def _due_reason(
    schedule: Schedule, start: dt.date, status: str, last: dt.date | None, today: dt.date
) -> str | None:
    ending = schedule.at_ending and status == CaseloadStatus.ENDING
    if ending and (last is None or last < today - ENDING_WINDOW):
        return "ending"
    if last is None or last < start:
        return "first contact" if schedule.at_first_contact else None
    if schedule.every_n_weeks and last + dt.timedelta(weeks=schedule.every_n_weeks) <= today:
        return "review"
    return None


# --- a person's scores over time -----------------------------------------------------------------


@dataclass
class ScoreSeries:
    code: str
    label: str
    low: float
    high: float
    better: str
    points: list[tuple[dt.date, float]] = field(default_factory=list)
    band_half_width: float | None = None
    classification: change.ChangeClassification | None = None
    norms_source: str | None = None
    reliability_kind: str | None = None


@dataclass
class InstrumentHistory:
    code: str
    title: str
    administrations: list[Administration]
    series: list[ScoreSeries]


def person_history(administrations: QuerySet[Administration]) -> list[InstrumentHistory]:
    """Each instrument's scores over time, scored by the version each was given under.

    The chart and the change statistics use the newest version's score rules and norms; scores
    from older versions are plotted where the score code still exists.
    """
    by_code: dict[str, list[Administration]] = defaultdict(list)
    for administration in administrations.select_related("instrument_version").order_by(
        "administered_on", "pk"
    ):
        by_code[administration.instrument_version.code].append(administration)
    histories = []
    for code in sorted(by_code):
        given = by_code[code]
        newest = max((a.instrument_version for a in given), key=lambda r: version_key(r.version))
        instrument = newest.instrument()
        series = []
        for rule in instrument.scores:
            points = [
                (a.administered_on, float(a.scores[rule.code]["value"]))
                for a in given
                if a.scores.get(rule.code, {}).get("value") is not None
            ]
            item = ScoreSeries(
                code=rule.code,
                label=rule.label or rule.code,
                low=float(rule.low),
                high=float(rule.high),
                better=str(rule.better),
                points=points,
            )
            if rule.change is not None:
                item.band_half_width = change.reliable_change_half_width(
                    rule.change.sd, rule.change.reliability
                )
                item.norms_source = rule.change.source
                item.reliability_kind = str(rule.change.reliability_kind)
                if len(points) >= 2:
                    item.classification = change.classify_with_norms(
                        points[0][1], points[-1][1], rule.change, better=rule.better
                    )
            series.append(item)
        histories.append(InstrumentHistory(code, newest.title, given, series))
    return histories


# --- programme aggregates ------------------------------------------------------------------------


@dataclass
class GroupSummary:
    level: str
    name: str
    n: int
    suppressed: bool
    summary: change.PairedSummary | None


@dataclass
class ScoreSummary:
    instrument: str
    score: str
    label: str
    groups: list[GroupSummary]


def _first_and_latest(
    rows: list[tuple[int, dt.date, int, float | None]],
) -> dict[int, tuple[float, float]]:
    by_person: dict[int, list[float]] = defaultdict(list)
    for su_id, _on, _pk, value in rows:
        if value is not None:
            by_person[su_id].append(value)
    return {su: (values[0], values[-1]) for su, values in by_person.items() if len(values) >= 2}


def programme_summary() -> list[ScoreSummary]:
    """Paired first/latest per person, by team, region and the whole programme: counts only.

    Reads every administration without a personal scope because nothing personal leaves this
    function: groups under MIN_GROUP pairs are suppressed, names and ids are never returned.
    """
    summaries = []
    for row in for_service_users(latest_versions()):
        instrument = row.instrument()
        administrations = list(
            Administration.objects.filter(instrument_version__code=row.code)
            .order_by("administered_on", "pk")
            .values_list(
                "service_user_id",
                "administered_on",
                "pk",
                "scores",
                "service_user__team__name",
                "service_user__team__area__region__name",
            )
        )
        if not administrations:
            continue
        teams = {a[0]: (a[4], a[5]) for a in administrations}
        for rule in instrument.scores:
            values = [
                (a[0], a[1], a[2], (a[3].get(rule.code) or {}).get("value"))
                for a in administrations
            ]
            pairs = _first_and_latest(values)
            groups: dict[tuple[str, str], list[tuple[float | None, float | None]]] = defaultdict(
                list
            )
            for su_id, pair in pairs.items():
                team, region = teams[su_id]
                groups[("Team", team)].append(pair)
                groups[("Region", region)].append(pair)
                groups[("Programme", "Whole programme")].append(pair)
            rows = []
            for (level, name), group in sorted(
                groups.items(), key=lambda kv: (_LEVELS[kv[0][0]], kv[0][1])
            ):
                small = len(group) < MIN_GROUP
                rows.append(
                    GroupSummary(
                        level,
                        name,
                        len(group),
                        small,
                        None if small else change.paired_summary(group),
                    )
                )
            if rows:
                summaries.append(ScoreSummary(row.title, rule.code, rule.label or rule.code, rows))
    return summaries


_LEVELS = {"Programme": 0, "Region": 1, "Team": 2}
