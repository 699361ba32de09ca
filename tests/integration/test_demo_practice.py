"""The demo's record of the work: referral decisions, episodes and endings, contacts, groups,
goals and advocacy. First in the plan (pure, for any seed), then once loaded."""

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.demo.generator import DEFAULT_SEED, plan_programme
from alongside.demo.loader import load_programme
from alongside.demo.plan import Plan
from alongside.demo.scales import SEED
from alongside.practice.models import (
    AdvocacyItem,
    AdvocacyOutcome,
    CaseloadEntry,
    CaseloadStatus,
    Contact,
    ContactChimeTag,
    ContactFormat,
    ContactMode,
    ContactSetting,
    DeclineReason,
    Ending,
    Goal,
    GoalProgress,
    GoalStatus,
    GroupProgramme,
    GroupSession,
    Referral,
    ReferralStatus,
    ServiceUser,
)

OPEN_STATUSES = (CaseloadStatus.ACTIVE, CaseloadStatus.ON_HOLD, CaseloadStatus.ENDING)


def not_appropriate_by_preparedness_half(plan: Plan) -> tuple[int, int]:
    """Inappropriate declines in the less prepared half of the teams, then the better half."""
    per_team = Counter(
        r.team
        for r in plan.caseloads.referrals
        if r.decline_reason == DeclineReason.NOT_APPROPRIATE
    )
    ranked = sorted(
        range(len(plan.caseloads.teams)), key=lambda team: plan.caseloads.teams[team].preparedness
    )
    half = len(ranked) // 2
    return (
        sum(per_team[team] for team in ranked[:half]),
        sum(per_team[team] for team in ranked[-half:]),
    )


# The plan: pure, no database.


def test_same_seed_plans_the_same_record_of_the_work():
    first = plan_programme(scale=SEED, seed=DEFAULT_SEED)
    second = plan_programme(scale=SEED, seed=DEFAULT_SEED)
    assert first.practice == second.practice
    assert first.caseloads.endings == second.caseloads.endings
    assert first.practice.contacts
    assert first.practice != plan_programme(scale=SEED, seed=7).practice


def check_declines_have_reasons_and_follow_preparedness(plan: Plan) -> None:
    declined = [r for r in plan.caseloads.referrals if r.status == ReferralStatus.DECLINED]
    assert declined
    assert all(r.decline_reason is not None for r in declined)
    assert all(r.decided_offset is not None and r.decided_by is not None for r in declined)
    assert all(
        r.decline_detail for r in declined if r.decline_reason == DeclineReason.NOT_APPROPRIATE
    )
    assert not [
        r
        for r in plan.caseloads.referrals
        if r.status != ReferralStatus.DECLINED and r.decline_reason
    ]
    less_prepared, better_prepared = not_appropriate_by_preparedness_half(plan)
    assert less_prepared > better_prepared
    not_appropriate = sum(r.decline_reason == DeclineReason.NOT_APPROPRIATE for r in declined)
    assert not_appropriate >= len(declined) / 3


def check_every_accepted_referral_has_one_episode(plan: Plan) -> None:
    accepted = {
        i for i, r in enumerate(plan.caseloads.referrals) if r.status == ReferralStatus.ACCEPTED
    }
    episodes_by_referral = Counter(e.referral for e in plan.caseloads.caseload_entries)
    assert set(episodes_by_referral) == accepted
    assert set(episodes_by_referral.values()) == {1}
    for episode in plan.caseloads.caseload_entries:
        referral = plan.caseloads.referrals[episode.referral]
        assert referral.service_user == episode.service_user
        assert referral.allocated_to == referral.decided_by == episode.worker
        assert referral.received_offset < referral.decided_offset <= episode.start_offset
        assert referral.recorded_by == (
            episode.worker if referral.referrer is None else referral.referrer
        )
        assert episode.start_offset <= episode.last_contact_offset <= 0
    assert any(plan.caseloads.referrals[e].referrer is None for e in accepted)


def check_some_episodes_ended_and_some_people_came_back(plan: Plan) -> None:
    ended = {
        i for i, e in enumerate(plan.caseloads.caseload_entries) if e.status == CaseloadStatus.ENDED
    }
    assert ended
    assert sorted(n.episode for n in plan.caseloads.endings) == sorted(ended)
    for ending in plan.caseloads.endings:
        episode = plan.caseloads.caseload_entries[ending.episode]
        assert episode.end_offset == ending.ended_offset < 0
        assert ending.recorded_by == episode.worker
        assert ending.now_note
    assert all(
        e.end_offset is None
        for e in plan.caseloads.caseload_entries
        if e.status != CaseloadStatus.ENDED
    )

    episodes_of = defaultdict(list)
    for episode in plan.caseloads.caseload_entries:
        episodes_of[episode.service_user].append(episode)
    returning = [episodes for episodes in episodes_of.values() if len(episodes) == 2]
    assert returning
    for earlier, later in returning:
        assert earlier.status == CaseloadStatus.ENDED
        assert later.status in OPEN_STATUSES
        assert earlier.end_offset < plan.caseloads.referrals[later.referral].received_offset
    assert all(len(episodes) <= 2 for episodes in episodes_of.values())


