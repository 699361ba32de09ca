"""Advocacy pages: raised by the PSW, listed for the team and the referrer, answered by either."""

import datetime as dt
import html

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.core.access import RoleCode
from alongside.core.models import AuditEvent
from alongside.practice.actions.advocacy import raise_advocacy, record_advocacy_outcome
from alongside.practice.models import AdvocacyItem, CaseloadEntry
from tests import factories

TODAY = timezone.localdate()
LAST_WEEK = TODAY - dt.timedelta(days=7)


def text(response):
    """The page as a reader sees it: entities such as &#x27; turned back into characters."""
    return html.unescape(response.content.decode())


def client_as(person):
    client = Client()
    client.force_login(person.user)
    return client


def item_for(p, service_user=None, by=None, request="Review the evening medication"):
    return raise_advocacy(
        by=(by or p.psw).user,
        service_user=service_user or p.su_a,
        request=request,
        recorded_on=LAST_WEEK,
    )


def _written():
    return (
        AuditEvent.objects.exclude(action__in=["view", "denied"]).count(),
        list(AdvocacyItem.objects.values_list("pk", "version", "outcome", "raised_on")),
    )


def test_a_psw_records_a_request_and_the_team_sees_it(personas, client_for):
    p = personas
    response = client_for("psw").post(
        f"/practice/service-users/{p.su_a.pk}/advocacy/new/",
        {"request": "Would like a female care coordinator", "recorded_on": TODAY.isoformat()},
    )
    item = AdvocacyItem.objects.get()
    assert response.status_code == 302
    assert response.url == f"/practice/advocacy/{item.pk}/"
    assert (item.team, item.recorded_by) == (p.team_a, p.psw)
    listing = text(client_for("clinician").get("/practice/advocacy/"))
    assert "Would like a female care coordinator" in listing
    assert p.su_a.reference in listing


