"""The organisation's person page shows an administrator whether someone has two-step sign-in,
and links to its reset only when there is something to reset."""

import pytest
from django.urls import reverse

from alongside.core import two_factor
from alongside.organisation import actions as organisation_actions
from tests.integration.test_two_factor import enrol

pytestmark = pytest.mark.django_db


def _page(client, person):
    response = client.get(reverse("organisation:person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_administrator_sees_the_status_and_follows_the_reset_link(personas, client_for):
    enrol(personas.psw.user)
    admin = client_for("admin")
    page = _page(admin, personas.psw)
    reset = reverse("two_factor_reset", args=[personas.psw.pk])
    assert "<dt>Two-step sign-in</dt><dd>Set up</dd>" in page
    assert f'href="{reset}">Reset two-step sign-in</a>' in page
    response = admin.post(reset)
    assert response.url == reverse("organisation:person", args=[personas.psw.pk])
    assert not two_factor.has_second_factor(personas.psw.user)
    page = _page(admin, personas.psw)
    assert "<dt>Two-step sign-in</dt><dd>Not set up</dd>" in page
    assert reset not in page


def test_no_status_or_link_for_someone_without_a_login(personas, client_for):
    person = organisation_actions.create_person(by=None, given_name="No", family_name="Login")
    page = _page(client_for("admin"), person)
    assert "Two-step sign-in" not in page
    assert reverse("two_factor_reset", args=[person.pk]) not in page


@pytest.mark.parametrize("persona", ["lead", "supervisor", "psw"])
def test_others_reach_neither_the_page_nor_the_reset(personas, client_for, persona):
    enrol(personas.psw_b.user)
    client = client_for(persona)
    assert client.get(reverse("organisation:person", args=[personas.psw_b.pk])).status_code == 404
    assert client.get(reverse("two_factor_reset", args=[personas.psw_b.pk])).status_code == 404
