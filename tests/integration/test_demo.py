"""`alongside demo`: what it loads, who can sign in, and what it refuses to do."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.core import audit
from alongside.core.access import RoleCode, principal_for
from alongside.core.models import AuditEvent
from alongside.core.periods import current
from alongside.demo.generator import DEMO_PASSWORD, PERSONAS, plan_programme
from alongside.demo.management.commands import demo as demo_command
from alongside.demo.models import DemoLoad
from alongside.demo.scales import SEED
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
from alongside.practice.models import (
    AdvocacyItem,
    CaseloadEntry,
    CaseloadStatus,
    Contact,
    Ending,
    Goal,
    GoalProgress,
    GroupProgramme,
    GroupSession,
    Referral,
    ReferralStatus,
    ServiceUser,
)

CLINICIAN_DISCIPLINES = {
    Discipline.NURSING,
    Discipline.SOCIAL_WORK,
    Discipline.OCCUPATIONAL_THERAPY,
    Discipline.PSYCHOLOGY,
    Discipline.PSYCHIATRY,
    Discipline.OTHER,
}


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (Region, Area, Team, Person, Membership, SupervisionAssignment)
    models += (ServiceUser, CaseloadEntry, Referral, DemoLoad, AuditEvent)
    models += (Ending, Contact, GroupProgramme, GroupSession, Goal, GoalProgress, AdvocacyItem)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["User"] = get_user_model().objects.count()
    return counts


def psw_memberships():
    return Membership.objects.filter(current(), role=RoleCode.PEER_SUPPORT_WORKER)


def membership_of(username: str, role: RoleCode) -> Membership:
    return Membership.objects.get(current(), person__user__username=username, role=role)


@pytest.fixture
def loaded(db) -> str:
    return run_demo()


# The plan: pure, no database.


def test_same_seed_plans_the_same_programme():
    first = plan_programme(scale=SEED, seed=2019)
    second = plan_programme(scale=SEED, seed=2019)
    assert first == second
    assert [su.reference for su in first.caseloads.service_users][:3] == [
        "SU-0001",
        "SU-0002",
        "SU-0003",
    ]


def test_another_seed_plans_other_people():
    first = plan_programme(scale=SEED, seed=2019)
    other = plan_programme(scale=SEED, seed=7)
    assert [p.family_name for p in first.caseloads.people] != [
        p.family_name for p in other.caseloads.people
    ]
    assert [su.preferred_name for su in first.caseloads.service_users] != [
        su.preferred_name for su in other.caseloads.service_users
    ]
    # The shape does not depend on the seed; how prepared each team was does.
    assert first.caseloads.regions == other.caseloads.regions
    assert [(t.area, t.name, t.team_type) for t in first.caseloads.teams] == [
        (t.area, t.name, t.team_type) for t in other.caseloads.teams
    ]
    assert [t.preparedness for t in first.caseloads.teams] != [
        t.preparedness for t in other.caseloads.teams
    ]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_any_seed_plans_the_seed_programme_shape(seed):
    plan = plan_programme(scale=SEED, seed=seed)
    psws = [m for m in plan.caseloads.memberships if m.role == RoleCode.PEER_SUPPORT_WORKER]
    assert len(psws) == 26
    assert sum(1 for m in psws if m.fte != 1) == 20
    assert all(m.contracted_hours == round(m.fte * 39, 1) for m in psws)
    assert all(m.start.year in {2017, 2018} for m in psws)

    supervisors = [m for m in plan.caseloads.memberships if m.role == RoleCode.SUPERVISOR]
    disciplines = Counter(m.discipline for m in supervisors)
    assert disciplines[Discipline.SOCIAL_WORK] > len(supervisors) / 2
    assert set(disciplines) <= {
        Discipline.SOCIAL_WORK,
        Discipline.NURSING,
        Discipline.OCCUPATIONAL_THERAPY,
    }

    supervisees = Counter(s.supervisor for s in plan.caseloads.supervisions)
    assert all(1 <= n <= 4 for n in supervisees.values())
    workers = {
        m.person
        for m in plan.caseloads.memberships
        if m.role in {RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER}
    }
    assert sorted(s.supervisee for s in plan.caseloads.supervisions) == sorted(workers)

    clinicians = Counter(
        m.team for m in plan.caseloads.memberships if m.role == RoleCode.TEAM_CLINICIAN
    )
    assert set(clinicians) == set(range(len(plan.caseloads.teams)))
    assert all(3 <= n <= 6 for n in clinicians.values())
    assert {
        m.discipline for m in plan.caseloads.memberships if m.role == RoleCode.TEAM_CLINICIAN
    } == CLINICIAN_DISCIPLINES

    caseloads = Counter(e.worker for e in plan.caseloads.caseload_entries if e.end_offset is None)
    assert set(caseloads) == workers
    assert all(4 <= n <= 10 for n in caseloads.values())
    assert all(0 <= t.preparedness <= 1 for t in plan.caseloads.teams)
    assert sorted(p.username for p in plan.caseloads.people if p.username) == sorted(PERSONAS)


# The load.


def test_loads_the_five_regions_and_eleven_areas(loaded):
    assert sorted(Region.objects.values_list("code", flat=True)) == [
        "cho1",
        "cho2",
        "cho4",
        "cho5",
        "cho9",
    ]
    assert Area.objects.count() == 11
    assert Region.objects.get(code="cho2").name == "Community Healthcare West"


def test_places_26_psws_as_in_the_seed_programme(loaded):
    assert psw_memberships().count() == 26
    by_region = dict(
        psw_memberships().values_list("team__area__region__code").annotate(n=Count("id")).order_by()
    )
    assert by_region == {"cho1": 3, "cho2": 11, "cho4": 6, "cho5": 4, "cho9": 2}
    by_area = dict(psw_memberships().values_list("team__area__name").annotate(n=Count("id")))
    assert by_area["Mayo"] == 8
    assert by_area["South Tipperary"] == 1
    by_type = dict(psw_memberships().values_list("team__team_type").annotate(n=Count("id")))
    assert by_type == {
        TeamType.CMHT: 13,
        TeamType.REHAB_RECOVERY: 11,
        TeamType.EARLY_INTERVENTION: 1,
        TeamType.ACUTE_INPATIENT: 1,
    }
    assert set(psw_memberships().values_list("discipline", flat=True)) == {Discipline.PEER}


def test_one_senior_psw_on_a_mayo_team(loaded):
    seniors = Membership.objects.filter(current(), role=RoleCode.SENIOR_PEER_SUPPORT_WORKER)
    assert [m.team.area.name for m in seniors] == ["Mayo"]


def test_supervisors_are_mostly_social_workers(loaded):
    disciplines = Counter(
        Membership.objects.filter(role=RoleCode.SUPERVISOR).values_list("discipline", flat=True)
    )
    assert disciplines.most_common(1)[0][0] == Discipline.SOCIAL_WORK
    assert disciplines[Discipline.SOCIAL_WORK] > disciplines.total() / 2


def test_each_psw_has_one_supervisor_in_their_region(loaded):
    for membership in psw_memberships().select_related("team__area"):
        assignments = SupervisionAssignment.objects.filter(current(), supervisee=membership.person)
        assert assignments.count() == 1
        supervisor_region = Membership.objects.get(
            person=assignments.get().supervisor, role=RoleCode.SUPERVISOR
        ).team.area.region_id
        assert supervisor_region == membership.team.area.region_id
    per_supervisor = SupervisionAssignment.objects.values("supervisor").annotate(n=Count("id"))
    assert {row["n"] for row in per_supervisor} <= {1, 2, 3, 4}


def test_every_clinician_discipline_is_on_some_team(loaded):
    disciplines = set(
        Membership.objects.filter(role=RoleCode.TEAM_CLINICIAN).values_list("discipline", flat=True)
    )
    assert disciplines == CLINICIAN_DISCIPLINES


def test_each_team_has_three_to_six_clinicians(loaded):
    per_team = Counter(
        Membership.objects.filter(role=RoleCode.TEAM_CLINICIAN).values_list("team", flat=True)
    )
    assert set(per_team) == set(Team.objects.values_list("pk", flat=True))
    assert all(3 <= n <= 6 for n in per_team.values())


def test_each_psw_has_a_current_caseload_with_accepted_referrals(loaded):
    today = timezone.localdate()
    for membership in psw_memberships():
        entries = CaseloadEntry.objects.filter(current(), worker=membership.person)
        assert 4 <= entries.count() <= 10
        assert entries.filter(status=CaseloadStatus.ACTIVE).exists()
        for entry in entries.select_related("service_user", "referral"):
            service_user = entry.service_user
            assert service_user.team_id == membership.team_id
            assert service_user.consented_to_peer_support
            assert service_user.consent_date <= entry.start
            referral = entry.referral
            assert referral.service_user == service_user
            assert referral.status == ReferralStatus.ACCEPTED
            assert referral.allocated_to_id == membership.person_id
            assert referral.decided_by_id == membership.person_id
            assert referral.received_on <= referral.decided_on <= entry.start
            if referral.self_referral:
                assert referral.referrer is None
                assert referral.recorded_by_id == membership.person_id
            else:
                assert referral.recorded_by_id == referral.referrer_id
                assert (
                    referral.referrer_discipline
                    == Membership.objects.get(
                        person=referral.referrer,
                        team=membership.team,
                        role=RoleCode.TEAM_CLINICIAN,
                    ).discipline
                )
            if entry.next_planned_contact is not None:
                assert today - timedelta(days=3) <= entry.next_planned_contact
                assert entry.next_planned_contact <= today + timedelta(days=56)


def test_teams_also_have_referrals_not_yet_allocated(loaded):
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    unallocated = Referral.objects.exclude(status=ReferralStatus.ACCEPTED)
    assert not unallocated.filter(allocated_to__isnull=False).exists()
    assert not CaseloadEntry.objects.filter(service_user__referrals__in=unallocated).exists()


@pytest.mark.parametrize("username", PERSONAS)
def test_every_persona_can_sign_in(loaded, username):
    user = authenticate(username=username, password=DEMO_PASSWORD)
    assert user is not None
    assert principal_for(user).roles
    assert not user.is_staff
    assert not user.is_superuser


def test_personas_are_related_as_the_demo_needs(loaded):
    psw = membership_of("psw", RoleCode.PEER_SUPPORT_WORKER)
    assert psw.team.area.name == "Mayo"
    assert CaseloadEntry.objects.filter(current(), worker=psw.person).exists()
    assert membership_of("psw2", RoleCode.PEER_SUPPORT_WORKER).team != psw.team
    assert membership_of("senior", RoleCode.SENIOR_PEER_SUPPORT_WORKER).team.area.name == "Mayo"
    supervisor = membership_of("supervisor", RoleCode.SUPERVISOR)
    assert SupervisionAssignment.objects.filter(
        current(), supervisor=supervisor.person, supervisee=psw.person
    ).exists()
    assert membership_of("clinician", RoleCode.TEAM_CLINICIAN).team == psw.team
    for username, role in (
        ("lead", RoleCode.PROGRAMME_LEAD),
        ("evaluator", RoleCode.EVALUATOR),
        ("admin", RoleCode.ADMINISTRATOR),
    ):
        assert membership_of(username, role).team is None
    own = ServiceUser.objects.get(person__user__username="serviceuser")
    assert membership_of("serviceuser", RoleCode.SERVICE_USER).team == psw.team
    assert CaseloadEntry.objects.filter(current(), service_user=own, worker=psw.person).exists()


def test_prints_every_login_and_the_password(loaded):
    assert "http://127.0.0.1:8000/accounts/login/" in loaded
    assert DEMO_PASSWORD in loaded
    for username in PERSONAS:
        assert f"\n  {username} " in loaded
    assert "26  peer support workers" in loaded
    for kind in ("contacts", "group sessions", "goal progress", "advocacy items", "endings"):
        assert f"  {kind}\n" in loaded
    assert "Loaded in" in loaded


def test_records_the_load_and_nobody_as_the_actor(loaded):
    event = AuditEvent.objects.get(object_type="demo.demoload")
    load = DemoLoad.objects.get()
    assert event.object_id == str(load.pk)
    assert event.actor_id is None
    assert event.detail["scale"] == "seed"
    assert event.detail["seed"] == 2019
    assert event.detail["counts"]["service_users"] == ServiceUser.objects.count()
    assert event.detail["counts"]["contacts"] == Contact.objects.count()
    assert event.detail["counts"]["goal_progress"] == GoalProgress.objects.count()
    # The bulk-loaded programme is one record; the study and qualitative work the demo builds
    # through actions add their own records, made by nobody (the demo loader), except the
    # codings and quotes marked, which record who did them: the two demo evaluators.
    acted = AuditEvent.objects.exclude(actor_id=None)
    assert set(acted.values_list("object_type", flat=True)) == {
        "qualitative.coding",
        "qualitative.quotemark",
    }
    assert set(acted.values_list("actor_label", flat=True)) == {"evaluator", "evaluator2"}
    assert audit.verify().ok


def test_running_again_adds_nothing(loaded):
    before = row_counts()
    output = run_demo()
    assert "already loaded" in output
    assert "psw2" in output
    assert row_counts() == before


def test_another_scale_is_refused_in_the_same_database(loaded):
    before = row_counts()
    with pytest.raises(CommandError, match="already in this database"):
        run_demo("--scale", "region")
    assert row_counts() == before


@pytest.mark.django_db
def test_refuses_a_database_that_already_has_an_organisation():
    Region.objects.create(code="north", name="A real region")
    with pytest.raises(CommandError, match="empty"):
        run_demo()
    assert not DemoLoad.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seed_option_is_recorded():
    run_demo("--seed", "7")
    assert DemoLoad.objects.get().seed == 7


@pytest.mark.django_db
def test_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run_demo()
    assert not DemoLoad.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_serves_after_loading_unless_told_not_to(monkeypatch):
    calls = []

    def recording_call_command(name, *args, **kwargs):
        calls.append((name, kwargs))
        if name != "serve":
            call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", recording_call_command)
    call_command("demo", "--addr", "127.0.0.1:8123", stdout=StringIO())
    assert [name for name, _ in calls] == ["migrate", "serve"]
    assert calls[-1][1] == {"bind": "127.0.0.1:8123"}
    assert DemoLoad.objects.exists()
