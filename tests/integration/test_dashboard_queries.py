"""The programme dashboard at any size: a fixed number of queries, filters that reach every
tile, and cached measures tables that are never read after their data changed."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alongside.measures.actions import record_administration, set_schedule
from alongside.measures.models import AdministrationMode, InstrumentVersion
from alongside.practice import rollups
from alongside.practice.actions.contacts import record_contact
from alongside.practice.actions.endings import mark_episode_ending
from alongside.practice.models import Activity, Contact, FigureChange
from alongside.reports.dashboard import Filters, build_dashboard
from alongside.workforce.actions.supervision import log_supervision
from alongside.workforce.tiles import workforce_tiles
from tests import factories
from tests.integration.url_rules.contacts import ensure_default_activities

# A fixed day, so that "the last 90 days" cuts the same months in every run.
FIXED_TODAY = dt.date(2025, 6, 18)
# Queries per dashboard page, with the measures tables' cache empty (cold) and filled (warm).
# The same whatever the number of teams, service users, referrals and contacts.
# A region or a team costs one or two more than the whole programme (its teams, its region), and
# a team with a period that cuts months six more (its records in the cut months, one query per
# figure). The measures tables cost eight when they are not cached.
QUERIES = {
    "all": (33, 25),
    "region": (34, 26),
    "team": (35, 27),
    "last 90 days": (33, 25),
    "region, last 90 days": (34, 26),
    "team, last 90 days": (41, 33),
}


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: FIXED_TODAY)
    return FIXED_TODAY


def _days_ago(n):
    return FIXED_TODAY - dt.timedelta(days=n)


def _chime():
    return InstrumentVersion.objects.get(code="chime-support", version="1.0")


def _administer(by, service_user, days_ago):
    return record_administration(
        by=by,
        service_user=service_user,
        instrument_version=_chime(),
        text_pack=None,
        administered_on=_days_ago(days_ago),
        mode=AdministrationMode.WITH_PSW,
        answers={"connectedness": 3, "hope": 2, "identity": 4, "meaning": 1, "empowerment": 3},
    )


def _grow(personas, teams, people_per_team):
    """More teams, service users on caseloads, referrals, contacts and administrations."""
    ensure_default_activities()
    activity = Activity.objects.order_by("pk").first()
    for index in range(teams):
        team = factories.TeamFactory(area=personas.team_a.area)
        worker = factories.PersonFactory()
        factories.MembershipFactory(person=worker, team=team)
        for person in range(people_per_team):
            for target in (team, personas.team_a):
                su = factories.ServiceUserFactory(team=target)
                episode = factories.CaseloadEntryFactory(service_user=su, worker=worker)
                factories.ReferralFactory(
                    service_user=su,
                    allocated_to=worker,
                    status="accepted",
                    received_on=_days_ago(10 * (index + person + 1)),
                )
                for days in (3, 45, 100, 400):
                    contact = Contact.objects.create(
                        service_user=su,
                        episode=episode,
                        worker=worker,
                        date=_days_ago(days + index),
                        duration_minutes=30,
                        mode="phone",
                        setting="home",
                    )
                    contact.activities.add(activity)
                _administer(worker.user, su, 200)
                _administer(worker.user, su, 20 + person)


def _url(personas, name):
    region = personas.team_a.area.region_id
    return {
        "all": {},
        "region": {"region": region},
        "team": {"team": personas.team_a.pk},
        "last 90 days": {"period": "90"},
        "region, last 90 days": {"region": region, "period": "90"},
        "team, last 90 days": {"team": personas.team_a.pk, "period": "90"},
    }[name]


def _count(client, params, *, cold):
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:dashboard"), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", list(QUERIES))
def test_the_dashboard_costs_a_fixed_number_of_queries_whatever_the_data(
    personas, client_for, today, name
):
    client = client_for("lead")
    _grow(personas, teams=1, people_per_team=1)
    params = _url(personas, name)
    client.get(reverse("reports:dashboard"), params)
    small = (_count(client, params, cold=True), _count(client, params, cold=False))
    _grow(personas, teams=3, people_per_team=3)
    large = (_count(client, params, cold=True), _count(client, params, cold=False))
    assert small == large == QUERIES[name]


# --- the workforce tiles follow the filters ------------------------------------------------------


def test_the_workforce_tiles_count_only_the_filtered_teams(personas, today):
    p = personas
    other_region_team = factories.TeamFactory()
    far_psw = factories.PersonFactory()
    factories.MembershipFactory(person=far_psw, team=other_region_team)
    log_supervision(
        by=p.supervisor.user,
        supervisee=p.psw,
        supervisor=p.supervisor,
        date=_days_ago(3),
        duration_minutes=50,
        session_type="practice-supervision",
        protected_time=True,
        private_notes="",
    )
    everyone = build_dashboard(Filters()).tiles
    team_a = build_dashboard(Filters(team_id=p.team_a.pk)).tiles
    team_b = build_dashboard(Filters(team_id=p.team_b.pk)).tiles
    region = build_dashboard(Filters(region_id=p.team_a.area.region_id)).tiles
    far = build_dashboard(Filters(region_id=other_region_team.area.region_id)).tiles
    # psw and senior on team A, psw_b on team B, one more in the other region.
    assert (everyone.supervision.psws, everyone.supervision.covered) == (4, 1)
    assert (team_a.supervision.psws, team_a.supervision.covered) == (2, 1)
    assert (team_b.supervision.psws, team_b.supervision.covered) == (1, 0)
    assert (region.supervision.psws, region.supervision.covered) == (3, 1)
    assert (far.supervision.psws, far.supervision.covered, far.supervision.sessions) == (1, 0, 0)
    assert team_a.supervision.sessions == 1
    assert team_b.supervision.sessions == 0
    assert (team_a.cpd.psws, team_b.cpd.psws, far.cpd.psws) == (2, 1, 1)
    # The same for the parts the workforce overview shows.
    assert [t.team for t in team_b.readiness.teams] == [p.team_b.name]
    assert team_b.resources.psws == 1
    assert workforce_tiles(team_ids=[]).supervision.psws == 0


def test_the_dashboard_counts_only_the_workforce_figures_it_shows(personas, client_for, today):
    with CaptureQueriesContext(connection) as queries:
        page = client_for("lead").get(reverse("reports:dashboard"))
    assert "Supervision" in page.content.decode()
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "workforce_supervisionsession" in sql
    for unshown in (
        "workforce_readinesschecklist",
        "workforce_pulseresponse",
        "workforce_workresources",
    ):
        assert unshown not in sql


# --- cached measures tables are never stale -------------------------------------------------------


def _measures(client, **params):
    response = client.get(reverse("reports:dashboard-csv", args=["measures"]), params)
    return response.content.decode()


def test_the_measures_tables_change_as_soon_as_their_data_does(personas, client_for, today):
    p = personas
    client = client_for("lead")
    more = [factories.ServiceUserFactory(team=p.team_a) for _ in range(6)]
    for su in more:
        factories.CaseloadEntryFactory(service_user=su, worker=p.psw)
        _administer(p.psw.user, su, 30)
    set_schedule(
        by=None,
        instrument_code="chime-support",
        active=True,
        at_first_contact=True,
        every_n_weeks=52,
        at_ending=True,
    )
    first = _measures(client)
    assert "Measures completed in the period,6" in first
    assert "People on a caseload with a measure due now,*" in first  # su_a and su_b only
    assert _measures(client) == first  # from the cache
    _administer(p.psw.user, more[0], 10)
    assert "Measures completed in the period,7" in _measures(client)
    # A schedule changes what is due for everyone.
    set_schedule(
        by=None,
        instrument_code="chime-support",
        active=True,
        at_first_contact=True,
        every_n_weeks=1,
        at_ending=True,
    )
    assert "People on a caseload with a measure due now,8" in _measures(client)
    # An episode marked ending changes the team's figures, and so its cached table.
    team_a = _measures(client, team=p.team_a.pk)
    version = rollups.version([p.team_b.pk])
    episode = more[1].caseload_entries.get()
    mark_episode_ending(by=p.psw.user, episode=episode, expected_version=episode.version)
    assert rollups.version([p.team_b.pk]) == version  # team B's cache is still good
    assert rollups.version([p.team_a.pk]) != version
    assert _measures(client, team=p.team_a.pk) == team_a  # same figures, counted again


def test_only_what_feeds_the_measures_tables_moves_the_change_note(personas, today):
    ensure_default_activities()
    p = personas
    episode = p.su_a.caseload_entries.get()
    episode.start = _days_ago(30)
    episode.save()
    team_a, team_b = rollups.version([p.team_a.pk]), rollups.version([p.team_b.pk])
    record_contact(
        by=p.psw.user,
        worker=p.psw,
        service_user=p.su_a,
        date=_days_ago(1),
        duration_minutes=30,
        mode="phone",
        setting="home",
        activities=[],
        chime=[],
        note="",
    )
    assert rollups.version([p.team_a.pk]) == team_a  # a contact feeds no measures table
    episode.refresh_from_db()
    mark_episode_ending(by=p.psw.user, episode=episode, expected_version=episode.version)
    assert rollups.version([p.team_a.pk]) != team_a
    assert rollups.version([p.team_b.pk]) == team_b
    _administer(p.psw_b.user, p.su_b, 3)
    assert rollups.version([p.team_b.pk]) != team_b


def test_without_a_change_note_nothing_is_cached(personas, client_for, today):
    client = client_for("lead")
    client.get(reverse("reports:dashboard"))
    cold, warm = _count(client, {}, cold=True), _count(client, {}, cold=False)
    assert warm < cold
    FigureChange.objects.all().delete()  # as after a bulk load with no rebuild
    assert _count(client, {}, cold=True) == _count(client, {}, cold=False) == cold


# --- the team list in a big programme ----------------------------------------------------------


def test_a_big_programme_lists_the_chosen_regions_teams_only(personas, client_for, monkeypatch):
    from alongside.reports import forms

    monkeypatch.setattr(forms, "TEAMS_LISTED_AT_MOST", 3)
    far = factories.TeamFactory(name="Far Away CMHT")
    factories.TeamFactory(name="Further CMHT", area=far.area)
    client = client_for("lead")
    url = reverse("reports:dashboard")
    page = client.get(url).content.decode()
    assert "Choose a region first to list its teams." in page
    assert personas.team_a.name not in page
    region = personas.team_a.area.region_id
    chosen = client.get(url, {"region": region}, HTTP_HX_REQUEST="true").content.decode()
    swapped = chosen[chosen.index('id="team-field" hx-swap-oob="true"') :]
    assert personas.team_a.name in swapped
    assert personas.team_b.name in swapped
    assert far.name not in swapped
    # A bookmarked team still filters, and lists its region's teams.
    page = client.get(url, {"team": far.pk}).content.decode()
    assert "Further CMHT" in page
    assert personas.team_a.name not in page
