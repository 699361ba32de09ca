"""The demo's workforce: shaped like the seed's findings, and the same for the same seed."""

from io import StringIO

import pytest
from django.core.management import call_command

from alongside.demo.generator import plan_programme
from alongside.demo.scales import SEED
from alongside.demo.workforce import plan_workforce
from alongside.workforce.models import SupervisionSession
from alongside.workforce.tiles import cpd_access, readiness_by_team, resource_gaps


def test_the_workforce_plan_is_deterministic_and_leaves_the_rest_of_the_plan_alone():
    plan = plan_programme(scale=SEED, seed=2019)
    assert plan_workforce(plan.caseloads, seed=2019) == plan_workforce(plan.caseloads, seed=2019)
    assert plan_workforce(plan.caseloads, seed=2019) != plan_workforce(plan.caseloads, seed=7)
    work = plan_workforce(plan.caseloads, seed=2019)
    counts = work.counts()
    assert counts["psws_with_cpd_access"] == 14  # 27 PSWs, about half
    teams = len(plan.caseloads.teams)
    assert 0 < counts["teams_prepared_before_placement"] < teams / 2


@pytest.fixture
def demo(db):
    call_command("demo", "--no-serve", stdout=StringIO())


def test_the_loaded_demo_shows_prepared_teams_declining_fewer_referrals(demo):
    view = readiness_by_team()
    assert view.assessed_teams == len(view.teams)
    assert 0 < view.prepared.teams < view.not_prepared.teams
    assert view.prepared.not_appropriate_share < view.not_prepared.not_appropriate_share
    access = cpd_access()
    assert 0.4 <= access.rate <= 0.6
    assert dict(resource_gaps().by_gap).get("phone only", 0) > 0
    assert SupervisionSession.objects.exclude(private_notes="").exists()
