"""Each user's notifications: only their own, newest first, unread marked; opening one marks it
read and goes where it points; nobody can open anyone else's."""

import logging

import pytest

from alongside.core import notifications
from alongside.core.models import AuditAction, AuditEvent, Notification
from alongside.core.notifications import mark_read, notify, unread_count

PAGE = "/notifications/"


def _read_url(notification):
    return f"/notifications/{notification.pk}/read/"


@pytest.fixture
def clinicians(personas):
    user = personas.clinician.user
    older = notify(
        recipient=user,
        message="Referral SU-0001 to Riverside CMHT was accepted.",
        url="/practice/referrals/1/",
    )
    newer = notify(
        recipient=user,
        message="Referral SU-0002 to Riverside CMHT was declined: no capacity on the caseload.",
        url="/practice/referrals/2/",
    )
    return older, newer


def test_the_page_lists_only_your_own_newest_first_with_unread_marked(
    personas, client_for, clinicians
):
    older, newer = clinicians
    mark_read(by=personas.clinician.user, notification=older)
    notify(recipient=personas.psw.user, message="Referral SU-0099 for someone else.", url="")
    response = client_for("clinician").get(PAGE)
    assert response.status_code == 200
    assert list(response.context["page"]) == [newer, older]
    text = response.text
    assert "SU-0099" not in text
    assert text.index("SU-0002") < text.index("SU-0001")
    assert text.count(">New</span>") == 1
    assert "<strong>Referral SU-0002" in text


def test_the_page_is_audited_as_a_list_view(personas, client_for, clinicians):
    client_for("clinician").get(PAGE)
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="core.notification")
    assert event.detail["count"] == 2


def test_someone_with_no_notifications_is_told_so(client_for):
    response = client_for("outsider").get(PAGE)
    assert response.status_code == 200
    assert "You have no notifications." in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_opening_a_notification_marks_it_read_and_goes_to_its_record(
    personas, client_for, clinicians
):
    _, newer = clinicians
    assert unread_count(personas.clinician.user) == 2
    response = client_for("clinician").post(_read_url(newer))
    assert response.status_code == 302
    assert response.url == "/practice/referrals/2/"
    newer.refresh_from_db()
    assert newer.read_at is not None
    assert unread_count(personas.clinician.user) == 1
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="core.notification")
    assert update.detail == {"fields": ["read_at"]}


def test_opening_it_again_keeps_the_first_reading(personas, client_for, clinicians):
    _, newer = clinicians
    client = client_for("clinician")
    client.post(_read_url(newer))
    first = Notification.objects.get(pk=newer.pk).read_at
    client.post(_read_url(newer))
    assert Notification.objects.get(pk=newer.pk).read_at == first


@pytest.mark.parametrize("name", ["psw", "senior", "admin", "outsider"])
def test_nobody_opens_someone_elses_notification(personas, client_for, clinicians, name):
    _, newer = clinicians
    response = client_for(name).post(_read_url(newer))
    assert response.status_code == 404
    newer.refresh_from_db()
    assert newer.read_at is None
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, object_type="core.notification", object_id=str(newer.pk)
    ).exists()


def test_a_missing_notification_is_a_404(client_for):
    assert client_for("clinician").post("/notifications/999999/read/").status_code == 404


def test_opening_is_post_only(client_for, clinicians):
    assert client_for("clinician").get(_read_url(clinicians[0])).status_code == 405


@pytest.mark.parametrize("url", ["", "https://elsewhere.example/phish", "//elsewhere.example/"])
def test_a_notification_never_sends_you_off_site(personas, client_for, url):
    notification = notify(recipient=personas.clinician.user, message="News.", url=url)
    response = client_for("clinician").post(_read_url(notification))
    assert response.url == PAGE


def test_unread_count_is_zero_for_someone_signed_out():
    from django.contrib.auth.models import AnonymousUser

    assert unread_count(AnonymousUser()) == 0


def test_a_mail_server_failure_is_logged_not_raised(
    personas, settings, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    settings.ALONGSIDE_NOTIFY_BY_EMAIL = True
    personas.clinician.user.email = "clinician@example.org"
    personas.clinician.user.save()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        notify(recipient=personas.clinician.user, message="News.", url="")
    assert Notification.objects.filter(recipient=personas.clinician.user).exists()
    assert "could not be sent" in caplog.text


def test_a_message_too_long_to_store_is_shortened_not_refused(personas):
    notification = notify(recipient=personas.clinician.user, message="x" * 400, url="")
    notification.refresh_from_db()
    assert len(notification.message) == 300
    assert notification.message.endswith("…")
