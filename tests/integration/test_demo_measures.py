"""The demo's outcome measures: CHIME checks over the episodes, most improving, some not.
First in the plan (pure, for any seed), then once loaded."""

import itertools
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.demo import loader
from alongside.demo.generator import DEFAULT_SEED, plan_programme
from alongside.demo.loader import DemoRefused, load_programme
from alongside.demo.outcomes import (
    CHIME_CHECK,
    EXPERIENCE_SURVEY,
    INSTRUMENTS,
    REVIEW_DAYS,
    TREND_SHARES,
    shipped_instrument,
)
from alongside.demo.plan import MeasureTrend, Plan, PlannedAdministration
from alongside.demo.scales import SEED
from alongside.measures.actions import _scores
from alongside.measures.models import Administration, AdministrationMode, InstrumentVersion
from alongside.measures.queries import person_history
from alongside.measures.scoring import score_answers
from alongside.measures.textpacks import BUILT_IN
from alongside.practice.models import ServiceUser


def chime_checks(plan: Plan) -> dict[int, list[PlannedAdministration]]:
    by_episode: dict[int, list[PlannedAdministration]] = defaultdict(list)
    for administration in plan.measures.administrations:
        if (administration.instrument, administration.instrument_version) == CHIME_CHECK:
            by_episode[administration.episode].append(administration)
    return by_episode


def total(administration: PlannedAdministration) -> float:
    instrument = shipped_instrument(*CHIME_CHECK)
    return score_answers(instrument, dict(administration.answers))["total"].value


def persona_service_user(plan: Plan) -> int:
    return next(i for i, su in enumerate(plan.caseloads.service_users) if su.person is not None)


# The plan: pure, no database.


def check_trend_shares_follow_the_plan(plan: Plan) -> None:
    """Every episode with two or more checks has a course; the shares are dealt exactly."""
    checks = chime_checks(plan)
    followed = sorted(episode for episode, given in checks.items() if len(given) >= 2)
    assert [course.episode for course in plan.measures.courses] == followed
    shares = Counter(course.trend for course in plan.measures.courses)
    count = len(followed)
    improving, steady, worsening = TREND_SHARES
    assert shares[MeasureTrend.IMPROVING] == round(count * improving)
    assert shares[MeasureTrend.WORSENING] == round(count * worsening)
    assert abs(shares[MeasureTrend.STEADY] - count * steady) <= 1


def check_scores_move_as_planned(plan: Plan) -> None:
    """First and latest CHIME scores (0-100) follow each course; many improve a lot."""
    checks = chime_checks(plan)
    big_gains = 0
    for course in plan.measures.courses:
        given = checks[course.episode]
        first, latest = total(given[0]), total(given[-1])
        assert first == course.start * 5
        assert latest == (course.start + course.change) * 5
        change = latest - first
        if course.trend == MeasureTrend.IMPROVING:
            assert change >= 10
            big_gains += change >= 25
        elif course.trend == MeasureTrend.STEADY:
            assert abs(change) <= 5
        else:
            assert change <= -10
    improvers = sum(c.trend == MeasureTrend.IMPROVING for c in plan.measures.courses)
    assert big_gains >= improvers / 2


def check_checks_follow_the_schedule(plan: Plan) -> None:
    """At the first meeting, about every 12 weeks, at the last meeting of an ended episode."""
    checks = chime_checks(plan)
    own_login = {i for i, su in enumerate(plan.caseloads.service_users) if su.person is not None}
    assert set(checks) == set(range(len(plan.caseloads.caseload_entries)))
    for index, episode in enumerate(plan.caseloads.caseload_entries):
        days = [a.offset for a in checks[index]]
        assert days[0] == episode.start_offset
        assert days == sorted(set(days))
        assert days[-1] <= 0
        if episode.end_offset is not None:
            assert days[-1] == episode.last_contact_offset <= episode.end_offset
        if episode.service_user not in own_login:
            gaps = [later - earlier for earlier, later in itertools.pairwise(days)]
            ending_gap = 1 if episode.end_offset is not None else 0
            assert all(gap >= REVIEW_DAYS - 7 for gap in gaps[: len(gaps) - ending_gap])


def check_modes_and_who_entered_them(plan: Plan) -> None:
    modes = Counter(a.mode for a in plan.measures.administrations)
    assert modes[AdministrationMode.WITH_PSW] > len(plan.measures.administrations) / 2
    assert modes[AdministrationMode.PAPER] > 0
    for administration in plan.measures.administrations:
        episode = plan.caseloads.caseload_entries[administration.episode]
        assert administration.service_user == episode.service_user
        own = plan.caseloads.service_users[administration.service_user].person
        if administration.mode == AdministrationMode.SELF_ACCOUNT:
            assert own is not None
            assert administration.entered_by == own
        else:
            assert administration.mode in (AdministrationMode.WITH_PSW, AdministrationMode.PAPER)
            assert administration.entered_by == episode.worker


def check_experience_survey_at_planned_endings(plan: Plan) -> None:
    checks = chime_checks(plan)
    planned = {ending.episode for ending in plan.caseloads.endings if ending.planned}
    surveys = [
        a
        for a in plan.measures.administrations
        if (a.instrument, a.instrument_version) == EXPERIENCE_SURVEY
    ]
    assert sorted(a.episode for a in surveys) == sorted(planned)
    for survey in surveys:
        assert survey.offset == checks[survey.episode][-1].offset
        score_answers(shipped_instrument(*EXPERIENCE_SURVEY), dict(survey.answers))


