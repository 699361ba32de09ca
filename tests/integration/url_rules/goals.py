"""Recovery goals: the PSW manages them, their supervisor reads them, the person adds progress."""

from django.utils import timezone

from alongside.practice.actions.goals import set_goal
from alongside.practice.models import Goal
from tests.integration.url_rules import Rule, roles

GOAL_TEXT = "Swim a length of the pool without stopping"


def goal_of_su_a(p):
    """PSW A's service user's goal, made once per test through the action a PSW uses."""
    existing = Goal.objects.filter(service_user=p.su_a, text=GOAL_TEXT).first()
    if existing is not None:
        return existing
    return set_goal(
        by=p.psw.user,
        service_user=p.su_a,
        text=GOAL_TEXT,
        set_by="service-user",
        chime_domain="hope",
        steps=["Find the timetable"],
        set_on=timezone.localdate(),
    )


def _goal(p):
    return {"pk": goal_of_su_a(p).pk}


def _secret(p):
    return goal_of_su_a(p).text


_MANAGE = Rule(allowed=roles("psw"), kwargs=_goal, secret=_secret)

RULES: dict[str, Rule] = {
    "practice:goal-create": Rule(
        allowed=roles("psw"),
        kwargs=lambda p: {"pk": p.su_a.pk},
        secret=lambda p: p.su_a.preferred_name,
    ),
    "practice:goal": Rule(
        allowed=roles("psw", "supervisor", "service_user_login"), kwargs=_goal, secret=_secret
    ),
    "practice:goal-edit": _MANAGE,
    "practice:goal-progress": _MANAGE,
    "practice:goal-close": _MANAGE,
    "practice:goal-step": Rule(
        allowed=roles("psw"),
        kwargs=lambda p: {"pk": goal_of_su_a(p).pk, "step_pk": goal_of_su_a(p).steps.get().pk},
        method="post",
        data={"done": "1"},
        ok_status=(302,),
    ),
    "practice:my-goals": Rule(allowed=roles("service_user_login"), secret=_secret),
    # No rating given: the person's page comes back with the message beside the field.
    "practice:my-goal-progress": Rule(
        allowed=roles("service_user_login"), kwargs=_goal, method="post", secret=_secret
    ),
}
