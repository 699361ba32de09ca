"""Practice pages through the browser's eyes: who sees what, and that views are audited."""

from alongside.core.models import AuditAction, AuditEvent


def test_psw_a_cannot_open_psw_bs_service_user_and_the_attempt_is_audited(personas, client_for):
    response = client_for("psw").get(f"/practice/service-users/{personas.su_b.pk}/")
    assert response.status_code == 404
    assert b"Declan-on-caseload-B" not in response.content
    denied = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert denied.actor_id == personas.psw.user.pk
    assert denied.object_id == str(personas.su_b.pk)


def test_a_psw_opens_their_own_service_user_and_the_view_is_audited(personas, client_for):
    response = client_for("psw").get(f"/practice/service-users/{personas.su_a.pk}/")
    assert response.status_code == 200
    assert "Niamh-on-caseload-A" in response.text
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(personas.su_a.pk)
    ).exists()


def test_the_caseload_lists_only_the_psws_own_service_users(personas, client_for):
    response = client_for("psw").get("/practice/caseload/")
    assert "Niamh-on-caseload-A" in response.text
    assert "Declan-on-caseload-B" not in response.text


def test_the_psw_home_shows_todays_caseload(personas, client_for):
    from django.utils import timezone

    entry = personas.su_a.caseload_entries.get()
    entry.next_planned_contact = timezone.localdate()
    entry.save()
    response = client_for("psw").get("/")
    assert "My caseload today" in response.text
    assert "Niamh-on-caseload-A" in response.text


def test_a_supervisor_sees_supervisee_caseload_sizes_and_their_caseload(personas, client_for):
    client = client_for("supervisor")
    response = client.get("/practice/supervisees/")
    assert personas.psw.full_name in response.text
    assert personas.psw_b.full_name not in response.text
    caseload = client.get(f"/practice/supervisees/{personas.psw.pk}/caseload/")
    assert "Niamh-on-caseload-A" in caseload.text
    other = client.get(f"/practice/supervisees/{personas.psw_b.pk}/caseload/")
    assert other.status_code == 404


def test_a_clinician_sees_their_teams_referrals(personas, client_for):
    client = client_for("clinician")
    listing = client.get("/practice/referrals/")
    assert personas.su_a.reference in listing.text
    assert personas.su_b.reference not in listing.text
    assert client.get(f"/practice/referrals/{personas.referral_b.pk}/").status_code == 404
    detail = client.get(f"/practice/referrals/{personas.referral_a.pk}/")
    assert personas.referral_a.reason in detail.text


def test_the_lead_sees_counts_but_never_names(personas, client_for):
    response = client_for("lead").get("/practice/programme/")
    assert response.status_code == 200
    assert personas.team_a.area.region.name in response.text
    for name in ("Niamh-on-caseload-A", "Declan-on-caseload-B", personas.psw.full_name):
        assert name not in response.text
    home = client_for("lead").get("/")
    assert "Niamh-on-caseload-A" not in home.text


def test_programme_counts_are_right(personas):
    from alongside.practice.queries import programme_summary

    (row,) = programme_summary()
    assert (row.teams, row.psws, row.service_users) == (2, 3, 2)
    assert row.referrals_accepted == 2


def test_the_service_user_sees_their_own_record_on_home(personas, client_for):
    response = client_for("service_user_login").get("/")
    assert "Niamh-on-caseload-A" in response.text
    assert "Declan-on-caseload-B" not in response.text


def test_pages_do_not_repeat_queries_per_row(personas, client_for, django_assert_max_num_queries):
    from tests import factories

    for _ in range(15):
        factories.CaseloadEntryFactory(
            worker=personas.psw,
            service_user=factories.ServiceUserFactory(team=personas.team_a),
        )
    client = client_for("psw")
    with django_assert_max_num_queries(18):
        assert client.get("/practice/caseload/").status_code == 200


def test_a_list_showing_names_is_audited_with_the_records_shown(personas, client_for):
    client_for("psw").get("/practice/caseload/")
    event = AuditEvent.objects.get(detail__list="own caseload")
    assert event.action == AuditAction.VIEW
    assert event.object_type == "practice.serviceuser"
    assert event.detail["ids"] == [str(personas.su_a.pk)]


def test_an_empty_list_writes_no_audit_record(personas, client_for):
    personas.su_a.caseload_entries.update(status="ended", end="2020-01-01")
    client_for("psw").get("/practice/caseload/")
    assert not AuditEvent.objects.filter(detail__list="own caseload").exists()
