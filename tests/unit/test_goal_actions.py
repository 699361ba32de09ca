"""Goal actions: each one's happy path, and each refusal writing nothing (no audit event either)."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alongside.core.models import AuditAction, AuditEvent
from alongside.core.records import EditConflict
from alongside.practice.actions.goals import (
    close_goal,
    record_progress,
    set_goal,
    tick_step,
    update_goal,
)
from alongside.practice.models import Goal, GoalProgress, GoalStep
from tests import factories

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


def _snapshot():
    return (
        list(AuditEvent.objects.values_list("pk", flat=True)),
        list(Goal.objects.values_list("pk", "version", "status", "text", "chime_domain")),
        list(GoalStep.objects.values_list("pk", "text", "order", "done_on")),
        list(GoalProgress.objects.values_list("pk", flat=True)),
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


def goal_for(p, **overrides):
    values = {
        "by": p.psw.user,
        "service_user": p.su_a,
        "text": "Get back to the swimming pool",
        "set_by": "service-user",
        "chime_domain": "hope",
        "steps": ["Find the timetable", "Go with a friend"],
        "set_on": YESTERDAY,
    }
    values.update(overrides)
    return set_goal(**values)


def test_a_psw_sets_a_goal_in_the_open_episode_with_its_steps(personas):
    p = personas
    goal = goal_for(p, steps=["  Find the timetable ", "", "Go with a friend"])
    assert goal.episode == p.su_a.caseload_entries.get()
    assert goal.recorded_by == p.psw
    assert (goal.status, goal.closed_on, goal.version) == ("open", None, 1)
    assert list(goal.steps.values_list("text", "order")) == [
        ("Find the timetable", 0),
        ("Go with a friend", 1),
    ]
    created = AuditEvent.objects.get(object_type="practice.goal")
    assert created.action == AuditAction.CREATE
    assert created.detail == {"fields": ["chime_domain", "set_by", "set_on", "text"]}
    assert AuditEvent.objects.filter(object_type="practice.goalstep").count() == 2


def test_a_goal_cannot_be_set_for_someone_not_on_the_psws_caseload(personas):
    with refused(match="not on your current caseload"):
        goal_for(personas, service_user=personas.su_b)


def test_a_goal_cannot_be_set_once_the_episode_has_ended(personas):
    personas.su_a.caseload_entries.update(status="ended", end=YESTERDAY)
    with refused(match="not on your current caseload"):
        goal_for(personas)


def test_someone_without_a_person_record_cannot_set_goals(personas):
    with refused(match="not linked to a person"):
        goal_for(personas, by=personas.outsider)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"set_by": "psw"}, "set_by"),
        ({"set_by": ""}, "set_by"),
        ({"text": "   "}, "text"),
        ({"chime_domain": "wellbeing"}, "chime_domain"),
        ({"steps": ["x" * 301]}, "steps"),
        ({"set_on": TOMORROW}, "set_on"),
    ],
)
def test_bad_goal_input_is_refused_beside_the_field(personas, overrides, field):
    with refused(field=field):
        goal_for(personas, **overrides)


def test_the_form_says_plainly_that_a_goal_is_the_persons_own():
    from alongside.practice.forms.goals import GoalForm

    form = GoalForm({})
    assert "always the person's own" in form.fields["set_by"].help_text
    assert "Say whether they set it themselves" in form.errors["set_by"][0]


def test_editing_a_goal_keeps_unchanged_steps_and_their_ticks(personas):
    p = personas
    goal = goal_for(p)
    ticked = goal.steps.get(text="Go with a friend")
    tick_step(by=p.psw.user, step=ticked, done_on=TODAY)
    before = AuditEvent.objects.count()

    update_goal(
        by=p.psw.user,
        goal=goal,
        expected_version=1,
        text="Swim a length",
        chime_domain="empowerment",
        steps=["Go with a friend", "Buy goggles"],
    )

    goal.refresh_from_db()
    assert (goal.text, goal.chime_domain, goal.version) == ("Swim a length", "empowerment", 2)
    steps = list(goal.steps.values_list("pk", "text", "order", "done_on"))
    assert steps[0] == (ticked.pk, "Go with a friend", 0, TODAY)
    assert steps[1][1:] == ("Buy goggles", 1, None)
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.object_type) for e in events] == [
        (AuditAction.UPDATE, "practice.goal"),
        (AuditAction.UPDATE, "practice.goalstep"),
        (AuditAction.CREATE, "practice.goalstep"),
        (AuditAction.DELETE, "practice.goalstep"),
    ]
    assert events[0].detail == {"fields": ["chime_domain", "text"]}


def test_a_stale_goal_edit_gets_a_conflict_and_changes_nothing(personas):
    p = personas
    goal = goal_for(p)
    update_goal(
        by=p.psw.user, goal=goal, expected_version=1, text="First", chime_domain="hope", steps=[]
    )
    stale = Goal.objects.get(pk=goal.pk)
    with refused(error=EditConflict):
        update_goal(
            by=p.psw.user,
            goal=stale,
            expected_version=1,
            text="Second",
            chime_domain="meaning",
            steps=["A new step"],
        )
    assert Goal.objects.get(pk=goal.pk).text == "First"


def test_a_closed_goal_cannot_be_edited(personas):
    p = personas
    goal = goal_for(p)
    close_goal(by=p.psw.user, goal=goal, expected_version=1, status="achieved", closed_on=TODAY)
    with refused(match="closed"):
        update_goal(
            by=p.psw.user, goal=goal, expected_version=2, text="x", chime_domain="hope", steps=[]
        )


def test_a_psw_records_a_rating_with_a_note(personas):
    p = personas
    goal = goal_for(p)
    entry = record_progress(
        by=p.psw.user,
        goal=goal,
        rating=4,
        note=" Went once ",
        rated_on=TODAY,
        by_service_user=False,
    )
    assert (entry.rating, entry.note, entry.recorded_by, entry.by_service_user) == (
        4,
        "Went once",
        p.psw,
        False,
    )
    event = AuditEvent.objects.get(object_type="practice.goalprogress")
    assert event.detail == {"fields": ["by_service_user", "note", "rated_on", "rating"]}


def test_the_service_user_rates_their_own_goal_as_themselves(personas):
    p = personas
    goal = goal_for(p)
    entry = record_progress(
        by=p.service_user_login.user,
        goal=goal,
        rating=7,
        note="",
        rated_on=TODAY,
        by_service_user=True,
    )
    assert entry.recorded_by == p.service_user_login
    assert entry.by_service_user is True


@pytest.mark.parametrize("rating", [-1, 11, 100])
def test_a_rating_outside_0_to_10_is_refused_beside_the_field(personas, rating):
    goal = goal_for(personas)
    with refused(field="rating"):
        record_progress(
            by=personas.psw.user,
            goal=goal,
            rating=rating,
            note="",
            rated_on=TODAY,
            by_service_user=False,
        )


@pytest.mark.parametrize("rating", [0, 10])
def test_the_ends_of_the_scale_are_accepted(personas, rating):
    goal = goal_for(personas)
    entry = record_progress(
        by=personas.psw.user,
        goal=goal,
        rating=rating,
        note="",
        rated_on=TODAY,
        by_service_user=False,
    )
    assert entry.rating == rating


@pytest.mark.parametrize("rated_on", [TOMORROW, YESTERDAY - dt.timedelta(days=1)])
def test_a_rating_dated_in_the_future_or_before_the_goal_is_refused(personas, rated_on):
    goal = goal_for(personas)
    with refused(field="rated_on"):
        record_progress(
            by=personas.psw.user,
            goal=goal,
            rating=5,
            note="",
            rated_on=rated_on,
            by_service_user=False,
        )


def test_a_closed_goal_takes_no_more_ratings(personas):
    p = personas
    goal = goal_for(p)
    stale = Goal.objects.get(pk=goal.pk)
    close_goal(by=p.psw.user, goal=goal, expected_version=1, status="let-go", closed_on=TODAY)
    with refused(match="no more progress"):
        record_progress(
            by=p.service_user_login.user,
            goal=stale,  # read while it was still open: the status is re-read under a lock
            rating=5,
            note="",
            rated_on=TODAY,
            by_service_user=True,
        )


def test_a_psw_cannot_enter_a_rating_as_if_the_service_user_had(personas):
    goal = goal_for(personas)
    with refused(match="Only the person"):
        record_progress(
            by=personas.psw.user,
            goal=goal,
            rating=5,
            note="",
            rated_on=TODAY,
            by_service_user=True,
        )


@pytest.mark.parametrize("status", ["achieved", "changed", "let-go"])
def test_a_goal_closes_as_achieved_changed_or_let_go(personas, status):
    p = personas
    goal = goal_for(p)
    close_goal(by=p.psw.user, goal=goal, expected_version=1, status=status, closed_on=TODAY)
    goal.refresh_from_db()
    assert (goal.status, goal.closed_on, goal.version) == (status, TODAY, 2)
    event = AuditEvent.objects.filter(object_type="practice.goal").latest("pk")
    assert event.detail == {"fields": ["closed_on", "status"]}


@pytest.mark.parametrize(
    ("status", "closed_on", "field"),
    [
        ("open", TODAY, "status"),
        ("finished", TODAY, "status"),
        ("achieved", TOMORROW, "closed_on"),
        ("achieved", YESTERDAY - dt.timedelta(days=1), "closed_on"),
    ],
)
def test_bad_closing_input_is_refused_beside_the_field(personas, status, closed_on, field):
    goal = goal_for(personas)
    with refused(field=field):
        close_goal(
            by=personas.psw.user,
            goal=goal,
            expected_version=1,
            status=status,
            closed_on=closed_on,
        )


def test_closing_a_goal_someone_else_just_edited_is_a_conflict(personas):
    p = personas
    goal = goal_for(p)
    stale = Goal.objects.get(pk=goal.pk)
    update_goal(
        by=p.psw.user, goal=goal, expected_version=1, text="New", chime_domain="hope", steps=[]
    )
    with refused(error=EditConflict):
        close_goal(
            by=p.psw.user, goal=stale, expected_version=1, status="achieved", closed_on=TODAY
        )


def test_a_closed_goal_cannot_be_closed_again(personas):
    p = personas
    goal = goal_for(p)
    close_goal(by=p.psw.user, goal=goal, expected_version=1, status="achieved", closed_on=TODAY)
    with refused(match="closed"):
        close_goal(by=p.psw.user, goal=goal, expected_version=2, status="let-go", closed_on=TODAY)


def test_a_step_is_ticked_and_unticked(personas):
    p = personas
    step = goal_for(p).steps.first()
    tick_step(by=p.psw.user, step=step, done_on=TODAY)
    assert GoalStep.objects.get(pk=step.pk).done_on == TODAY
    tick_step(by=p.psw.user, step=step, done_on=None)
    assert GoalStep.objects.get(pk=step.pk).done_on is None
    events = AuditEvent.objects.filter(object_type="practice.goalstep", action="update")
    assert [e.detail for e in events] == [{"fields": ["done_on"]}] * 2


def test_a_step_cannot_be_ticked_in_the_future(personas):
    step = goal_for(personas).steps.first()
    with refused(field="done_on"):
        tick_step(by=personas.psw.user, step=step, done_on=TOMORROW)


def test_the_steps_of_a_closed_goal_stay_as_they_were(personas):
    p = personas
    goal = goal_for(p)
    close_goal(by=p.psw.user, goal=goal, expected_version=1, status="changed", closed_on=TODAY)
    step = GoalStep.objects.filter(goal=goal).select_related("goal").first()
    with refused(match="closed"):
        tick_step(by=p.psw.user, step=step, done_on=TODAY)


def test_goals_of_a_re_referred_person_link_to_the_new_episode(personas):
    p = personas
    p.su_a.caseload_entries.update(status="ended", end=YESTERDAY)
    new = factories.CaseloadEntryFactory(service_user=p.su_a, worker=p.psw, start=TODAY)
    goal = goal_for(p, set_on=TODAY)
    assert goal.episode == new
