"""Plan the record of the work over the planned episodes: contacts, groups, goals, advocacy.

Pure, like the rest of the plan: every choice comes from the generator's `random.Random`, in a
fixed order, after the organisation and the episodes are decided. Records go to a sink as they
are decided (`plan.PracticeSink`), so that a national programme's millions of contacts are never
all held at once.

* Contacts run from an episode's start to its last contact, roughly weekly to fortnightly,
  mostly in person and in the community or the service. On-hold episodes have a long gap at the
  end, which is what "on hold" looks like in the record.
* Group programmes run weekly on a team for the last few months; each attendance is a group
  contact by one of the facilitators, so attendance counts as contact without a second record.
* Goals are in the person's words, rated 0-10 over time: mostly rising, some flat, a few falling.
* Advocacy items are what the person wants raised at the team meeting, and what came of it.
"""

from __future__ import annotations

import random
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TypeVar

from alongside.demo import wording
from alongside.demo.plan import (
    Caseloads,
    PlannedAdvocacyItem,
    PlannedArea,
    PlannedCaseloadEntry,
    PlannedContact,
    PlannedGoal,
    PlannedGoalProgress,
    PlannedGoalStep,
    PlannedGroupProgramme,
    PlannedGroupSession,
    PlannedServiceUser,
    PlannedTeam,
    PracticeSink,
)
from alongside.demo.scales import IntRange, Scale
from alongside.practice.models import (
    AdvocacyOutcome,
    CaseloadStatus,
    Chime,
    ContactMode,
    ContactSetting,
    GoalSetBy,
    GoalStatus,
)

T = TypeVar("T")

MODES: tuple[ContactMode, ...] = (
    ContactMode.IN_PERSON,
    ContactMode.PHONE,
    ContactMode.TEXT,
    ContactMode.VIDEO,
)
MODE_WEIGHTS: tuple[int, ...] = (65, 20, 9, 6)
IN_PERSON_SETTINGS: tuple[ContactSetting, ...] = (
    ContactSetting.COMMUNITY,
    ContactSetting.MENTAL_HEALTH_SERVICE,
    ContactSetting.HOME,
    ContactSetting.RECOVERY_COLLEGE,
    ContactSetting.OTHER,
)
IN_PERSON_SETTING_WEIGHTS: tuple[int, ...] = (45, 25, 12, 10, 8)
# Where the person was for a call: often at home, or it was set up around a clinic visit.
REMOTE_SETTINGS: tuple[ContactSetting, ...] = (
    ContactSetting.MENTAL_HEALTH_SERVICE,
    ContactSetting.HOME,
    ContactSetting.OTHER,
)
REMOTE_SETTING_WEIGHTS: tuple[int, ...] = (50, 35, 15)
# Duration in five-minute steps, by mode.
DURATION_STEPS: dict[ContactMode, IntRange] = {
    ContactMode.IN_PERSON: (6, 24),
    ContactMode.PHONE: (3, 9),
    ContactMode.VIDEO: (4, 12),
    ContactMode.TEXT: (3, 3),
}
ACTIVITIES: tuple[str, ...] = (
    "emotional-support",
    "practical-support",
    "community-connection",
    "navigating-services",
    "rights-information",
    "advocacy-to-team",
    "goal-work",
    "support-in-distress",
    "sharing-lived-experience",
    "work-or-education",
    "other",
)
ACTIVITY_WEIGHTS: tuple[int, ...] = (20, 14, 16, 10, 4, 4, 14, 3, 10, 4, 1)
FIRST_MEETING_ACTIVITIES: tuple[str, ...] = ("sharing-lived-experience", "goal-work")
CHIME_DOMAINS: tuple[Chime, ...] = tuple(Chime)
NOTE_SHARE = 0.85
FOLLOW_UP_SHARE = 0.4
GROUP_NOTE_SHARE = 0.5
SERVICE_USER_SET_SHARE = 0.75
SELF_RATED_SHARE = 0.5
"""Share of ratings that a service user with their own login entered themselves."""
RECENT_DAYS = 21
"""Only people seen within this many days are planned into groups: the rest have gone quiet."""


