"""Administrators keep the activity list and the measure schedules; each change is audited."""

from alongside.core.models import AuditAction, AuditEvent
from alongside.measures.models import Schedule
from alongside.practice.models import Activity


def test_an_administrator_adds_renames_and_retires_an_activity(personas, client_for):
    client = client_for("admin")
    response = client.post("/practice/activities/new/", {"label": "Peer-led walk", "order": 5})
    assert response.status_code == 302
    added = Activity.objects.get(label="Peer-led walk")
    assert added.code == "peer-led-walk"
    assert added.active
    response = client.post(
        f"/practice/activities/{added.pk}/edit/", {"label": "Walk and talk", "order": 6}
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.label, added.order, added.active) == ("Walk and talk", 6, False)
    changes = AuditEvent.objects.filter(object_type="practice.activity").order_by("id")
    assert [e.action for e in changes] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert changes.last().detail == {"fields": ["active", "label", "order"]}


def test_a_duplicate_activity_name_is_refused_and_writes_nothing(personas, client_for):
    before = Activity.objects.count()
    response = client_for("admin").post(
        "/practice/activities/new/", {"label": "Emotional support", "order": 1}
    )
    assert response.status_code == 200
    assert "already exists" in response.text
    assert Activity.objects.count() == before
    assert not AuditEvent.objects.filter(object_type="practice.activity").exists()


def test_a_retired_activity_is_not_offered_for_new_contacts(personas, client_for):
    Activity.objects.filter(code="goal-work").update(active=False)
    page = client_for("psw").get(f"/practice/service-users/{personas.su_a.pk}/contacts/new/")
    assert "Goal work" not in page.text
    assert "Emotional support" in page.text


def test_an_administrator_sets_when_a_measure_is_due(personas, client_for):
    response = client_for("admin").post(
        "/measures/schedules/chime-support/",
        {"active": "on", "at_first_contact": "on", "every_n_weeks": 8},
    )
    assert response.status_code == 302
    schedule = Schedule.objects.get(instrument_code="chime-support")
    assert (schedule.active, schedule.at_first_contact, schedule.every_n_weeks) == (True, True, 8)
    assert not schedule.at_ending
    listing = client_for("admin").get("/measures/schedules/")
    assert "Every 8 weeks" in listing.text


def test_a_schedule_interval_of_zero_weeks_is_refused(personas, client_for):
    response = client_for("admin").post(
        "/measures/schedules/chime-support/", {"active": "on", "every_n_weeks": 0}
    )
    assert response.status_code == 200
    assert "greater than or equal to 1" in response.text


def test_an_unknown_instrument_has_no_schedule_page(personas, client_for):
    assert client_for("admin").get("/measures/schedules/no-such-thing/").status_code == 404
