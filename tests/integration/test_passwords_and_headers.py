"""Passwords as NIST SP 800-63B has them, through the real pages; security headers on a page."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def change(password, username="aoife.byrne"):
    person = PersonFactory(user__username=username)
    client = Client()
    client.force_login(person.user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    person.user.refresh_from_db()
    return response, person.user.check_password(password)


def test_a_64_character_passphrase_is_accepted():
    response, changed = change("the quiet river bends past seven willow trees near the old mill!")
    assert response.status_code == 302
    assert changed


def test_256_characters_are_accepted_and_257_refused():
    long = ("quiet river willow " * 20)[:256]
    assert change(long)[1]
    response, changed = change(long + "x", username="brian.walsh")
    assert not changed
    assert "at most 256 characters" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("Alongside2024!!", "too like the name"),
        ("aoife.byrne-2024", "too like the name"),
    ],
)
def test_weak_passwords_are_refused(password, reason):
    response, changed = change(password)
    assert not changed
    assert reason in response.content.decode()


def test_the_organisations_name_is_a_context_word(settings):
    settings.ALONGSIDE_ORGANISATION_NAME = "Western Health Board"
    _response, changed = change("western health board 99")
    assert not changed


def test_no_composition_rules():
    """Lower-case letters and spaces only: no digits, capitals or symbols demanded."""
    assert change("purple elephants dance quietly")[1]


def test_a_page_carries_the_security_headers():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    cookie = response.cookies["csrftoken"]
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]


def test_the_set_up_page_with_its_qr_code_needs_no_exception_to_the_policy(client_for):
    response = client_for("psw").get("/accounts/two-step/set-up/")
    text = response.content.decode()
    assert "<svg" in text
    assert " style=" not in text
    assert "<style" not in text
    assert "unsafe-inline" not in response["Content-Security-Policy"]
