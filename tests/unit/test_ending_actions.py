"""Episode actions: status changes and endings; refusals write nothing; history is kept."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.core.models import AuditAction, AuditEvent
from alongside.core.records import EditConflict
from alongside.practice.actions.endings import (
    end_episode,
    mark_episode_ending,
    put_on_hold,
    resume,
)
from alongside.practice.actions.goals import close_goal, set_goal
from alongside.practice.models import CaseloadEntry, Ending
from tests import factories

TODAY = timezone.localdate()


def _snapshot():
    return (
        list(AuditEvent.objects.values_list("pk", flat=True)),
        list(CaseloadEntry.objects.values_list("pk", "version", "status", "end")),
        list(Ending.objects.values_list("pk", flat=True)),
    )


@contextmanager
def refused(field=None, match=None, error=ValidationError):
    """The action raises `error` (beside `field`, if given) and writes nothing."""
    before = _snapshot()
    with pytest.raises(error) as caught:
        yield caught
    if field is not None:
        assert field in caught.value.message_dict, caught.value
    if match is not None:
        assert match in " ".join(caught.value.messages)
    assert _snapshot() == before


def episode_of(p):
    return p.su_a.caseload_entries.get()


def end(p, episode, **overrides):
    values = {
        "by": p.psw.user,
        "episode": episode,
        "expected_version": episode.version,
        "ended_on": TODAY,
        "planned": True,
        "reason": "goals-achieved",
        "now_community_activities": True,
        "now_work": False,
        "now_education": True,
        "now_other_supports": False,
        "now_note": "Swimming club, evening course",
        "independence_note": "Gets to the pool on her own now",
    }
    values.update(overrides)
    return end_episode(**values)


def _goal(p, text="Swim a length"):
    return set_goal(
        by=p.psw.user,
        service_user=p.su_a,
        text=text,
        set_by="agreed",
        chime_domain="hope",
        steps=[],
        set_on=TODAY,
    )


def test_ending_sets_status_and_end_together_and_records_how_it_ended(personas):
    p = personas
    episode = episode_of(p)
    ending = end(p, episode)
    episode.refresh_from_db()
    assert (episode.status, episode.end, episode.version) == ("ended", TODAY, 2)
    assert (ending.planned, ending.reason, ending.recorded_by) == (True, "goals-achieved", p.psw)
    assert (ending.now_community_activities, ending.now_work, ending.now_education) == (
        True,
        False,
        True,
    )
    events = AuditEvent.objects.filter(actor_id=p.psw.user.pk).order_by("pk")
    assert [(e.action, e.object_type) for e in events] == [
        (AuditAction.UPDATE, "practice.caseloadentry"),
        (AuditAction.CREATE, "practice.ending"),
    ]
    assert events[0].detail == {"fields": ["end", "status"]}


def test_ending_with_open_goals_is_refused_and_names_them(personas):
    p = personas
    _goal(p, "Swim a length")
    _goal(p, "Ring my sister on Sundays")
    with refused(match="Swim a length") as caught:
        end(p, episode_of(p))
    assert "Ring my sister on Sundays" in caught.value.messages[0]
    assert "achieved, changed or let go" in caught.value.messages[0]


def test_once_each_goal_is_decided_the_episode_can_end(personas):
    p = personas
    goal = _goal(p)
    close_goal(by=p.psw.user, goal=goal, expected_version=1, status="let-go", closed_on=TODAY)
    end(p, episode_of(p))
    goal.refresh_from_db()
    assert goal.status == "let-go"  # as the PSW decided, not changed by the ending


def test_open_goals_from_another_episode_do_not_block_this_one(personas):
    p = personas
    other = factories.CaseloadEntryFactory(service_user=p.su_a, worker=p.senior)
    set_goal(
        by=p.senior.user,
        service_user=p.su_a,
        text="Senior's goal",
        set_by="agreed",
        chime_domain="hope",
        steps=[],
        set_on=TODAY,
    )
    end(p, CaseloadEntry.objects.get(service_user=p.su_a, worker=p.psw))
    assert other.goals.get().status == "open"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ended_on": TODAY + dt.timedelta(days=1)}, "ended_on"),
        ({"ended_on": dt.date(2019, 12, 31)}, "ended_on"),
        ({"reason": "bored"}, "reason"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_ending_input_is_refused_beside_the_field(personas, overrides, field):
    with refused(field=field):
        end(personas, episode_of(personas), **overrides)


def test_a_stale_ending_is_a_conflict_and_creates_no_ending(personas):
    p = personas
    episode = episode_of(p)
    stale = CaseloadEntry.objects.get(pk=episode.pk)
    put_on_hold(by=p.psw.user, episode=episode, expected_version=1)
    with refused(error=EditConflict):
        end(p, stale, expected_version=1)


def test_an_ended_episode_cannot_end_again(personas):
    p = personas
    episode = episode_of(p)
    end(p, episode)
    with refused(match="already ended"):
        end(p, episode)


TRANSITIONS = [
    ("active", put_on_hold, "on-hold"),
    ("active", mark_episode_ending, "ending"),
    ("on-hold", resume, "active"),
    ("on-hold", mark_episode_ending, "ending"),
    ("ending", resume, "active"),
    ("ending", put_on_hold, "on-hold"),
]


@pytest.mark.parametrize(("start", "action", "expected"), TRANSITIONS)
def test_status_changes_on_the_open_episode(personas, start, action, expected):
    p = personas
    CaseloadEntry.objects.filter(service_user=p.su_a).update(status=start)
    episode = episode_of(p)
    action(by=p.psw.user, episode=episode, expected_version=1)
    episode.refresh_from_db()
    assert (episode.status, episode.version) == (expected, 2)
    event = AuditEvent.objects.get(object_type="practice.caseloadentry")
    assert event.detail == {"fields": ["status"]}


@pytest.mark.parametrize(
    ("start", "action"),
    [("active", resume), ("on-hold", put_on_hold), ("ending", mark_episode_ending)],
)
def test_a_status_change_to_the_same_status_is_refused(personas, start, action):
    CaseloadEntry.objects.filter(service_user=personas.su_a).update(status=start)
    with refused(field="status", match="already"):
        action(by=personas.psw.user, episode=episode_of(personas), expected_version=1)


@pytest.mark.parametrize("action", [resume, put_on_hold, mark_episode_ending])
def test_an_ended_episode_keeps_its_status(personas, action):
    p = personas
    episode = episode_of(p)
    end(p, episode)
    with refused(match="re-referral opens a new one"):
        action(by=p.psw.user, episode=episode, expected_version=episode.version)


def test_a_stale_status_change_is_a_conflict(personas):
    p = personas
    episode = episode_of(p)
    stale = CaseloadEntry.objects.get(pk=episode.pk)
    put_on_hold(by=p.psw.user, episode=episode, expected_version=1)
    with refused(error=EditConflict):
        mark_episode_ending(by=p.psw.user, episode=stale, expected_version=1)


def test_a_re_referral_opens_a_new_episode_and_the_old_one_keeps_its_ending(personas):
    p = personas
    old = episode_of(p)
    end(p, old)
    new = factories.CaseloadEntryFactory(service_user=p.su_a, worker=p.psw, start=TODAY)
    episodes = list(p.su_a.caseload_entries.order_by("pk"))
    assert episodes == [old, new]
    assert old.ending.reason == "goals-achieved"
    assert new.status == "active"
