"""Plan the outcome measures given over the planned episodes.

Pure, like the rest of the plan: every choice comes from the generator's `random.Random`, in a
fixed order, after the record of the work is decided. Administrations go to a sink as they are
decided (`plan.MeasuresSink`). Only instruments that ship their own wording are used, so a
fresh demo needs no licensed text pack.

* The CHIME recovery support check follows its schedule (measures migration 0002): at the first
  meeting, about every 12 weeks at a meeting while the episode is open, and at the last meeting
  of an ended episode. A service user with their own login also fills it in in their own account
  between meetings, often enough that their chart has at least three points.
* Of the episodes with two or more checks, about 65% improve (most by five or more points on the
  0-20 item sum, 25 or more on the 0-100 score), 25% stay about the same and 10% get worse.
  Shares are dealt from a deck, so every seed has them exactly (to rounding).
* A planned ending also has the experience of peer support survey, its answers in keeping with
  how the person's checks went.
"""

from __future__ import annotations

import bisect
import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from alongside.demo.plan import (
    Caseloads,
    MeasuresSink,
    MeasureTrend,
    PlannedAdministration,
    PlannedCaseloadEntry,
    PlannedMeasureCourse,
    PlannedServiceUser,
)
from alongside.measures.definitions import SHIPPED_DIR, Instrument, load_definition_file
from alongside.measures.models import AdministrationMode

CHIME_CHECK = ("chime-support", "1.0")
EXPERIENCE_SURVEY = ("su-experience", "1.0")
INSTRUMENTS: tuple[tuple[str, str], ...] = (CHIME_CHECK, EXPERIENCE_SURVEY)
"""The (code, version) of every instrument the demo gives; the migrations load all of them."""

REVIEW_DAYS = 84
REVIEW_JITTER_DAYS = 7
ENDING_GAP_DAYS = 28
"""No review in the four weeks before the check at an ending."""
MIN_OWN_ACCOUNT_POINTS = 3
OWN_ACCOUNT_DAYS = 42
"""A service user with their own login fills the check in about every six weeks."""

TRENDS: tuple[MeasureTrend, ...] = (
    MeasureTrend.IMPROVING,
    MeasureTrend.STEADY,
    MeasureTrend.WORSENING,
)
TREND_SHARES: tuple[float, ...] = (0.65, 0.25, 0.10)
RELIABLE_GAIN_SHARE = 0.6
"""Share of improvers whose item sum rises by five or more (25 points on the 0-100 score)."""
# Where the episode's checks start and how far they move, on the 0-20 item sum.
RELIABLE_GAIN: tuple[int, int] = (5, 10)
MODEST_GAIN: tuple[int, int] = (2, 4)
STEADY_CHANGE: tuple[int, int] = (-1, 1)
WORSENING_LOSS: tuple[int, int] = (2, 6)

MODES: tuple[AdministrationMode, ...] = (AdministrationMode.WITH_PSW, AdministrationMode.PAPER)
MODE_WEIGHTS: tuple[int, ...] = (85, 15)
EXPERIENCE_LEVEL: dict[MeasureTrend | None, int] = {
    MeasureTrend.IMPROVING: 3,
    MeasureTrend.STEADY: 2,
    MeasureTrend.WORSENING: 1,
    None: 2,
}


@cache
def shipped_instrument(code: str, version: str) -> Instrument:
    """A definition as shipped (and loaded by the measures migration), read once."""
    return load_definition_file(SHIPPED_DIR / f"{code}-{version}.yaml")


def _scored_items(instrument: Instrument) -> tuple[tuple[str, int, int], ...]:
    """(item code, lowest, highest scored value) of every item that takes a rating."""
    rows = []
    for item in instrument.items:
        if item.scale is None:
            continue
        values = instrument.item_scale(item).scored_values
        rows.append((item.code, values[0], values[-1]))
    return tuple(rows)


@dataclass(slots=True)
class _Check:
    episode: int
    day: int
    mode: AdministrationMode
    entered_by: int | None


