"""The referral pages: who sees which referrals, making one, deciding on one, the referrer
hearing back, conflicts, and a list whose query count does not grow with its length."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.core.access import RoleCode
from alongside.core.models import AuditAction, AuditEvent, Notification
from alongside.organisation.models import Discipline
from alongside.practice.models import (
    CaseloadEntry,
    Contact,
    Referral,
    ReferralStatus,
    ServiceUser,
)
from tests import factories

TODAY = timezone.localdate()
LIST = "/practice/referrals/"
CREATE = "/practice/referrals/new/"


def _pending(personas, reference="SU-0012", team=None, **kwargs):
    team = team or personas.team_a
    service_user = kwargs.pop("service_user", None) or factories.ServiceUserFactory(
        team=team, reference=reference
    )
    kwargs.setdefault("referrer", personas.clinician)
    kwargs.setdefault("received_on", TODAY - dt.timedelta(days=2))
    return factories.ReferralFactory(service_user=service_user, **kwargs)


def _detail(referral):
    return f"/practice/referrals/{referral.pk}/"


def _writes():
    """Changes, not views: what a refused decision must not have made."""
    return AuditEvent.objects.filter(
        action__in=[AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]
    ).count()


@pytest.fixture
def clinician_b(personas):
    person = factories.PersonFactory()
    factories.MembershipFactory(
        person=person,
        team=personas.team_b,
        role=RoleCode.TEAM_CLINICIAN,
        discipline=Discipline.PSYCHOLOGY,
    )
    return person


@pytest.fixture
def client_of():
    from django.test import Client

    def make(person):
        client = Client()
        client.force_login(person.user)
        return client

    return make


# Who sees what


def test_each_role_sees_its_own_list(personas, client_for):
    pending_a = _pending(personas)
    accepted_by_senior = _pending(
        personas, reference="SU-0013", status="accepted", allocated_to=personas.senior
    )
    pending_b = _pending(
        personas, reference="SU-0014", team=personas.team_b, referrer=None, self_referral=True
    )
    expectations = {
        # Team A's referrals, all of them.
        "clinician": {personas.referral_a, pending_a, accepted_by_senior},
        "senior": {personas.referral_a, pending_a, accepted_by_senior},
        # Waiting for a decision on their team, plus those allocated to them.
        "psw": {personas.referral_a, pending_a},
        "psw_b": {personas.referral_b, pending_b},
        # Those allocated to their supervisee.
        "supervisor": {personas.referral_a},
    }
    for name, expected in expectations.items():
        response = client_for(name).get(LIST)
        assert response.status_code == 200, name
        assert set(response.context["referrals"]) == expected, name
        everyone = {personas.referral_a, personas.referral_b, pending_a, accepted_by_senior}
        for hidden in everyone - expected:
            assert hidden.service_user.reference not in response.text, (name, hidden)


@pytest.mark.parametrize("name", ["lead", "evaluator", "admin", "service_user_login", "outsider"])
def test_roles_without_referrals_are_refused_the_list(client_for, name):
    assert client_for(name).get(LIST).status_code == 403


def test_a_clinician_of_team_b_sees_none_of_team_as_referrals(personas, client_of, clinician_b):
    client = client_of(clinician_b)
    listing = client.get(LIST)
    assert personas.su_a.reference not in listing.text
    assert personas.su_b.reference in listing.text
    assert client.get(_detail(personas.referral_a)).status_code == 404


def test_a_clinician_sees_referrals_they_made_to_another_team(personas, client_of, clinician_b):
    made = _pending(personas, team=personas.team_a, referrer=clinician_b)
    listing = client_of(clinician_b).get(LIST)
    assert made in listing.context["referrals"]
    assert client_of(clinician_b).get(_detail(made)).status_code == 200


def test_the_list_filters_by_outcome_and_htmx_gets_only_the_table(personas, client_for):
    declined = _pending(personas, status="declined", decline_reason="no-capacity")
    pending = _pending(personas, reference="SU-0013")
    client = client_for("clinician")
    response = client.get(LIST, {"status": "declined"})
    assert list(response.context["referrals"]) == [declined]
    response = client.get(LIST, {"status": "open"})
    assert list(response.context["referrals"]) == [pending]
    fragment = client.get(LIST, {"status": "declined"}, headers={"HX-Request": "true"})
    assert "<h1>" not in fragment.text
    assert "<table>" in fragment.text
    assert declined.service_user.reference in fragment.text
    assert pending.service_user.reference not in fragment.text


def test_an_unknown_filter_shows_everything(personas, client_for):
    response = client_for("clinician").get(LIST, {"status": "nonsense"})
    assert response.status_code == 200
    assert list(response.context["referrals"]) == [personas.referral_a]


def test_the_list_is_audited_with_the_ids_shown(personas, client_for):
    client_for("clinician").get(LIST)
    event = AuditEvent.objects.get(object_type="practice.referral", action=AuditAction.VIEW)
    assert event.detail == {"list": "referrals", "ids": [str(personas.referral_a.pk)], "count": 1}


def test_the_list_shows_days_to_first_contact(personas, client_for):
    Contact.objects.create(
        service_user=personas.su_a,
        worker=personas.psw,
        date=personas.referral_a.received_on + dt.timedelta(days=6),
        duration_minutes=45,
        mode="in-person",
        setting="community",
    )
    response = client_for("clinician").get(LIST)
    (row,) = response.context["referrals"]
    assert row.time_to_first_contact == dt.timedelta(days=6)
    assert '<td class="num">6</td>' in response.text


def _queries_for_list(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries), len(response.context["referrals"])


@pytest.mark.parametrize("name", ["clinician", "psw", "senior"])
def test_the_list_costs_the_same_queries_for_2_rows_as_for_22(
    personas, client_for, django_assert_max_num_queries, name
):
    client = client_for(name)
    _pending(personas, reference="SU-0500")
    client.get(LIST)  # warm the session and any caches
    few, shown_few = _queries_for_list(client)
    for n in range(20):
        worker = personas.psw if n % 2 else None
        status = "accepted" if worker else "pending"
        referral = _pending(personas, reference=f"SU-06{n:02d}", status=status, allocated_to=worker)
        if worker:
            Contact.objects.create(
                service_user=referral.service_user,
                worker=worker,
                date=TODAY,
                duration_minutes=30,
                mode="phone",
                setting="home",
            )
    many, shown_many = _queries_for_list(client)
    assert shown_many >= shown_few + 20
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(LIST)


# One referral's page


def test_a_psw_sees_the_decision_forms_on_a_referral_waiting_for_one(personas, client_for):
    referral = _pending(personas)
    response = client_for("psw").get(_detail(referral))
    assert response.context["can_decide"]
    assert [w.pk for w in response.context["accept_form"].fields["worker"].queryset] == [
        personas.psw.pk
    ]
    for button in ("Accept</button>", "Decline</button>", "Put on the waiting list</button>"):
        assert button in response.text


def test_a_senior_psw_may_allocate_to_any_psw_of_the_team(personas, client_for):
    referral = _pending(personas)
    response = client_for("senior").get(_detail(referral))
    workers = set(response.context["accept_form"].fields["worker"].queryset)
    assert workers == {personas.psw, personas.senior}


@pytest.mark.parametrize("name", ["clinician", "supervisor"])
def test_those_who_may_not_decide_see_no_decision_forms(personas, client_for, name):
    response = client_for(name).get(_detail(personas.referral_a))
    assert response.status_code == 200
    assert not response.context["can_decide"]
    assert "Decline</button>" not in response.text


def test_psw_b_can_neither_see_nor_decide_team_as_referrals(personas, client_for):
    referral = _pending(personas)
    client = client_for("psw_b")
    assert client.get(_detail(referral)).status_code == 404
    writes = _writes()
    for path, data in (
        ("decline", {"decline-version": 1, "decline-reason": "no-capacity"}),
        ("waiting-list", {"waiting-version": 1}),
        ("accept", {"accept-version": 1, "accept-worker": personas.psw_b.pk}),
    ):
        response = client.post(f"{_detail(referral)}{path}/", data)
        assert response.status_code == 404
        assert referral.reason not in response.text
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (ReferralStatus.PENDING, 1)
    assert _writes() == writes
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED, object_id=str(referral.pk))
    assert denied.count() == 4


def test_a_clinician_cannot_decide_a_referral(personas, client_for):
    referral = _pending(personas)
    writes = _writes()
    response = client_for("clinician").post(
        f"{_detail(referral)}decline/", {"decline-version": 1, "decline-reason": "no-capacity"}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING
    assert _writes() == writes


def test_deciding_is_post_only(personas, client_for):
    referral = _pending(personas)
    assert client_for("psw").get(f"{_detail(referral)}decline/").status_code == 405


# Making a referral


def _new_person(**changes):
    data = {
        "team": "",
        "service_user": "",
        "reference": "SU-0200",
        "preferred_name": "Ciarán",
        "contact_preferences": "Phone after 2pm",
        "reason": "Isolated since moving here; would like to meet people",
        "hopes": "Find a five-a-side team",
        "urgency": "routine",
        "received_on": TODAY.isoformat(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_clinician_refers_someone_new_from_the_form(personas, client_for):
    client = client_for("clinician")
    form = client.get(CREATE)
    assert form.status_code == 200
    assert "<h1>Make a referral</h1>" in form.text
    assert list(form.context["form"].fields["team"].queryset) == [personas.team_a]
    response = client.post(CREATE, _new_person(team=personas.team_a.pk))
    referral = Referral.objects.get(service_user__reference="SU-0200")
    assert response.status_code == 302
    assert response.url == _detail(referral)
    assert referral.referrer == personas.clinician
    assert referral.referrer_discipline == Discipline.NURSING
    assert not referral.self_referral
    assert referral.service_user.preferred_name == "Ciarán"
    page = client.get(response.url)
    assert "Referral of SU-0200 sent to Riverside CMHT." in page.text


def test_a_psw_records_a_self_referral_from_the_form(personas, client_for):
    client = client_for("psw")
    assert "<h1>Record a self-referral</h1>" in client.get(CREATE).text
    response = client.post(CREATE, _new_person(team=personas.team_a.pk))
    assert response.status_code == 302
    referral = Referral.objects.get(service_user__reference="SU-0200")
    assert referral.self_referral
    assert referral.referrer is None
    assert referral.recorded_by == personas.psw
    # The PSW who took it can see it, and decide on it.
    assert client.get(response.url).context["can_decide"]


def test_a_known_person_is_chosen_from_the_team_list(personas, client_for):
    known = factories.ServiceUserFactory(team=personas.team_a, reference="SU-0300")
    client = client_for("clinician")
    choices = client.get(CREATE).context["form"].fields["service_user"].queryset
    assert known in choices
    assert personas.su_b not in choices
    response = client.post(
        CREATE,
        _new_person(
            team=personas.team_a.pk, service_user=known.pk, reference="", preferred_name=""
        ),
    )
    assert response.status_code == 302
    assert Referral.objects.get(service_user=known).status == ReferralStatus.PENDING


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reference": "SU-T-TAKEN"}, "is already in use"),
        ({"reason": ""}, "This field is required."),
        ({"reference": "", "preferred_name": ""}, "Choose someone already known"),
        ({"received_on": (TODAY + dt.timedelta(days=2)).isoformat()}, "cannot be in the future"),
        ({"consented_to_peer_support": "on"}, "Give the date the person consented."),
    ],
)
def test_bad_input_gets_a_field_message_and_writes_nothing(personas, client_for, changes, message):
    factories.ServiceUserFactory(team=personas.team_b, reference="SU-T-TAKEN")
    referrals, people, writes = Referral.objects.count(), ServiceUser.objects.count(), _writes()
    response = client_for("clinician").post(CREATE, _new_person(team=personas.team_a.pk, **changes))
    assert response.status_code == 200
    assert message in response.text
    assert 'class="field-error"' in response.text
    assert (Referral.objects.count(), ServiceUser.objects.count(), _writes()) == (
        referrals,
        people,
        writes,
    )


def test_a_clinician_cannot_refer_to_a_team_they_are_not_on(personas, client_for):
    response = client_for("clinician").post(CREATE, _new_person(team=personas.team_b.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Referral.objects.filter(service_user__reference="SU-0200").exists()


@pytest.mark.parametrize("name", ["supervisor", "lead", "admin", "service_user_login", "outsider"])
def test_roles_that_do_not_refer_are_refused_the_form(personas, client_for, name):
    client = client_for(name)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _new_person(team=personas.team_a.pk)).status_code == 403
    assert not Referral.objects.filter(service_user__reference="SU-0200").exists()


# Deciding, and the referrer hearing back


def test_declined_as_not_appropriate_the_referrer_sees_why(personas, client_for):
    referral = _pending(personas)
    psw = client_for("psw")
    refused = psw.post(
        f"{_detail(referral)}decline/",
        {"decline-version": 1, "decline-reason": "not-appropriate", "decline-detail": ""},
    )
    assert refused.status_code == 200
    assert "Say why peer support is not appropriate for them now." in refused.text
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.PENDING
    response = psw.post(
        f"{_detail(referral)}decline/",
        {
            "decline-version": 1,
            "decline-reason": "not-appropriate",
            "decline-detail": "Needs a clinical review of medication first.",
        },
    )
    assert response.status_code == 302
    clinician = client_for("clinician")
    (notification,) = Notification.objects.filter(recipient=personas.clinician.user)
    assert "SU-0012" in notification.message
    page = clinician.get(_detail(referral))
    assert "Declined" in page.text
    assert "Not appropriate for peer support" in page.text
    assert "Needs a clinical review of medication first." in page.text
    listing = clinician.get(LIST, {"status": "declined"})
    assert referral in listing.context["referrals"]


def test_a_psw_accepts_from_the_page_and_the_person_joins_their_caseload(personas, client_for):
    referral = _pending(personas)
    psw = client_for("psw")
    response = psw.post(
        f"{_detail(referral)}accept/",
        {
            "accept-version": 1,
            "accept-worker": personas.psw.pk,
            "accept-next_planned_contact": (TODAY + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    episode = CaseloadEntry.objects.get(referral=referral)
    assert episode.worker == personas.psw
    page = psw.get(response.url)
    assert "is now on" in page.text
    assert "SU-0012's record" in page.text  # the PSW may now open their record


def test_accepting_without_consent_is_refused_on_the_page(personas, client_for):
    no_consent = factories.ServiceUserFactory(
        team=personas.team_a, consented_to_peer_support=False, consent_date=None
    )
    referral = _pending(personas, service_user=no_consent)
    psw = client_for("psw")
    assert "has not consented to peer support" in psw.get(_detail(referral)).text
    writes = _writes()
    response = psw.post(
        f"{_detail(referral)}accept/", {"accept-version": 1, "accept-worker": personas.psw.pk}
    )
    assert response.status_code == 200
    assert "cannot be accepted" in response.text
    assert not CaseloadEntry.objects.filter(referral=referral).exists()
    assert _writes() == writes


def test_a_psw_cannot_accept_onto_a_colleagues_caseload(personas, client_for):
    referral = _pending(personas)
    response = client_for("psw").post(
        f"{_detail(referral)}accept/", {"accept-version": 1, "accept-worker": personas.senior.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not CaseloadEntry.objects.filter(referral=referral).exists()


def test_two_people_deciding_at_once_the_second_gets_a_conflict(personas, client_for):
    referral = _pending(personas)
    first = client_for("psw").post(f"{_detail(referral)}waiting-list/", {"waiting-version": 1})
    assert first.status_code == 302
    second = client_for("senior").post(
        f"{_detail(referral)}decline/", {"decline-version": 1, "decline-reason": "no-capacity"}
    )
    assert second.status_code == 200
    assert "Someone else changed this record" in second.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WAITING_LIST


def test_deciding_a_referral_someone_already_decided_says_so(personas, client_for):
    referral = _pending(personas)
    client_for("psw").post(
        f"{_detail(referral)}decline/", {"decline-version": 1, "decline-reason": "no-capacity"}
    )
    senior = client_for("senior")
    response = senior.post(
        f"{_detail(referral)}accept/", {"accept-version": 1, "accept-worker": personas.psw.pk}
    )
    assert response.status_code == 302
    assert response.url == _detail(referral)
    assert "already been decided" in senior.get(response.url).text
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DECLINED


def test_a_form_with_its_version_removed_is_refused_with_a_message(personas, client_for):
    referral = _pending(personas)
    response = client_for("psw").post(f"{_detail(referral)}waiting-list/", {})
    assert response.status_code == 200
    assert "This form was incomplete" in response.text
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.PENDING
