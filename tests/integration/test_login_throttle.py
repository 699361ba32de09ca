"""Failed sign-ins are counted per username and per client address; too many lock it a while."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from alongside.core import throttle
from alongside.core.models import AuditAction, AuditEvent, SignInThrottle
from tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


WRONG_GUESS = "not the password at all"


def attempt(client, username, password=WRONG_GUESS):
    return client.post("/accounts/login/", {"username": username, "password": password})


def signed_in(client):
    return client.get("/").status_code == 200


@pytest.fixture
def user():
    return PersonFactory().user


def test_five_failures_lock_the_username_even_for_the_right_password(user):
    client = Client()
    for _ in range(4):
        assert attempt(client, user.username).status_code == 200
    fifth = attempt(client, user.username)
    assert fifth.status_code == 429
    text = fifth.content.decode()
    assert "Too many attempts" in text
    assert "15 minutes" in text
    assert "reset your password" in text
    refused = attempt(Client(), user.username, PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(client)


def test_the_lockout_is_audited_with_the_username_hashed(user):
    client = Client()
    for _ in range(5):
        attempt(client, user.username)
    lock = AuditEvent.objects.get(detail__reason="locked-out")
    assert lock.action == AuditAction.LOGIN_FAILED
    assert lock.actor_label == ""
    assert lock.detail["locked"] == "username"
    assert lock.detail["key"] == throttle.keyed_hash("username", user.username)[:16]
    assert user.username not in str(lock.detail)
    attempt(client, user.username, PASSWORD)
    refused = AuditEvent.objects.latest("id")
    assert refused.detail == {"reason": "locked"}


def test_nothing_stored_names_the_username(user):
    for _ in range(3):
        attempt(Client(), user.username)
    assert SignInThrottle.objects.count() == 2  # the username and the address
    for row in SignInThrottle.objects.values("key"):
        assert user.username not in row["key"]


def test_an_unknown_username_is_locked_the_same_way():
    """The page never reveals whether an account exists."""
    client = Client()
    responses = [attempt(client, "nobody-by-this-name") for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Too many attempts" in responses[-1].content.decode()


def test_a_successful_sign_in_clears_the_count(user):
    client = Client()
    for _ in range(4):
        attempt(client, user.username)
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert attempt(client, user.username).status_code == 200
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_the_lock_ends_after_fifteen_minutes(user):
    client = Client()
    for _ in range(5):
        attempt(client, user.username)
    SignInThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_failures_further_apart_than_the_window_do_not_add_up(user):
    client = Client()
    for _ in range(4):
        attempt(client, user.username)
    SignInThrottle.objects.update(window_started_at=timezone.now() - timedelta(minutes=16))
    assert attempt(client, user.username).status_code == 200
    row = SignInThrottle.objects.get(kind="username")
    assert row.failures == 1
    assert row.locked_until is None


def test_other_usernames_are_not_locked_by_one_being_locked(user):
    other = PersonFactory().user
    client = Client()
    for _ in range(5):
        attempt(client, user.username)
    assert attempt(client, other.username, PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_lock_that_address(user):
    for n in range(19):
        assert attempt(Client(REMOTE_ADDR="203.0.113.9"), f"guess{n}").status_code == 200
    assert attempt(Client(REMOTE_ADDR="203.0.113.9"), "guess19").status_code == 429
    from_there = attempt(Client(REMOTE_ADDR="203.0.113.9"), user.username, PASSWORD)
    assert from_there.status_code == 429
    elsewhere = attempt(Client(REMOTE_ADDR="198.51.100.7"), user.username, PASSWORD)
    assert elsewhere.status_code == 302
    lock = AuditEvent.objects.get(detail__reason="locked-out")
    assert lock.detail["locked"] == "address"
    assert lock.ip_address == "203.0.113.9"


@override_settings(ALONGSIDE_TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(user):
    for n in range(20):
        attempt(Client(HTTP_X_FORWARDED_FOR="203.0.113.9"), f"guess{n}")
    blocked = Client(HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert attempt(blocked, user.username, PASSWORD).status_code == 429
    # Another client behind the same proxy (same REMOTE_ADDR) is not locked out.
    assert (
        attempt(Client(HTTP_X_FORWARDED_FOR="192.0.2.44"), user.username, PASSWORD).status_code
        == 302
    )


@override_settings(ALONGSIDE_SIGNIN_FAILURES=2, ALONGSIDE_SIGNIN_LOCK_SECONDS=60)
def test_the_limits_come_from_the_settings(user):
    client = Client()
    assert attempt(client, user.username).status_code == 200
    second = attempt(client, user.username)
    assert second.status_code == 429
    assert "1 minute" in second.content.decode()


def test_setting_a_new_password_by_the_emailed_link_lifts_the_lock(user):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    client = Client()
    for _ in range(5):
        attempt(client, user.username)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    form_page = client.get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
    new_password = "a fresh and rather long passphrase"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert attempt(client, user.username, new_password).status_code == 302


def test_stale_counts_are_forgotten(user):
    long_ago = timezone.now() - timedelta(hours=1)
    SignInThrottle.objects.create(kind="username", key="x" * 64, window_started_at=long_ago)
    attempt(Client(), user.username)
    assert not SignInThrottle.objects.filter(key="x" * 64).exists()
