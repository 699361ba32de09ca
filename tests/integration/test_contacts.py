"""Contact pages: logging with remembered defaults, correcting, deleting, and who reads notes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.core.models import AuditAction, AuditEvent
from alongside.practice.models import Activity, Contact, ContactFormat
from tests.integration.url_rules.contacts import ContactFactory, ensure_default_activities
from tests.integration.url_rules.groups import GroupSessionFactory

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _activities(db):
    ensure_default_activities()


def _new_url(su):
    return f"/practice/service-users/{su.pk}/contacts/new/"


def _history_url(su):
    return f"/practice/service-users/{su.pk}/contacts/"


def _activity(code):
    return Activity.objects.get(code=code)


def _post_data(**changes):
    data = {
        "note": "Rang the library about the book club and booked a place.",
        "activities": [_activity("community-connection").pk],
        "chime": ["connectedness"],
        "date": TODAY().isoformat(),
        "duration_minutes": "25",
        "mode": "phone",
        "setting": "home",
        "contact_format": "one-to-one",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_starts_from_today_and_the_workers_last_contact(personas, client_for):
    other = ContactFactory(service_user=personas.su_a, mode="video", setting="recovery-college")
    other.activities.set([_activity("goal-work")])
    Contact.objects.filter(pk=other.pk).update(duration_minutes=40)
    response = client_for("psw").get(_new_url(personas.su_a))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["date"] == TODAY()
    assert form.initial["mode"] == "video"
    assert form.initial["setting"] == "recovery-college"
    assert form.initial["duration_minutes"] == 40
    assert form.initial["activities"] == [_activity("goal-work").pk]
    html = response.text
    assert f'value="{TODAY().isoformat()}"' in html
    assert 'value="video" id="id_mode_2" required checked' in html
    assert "Filled in from your last contact: today, video, recovery college, 40 minutes" in html
    assert "autofocus" in html.split('id="id_note"')[0].rsplit("<textarea", 1)[1]


def test_logging_a_contact_returns_to_the_caseload_naming_the_reference(personas, client_for):
    response = client_for("psw").post(_new_url(personas.su_a), _post_data(), follow=True)
    assert response.redirect_chain == [("/practice/caseload/", 302)]
    assert f"Contact with {personas.su_a.reference} saved." in response.text
    contact = Contact.objects.get()
    assert (contact.mode, contact.setting, contact.duration_minutes) == ("phone", "home", 25)
    assert contact.worker == personas.psw
    assert [t.domain for t in contact.chime_tags.all()] == ["connectedness"]
    messages = [str(m) for m in response.context["messages"]]
    assert all(personas.su_a.preferred_name not in m for m in messages)


def test_the_form_returns_to_a_safe_next_page_only(personas, client_for):
    client = client_for("psw")
    hub = f"/practice/service-users/{personas.su_a.pk}/"
    response = client.post(f"{_new_url(personas.su_a)}?next={hub}", _post_data())
    assert response.url == hub
    response = client.post(f"{_new_url(personas.su_a)}?next=https://evil.example/", _post_data())
    assert response.url == "/practice/caseload/"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "cannot be in the future"),
        ({"duration_minutes": "0"}, "from 1 to 720"),
        ({"duration_minutes": None}, "This field is required"),
        ({"mode": "pigeon"}, "Select a valid choice"),
        ({"note": "y" * 1001}, "at most 1000 characters"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_writes_nothing(
    personas, client_for, changes, message
):
    before = AuditEvent.objects.exclude(action=AuditAction.VIEW).count()
    response = client_for("psw").post(_new_url(personas.su_a), _post_data(**changes))
    assert response.status_code == 200
    assert message in response.text
    assert 'class="field-error"' in response.text
    assert "There is a problem" not in response.text
    assert not Contact.objects.exists()
    assert AuditEvent.objects.exclude(action=AuditAction.VIEW).count() == before


@pytest.mark.parametrize("persona", ["psw_b", "supervisor", "clinician", "senior"])
def test_only_the_psw_whose_caseload_it_is_may_log_a_contact(personas, client_for, persona):
    client = client_for(persona)
    assert client.get(_new_url(personas.su_a)).status_code == 404
    assert client.post(_new_url(personas.su_a), _post_data()).status_code == 404
    assert not Contact.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_id=str(personas.su_a.pk)
    ).exists()


def test_psw_b_gets_404_on_every_contact_page_of_psw_as_service_user(personas, client_for):
    contact = ContactFactory(service_user=personas.su_a)
    client = client_for("psw_b")
    for url in (
        _new_url(personas.su_a),
        _history_url(personas.su_a),
        f"/practice/contacts/{contact.pk}/edit/",
        f"/practice/contacts/{contact.pk}/delete/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert contact.note not in response.text
    assert (
        client.post(f"/practice/contacts/{contact.pk}/delete/", {"version": 1}).status_code == 404
    )
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_clinician_reads_notes_only_when_the_person_shares_them(personas, client_for):
    contact = ContactFactory(service_user=personas.su_a, note="Found the courage to call")
    client = client_for("clinician")
    response = client.get(_history_url(personas.su_a))
    assert response.status_code == 404
    assert contact.note not in response.text
    denied = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert denied.detail == {"permission": "view-contacts"}

    personas.su_a.shares_notes_with_team = True
    personas.su_a.save()
    response = client.get(_history_url(personas.su_a))
    assert response.status_code == 200
    assert contact.note in response.text
    assert "Log a contact" not in response.text
    assert "/edit/" not in response.text
    assert client.get(f"/practice/contacts/{contact.pk}/edit/").status_code == 404
    listed = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="practice.contact")
    assert listed.get().detail["ids"] == [str(contact.pk)]


def test_a_clinician_of_another_team_never_reads_shared_notes(personas, client_for):
    personas.su_b.shares_notes_with_team = True
    personas.su_b.save()
    contact = ContactFactory(service_user=personas.su_b, note="Team B note")
    response = client_for("clinician").get(_history_url(personas.su_b))
    assert response.status_code == 404
    assert contact.note not in response.text


def test_the_hub_shows_recent_contacts_and_a_log_link_to_the_psw(personas, client_for):
    contact = ContactFactory(service_user=personas.su_a, note="Chose the cinema")
    contact.chime_tags.create(domain="hope")
    response = client_for("psw").get(f"/practice/service-users/{personas.su_a.pk}/")
    assert "Chose the cinema" in response.text
    assert "Hope" in response.text
    assert f"/practice/service-users/{personas.su_a.pk}/contacts/new/" in response.text
    assert f"/practice/contacts/{contact.pk}/edit/" in response.text
    listed = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="practice.contact")
    assert listed.detail["ids"] == [str(contact.pk)]


def test_a_supervisor_reads_contacts_but_neither_logs_nor_changes_them(personas, client_for):
    contact = ContactFactory(service_user=personas.su_a, note="Chose the cinema")
    client = client_for("supervisor")
    hub = client.get(f"/practice/service-users/{personas.su_a.pk}/")
    history = client.get(_history_url(personas.su_a))
    for response in (hub, history):
        assert "Chose the cinema" in response.text
        assert "/contacts/new/" not in response.text
        assert f"/practice/contacts/{contact.pk}/edit/" not in response.text


def _edit_data(contact, **changes):
    data = {
        "version": contact.version,
        "note": contact.note,
        "date": contact.date.isoformat(),
        "duration_minutes": contact.duration_minutes,
        "mode": contact.mode,
        "setting": contact.setting,
        "contact_format": contact.contact_format,
        "chime": [],
        "activities": [],
    }
    data.update(changes)
    return data


def test_a_correction_is_saved_and_returns_to_the_history(personas, client_for):
    contact = ContactFactory(service_user=personas.su_a)
    url = f"/practice/contacts/{contact.pk}/edit/"
    response = client_for("psw").post(url, _edit_data(contact, note="Chose the quieter route"))
    assert response.url == _history_url(personas.su_a)
    contact.refresh_from_db()
    assert (contact.note, contact.version) == ("Chose the quieter route", 2)


def test_two_people_correcting_one_contact_get_a_conflict(personas, client_for):
    contact = ContactFactory(service_user=personas.su_a)
    url = f"/practice/contacts/{contact.pk}/edit/"
    stale = _edit_data(contact, note="The second, stale correction")
    first = client_for("psw").post(url, _edit_data(contact, note="The first correction"))
    assert first.status_code == 302
    second = client_for("psw").post(url, stale)
    assert second.status_code == 200
    assert "Someone else changed this record" in second.text
    contact.refresh_from_db()
    assert contact.note == "The first correction"


def test_a_group_session_contact_is_corrected_without_its_session_details(personas, client_for):
    session = GroupSessionFactory(programme__team=personas.team_a)
    contact = ContactFactory(
        service_user=personas.su_a,
        group_session=session,
        contact_format=ContactFormat.GROUP,
        duration_minutes=session.duration_minutes,
    )
    url = f"/practice/contacts/{contact.pk}/edit/"
    client = client_for("psw")
    page = client.get(url)
    assert 'name="date"' not in page.text
    assert "Change those on the group's page" in page.text
    response = client.post(url, {"version": 1, "note": "Led the warm-up", "chime": ["meaning"]})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.note == "Led the warm-up"
    assert contact.duration_minutes == session.duration_minutes


def test_the_author_deletes_a_mistaken_contact(personas, client_for):
    contact = ContactFactory(service_user=personas.su_a)
    client = client_for("psw")
    assert "Delete this contact" in client.get(f"/practice/contacts/{contact.pk}/edit/").text
    response = client.post(f"/practice/contacts/{contact.pk}/delete/", {"version": 1})
    assert response.url == _history_url(personas.su_a)
    assert not Contact.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE).count() == 1


def test_after_a_day_a_contact_can_no_longer_be_deleted(personas, client_for):
    contact = ContactFactory(service_user=personas.su_a)
    Contact.objects.filter(pk=contact.pk).update(recorded_at=timezone.now() - dt.timedelta(days=2))
    client = client_for("psw")
    assert "Delete this contact" not in client.get(f"/practice/contacts/{contact.pk}/edit/").text
    response = client.post(f"/practice/contacts/{contact.pk}/delete/", {"version": 1})
    assert response.status_code == 200
    assert "only in the 24 hours" in response.text
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.DELETE).exists()


def _contacts(personas, n):
    activities = list(Activity.objects.all()[:3])
    for i in range(n):
        contact = ContactFactory(
            service_user=personas.su_a, date=TODAY() - dt.timedelta(days=i), note=f"Note {i}"
        )
        contact.activities.set(activities)
        contact.chime_tags.create(domain="hope")
        contact.chime_tags.create(domain="meaning")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("page", ["history", "hub"])
def test_contact_lists_cost_the_same_queries_for_2_or_25_rows(
    personas, client_for, django_assert_max_num_queries, page
):
    url = (
        _history_url(personas.su_a)
        if page == "history"
        else f"/practice/service-users/{personas.su_a.pk}/"
    )
    client = client_for("psw")
    _contacts(personas, 2)
    few, _ = _queries(client, url)
    _contacts(personas, 23)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    rows = 25 if page == "history" else 5
    assert response.text.count('class="contact-table__note"') == rows


def test_the_history_pages_through_older_contacts(personas, client_for):
    _contacts(personas, 27)
    client = client_for("psw")
    first = client.get(_history_url(personas.su_a))
    assert "Note 0" in first.text
    assert "Note 26" not in first.text
    assert "Page 1 of 2" in first.text
    second = client.get(_history_url(personas.su_a) + "?page=2")
    assert "Note 26" in second.text
