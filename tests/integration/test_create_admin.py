import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from alongside.core.access import Permission, has_permission
from alongside.core.models import AuditEvent
from alongside.organisation.models import Person

ARGS = ["create_admin", "ada", "--email", "ada@example.org", "--given-name", "Ada"]


@pytest.mark.django_db
def test_the_first_administrator_can_sign_in_and_manage(monkeypatch):
    monkeypatch.setenv("ALONGSIDE_ADMIN_PASSWORD", "a long enough passphrase")
    call_command(*ARGS, "--family-name", "Byrne")
    user = authenticate(username="ada", password="a long enough passphrase")
    assert user is not None
    assert has_permission(user, Permission.MANAGE_ORGANISATION)
    assert not has_permission(user, Permission.VIEW_SERVICE_USER)
    assert AuditEvent.objects.count() >= 3


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_nothing_is_written(monkeypatch):
    monkeypatch.setenv("ALONGSIDE_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command(*ARGS, "--family-name", "Byrne")
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()