def test_an_empty_request_is_refused_beside_the_field(personas, client_for):
    before = _written()
    response = client_for("psw").post(
        f"/practice/service-users/{personas.su_a.pk}/advocacy/new/",
        {"request": "  ", "recorded_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert 'id="id_request_error"' in text(response)
    assert _written() == before


def test_the_hub_lists_the_persons_requests(personas, client_for):
    p = personas
    item_for(p, request="Wants fewer appointments")
    page = text(client_for("psw").get(f"/practice/service-users/{p.su_a.pk}/"))
    section = page[page.index('id="advocacy"') :]
    assert "Wants fewer appointments" in section
    assert "Not raised yet" in section
    assert "Record something to raise" in section
    supervisor = text(client_for("supervisor").get(f"/practice/service-users/{p.su_a.pk}/"))
    assert "Wants fewer appointments" in supervisor
    assert "Record something to raise" not in supervisor


def test_a_clinician_sees_their_teams_requests_but_not_other_teams(personas, client_for):
    p = personas
    mine = item_for(p, request="Team A request")
    theirs = item_for(p, service_user=p.su_b, by=p.psw_b, request="Team B request")
    client = client_for("clinician")
    listing = text(client.get("/practice/advocacy/"))
    assert "Team A request" in listing
    assert "Team B request" not in listing
    assert client.get(f"/practice/advocacy/{mine.pk}/").status_code == 200
    other = client.get(f"/practice/advocacy/{theirs.pk}/")
    assert other.status_code == 404
    assert "Team B request" not in text(other)


def test_the_referring_clinician_on_another_team_sees_requests_for_people_they_referred(
    personas, client_for
):
    p = personas
    referrer = factories.PersonFactory()
    factories.MembershipFactory(person=referrer, team=p.team_b, role=RoleCode.TEAM_CLINICIAN)
    referral = factories.ReferralFactory(service_user=p.su_a, referrer=referrer, status="accepted")
    CaseloadEntry.objects.filter(service_user=p.su_a).update(referral=referral)
    referred = item_for(p, request="From the person they referred")
    client = client_as(referrer)
    listing = text(client.get("/practice/advocacy/"))
    assert "From the person they referred" in listing
    assert client.get(f"/practice/advocacy/{referred.pk}/").status_code == 200
    # They answer for their own team only, so they read this one without recording its outcome.
    assert client.get(f"/practice/advocacy/{referred.pk}/outcome/").status_code == 404


def test_a_psw_sees_only_their_caseloads_requests(personas, client_for):
    p = personas
    item_for(p, request="Team A request")
    item_for(p, service_user=p.su_b, by=p.psw_b, request="Team B request")
    listing = text(client_for("psw_b").get("/practice/advocacy/"))
    assert "Team B request" in listing
    assert "Team A request" not in listing


@pytest.mark.parametrize("suffix", ["", "outcome/", "withdraw/"])
def test_psw_b_gets_404_on_psw_as_request(personas, client_for, suffix):
    item = item_for(personas, request="Team A private request")
    response = client_for("psw_b").get(f"/practice/advocacy/{item.pk}/{suffix}")
    assert response.status_code == 404
    assert "Team A private request" not in text(response)


def test_psw_b_cannot_raise_for_psw_as_service_user(personas, client_for):
    url = f"/practice/service-users/{personas.su_a.pk}/advocacy/new/"
    assert client_for("psw_b").get(url).status_code == 404


def test_a_clinician_records_the_teams_response(personas, client_for):
    item = item_for(personas)
    client = client_for("clinician")
    page = text(client.get(f"/practice/advocacy/{item.pk}/"))
    assert "Record the team's response" in page
    assert "Withdraw" not in page
    response = client.post(
        f"/practice/advocacy/{item.pk}/outcome/",
        {
            "version": "1",
            "raised_on": TODAY.isoformat(),
            "team_response": "Agreed to change to a morning dose",
            "outcome": "agreed",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.outcome, item.raised_on) == ("agreed", TODAY)
    detail = text(client.get(f"/practice/advocacy/{item.pk}/"))
    assert "Agreed to change to a morning dose" in detail


@pytest.mark.parametrize(
    ("form", "error_id", "message"),
    [
        ({"outcome": "agreed", "team_response": "Yes"}, "raised_on", "Give the date it was raised"),
        (
            {"outcome": "agreed", "team_response": "Yes", "raised_on": "2020-01-01"},
            "raised_on",
            "cannot have been raised before it was recorded",
        ),
        ({"outcome": "not-agreed", "raised_on": TODAY.isoformat()}, "team_response", "Say what"),
    ],
)
def test_bad_outcome_input_is_refused_beside_the_field(
    personas, client_for, form, error_id, message
):
    item = item_for(personas)
    before = _written()
    response = client_for("clinician").post(
        f"/practice/advocacy/{item.pk}/outcome/", {"version": "1", **form}
    )
    assert response.status_code == 200
    assert f'id="id_{error_id}_error"' in text(response)
    assert message in text(response)
    assert _written() == before


def test_the_second_of_two_outcome_edits_gets_a_conflict(personas, client_for):
    item = item_for(personas)
    url = f"/practice/advocacy/{item.pk}/outcome/"
    form = {"version": "1", "raised_on": TODAY.isoformat(), "team_response": "Discussed"}
    assert client_for("clinician").post(url, {**form, "outcome": "partly"}).status_code == 302
    second = client_for("psw").post(url, {**form, "outcome": "not-agreed"})
    assert second.status_code == 200
    assert "Someone else changed this record" in text(second)
    assert AdvocacyItem.objects.get().outcome == "partly"


def test_the_psw_withdraws_a_request_and_the_clinician_cannot(personas, client_for):
    item = item_for(personas)
    url = f"/practice/advocacy/{item.pk}/withdraw/"
    assert client_for("clinician").post(url, {"version": "1"}).status_code == 404
    response = client_for("psw").post(url, {"version": "1", "note": "Sorted it out herself"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.outcome == "withdrawn"
    detail = text(client_for("psw").get(f"/practice/advocacy/{item.pk}/"))
    assert "Withdrawn by the service user" in detail
    assert "Record the team's response" not in detail


def test_the_list_filters_open_and_closed_requests(personas, client_for):
    p = personas
    item_for(p, request="Still waiting")
    answered = item_for(p, request="Already answered")
    record_advocacy_outcome(
        by=p.clinician.user,
        item=answered,
        expected_version=1,
        raised_on=TODAY,
        team_response="No",
        outcome="not-agreed",
        outcome_note="",
    )
    client = client_for("clinician")
    default = text(client.get("/practice/advocacy/"))
    assert "Still waiting" in default
    assert "Already answered" not in default
    closed = client.get("/practice/advocacy/?show=closed", HTTP_HX_REQUEST="true")
    assert "<html" not in text(closed)
    assert "Already answered" in text(closed)
    assert "Still waiting" not in text(closed)
    every = text(client.get("/practice/advocacy/?show=all"))
    assert "Still waiting" in every
    assert "Already answered" in every


def test_the_list_is_audited_with_the_requests_shown(personas, client_for):
    p = personas
    shown = item_for(p)
    client_for("clinician").get("/practice/advocacy/")
    event = AuditEvent.objects.get(detail__list="advocacy (open)")
    assert event.actor_id == p.clinician.user.pk
    assert event.object_type == "practice.advocacyitem"
    assert event.detail["ids"] == [str(shown.pk)]


def test_a_service_user_and_the_lead_cannot_open_the_list(personas, client_for):
    assert client_for("service_user_login").get("/practice/advocacy/").status_code == 403
    assert client_for("lead").get("/practice/advocacy/").status_code == 403


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("clinician", "/practice/advocacy/"),
        ("psw", "/practice/advocacy/?show=all"),
        ("psw", "/practice/service-users/{su}/"),
    ],
)
def test_advocacy_pages_do_not_repeat_queries_per_request(personas, client_for, persona, url):
    p = personas
    url = url.format(su=p.su_a.pk)
    client = client_for(persona)
    for n in range(2):
        item_for(p, request=f"Request {n}")
    few = _count_queries(client, url)
    for n in range(2, 25):
        item_for(p, request=f"Request {n}")
    assert _count_queries(client, url) == few