@dataclass
class _MeasuresBuilder:
    rng: random.Random
    service_users: Sequence[PlannedServiceUser]
    episodes: Sequence[PlannedCaseloadEntry]
    contact_days: Sequence[array[int]]
    sink: MeasuresSink
    courses: list[PlannedMeasureCourse] = field(default_factory=list)

    # When.

    def plan_checks(self, index: int, episode: PlannedCaseloadEntry) -> list[_Check]:
        """The first meeting, reviews at meetings about every 12 weeks, the last meeting."""
        rng = self.rng
        own_login = self.service_users[episode.service_user].person
        if own_login is not None and episode.end_offset is None:
            return self.own_account_checks(index, episode, own_login)
        ended = episode.end_offset is not None
        final = episode.last_contact_offset
        limit = final - ENDING_GAP_DAYS if ended else final
        meetings = self.contact_days[index]
        days = [episode.start_offset]
        while True:
            due = days[-1] + REVIEW_DAYS + rng.randint(-REVIEW_JITTER_DAYS, REVIEW_JITTER_DAYS)
            at = bisect.bisect_left(meetings, due)
            if at == len(meetings) or meetings[at] > limit:
                break
            days.append(meetings[at])
        if ended and final > days[-1]:
            days.append(final)
        checks = []
        for day in days:
            mode = rng.choices(MODES, weights=MODE_WEIGHTS)[0]
            checks.append(_Check(index, day, mode, episode.worker))
        return checks

    def own_account_checks(
        self, index: int, episode: PlannedCaseloadEntry, own_login: int
    ) -> list[_Check]:
        """At the first meeting with the PSW, then in turn in their own account and with the PSW,
        often enough for at least three points by yesterday."""
        span = -1 - episode.start_offset
        step = max(1, min(OWN_ACCOUNT_DAYS, span // (MIN_OWN_ACCOUNT_POINTS - 1)))
        checks = [_Check(index, episode.start_offset, AdministrationMode.WITH_PSW, episode.worker)]
        day = episode.start_offset
        while True:
            day += step - self.rng.randint(0, min(3, step - 1))
            if day > -1:
                break
            if len(checks) % 2:
                checks.append(_Check(index, day, AdministrationMode.SELF_ACCOUNT, own_login))
            else:
                checks.append(_Check(index, day, AdministrationMode.WITH_PSW, episode.worker))
        return checks

    # What.

    def trend_deck(self, count: int) -> list[MeasureTrend]:
        """Exactly the planned shares (to rounding), in a shuffled order."""
        improving = round(count * TREND_SHARES[0])
        worsening = round(count * TREND_SHARES[2])
        deck = [MeasureTrend.IMPROVING] * improving + [MeasureTrend.WORSENING] * worsening
        deck += [MeasureTrend.STEADY] * (count - improving - worsening)
        self.rng.shuffle(deck)
        return deck

    def gain_deck(self, count: int) -> list[bool]:
        """Which of `count` improvements are large: exactly the planned share, shuffled."""
        large = round(count * RELIABLE_GAIN_SHARE)
        deck = [True] * large + [False] * (count - large)
        self.rng.shuffle(deck)
        return deck

    def course(
        self,
        episode: int,
        trend: MeasureTrend,
        most: int,
        *,
        large_gain: bool = False,
        persona: bool = False,
    ) -> PlannedMeasureCourse:
        """Where the checks start and how far they move, on an item sum of 0 to `most`.

        An improvement is a large one when `large_gain` says so (`gain_deck`). The service user
        persona's improvement is always a large one, so their chart shows it.
        """
        rng = self.rng
        if trend == MeasureTrend.IMPROVING:
            span = RELIABLE_GAIN if large_gain or persona else MODEST_GAIN
            change = rng.randint(*span)
            start = rng.randint(2, min(most * 3 // 5, most - change))
        elif trend == MeasureTrend.STEADY:
            change = rng.randint(*STEADY_CHANGE)
            start = rng.randint(most * 3 // 10, most * 4 // 5)
        else:
            change = -rng.randint(*WORSENING_LOSS)
            start = rng.randint(max(most * 2 // 5, -change), most * 9 // 10)
        return PlannedMeasureCourse(episode=episode, trend=trend, start=start, change=change)

    def answers(
        self, items: Sequence[tuple[str, int, int]], total: int
    ) -> tuple[tuple[str, int], ...]:
        """Ratings adding up to `total`: as even as they can be, then one or two a step apart.

        A person's answers to the five questions tend to go together, so they are spread evenly
        and then nudged, rather than drawn one by one.
        """
        rng = self.rng
        lows = [low for _, low, _ in items]
        highs = [high for _, _, high in items]
        left = total - sum(lows)
        share, extra = divmod(left, len(items))
        values = [low + share for low in lows]
        for position in rng.sample(range(len(items)), extra):
            values[position] += 1
        for _ in range(rng.randint(0, 2)):
            give, take = rng.sample(range(len(items)), 2)
            if values[give] > lows[give] and values[take] < highs[take]:
                values[give] -= 1
                values[take] += 1
        return tuple((code, value) for (code, _, _), value in zip(items, values, strict=True))

    def add(
        self,
        check: _Check,
        code_version: tuple[str, str],
        answers: tuple[tuple[str, int], ...],
    ) -> None:
        code, version = code_version
        self.sink.administration(
            PlannedAdministration(
                service_user=self.episodes[check.episode].service_user,
                episode=check.episode,
                instrument=code,
                instrument_version=version,
                offset=check.day,
                mode=check.mode,
                entered_by=check.entered_by,
                answers=answers,
            )
        )


def plan_measures(
    *,
    rng: random.Random,
    caseloads: Caseloads,
    contact_days: Sequence[array[int]],
    sink: MeasuresSink,
) -> tuple[PlannedMeasureCourse, ...]:
    """Hand the administrations to `sink`; return the planned course of each followed episode.

    `contact_days` holds each episode's one-to-one contact days in order, as `plan_practice`
    returns them.
    """
    service_users = caseloads.service_users
    episodes = caseloads.caseload_entries
    builder = _MeasuresBuilder(
        rng=rng,
        service_users=service_users,
        episodes=episodes,
        contact_days=contact_days,
        sink=sink,
    )
    chime_items = _scored_items(shipped_instrument(*CHIME_CHECK))
    most = sum(high for _, _, high in chime_items)
    checks = [builder.plan_checks(index, episode) for index, episode in enumerate(episodes)]
    followed = [index for index, planned in enumerate(checks) if len(planned) >= 2]
    trend_of = dict(zip(followed, builder.trend_deck(len(followed)), strict=True))
    # The service user persona's chart shows improvement: swap trends with an improver if need be.
    for index in followed:
        if service_users[episodes[index].service_user].person is None:
            continue
        if trend_of[index] != MeasureTrend.IMPROVING:
            other = next(i for i in followed if trend_of[i] == MeasureTrend.IMPROVING)
            trend_of[index], trend_of[other] = trend_of[other], trend_of[index]
    improving = [index for index in followed if trend_of[index] == MeasureTrend.IMPROVING]
    large_gain = dict(zip(improving, builder.gain_deck(len(improving)), strict=True))
    courses = {
        index: builder.course(
            index,
            trend_of[index],
            most,
            large_gain=large_gain.get(index, False),
            persona=service_users[episodes[index].service_user].person is not None,
        )
        for index in followed
    }
    builder.courses = [courses[index] for index in followed]

    planned_endings = {ending.episode for ending in caseloads.endings if ending.planned}
    experience_items = _scored_items(shipped_instrument(*EXPERIENCE_SURVEY))
    for index, planned in enumerate(checks):
        course = courses.get(index)
        first, last = planned[0].day, planned[-1].day
        for number, check in enumerate(planned):
            if course is None:
                total = rng.randint(most * 3 // 10, most * 7 // 10)
            elif number == len(planned) - 1:
                total = course.start + course.change
            else:
                drift = course.change * (check.day - first) / (last - first)
                noise = 0 if number == 0 else rng.randint(-1, 1)
                total = min(most, max(0, course.start + round(drift) + noise))
            builder.add(check, CHIME_CHECK, builder.answers(chime_items, total))
        if index in planned_endings:
            level = EXPERIENCE_LEVEL[course.trend if course else None]
            answers = tuple(
                (code, min(high, max(low, level + rng.randint(-1, 1))))
                for code, low, high in experience_items
            )
            builder.add(planned[-1], EXPERIENCE_SURVEY, answers)
    return tuple(builder.courses)