def check_the_serviceuser_persona_has_an_improving_chart(plan: Plan) -> None:
    persona = persona_service_user(plan)
    own = [a for a in plan.measures.administrations if a.service_user == persona]
    assert len(own) >= 3
    assert any(a.mode == AdministrationMode.SELF_ACCOUNT for a in own)
    (course,) = [
        c
        for c in plan.measures.courses
        if plan.caseloads.caseload_entries[c.episode].service_user == persona
    ]
    assert course.trend == MeasureTrend.IMPROVING
    assert total(own[-1]) - total(own[0]) >= 25


CHECKS = (
    check_trend_shares_follow_the_plan,
    check_scores_move_as_planned,
    check_checks_follow_the_schedule,
    check_modes_and_who_entered_them,
    check_experience_survey_at_planned_endings,
    check_the_serviceuser_persona_has_an_improving_chart,
)


@pytest.fixture(scope="module")
def default_plan() -> Plan:
    return plan_programme(scale=SEED, seed=DEFAULT_SEED)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
def test_the_default_plan(default_plan, check):
    check(default_plan)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_any_seed_plans_coherent_measures(seed):
    plan = plan_programme(scale=SEED, seed=seed)
    for check in CHECKS:
        check(plan)


def test_same_seed_plans_the_same_measures(default_plan):
    assert plan_programme(scale=SEED, seed=DEFAULT_SEED).measures == default_plan.measures
    assert plan_programme(scale=SEED, seed=7).measures != default_plan.measures


# Refusals. These need no programme loaded, so they come before the module's load.


def test_refuses_when_an_instrument_is_not_loaded(db):
    InstrumentVersion.objects.filter(code=EXPERIENCE_SURVEY[0]).delete()
    with pytest.raises(DemoRefused, match=r"su-experience version 1\.0 is not loaded"):
        load_programme(scale=SEED, seed=DEFAULT_SEED, today=timezone.localdate())
    assert not Administration.objects.exists()
    assert not ServiceUser.objects.exists()


def test_the_instrument_check_names_a_missing_version(db, monkeypatch):
    monkeypatch.setattr(loader, "INSTRUMENTS", (("chime-support", "9.9"),))
    with pytest.raises(DemoRefused, match=r"chime-support version 9\.9"):
        loader._instrument_versions()


# The load. One load for the module: the tests only read, and each runs in its own savepoint.


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        _, counts = load_programme(scale=SEED, seed=DEFAULT_SEED, today=timezone.localdate())
    yield counts
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def loaded(demo, db):
    return demo


def test_loads_every_planned_administration(loaded, default_plan):
    assert Administration.objects.count() == loaded["administrations"]
    assert loaded["administrations"] == len(default_plan.measures.administrations)
    assert loaded["measures_improving"] > loaded["measures_steady"] > loaded["measures_worsening"]
    self_account = Administration.objects.filter(mode=AdministrationMode.SELF_ACCOUNT)
    assert self_account.count() == loaded["administrations_in_own_account"] > 0


def test_every_administration_is_tied_to_its_loaded_instrument_version(loaded):
    rows = {(row.code, row.version): row for row in InstrumentVersion.objects.all()}
    given = Counter()
    for administration in Administration.objects.select_related("instrument_version"):
        version = administration.instrument_version
        assert (version.code, version.version) in INSTRUMENTS
        assert rows[(version.code, version.version)] == version
        assert administration.instrument_digest == version.digest
        assert administration.text_pack_id is None
        assert administration.text_pack_id_label == BUILT_IN
        assert administration.administered_on <= timezone.localdate()
        assert administration.episode.service_user_id == administration.service_user_id
        given[version.code] += 1
    assert set(given) == {code for code, _ in INSTRUMENTS}


def test_stored_scores_are_what_the_app_would_store(loaded):
    """Scores as `measures.actions.record_administration` computes them, for a sample."""
    instruments = {row.pk: row.instrument() for row in InstrumentVersion.objects.all()}
    sample = list(Administration.objects.order_by("pk")[::7])
    assert len(sample) > 100
    for administration in sample:
        instrument = instruments[administration.instrument_version_id]
        assert administration.scores == _scores(instrument, administration.answers)
    chime = [a for a in sample if a.instrument_version.code == CHIME_CHECK[0]]
    assert all(a.scores["total"]["status"] == "complete" for a in chime)


def test_entered_by_is_the_login_that_entered_it(loaded):
    psw_given = Administration.objects.filter(episode__worker__user__username="psw")
    assert psw_given.exists()
    assert (
        not psw_given.exclude(mode=AdministrationMode.SELF_ACCOUNT)
        .exclude(entered_by__username="psw")
        .exists()
    )
    without_login = Administration.objects.filter(episode__worker__user__isnull=True)
    assert without_login.exists()
    assert (
        not without_login.exclude(mode=AdministrationMode.SELF_ACCOUNT)
        .exclude(entered_by__isnull=True)
        .exists()
    )


def test_serviceuser_persona_has_a_chart_that_shows(loaded):
    own = ServiceUser.objects.get(person__user__username="serviceuser")
    given = Administration.objects.filter(service_user=own)
    assert given.filter(instrument_version__code=CHIME_CHECK[0]).count() >= 3
    assert given.filter(
        mode=AdministrationMode.SELF_ACCOUNT, entered_by__username="serviceuser"
    ).exists()
    (history,) = person_history(given)
    (series,) = history.series
    assert len(series.points) >= 3
    assert series.points[-1][1] - series.points[0][1] >= 25
