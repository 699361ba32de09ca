"""Editing a service user's record: validation, audit, and two people editing at once."""

from alongside.core.models import AuditAction, AuditEvent


def _form(record, **changes):
    data = {
        "version": record.version,
        "preferred_name": record.preferred_name,
        "contact_preferences": record.contact_preferences,
        "consented_to_peer_support": "on" if record.consented_to_peer_support else "",
        "consent_date": record.consent_date.isoformat() if record.consent_date else "",
        "shares_notes_with_team": "on" if record.shares_notes_with_team else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_psw_corrects_a_record_and_the_change_is_audited(personas, client_for):
    url = f"/practice/service-users/{personas.su_a.pk}/edit/"
    response = client_for("psw").post(url, _form(personas.su_a, contact_preferences="Text only"))
    assert response.status_code == 302
    personas.su_a.refresh_from_db()
    assert personas.su_a.contact_preferences == "Text only"
    assert personas.su_a.version == 2
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.detail == {"fields": ["contact_preferences"]}


def test_consent_without_a_date_is_refused_beside_the_field(personas, client_for):
    url = f"/practice/service-users/{personas.su_a.pk}/edit/"
    response = client_for("psw").post(url, _form(personas.su_a, consent_date=""))
    assert response.status_code == 200
    assert "Give the date the person consented." in response.text
    personas.su_a.refresh_from_db()
    assert personas.su_a.version == 1
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_the_second_of_two_concurrent_edits_gets_a_conflict(personas, client_for):
    url = f"/practice/service-users/{personas.su_a.pk}/edit/"
    stale = _form(personas.su_a, contact_preferences="Phone in the morning")
    first = client_for("psw").post(url, _form(personas.su_a, contact_preferences="Text only"))
    assert first.status_code == 302
    second = client_for("psw").post(url, stale)
    assert second.status_code == 200
    assert "Someone else changed this record" in second.text
    personas.su_a.refresh_from_db()
    assert personas.su_a.contact_preferences == "Text only"


def test_a_psw_gives_a_service_user_their_own_login(personas, client_for):
    from django.contrib.auth import get_user_model
    from django.core import mail

    from alongside.core.access import Permission, has_permission
    from tests import factories

    newcomer = factories.ServiceUserFactory(team=personas.team_a, preferred_name="Ciara")
    factories.CaseloadEntryFactory(service_user=newcomer, worker=personas.psw)
    url = f"/practice/service-users/{newcomer.pk}/login/"
    response = client_for("psw").post(url, {"username": "ciara", "email": "ciara@example.org"})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    user = get_user_model().objects.get(username="ciara")
    assert newcomer.person.user == user
    assert has_permission(user, Permission.VIEW_OWN_RECORD, newcomer)
    assert has_permission(user, Permission.ADD_OWN_PROGRESS)
    assert not has_permission(user, Permission.VIEW_SERVICE_USER, personas.su_a)
    assert mail.outbox == []  # nothing sent: they use "Forgotten your password"
    again = client_for("psw").post(url, {"username": "ciara2", "email": "c@example.org"})
    assert "already has their own login" in again.text


def test_a_login_needs_an_unused_username_and_writes_nothing_otherwise(personas, client_for):
    from django.contrib.auth import get_user_model

    from alongside.organisation.models import Person
    from tests import factories

    newcomer = factories.ServiceUserFactory(team=personas.team_a)
    factories.CaseloadEntryFactory(service_user=newcomer, worker=personas.psw)
    people = Person.objects.count()
    taken = personas.psw.user.username
    response = client_for("psw").post(
        f"/practice/service-users/{newcomer.pk}/login/",
        {"username": taken, "email": "x@example.org"},
    )
    assert response.status_code == 200
    assert Person.objects.count() == people
    assert get_user_model().objects.filter(username=taken).count() == 1
    newcomer.refresh_from_db()
    assert newcomer.person is None