def check_group_attendance_matches_the_sessions(plan: Plan) -> None:
    practice = plan.practice
    assert len(practice.group_programmes) >= len(plan.caseloads.regions)
    attendance = Counter(c.group_session for c in practice.contacts if c.group_session is not None)
    assert set(attendance) == set(range(len(practice.group_sessions)))
    assert all(2 <= n <= 8 for n in attendance.values())
    for contact in practice.contacts:
        if contact.group_session is None:
            continue
        session = practice.group_sessions[contact.group_session]
        programme = practice.group_programmes[session.programme]
        assert contact.offset == session.offset
        assert contact.worker in programme.facilitators
        assert contact.mode == ContactMode.IN_PERSON
        assert contact.setting == session.setting
        assert plan.caseloads.service_users[contact.service_user].team == programme.team
        assert plan.caseloads.caseload_entries[contact.episode].end_offset is None


def check_goals_are_rated_0_to_10_and_close_with_their_episode(plan: Plan) -> None:
    practice = plan.practice
    assert all(0 <= p.rating <= 10 for p in practice.goal_progress)
    rated = {p.goal for p in practice.goal_progress}
    assert rated == set(range(len(practice.goals)))
    for goal in practice.goals:
        episode = plan.caseloads.caseload_entries[goal.episode]
        assert (goal.status == GoalStatus.OPEN) == (goal.closed_offset is None)
        if episode.end_offset is not None:
            assert goal.status != GoalStatus.OPEN
            assert goal.closed_offset <= episode.end_offset
    assert {g.status for g in practice.goals} == set(GoalStatus)


CHECKS = (
    check_declines_have_reasons_and_follow_preparedness,
    check_every_accepted_referral_has_one_episode,
    check_some_episodes_ended_and_some_people_came_back,
    check_group_attendance_matches_the_sessions,
    check_goals_are_rated_0_to_10_and_close_with_their_episode,
)


@pytest.fixture(scope="module")
def default_plan() -> Plan:
    return plan_programme(scale=SEED, seed=DEFAULT_SEED)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
def test_the_default_plan(default_plan, check):
    check(default_plan)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_any_seed_plans_a_coherent_record_of_the_work(seed):
    plan = plan_programme(scale=SEED, seed=seed)
    for check in CHECKS:
        check(plan)


# The load. One load for the module: the tests only read, and each runs in its own savepoint.


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        load_programme(scale=SEED, seed=DEFAULT_SEED, today=timezone.localdate())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def loaded(demo, db):
    return timezone.localdate()


def test_every_declined_referral_has_a_reason(loaded):
    declined = Referral.objects.filter(status=ReferralStatus.DECLINED)
    assert declined.exists()
    assert not declined.filter(decline_reason="").exists()
    assert not declined.filter(decided_on__isnull=True).exists()
    not_appropriate = declined.filter(decline_reason=DeclineReason.NOT_APPROPRIATE)
    assert not_appropriate.count() >= declined.count() / 3
    assert not not_appropriate.filter(decline_detail="").exists()


def test_every_accepted_referral_has_an_episode(loaded):
    accepted = Referral.objects.filter(status=ReferralStatus.ACCEPTED)
    assert not accepted.filter(episode__isnull=True).exists()
    assert CaseloadEntry.objects.filter(referral__isnull=True).count() == 0
    assert accepted.filter(self_referral=True).exists()
    assert not accepted.filter(decided_on__isnull=True).exists()


def test_ended_episodes_have_an_ending_and_returning_people_two_episodes(loaded):
    ended = CaseloadEntry.objects.filter(status=CaseloadStatus.ENDED)
    assert ended.exists()
    assert Ending.objects.count() == ended.count()
    assert not ended.filter(ending__isnull=True).exists()
    endings = Ending.objects.select_related("episode")
    assert all(e.ended_on == e.episode.end < loaded for e in endings)
    assert sum(e.now_community_activities for e in endings) > len(endings) / 2
    assert any(e.now_work or e.now_education for e in endings)
    assert {e.planned for e in endings} == {True, False}

    returning = ServiceUser.objects.annotate(n=Count("caseload_entries")).filter(n=2)
    assert returning.exists()
    for service_user in returning:
        earlier, later = service_user.caseload_entries.order_by("start")
        assert earlier.status == CaseloadStatus.ENDED
        assert hasattr(earlier, "ending")
        assert later.status in OPEN_STATUSES
        assert later.end is None
        assert later.referral.received_on > earlier.end
        assert later.referral != earlier.referral


