"""Organisation forms and the membership rules they share with the actions."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.core.access import RoleCode
from alongside.organisation.actions import membership_errors
from alongside.organisation.forms import (
    MembershipForm,
    PersonSearchForm,
    RegionForm,
    SupervisionForm,
    TeamFilterForm,
)
from alongside.organisation.models import Membership, Person, Team, TeamType
from tests import factories

START = dt.date(2025, 3, 1)
VALID = {
    "role": RoleCode.PEER_SUPPORT_WORKER,
    "team": object(),  # any team: the rules only ask whether there is one
    "start": START,
    "end": None,
    "fte": Decimal("0.6"),
    "contracted_hours": Decimal("22.5"),
}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, set()),
        ({"end": START}, set()),
        ({"end": START - dt.timedelta(days=1)}, {"end"}),
        ({"fte": Decimal("1.00")}, set()),
        ({"fte": Decimal("1.5")}, {"fte"}),
        ({"fte": Decimal(0)}, {"fte"}),
        ({"fte": None}, set()),
        ({"contracted_hours": Decimal(81)}, {"contracted_hours"}),
        ({"team": None}, {"team"}),
        ({"team": None, "role": RoleCode.PROGRAMME_LEAD}, set()),
        ({"team": None, "role": RoleCode.SUPERVISOR}, {"team"}),
        ({"start": None, "end": START}, set()),  # a missing start is the form's own error
    ],
)
def test_membership_rules(changes, fields):
    assert set(membership_errors(**{**VALID, **changes})) == fields


@given(st.decimals(min_value=Decimal("-2"), max_value=Decimal("2"), places=2))
def test_fte_is_accepted_exactly_when_it_is_a_fraction_of_full_time(fte):
    errors = membership_errors(**{**VALID, "fte": fte})
    assert ("fte" in errors) == (not Decimal(0) < fte <= Decimal(1))


def _membership_form(on_team, **overrides):
    data = {
        "role": RoleCode.PEER_SUPPORT_WORKER,
        "team": on_team.pk,
        "discipline": "peer",
        "contracted_hours": "",
        "fte": "0.5",
        "start": "2025-03-01",
        "end": "",
        **overrides,
    }
    return MembershipForm(data, instance=Membership(person=factories.PersonFactory()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": "2025-02-28"}, "end", "The end date must be on or after the start date."),
        ({"fte": "1.5"}, "fte", "FTE must be more than 0 and at most 1 (1.00 is full time)."),
        ({"team": ""}, "team", "Choose a team: the role “Peer support worker” is held on a team."),
    ],
    ids=["end-before-start", "fte-over-one", "team-role-without-team"],
)
def test_an_invalid_membership_form_names_the_field_and_the_fix(overrides, field, message):
    form = _membership_form(factories.TeamFactory(), **overrides)
    assert not form.is_valid()
    assert form.errors == {field: [message]}


@pytest.mark.django_db
def test_a_valid_membership_form_does_not_save():
    form = _membership_form(factories.TeamFactory())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["fte"] == Decimal("0.5")
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_dates_use_the_browsers_date_picker():
    html = str(_membership_form(factories.TeamFactory())["start"])
    assert 'type="date"' in html


@pytest.mark.django_db
def test_a_region_code_must_be_unique_and_a_slug():
    existing = factories.RegionFactory(code="cho-1")
    duplicate = RegionForm({"name": "Another", "code": existing.code})
    assert "code" in duplicate.errors
    assert "code" in RegionForm({"name": "Another", "code": "not a slug"}).errors
    assert RegionForm({"name": existing.name, "code": "cho-1"}, instance=existing).is_valid()


@pytest.mark.django_db
def test_the_team_filter_narrows_by_region_and_type():
    cmht = factories.TeamFactory(team_type=TeamType.CMHT)
    rehab = factories.TeamFactory(team_type=TeamType.REHAB_RECOVERY, area=cmht.area)
    elsewhere = factories.TeamFactory(team_type=TeamType.CMHT)

    def filtered(data):
        form = TeamFilterForm(data)
        assert form.is_valid(), form.errors
        return set(form.apply(Team.objects.all()))

    assert filtered({}) == {cmht, rehab, elsewhere}
    assert filtered({"region": cmht.area.region_id}) == {cmht, rehab}
    assert filtered({"team_type": TeamType.CMHT}) == {cmht, elsewhere}
    assert filtered({"region": cmht.area.region_id, "team_type": TeamType.CMHT}) == {cmht}


@pytest.mark.django_db
def test_the_person_search_matches_every_word_in_either_name():
    aoife = factories.PersonFactory(given_name="Aoife", family_name="Byrne", user=None)
    factories.PersonFactory(given_name="Aoife", family_name="Walsh", user=None)

    def found(q):
        form = PersonSearchForm({"q": q})
        assert form.is_valid()
        return list(form.apply(Person.objects.all()))

    assert found("aoife byrne") == [aoife]
    assert found("BYR") == [aoife]
    assert len(found("")) == 2


@pytest.mark.django_db
def test_supervisors_are_offered_from_current_supervising_roles_only():
    supervisee = factories.PersonFactory()
    supervisor = factories.MembershipFactory(role=RoleCode.SUPERVISOR).person
    senior = factories.MembershipFactory(role=RoleCode.SENIOR_PEER_SUPPORT_WORKER).person
    factories.MembershipFactory(role=RoleCode.PEER_SUPPORT_WORKER)
    factories.MembershipFactory(
        role=RoleCode.SUPERVISOR, start=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1)
    )
    factories.MembershipFactory(person=supervisee, role=RoleCode.SUPERVISOR)
    offered = set(SupervisionForm(supervisee=supervisee).fields["supervisor"].queryset)
    assert offered == {supervisor, senior}
