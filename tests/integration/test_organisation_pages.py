"""Organisation pages: who reaches them, what the actions write, and what each role sees."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.core.access import RoleCode
from alongside.core.models import AuditAction, AuditEvent
from alongside.organisation import actions
from alongside.organisation.models import (
    Area,
    Person,
    Region,
    SupervisionAssignment,
    Team,
    TeamType,
)
from tests import factories

READERS = frozenset({"admin", "lead", "evaluator"})
ADMIN = frozenset({"admin"})
PERSONAS_TRIED = ("admin", "lead", "evaluator", "psw", "senior", "clinician", "outsider")


def _args(personas):
    team = personas.team_a
    psw = personas.psw
    return {
        "regions": [],
        "region": [team.area.region_id],
        "region-create": [],
        "region-edit": [team.area.region_id],
        "area-create": [team.area.region_id],
        "area-edit": [team.area_id],
        "teams": [],
        "team": [team.pk],
        "team-create": [],
        "team-edit": [team.pk],
        "people": [],
        "person": [psw.pk],
        "person-create": [],
        "person-edit": [psw.pk],
        "membership-add": [psw.pk],
        "membership-end": [psw.pk, psw.memberships.get().pk],
        "supervision-add": [psw.pk],
        "login-create": [psw.pk],
    }


# URL name: the personas who may open it, and what everyone else gets (403 for a page that is
# not about one record, 404 for a record that is missing or out of reach).
ACCESS = {
    "regions": (READERS, 403),
    "region": (READERS, 404),
    "region-create": (ADMIN, 403),
    "region-edit": (ADMIN, 404),
    "area-create": (ADMIN, 404),
    "area-edit": (ADMIN, 404),
    "teams": (READERS, 403),
    "team": (READERS, 404),
    "team-create": (ADMIN, 403),
    "team-edit": (ADMIN, 404),
    "people": (ADMIN, 403),
    "person": (ADMIN, 404),
    "person-create": (ADMIN, 403),
    "person-edit": (ADMIN, 404),
    "membership-add": (ADMIN, 404),
    "membership-end": (ADMIN, 404),
    "supervision-add": (ADMIN, 404),
    "login-create": (ADMIN, 404),
}


def url(name, *args):
    return reverse(f"organisation:{name}", args=args)


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_allowed_roles_open_the_page_and_others_are_refused(name, personas, client_for):
    allowed, refusal = ACCESS[name]
    address = url(name, *_args(personas)[name])
    for persona in PERSONAS_TRIED:
        response = client_for(persona).get(address)
        expected = 200 if persona in allowed else refusal
        assert response.status_code == expected, (persona, address, response.status_code)
        if persona not in allowed:
            assert personas.psw.full_name not in response.text


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("region-create", {"name": "Lead's region", "code": "lead-region"}),
        ("team-create", {"name": "Lead's team", "area": "", "team_type": TeamType.CMHT}),
        ("person-create", {"given_name": "Lead's", "family_name": "Person"}),
    ],
)
def test_a_lead_cannot_create_and_nothing_is_written(name, data, personas, client_for):
    if "area" in data:
        data["area"] = personas.team_a.area_id
    response = client_for("lead").post(url(name), data)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()
    assert not Region.objects.filter(code="lead-region").exists()
    assert not Team.objects.filter(name="Lead's team").exists()
    assert not Person.objects.filter(given_name="Lead's").exists()


def test_a_lead_cannot_change_a_region(personas, client_for):
    region = personas.team_a.area.region
    response = client_for("lead").post(
        url("region-edit", region.pk), {"name": "Renamed", "code": region.code}
    )
    assert response.status_code == 404
    region.refresh_from_db()
    assert region.name != "Renamed"


# Regions and areas


def test_creating_a_region_writes_it_and_one_audit_event(personas, client_for):
    response = client_for("admin").post(url("region-create"), {"name": "CHO 9", "code": "cho-9"})
    region = Region.objects.get(code="cho-9")
    assert response.status_code == 302
    assert response.url == url("region", region.pk)
    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert event.object_type == "organisation.region"
    assert event.object_id == str(region.pk)
    assert event.actor_id == personas.admin.user.pk
    assert event.detail == {"fields": ["code", "name"]}
    followed = client_for("admin").get(response.url)
    assert "CHO 9" in followed.text


def test_the_audit_event_is_in_the_same_transaction_as_the_change(personas, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(actions.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        actions.create_region(by=personas.admin.user, code="cho-9", name="CHO 9")
    assert not Region.objects.filter(code="cho-9").exists()


def test_a_duplicate_region_is_a_form_error_and_writes_nothing(personas, client_for):
    existing = personas.team_a.area.region
    response = client_for("admin").post(
        url("region-create"), {"name": existing.name, "code": "another-code"}
    )
    assert response.status_code == 200
    assert "already exists" in response.text
    assert Region.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_an_action_refuses_invalid_data_without_an_audit_event(personas):
    with pytest.raises(ValidationError):
        actions.create_region(by=personas.admin.user, code="not a slug!", name="Bad")
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_editing_a_region_audits_only_the_changed_fields(personas, client_for):
    region = personas.team_a.area.region
    response = client_for("admin").post(
        url("region-edit", region.pk), {"name": "Renamed region", "code": region.code}
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert region.name == "Renamed region"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert (event.object_type, event.object_id) == ("organisation.region", str(region.pk))
    assert event.detail == {"fields": ["name"]}


def test_saving_a_region_unchanged_writes_no_audit_event(personas):
    region = personas.team_a.area.region
    actions.update_region(by=personas.admin.user, region=region, name=region.name)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_an_update_refuses_fields_it_does_not_own(personas):
    with pytest.raises(TypeError):
        actions.update_person(by=personas.admin.user, person=personas.psw, user=None)


def test_adding_an_area_to_a_region(personas, client_for):
    region = personas.team_a.area.region
    response = client_for("admin").post(url("area-create", region.pk), {"name": "Kerry"})
    assert response.status_code == 302
    area = Area.objects.get(name="Kerry")
    assert area.region == region
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="organisation.area", object_id=str(area.pk)
    ).exists()


def test_a_duplicate_area_in_the_region_is_shown_on_the_form(personas, client_for):
    area = personas.team_a.area
    response = client_for("admin").post(url("area-create", area.region_id), {"name": area.name})
    assert response.status_code == 200
    assert "already exists" in response.text
    assert Area.objects.filter(name=area.name).count() == 1


def test_renaming_an_area(personas, client_for):
    area = personas.team_a.area
    response = client_for("admin").post(url("area-edit", area.pk), {"name": "Cork North"})
    assert response.status_code == 302
    assert response.url == url("region", area.region_id)
    area.refresh_from_db()
    assert area.name == "Cork North"


def test_the_regions_list_counts_areas_teams_and_current_psws(personas, client_for):
    response = client_for("lead").get(url("regions"))
    region = personas.team_a.area.region
    assert region.name in response.text
    row = response.context["regions"].get(pk=region.pk)
    # PSW A, PSW B and the senior PSW; the supervisor and clinician are not PSWs.
    assert (row.area_count, row.team_count, row.psw_count) == (1, 2, 3)
    assert "New region" not in response.text


def test_the_regions_list_does_not_query_per_region(
    personas, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        team = factories.TeamFactory()
        factories.MembershipFactory(team=team)
        factories.AreaFactory(region=team.area.region)
    client = client_for("lead")
    with django_assert_max_num_queries(9):
        response = client.get(url("regions"))
    assert response.status_code == 200
    assert len(response.context["regions"]) == 6


def test_the_region_page_lists_its_areas_and_teams(personas, client_for):
    region = personas.team_a.area.region
    response = client_for("evaluator").get(url("region", region.pk))
    assert personas.team_a.area.name in response.text
    assert personas.team_a.name in response.text
    assert personas.team_b.name in response.text
    assert "Change region" not in response.text


# Teams


def test_creating_and_editing_a_team(personas, client_for):
    client = client_for("admin")
    area = personas.team_a.area
    created = client.post(
        url("team-create"),
        {"name": "Seaside EIP", "area": area.pk, "team_type": TeamType.EARLY_INTERVENTION},
    )
    team = Team.objects.get(name="Seaside EIP")
    assert created.url == url("team", team.pk)
    edited = client.post(
        url("team-edit", team.pk),
        {"name": "Seaside EIP", "area": area.pk, "team_type": TeamType.OTHER},
    )
    assert edited.status_code == 302
    team.refresh_from_db()
    assert team.team_type == TeamType.OTHER
    events = AuditEvent.objects.filter(object_type="organisation.team", object_id=str(team.pk))
    assert sorted(events.values_list("action", flat=True)) == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
    ]
    assert events.get(action=AuditAction.UPDATE).detail == {"fields": ["team_type"]}


def test_the_lead_sees_team_counts_but_no_names(personas, client_for):
    response = client_for("lead").get(url("team", personas.team_a.pk))
    assert response.status_code == 200
    assert "Peer support worker" in response.text
    assert dict(response.context["role_counts"])["Peer support worker"] == 1
    for person in (personas.psw, personas.senior, personas.supervisor, personas.clinician):
        assert person.full_name not in response.text
        assert person.given_name not in response.text
    assert response.context["members"] is None


def test_the_admin_sees_team_members_by_name_but_not_service_users(personas, client_for):
    response = client_for("admin").get(url("team", personas.team_a.pk))
    for person in (personas.psw, personas.senior, personas.supervisor, personas.clinician):
        assert person.full_name in response.text
    assert personas.service_user_login.full_name not in response.text
    assert personas.psw_b.full_name not in response.text


def test_the_teams_filter_answers_htmx_with_the_results_only(personas, client_for):
    rehab = factories.TeamFactory(name="Harbour Rehab", team_type=TeamType.REHAB_RECOVERY)
    client = client_for("evaluator")
    query = {"team_type": TeamType.REHAB_RECOVERY}

    partial = client.get(url("teams"), query, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert "<h1" not in partial.text
    assert rehab.name in partial.text
    assert personas.team_a.name not in partial.text
    assert "HX-Request" in partial["Vary"]

    page = client.get(url("teams"), query)
    assert "<html" in page.text
    assert 'id="team-results"' in page.text
    assert rehab.name in page.text
    assert personas.team_a.name not in page.text


def test_the_teams_filter_by_region(personas, client_for):
    elsewhere = factories.TeamFactory(name="Elsewhere CMHT")
    response = client_for("lead").get(url("teams"), {"region": elsewhere.area.region_id})
    assert elsewhere.name in response.text
    assert personas.team_a.name not in response.text


def test_the_teams_list_does_not_query_per_team(
    personas, client_for, django_assert_max_num_queries
):
    for _ in range(10):
        factories.MembershipFactory(team=factories.TeamFactory())
    client = client_for("lead")
    with django_assert_max_num_queries(10):
        response = client.get(url("teams"))
    assert len(response.context["teams"]) == 12
    counts = {team.name: team.psw_count for team in response.context["teams"]}
    assert counts[personas.team_a.name] == 2


# People


def test_creating_and_editing_a_person(personas, client_for):
    client = client_for("admin")
    created = client.post(
        url("person-create"),
        {"given_name": "Máire", "family_name": "Ní Bhriain", "email": "maire@example.org"},
    )
    person = Person.objects.get(family_name="Ní Bhriain")
    assert created.url == url("person", person.pk)
    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert event.detail == {"fields": ["email", "family_name", "given_name"]}
    assert "Máire" not in str(event.detail)
    client.post(
        url("person-edit", person.pk),
        {"given_name": "Máire", "family_name": "Ní Bhriain", "email": "mnb@example.org"},
    )
    person.refresh_from_db()
    assert person.email == "mnb@example.org"


def test_changing_a_persons_email_changes_their_logins_email(personas, client_for):
    person = personas.psw
    client_for("admin").post(
        url("person-edit", person.pk),
        {"given_name": person.given_name, "family_name": person.family_name, "email": "new@x.ie"},
    )
    person.user.refresh_from_db()
    assert person.user.email == "new@x.ie"


def test_the_people_list_searches_by_name_and_shows_current_roles(personas, client_for):
    client = client_for("admin")
    response = client.get(url("people"), {"q": personas.psw.family_name})
    assert personas.psw.family_name in response.text
    assert personas.psw_b.family_name not in response.text
    assert "Peer support worker (Riverside CMHT)" in response.text


def test_the_people_list_pages_by_fifty(personas, client_for, django_assert_max_num_queries):
    factories.PersonFactory.create_batch(55, user=None)
    client = client_for("admin")
    with django_assert_max_num_queries(19):
        first = client.get(url("people"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(url("people"), {"page": 2})
    assert len(second.context["page"].object_list) == Person.objects.count() - 50


def test_the_person_page_shows_roles_supervision_and_login(personas, client_for):
    response = client_for("admin").get(url("person", personas.psw.pk))
    assert "Peer support worker" in response.text
    assert personas.supervisor.full_name in response.text
    assert personas.psw.user.get_username() in response.text
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="organisation.person", object_id=str(personas.psw.pk)
    ).exists()


# Memberships


def _membership_data(personas, **overrides):
    data = {
        "role": RoleCode.PEER_SUPPORT_WORKER,
        "team": personas.team_b.pk,
        "discipline": "peer",
        "contracted_hours": "22.5",
        "fte": "0.6",
        "start": "2025-03-01",
        "end": "",
    }
    return {**data, **overrides}


def test_adding_a_membership(personas, client_for):
    person = factories.PersonFactory(user=None)
    response = client_for("admin").post(
        url("membership-add", person.pk), _membership_data(personas)
    )
    assert response.status_code == 302
    membership = person.memberships.get()
    assert (membership.team, membership.fte) == (personas.team_b, Decimal("0.60"))
    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert (event.object_type, event.object_id) == ("organisation.membership", str(membership.pk))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end": "2025-02-01"}, "The end date must be on or after the start date."),
        ({"fte": "1.5"}, "FTE must be more than 0 and at most 1"),
        ({"team": ""}, "Choose a team"),
    ],
    ids=["end-before-start", "fte-over-one", "team-role-without-team"],
)
def test_an_invalid_membership_is_a_clear_error_and_writes_nothing(
    overrides, message, personas, client_for
):
    person = factories.PersonFactory(user=None)
    response = client_for("admin").post(
        url("membership-add", person.pk), _membership_data(personas, **overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert "Constraint" not in response.text
    assert not person.memberships.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CREATE).exists()


def test_an_organisation_wide_role_needs_no_team(personas, client_for):
    person = factories.PersonFactory(user=None)
    data = _membership_data(personas, role=RoleCode.EVALUATOR, team="", discipline="", fte="")
    response = client_for("admin").post(url("membership-add", person.pk), data)
    assert response.status_code == 302
    assert person.memberships.get().team is None


def test_ending_a_membership(personas, client_for):
    membership = personas.psw.memberships.get()
    address = url("membership-end", personas.psw.pk, membership.pk)
    too_early = client_for("admin").post(address, {"end": "2019-12-31"})
    assert "The end date must be on or after the start date." in too_early.text
    membership.refresh_from_db()
    assert membership.end is None

    response = client_for("admin").post(address, {"end": "2025-06-30"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end == dt.date(2025, 6, 30)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.detail == {"fields": ["end"]}


def test_a_membership_is_ended_only_through_its_own_person(personas, client_for):
    other = personas.psw_b.memberships.get()
    response = client_for("admin").get(url("membership-end", personas.psw.pk, other.pk))
    assert response.status_code == 404


# Supervision and logins


def test_assigning_a_supervisor(personas, client_for):
    client = client_for("admin")
    address = url("supervision-add", personas.psw_b.pk)
    response = client.post(address, {"supervisor": personas.supervisor.pk, "start": "2025-01-06"})
    assert response.status_code == 302
    assignment = SupervisionAssignment.objects.get(supervisee=personas.psw_b)
    assert assignment.supervisor == personas.supervisor
    again = client.post(address, {"supervisor": personas.supervisor.pk, "start": "2025-02-01"})
    assert "already supervises" in again.text
    assert SupervisionAssignment.objects.filter(supervisee=personas.psw_b).count() == 1


def test_a_person_cannot_be_their_own_supervisor(personas):
    with pytest.raises(ValidationError, match="cannot supervise themselves"):
        actions.assign_supervisor(
            by=personas.admin.user,
            supervisor=personas.supervisor,
            supervisee=personas.supervisor,
            start=dt.date(2025, 1, 1),
        )


def test_creating_a_login_sends_nothing_and_lets_them_reset_their_password(personas, client_for):
    person = factories.PersonFactory(user=None, email="new.worker@example.org")
    page = client_for("admin").get(url("login-create", person.pk))
    assert "Forgotten your password?" in page.text

    response = client_for("admin").post(url("login-create", person.pk), {"username": "new.worker"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user.get_username() == "new.worker"
    assert person.user.email == "new.worker@example.org"
    assert mail.outbox == []
    assert list(PasswordResetForm().get_users("new.worker@example.org")) == [person.user]
    events = AuditEvent.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE])
    assert sorted(events.values_list("object_type", "action")) == [
        ("auth.user", AuditAction.CREATE),
        ("organisation.person", AuditAction.UPDATE),
    ]


def test_a_login_needs_an_email_address_and_a_free_username(personas, client_for):
    client = client_for("admin")
    no_email = factories.PersonFactory(user=None, email="")
    response = client.post(url("login-create", no_email.pk), {"username": "someone"})
    assert "Add an email address" in response.text
    taken = factories.PersonFactory(user=None)
    response = client.post(
        url("login-create", taken.pk), {"username": personas.psw.user.get_username()}
    )
    assert "already exists" in response.text
    assert not Person.objects.filter(pk__in=[no_email.pk, taken.pk], user__isnull=False).exists()


def test_a_person_with_a_login_cannot_get_a_second(personas, client_for):
    response = client_for("admin").post(url("login-create", personas.psw.pk), {"username": "x2"})
    assert "already has a login" in response.text
    assert not get_user_model().objects.filter(username="x2").exists()
