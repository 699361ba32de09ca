"""Groups: the team's PSWs run them, their supervisor reads them, no one else sees them."""

import factory
from django.utils import timezone

from alongside.practice.models import GroupProgramme, GroupSession
from tests.factories import LONG_AGO
from tests.integration.url_rules import Rule, roles

GROUP_NAME = "Cliff walkers of Riverside"


class GroupProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupProgramme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Group {n}")
    team = factory.SubFactory("tests.factories.TeamFactory")
    start = LONG_AGO

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.facilitators.set(extracted)


class GroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupSession

    programme = factory.SubFactory(GroupProgrammeFactory)
    date = factory.LazyFunction(timezone.localdate)
    duration_minutes = 90
    setting = "community"


def _group(p):
    return GroupProgramme.objects.filter(name=GROUP_NAME).first() or GroupProgrammeFactory(
        name=GROUP_NAME, team=p.team_a, facilitators=[p.psw]
    )


def _session(p):
    group = _group(p)
    return group.sessions.first() or GroupSessionFactory(programme=group)


_MANAGERS = roles("psw", "senior")

RULES: dict[str, Rule] = {
    "practice:groups": Rule(
        allowed=roles("psw", "psw_b", "senior", "supervisor"),
        secret=lambda p: _group(p).name,
        sees_secret=roles("psw", "senior", "supervisor"),
    ),
    "practice:group": Rule(
        allowed=roles("psw", "senior", "supervisor"),
        kwargs=lambda p: {"pk": _group(p).pk},
        secret=lambda p: _group(p).name,
    ),
    "practice:group-create": Rule(allowed=roles("psw", "psw_b", "senior")),
    "practice:group-edit": Rule(
        allowed=_MANAGERS, kwargs=lambda p: {"pk": _group(p).pk}, secret=lambda p: GROUP_NAME
    ),
    "practice:session-create": Rule(
        allowed=_MANAGERS, kwargs=lambda p: {"pk": _group(p).pk}, secret=lambda p: GROUP_NAME
    ),
    "practice:session-attendance": Rule(
        allowed=_MANAGERS,
        kwargs=lambda p: {"pk": _session(p).pk},
        secret=lambda p: p.su_a.preferred_name,
        sees_secret=roles("psw"),
    ),
}