_CUMULATIVE: dict[tuple[int, ...], tuple[list[int], float]] = {}


def _pick(rng: random.Random, items: Sequence[T], weights: tuple[int, ...]) -> T:
    """One item, drawn by weight: what `rng.choices(items, weights)[0]` draws, from the same
    single `rng.random()`, without adding up the weights again on every call (millions of
    contacts make millions of draws)."""
    known = _CUMULATIVE.get(weights)
    if known is None:
        cumulative = list(accumulate(weights))
        known = _CUMULATIVE[weights] = (cumulative, cumulative[-1] + 0.0)
    cumulative, total = known
    return items[bisect_right(cumulative, rng.random() * total, 0, len(items) - 1)]


def _distinct(
    rng: random.Random, items: Sequence[T], weights: tuple[int, ...], count: int, first: list[T]
) -> tuple[T, ...]:
    """`count` different items, starting with `first`, the rest drawn by weight."""
    chosen = list(first)
    while len(chosen) < count:
        item = _pick(rng, items, weights)
        if item not in chosen:
            chosen.append(item)
    return tuple(chosen)


@dataclass
class _PracticeBuilder:
    scale: Scale
    rng: random.Random
    areas: Sequence[PlannedArea]
    teams: Sequence[PlannedTeam]
    workers_by_team: dict[int, list[int]]
    service_users: Sequence[PlannedServiceUser]
    episodes: Sequence[PlannedCaseloadEntry]
    sink: PracticeSink
    contact_days: list[array[int]] = field(default_factory=list)
    """Each episode's one-to-one contact days, in order: where its measures can be given."""
    goals: int = 0
    group_programmes: int = 0
    group_sessions: int = 0

    def draw(self, span: IntRange) -> int:
        return self.rng.randint(*span)

    # Contacts.

    def plan_contacts(self, index: int, episode: PlannedCaseloadEntry) -> None:
        """From the first meeting at the start, every week or two, to the last contact."""
        days: list[int] = []
        day = episode.last_contact_offset
        while day > episode.start_offset:
            days.append(day)
            day -= self.draw(self.scale.contact_gap_days)
        days.append(episode.start_offset)
        days.reverse()
        self.contact_days.append(array("i", days))
        self.sink.contact(
            PlannedContact(
                service_user=episode.service_user,
                episode=index,
                worker=episode.worker,
                offset=episode.start_offset,
                duration_minutes=60,
                mode=ContactMode.IN_PERSON,
                setting=ContactSetting.MENTAL_HEALTH_SERVICE,
                activities=FIRST_MEETING_ACTIVITIES,
                chime=(Chime.HOPE,),
                note=wording.FIRST_MEETING_NOTE,
            )
        )
        for day in days[1:]:
            self.sink.contact(self.one_to_one(index, episode, day))

    def one_to_one(self, index: int, episode: PlannedCaseloadEntry, day: int) -> PlannedContact:
        rng = self.rng
        mode = _pick(rng, MODES, MODE_WEIGHTS)
        in_person = mode == ContactMode.IN_PERSON
        if in_person:
            setting = _pick(rng, IN_PERSON_SETTINGS, IN_PERSON_SETTING_WEIGHTS)
        else:
            setting = _pick(rng, REMOTE_SETTINGS, REMOTE_SETTING_WEIGHTS)
        activities = _distinct(
            rng,
            ACTIVITIES,
            ACTIVITY_WEIGHTS,
            _pick(rng, (1, 2, 3), (40, 40, 20)),
            ["community-connection"] if setting == ContactSetting.COMMUNITY else [],
        )
        chime = tuple(rng.sample(CHIME_DOMAINS, _pick(rng, (0, 1, 2, 3), (20, 40, 30, 10))))
        note = ""
        if rng.random() < NOTE_SHARE:
            openings = wording.NOTES_IN_PERSON[setting] if in_person else wording.NOTES_REMOTE[mode]
            note = rng.choice(openings)
            if rng.random() < FOLLOW_UP_SHARE:
                note = f"{note} {rng.choice(wording.NOTE_FOLLOW_UPS)}"
        return PlannedContact(
            service_user=episode.service_user,
            episode=index,
            worker=episode.worker,
            offset=day,
            duration_minutes=5 * self.draw(DURATION_STEPS[mode]),
            mode=mode,
            setting=setting,
            activities=activities,
            chime=chime,
            note=note,
        )

    # Goals.

    def plan_goals(self, index: int, episode: PlannedCaseloadEntry) -> None:
        """1-3 goals. An open episode always has its first goal open; an ended one none."""
        rng = self.rng
        ended = episode.end_offset is not None
        last_day = episode.end_offset if episode.end_offset is not None else -1
        chosen = rng.sample(wording.GOALS, self.draw(self.scale.goals_per_episode))
        for number, goal_wording in enumerate(chosen):
            set_on = min(episode.start_offset + rng.randint(3, 30), last_day)
            if ended:
                status = _pick(
                    rng, (GoalStatus.ACHIEVED, GoalStatus.CHANGED, GoalStatus.LET_GO), (50, 20, 30)
                )
            elif number == 0:
                status = GoalStatus.OPEN
            else:
                status = _pick(rng, tuple(GoalStatus), (70, 15, 7, 8))
            closed_on = None if status == GoalStatus.OPEN else rng.randint(set_on, last_day)
            goal = self.goals
            self.goals += 1
            self.sink.goal(
                PlannedGoal(
                    service_user=episode.service_user,
                    episode=index,
                    text=goal_wording.text,
                    set_by=GoalSetBy.SERVICE_USER
                    if rng.random() < SERVICE_USER_SET_SHARE
                    else GoalSetBy.AGREED,
                    chime_domain=goal_wording.domain,
                    status=status,
                    set_offset=set_on,
                    closed_offset=closed_on,
                    recorded_by=episode.worker,
                )
            )
            until = closed_on if closed_on is not None else last_day
            self.plan_steps(goal, goal_wording, status, set_on, until)
            self.plan_progress(goal, episode, status, set_on, until)

    def plan_steps(
        self,
        goal: int,
        goal_wording: wording.GoalWording,
        status: GoalStatus,
        first: int,
        last: int,
    ) -> None:
        steps = goal_wording.steps[: self.rng.randint(0, len(goal_wording.steps))]
        done = len(steps) if status == GoalStatus.ACHIEVED else self.rng.randint(0, len(steps))
        done_days = sorted(self.rng.randint(first, last) for _ in range(done))
        for order, text in enumerate(steps):
            self.sink.goal_step(
                PlannedGoalStep(
                    goal=goal,
                    text=text,
                    order=order,
                    done_offset=done_days[order] if order < done else None,
                )
            )

    def plan_progress(
        self, goal: int, episode: PlannedCaseloadEntry, status: GoalStatus, first: int, last: int
    ) -> None:
        """Ratings every three to eight weeks. Achieved goals end high; let-go ones flat or down."""
        rng = self.rng
        if status == GoalStatus.ACHIEVED:
            trend = "rising"
        elif status == GoalStatus.LET_GO:
            trend = _pick(rng, ("flat", "falling"), (1, 1))
        else:
            trend = _pick(rng, ("rising", "flat", "falling"), (70, 20, 10))
        rating = rng.randint(4, 7) if trend == "falling" else rng.randint(1, 4)
        step: IntRange = {"rising": (0, 2), "flat": (-1, 1), "falling": (-2, 0)}[trend]
        notes = {
            "rising": wording.PROGRESS_NOTES_RISING,
            "flat": wording.PROGRESS_NOTES_FLAT,
            "falling": wording.PROGRESS_NOTES_FALLING,
        }[trend]
        ratings: list[tuple[int, int]] = []
        day = first
        while day <= last:
            ratings.append((day, rating))
            day += rng.randint(21, 56)
            rating = min(10, max(0, rating + self.draw(step)))
        if status == GoalStatus.ACHIEVED:
            final_day, final = ratings[-1]
            ratings[-1] = (final_day, max(final, rng.randint(8, 10)))
        own_login = self.service_users[episode.service_user].person
        for day, rating in ratings:
            by_service_user = own_login is not None and rng.random() < SELF_RATED_SHARE
            self.sink.goal_progress(
                PlannedGoalProgress(
                    goal=goal,
                    offset=day,
                    rating=rating,
                    note=rng.choice(notes) if rng.random() < NOTE_SHARE else "",
                    recorded_by=own_login
                    if by_service_user and own_login is not None
                    else episode.worker,
                    by_service_user=by_service_user,
                )
            )

    # Advocacy.

    def plan_advocacy(self, index: int, episode: PlannedCaseloadEntry) -> None:
        """Some episodes have one or two things to raise; open ones may still be waiting.

        An open episode's items are from its last four months, so a few are too recent to
        have been raised yet. An ended episode's items were all settled before it ended.
        """
        rng = self.rng
        if rng.random() >= self.scale.advocacy_share:
            return
        ended = episode.end_offset is not None
        last_day = episode.end_offset if episode.end_offset is not None else -1
        earliest = episode.start_offset if ended else max(episode.start_offset, -120)
        for request in rng.sample(wording.ADVOCACY_REQUESTS, rng.randint(1, 2)):
            recorded = rng.randint(earliest, last_day)
            next_meeting = recorded + rng.randint(3, 21)
            raised = None if next_meeting > last_day else next_meeting
            response = outcome_note = ""
            if raised is None:
                outcome = AdvocacyOutcome.WITHDRAWN if ended else AdvocacyOutcome.WAITING
            elif not ended and raised >= -14 and rng.random() < 0.5:
                outcome = AdvocacyOutcome.RAISED
            else:
                outcome = _pick(
                    rng,
                    (AdvocacyOutcome.AGREED, AdvocacyOutcome.PARTLY, AdvocacyOutcome.NOT_AGREED),
                    (50, 30, 20),
                )
                response = rng.choice(wording.TEAM_RESPONSES[outcome])
            if outcome in wording.OUTCOME_NOTES:
                outcome_note = rng.choice(wording.OUTCOME_NOTES[outcome])
            self.sink.advocacy_item(
                PlannedAdvocacyItem(
                    service_user=episode.service_user,
                    episode=index,
                    team=self.service_users[episode.service_user].team,
                    request=request,
                    recorded_by=episode.worker,
                    recorded_offset=recorded,
                    raised_offset=raised,
                    team_response=response,
                    outcome=outcome,
                    outcome_note=outcome_note,
                )
            )

    # Groups.

    def plan_groups(self) -> None:
        """Group programmes in every region, each on one of its teams."""
        teams_by_region: dict[int, list[int]] = defaultdict(list)
        for team, planned in enumerate(self.teams):
            teams_by_region[self.areas[planned.area].region].append(team)
        # Who could come: open episodes whose person has been seen lately.
        attending_by_team: dict[int, list[int]] = defaultdict(list)
        for index, episode in enumerate(self.episodes):
            if (
                episode.status in (CaseloadStatus.ACTIVE, CaseloadStatus.ENDING)
                and episode.last_contact_offset > -RECENT_DAYS
            ):
                attending_by_team[self.service_users[episode.service_user].team].append(index)
        taken: set[tuple[int, str]] = set()
        for region in sorted(teams_by_region):
            for _ in range(self.draw(self.scale.groups_per_region)):
                self.plan_group(teams_by_region[region], attending_by_team, taken)

    def host_team(
        self,
        region_teams: list[int],
        attending_by_team: dict[int, list[int]],
        taken: set[tuple[int, str]],
        name: str,
        first_day: int,
    ) -> tuple[int, list[int]] | None:
        """A team of the region without a group of that name, and who on it could come."""
        for team in self.rng.sample(region_teams, len(region_teams)):
            if (team, name) in taken:
                continue
            eligible = [
                e for e in attending_by_team[team] if self.episodes[e].start_offset < first_day
            ]
            if len(eligible) >= 2:
                return team, eligible
        return None

    def plan_group(
        self,
        region_teams: list[int],
        attending_by_team: dict[int, list[int]],
        taken: set[tuple[int, str]],
    ) -> None:
        """Weekly sessions up to last week, on a team with at least two people who could come."""
        rng = self.rng
        kind = rng.choice(wording.GROUPS)
        last = -rng.randint(1, 7)
        days = [last - 7 * week for week in reversed(range(self.draw(self.scale.group_weeks)))]
        host = self.host_team(region_teams, attending_by_team, taken, kind.name, days[0])
        if host is None:
            return
        team, eligible = host
        taken.add((team, kind.name))
        workers = self.workers_by_team[team]
        facilitators = tuple(rng.sample(workers, min(len(workers), rng.randint(1, 2))))
        members = rng.sample(eligible, min(len(eligible), self.draw(self.scale.group_members)))
        programme = self.group_programmes
        self.group_programmes += 1
        self.sink.group_programme(
            PlannedGroupProgramme(
                team=team,
                name=kind.name,
                description=kind.description,
                facilitators=facilitators,
                start_offset=days[0],
            )
        )
        for week, day in enumerate(days):
            session = self.group_sessions
            self.group_sessions += 1
            self.sink.group_session(
                PlannedGroupSession(
                    programme=programme,
                    offset=day,
                    duration_minutes=kind.duration_minutes,
                    setting=kind.setting,
                    topic=kind.topics[week % len(kind.topics)] if kind.topics else "",
                )
            )
            attendees = rng.sample(members, rng.randint(2, min(8, len(members))))
            for episode in attendees:
                self.sink.contact(
                    PlannedContact(
                        service_user=self.episodes[episode].service_user,
                        episode=episode,
                        worker=rng.choice(facilitators),
                        offset=day,
                        duration_minutes=kind.duration_minutes,
                        mode=ContactMode.IN_PERSON,
                        setting=kind.setting,
                        activities=kind.activities,
                        chime=kind.chime,
                        note=rng.choice(wording.GROUP_NOTES)
                        if rng.random() < GROUP_NOTE_SHARE
                        else "",
                        group_session=session,
                    )
                )


def plan_practice(
    *,
    scale: Scale,
    rng: random.Random,
    caseloads: Caseloads,
    sink: PracticeSink,
    on_episode: Callable[[int], None] | None = None,
) -> list[array[int]]:
    """Hand the record of the work to `sink`; return each episode's one-to-one contact days.

    `on_episode` is called after each episode's records, with how many episodes are done, so a
    long load can show how far it has got.
    """
    builder = _PracticeBuilder(
        scale=scale,
        rng=rng,
        areas=caseloads.areas,
        teams=caseloads.teams,
        workers_by_team=caseloads.workers_by_team(),
        service_users=caseloads.service_users,
        episodes=caseloads.caseload_entries,
        sink=sink,
    )
    for index, episode in enumerate(caseloads.caseload_entries):
        builder.plan_contacts(index, episode)
        builder.plan_goals(index, episode)
        builder.plan_advocacy(index, episode)
        if on_episode is not None:
            on_episode(index + 1)
    builder.plan_groups()
    return builder.contact_days