def test_contacts_have_realistic_modes_settings_and_lengths(loaded):
    one_to_one = Contact.objects.filter(contact_format=ContactFormat.ONE_TO_ONE)
    assert not one_to_one.filter(group_session__isnull=False).exists()
    modes = Counter(one_to_one.values_list("mode", flat=True))
    assert modes.most_common(1)[0][0] == ContactMode.IN_PERSON
    assert set(modes) == set(ContactMode)
    settings_used = Counter(one_to_one.values_list("setting", flat=True))
    assert set(settings_used) == set(ContactSetting)
    assert {s for s, _ in settings_used.most_common(2)} == {
        ContactSetting.COMMUNITY,
        ContactSetting.MENTAL_HEALTH_SERVICE,
    }
    durations = one_to_one.aggregate(low=Min("duration_minutes"), high=Max("duration_minutes"))
    assert 15 <= durations["low"] < durations["high"] <= 120
    per_contact = one_to_one.annotate(n=Count("activities")).values_list("n", flat=True)
    assert set(per_contact) == {1, 2, 3}
    tags = Counter(ContactChimeTag.objects.values_list("contact", flat=True))
    assert set(tags.values()) <= {1, 2, 3}
    assert one_to_one.exclude(note="").count() > one_to_one.count() * 0.75
    assert not Contact.objects.filter(date__gt=loaded).exists()
    # Every episode starts with a first meeting.
    for entry in CaseloadEntry.objects.annotate(first=Min("contacts__date")):
        assert entry.first == entry.start


def test_group_contacts_match_their_sessions(loaded):
    group = Contact.objects.filter(contact_format=ContactFormat.GROUP).select_related(
        "group_session__programme", "service_user", "episode"
    )
    assert group.exists()
    assert not group.filter(group_session__isnull=True).exists()
    facilitators = defaultdict(set)
    for programme, person in GroupProgramme.facilitators.through.objects.values_list(
        "groupprogramme", "person"
    ):
        facilitators[programme].add(person)
    for contact in group:
        session = contact.group_session
        assert contact.date == session.date
        assert contact.setting == session.setting
        assert contact.mode == ContactMode.IN_PERSON
        assert contact.duration_minutes == session.duration_minutes
        assert contact.worker_id in facilitators[session.programme_id]
        assert contact.service_user.team_id == session.programme.team_id
        assert contact.episode.service_user_id == contact.service_user_id
    per_session = GroupSession.objects.annotate(n=Count("contacts")).values_list("n", flat=True)
    assert min(per_session) >= 2
    assert max(per_session) <= 8
    assert GroupSession.objects.aggregate(first=Min("date"))["first"] >= loaded - timedelta(
        days=7 * 14 + 7
    )


def test_goal_ratings_are_0_to_10_and_ended_episodes_goals_are_closed(loaded):
    ratings = GoalProgress.objects.aggregate(low=Min("rating"), high=Max("rating"))
    assert 0 <= ratings["low"] <= ratings["high"] <= 10
    assert not Goal.objects.filter(
        episode__status=CaseloadStatus.ENDED, status=GoalStatus.OPEN
    ).exists()
    assert not Goal.objects.exclude(status=GoalStatus.OPEN).filter(closed_on__isnull=True).exists()
    assert Goal.objects.filter(set_by="service-user").count() > Goal.objects.count() / 2


def test_advocacy_items_are_raised_with_the_persons_team(loaded):
    items = AdvocacyItem.objects.select_related("service_user", "episode")
    assert items.exists()
    outcomes = Counter(items.values_list("outcome", flat=True))
    assert outcomes[AdvocacyOutcome.WAITING] > 0
    assert sum(outcomes[o] for o in ("agreed", "partly", "not-agreed")) > 0
    for item in items:
        assert item.team_id == item.service_user.team_id
        assert item.recorded_by_id == item.episode.worker_id
        if item.outcome in {"agreed", "partly", "not-agreed"}:
            assert item.raised_on is not None
            assert item.team_response
        if item.outcome == AdvocacyOutcome.WAITING:
            assert item.raised_on is None


def test_psw_persona_saw_someone_this_week_and_has_someone_to_follow_up(loaded):
    contacts = Contact.objects.filter(worker__user__username="psw")
    assert contacts.filter(date__gte=loaded - timedelta(days=7)).exists()
    open_entries = CaseloadEntry.objects.filter(
        worker__user__username="psw", status__in=OPEN_STATUSES
    ).annotate(last=Max("service_user__contacts__date"))
    assert any(entry.last < loaded - timedelta(days=21) for entry in open_entries)


def test_serviceuser_persona_has_an_open_goal_with_progress(loaded):
    own = ServiceUser.objects.get(person__user__username="serviceuser")
    open_goals = Goal.objects.filter(service_user=own, status=GoalStatus.OPEN)
    assert GoalProgress.objects.filter(goal__in=open_goals).exists()
    assert own.consented_to_peer_support
