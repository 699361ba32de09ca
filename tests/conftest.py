"""Fixtures are people: one per role, plus an outsider with a login and no role.

`personas` builds a small programme: two teams in one region; PSW A (`psw`) and PSW B (`psw_b`)
each with a service user on their caseload; a supervisor of PSW A; a clinician on A's team; a
senior PSW on A's team; a programme lead, an evaluator, an administrator; a service user with a
login (A's service user); and an outsider.
"""

import importlib
import os
from dataclasses import dataclass

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from alongside.core.access import RoleCode
from alongside.organisation.models import Discipline
from tests import factories

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class Personas:
    team_a: object
    team_b: object
    psw: object
    psw_b: object
    senior: object
    supervisor: object
    clinician: object
    lead: object
    evaluator: object
    admin: object
    service_user_login: object
    outsider: object
    su_a: object
    su_b: object
    referral_a: object
    referral_b: object

    def user(self, name):
        return getattr(self, name).user if name != "outsider" else self.outsider

    ROLES = (
        "psw",
        "psw_b",
        "senior",
        "supervisor",
        "clinician",
        "lead",
        "evaluator",
        "admin",
        "service_user_login",
        "outsider",
    )


def _member(role, team=None, discipline="", **kwargs):
    person = factories.PersonFactory(**kwargs)
    factories.MembershipFactory(person=person, team=team, role=role, discipline=discipline)
    return person


def restore_default_activities():
    """The activity list comes from a data migration; a browser test's flush empties it."""
    from alongside.practice.models import Activity

    seeded = importlib.import_module("alongside.practice.migrations.0003_default_activities")
    for order, (code, label) in enumerate(seeded.ACTIVITIES):
        Activity.objects.get_or_create(code=code, defaults={"label": label, "order": order})


@pytest.fixture
def personas(db):
    restore_default_activities()
    team_a = factories.TeamFactory(name="Riverside CMHT")
    team_b = factories.TeamFactory(name="Hillview Rehab", area=team_a.area)
    psw = _member(RoleCode.PEER_SUPPORT_WORKER, team_a, Discipline.PEER, given_name="Aoife")
    psw_b = _member(RoleCode.PEER_SUPPORT_WORKER, team_b, Discipline.PEER, given_name="Brian")
    senior = _member(RoleCode.SENIOR_PEER_SUPPORT_WORKER, team_a, Discipline.PEER)
    supervisor = _member(RoleCode.SUPERVISOR, team_a, Discipline.SOCIAL_WORK)
    clinician = _member(RoleCode.TEAM_CLINICIAN, team_a, Discipline.NURSING)
    lead = _member(RoleCode.PROGRAMME_LEAD)
    evaluator = _member(RoleCode.EVALUATOR)
    admin = _member(RoleCode.ADMINISTRATOR)
    factories.SupervisionAssignmentFactory(supervisor=supervisor, supervisee=psw)
    su_person = _member(RoleCode.SERVICE_USER, team_a, given_name="Siobhan")
    su_a = factories.ServiceUserFactory(
        team=team_a, preferred_name="Niamh-on-caseload-A", person=su_person
    )
    su_b = factories.ServiceUserFactory(team=team_b, preferred_name="Declan-on-caseload-B")
    factories.CaseloadEntryFactory(service_user=su_a, worker=psw)
    factories.CaseloadEntryFactory(service_user=su_b, worker=psw_b)
    referral_a = factories.ReferralFactory(
        service_user=su_a, referrer=clinician, allocated_to=psw, status="accepted"
    )
    referral_b = factories.ReferralFactory(
        service_user=su_b, allocated_to=psw_b, status="accepted", reason="Team B private reason"
    )
    outsider = factories.UserFactory(username="outsider")
    return Personas(
        team_a=team_a,
        team_b=team_b,
        psw=psw,
        psw_b=psw_b,
        senior=senior,
        supervisor=supervisor,
        clinician=clinician,
        lead=lead,
        evaluator=evaluator,
        admin=admin,
        service_user_login=su_person,
        outsider=outsider,
        su_a=su_a,
        su_b=su_b,
        referral_a=referral_a,
        referral_b=referral_b,
    )


@pytest.fixture
def client_for(personas):
    """A logged-in test client for a persona name, e.g. client_for("psw")."""

    def make(name):
        client = Client()
        client.force_login(personas.user(name))
        return client

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


# Hypothesis profiles (HYPOTHESIS_PROFILE): `ci`, the default, keeps Hypothesis's usual 100
# examples; `nightly` (`make fuzz`) runs fifteen times as many, which takes tests/fuzz past 10,000
# generated cases. Tests that set their own max_examples keep it under either profile.
hypothesis_settings.register_profile("ci", max_examples=100)
hypothesis_settings.register_profile("nightly", max_examples=1500)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
