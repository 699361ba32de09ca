"""Sign-in, sign-out and password reset, with their audit records."""

import re

import pytest
from django.core import mail
from django.test import Client

from alongside.core.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, PersonFactory


@pytest.mark.django_db
def test_sign_in_and_out_are_audited():
    person = PersonFactory()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": person.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_id"))
    assert actions == [
        (AuditAction.LOGIN, person.user.pk),
        (AuditAction.LOGOUT, person.user.pk),
    ]


@pytest.mark.django_db
def test_a_failed_sign_in_is_audited_without_the_username():
    person = PersonFactory()
    response = Client().post(
        "/accounts/login/", {"username": person.user.username, "password": "wrong-guess"}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.LOGIN_FAILED
    assert event.actor_label == ""
    assert person.user.username not in str(event.detail)


@pytest.mark.django_db
def test_a_password_reset_sends_a_working_link():
    person = PersonFactory(email="aoife@example.org", user__email="aoife@example.org")
    client = Client()
    client.post("/accounts/password/reset/", {"email": "aoife@example.org"})
    (message,) = mail.outbox
    assert message.to == ["aoife@example.org"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    new_password = "a brand new long passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    person.user.refresh_from_db()
    assert person.user.check_password(new_password)


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same():
    response = Client().post(
        "/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True
    )
    assert "Check your email" in response.text
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_short_password_is_refused():
    person = PersonFactory()
    client = Client()
    client.force_login(person.user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.text
