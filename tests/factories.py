"""One factory per model. Tests build what they need; nothing is shared between tests."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from alongside.core.access import RoleCode
from alongside.organisation.models import (
    Area,
    Discipline,
    Membership,
    Person,
    Region,
    SupervisionAssignment,
    Team,
    TeamType,
)
from alongside.practice.models import CaseloadEntry, Referral, ServiceUser

LONG_AGO = dt.date(2020, 1, 1)
PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"r{n}")
    name = factory.Sequence(lambda n: f"Region {n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Area {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    team_type = TeamType.CMHT


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    email = factory.LazyAttribute(lambda p: f"{p.given_name.lower()}@example.org")
    user = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    team = factory.SubFactory(TeamFactory)
    role = RoleCode.PEER_SUPPORT_WORKER
    discipline = Discipline.PEER
    fte = "0.60"
    start = LONG_AGO


class SupervisionAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionAssignment

    supervisor = factory.SubFactory(PersonFactory)
    supervisee = factory.SubFactory(PersonFactory)
    start = LONG_AGO


class ServiceUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUser

    reference = factory.Sequence(lambda n: f"SU-T{n:04d}")
    preferred_name = factory.Sequence(lambda n: f"Preferred{n}")
    team = factory.SubFactory(TeamFactory)
    consented_to_peer_support = True
    consent_date = LONG_AGO


class CaseloadEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseloadEntry

    service_user = factory.SubFactory(ServiceUserFactory)
    worker = factory.SubFactory(PersonFactory)
    start = LONG_AGO


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    service_user = factory.SubFactory(ServiceUserFactory)
    team = factory.SelfAttribute("service_user.team")
    referrer = factory.SubFactory(PersonFactory)
    referrer_discipline = Discipline.NURSING
    reason = "Wants company to get back to the swimming pool"
    hopes = "Swim once a week"
    received_on = LONG_AGO
