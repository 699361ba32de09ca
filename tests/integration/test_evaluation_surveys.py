"""Online surveys: study links, personal invitations, their pages, and response rates."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alongside.core.models import AuditAction, AuditEvent
from alongside.evaluation.actions import surveys as actions
from alongside.evaluation.actions.studies import add_study_member, withdraw_participant
from alongside.evaluation.models import (
    Approval,
    Consent,
    Invitation,
    Participant,
    Response,
    Study,
    SurveyLink,
)
from alongside.evaluation.survey_screens import Consents
from tests.pseudonyms import code_of, make_administrator

ALL_YES = Consents(take_part=True, quote_anonymously=True, recontact=False)


SLUG = "online-test"
STUDY = """slug: online-test
title: Online survey test
sites:
  - {code: CHO1, name: Region one}
  - {code: CHO2, name: Region two}
cohorts:
  - {code: service-users, name: Service users}
  - {code: providers, name: Service providers}
approvals:
  - {site: CHO1, cohort: service-users, status: approved}
  - {site: CHO2, cohort: service-users, status: not-applicable}
  - {site: CHO1, cohort: providers, status: approved}
  - {site: CHO2, cohort: providers, status: approved}
instruments:
  service-users: [su-experience]
  providers: [provider-survey]
"""
PARTICIPANTS = "participant,cohort,site,method\n" + "\n".join(
    [f"SU-{n},service-users,CHO1,interview" for n in range(1, 7)]
    + [f"PR-{n},providers,CHO2,interview" for n in range(1, 3)]
)


@pytest.fixture
def study(db, personas, tmp_path):
    """A small study: six service users and two providers registered, the evaluator a member."""
    (tmp_path / "study.yaml").write_text(STUDY, encoding="utf-8")
    (tmp_path / "people.csv").write_text(PARTICIPANTS, encoding="utf-8")
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("study", "load", str(tmp_path / "study.yaml"), **quiet)
    call_command("study", "participants", SLUG, str(tmp_path / "people.csv"), **quiet)
    loaded = Study.objects.get(slug=SLUG)
    add_study_member(by=None, study=loaded, user=personas.user("evaluator"))
    return loaded


@pytest.fixture
def evaluator(personas):
    return personas.user("evaluator")


def _pair(study, site, cohort):
    return study.sites.get(code=site), study.cohorts.get(code=cohort)


def _registered(study, site="CHO1", cohort="service-users"):
    return list(
        Participant.objects.filter(study=study, site__code=site, cohort__code=cohort).order_by(
            "pseudonym"
        )
    )


def _events(action=None, **filters):
    rows = AuditEvent.objects.filter(**filters)
    return rows.filter(action=action) if action else rows


# --- actions ------------------------------------------------------------------------------------


def test_a_link_for_a_pair_without_approval_is_refused_naming_it_and_writes_nothing(
    study, evaluator
):
    site, cohort = _pair(study, "CHO2", "service-users")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.create_survey_link(by=evaluator, study=study, site=site, cohort=cohort)
    message = " ".join(refused.value.messages)
    assert "CHO2" in message
    assert "service-users" in message
    assert "not-applicable" in message
    assert not SurveyLink.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_link_is_made_audited_and_closed_once(study, evaluator):
    site, cohort = _pair(study, "CHO1", "service-users")
    link = actions.create_survey_link(by=evaluator, study=study, site=site, cohort=cohort)
    assert len(link.token) >= 20
    assert _events(AuditAction.CREATE, object_type="evaluation.surveylink").count() == 1
    actions.close_survey_link(by=evaluator, link=link)
    link.refresh_from_db()
    assert link.closed_at is not None
    with pytest.raises(ValidationError, match="already closed"):
        actions.close_survey_link(by=evaluator, link=link)
    with pytest.raises(ValidationError, match="closed"):
        actions.complete_anonymous_survey(link=link, consents=ALL_YES, answers={})


def test_invitations_store_only_a_hash_and_hand_out_tokens_once_audited_as_an_export(
    study, evaluator
):
    people = _registered(study)
    created = actions.create_invitations(by=evaluator, study=study, participants=people)
    assert [p.pk for p, _ in created] == [p.pk for p in people]
    tokens = [token for _, token in created]
    assert len(set(tokens)) == len(tokens)
    for person, token in created:
        stored = Invitation.objects.get(participant=person)
        assert stored.token_hash == actions.hash_token(token) != token
        assert token not in str(Invitation.objects.filter(pk=stored.pk).values().first())
    export = _events(AuditAction.EXPORT, object_type="evaluation.invitation").get()
    assert export.detail["links"] == len(people)
    assert not any(token in str(e.detail) for e in AuditEvent.objects.all() for token in tokens)
    with pytest.raises(ValidationError, match="already has a personal link"):
        actions.create_invitations(by=evaluator, study=study, participants=people[:1])


def test_invitations_refuse_withdrawn_people_and_pairs_without_approval_writing_nothing(
    study, evaluator
):
    people = _registered(study)
    withdraw_participant(by=None, participant=people[0], keep_data=True)
    with pytest.raises(ValidationError) as refused:
        actions.create_invitations(by=evaluator, study=study, participants=people)
    assert f"{people[0].pseudonym} has withdrawn" in " ".join(refused.value.messages)
    assert not Invitation.objects.exists()

    Approval.objects.filter(site__code="CHO2", cohort__code="providers").update(status="pending")
    providers = _registered(study, "CHO2", "providers")
    with pytest.raises(ValidationError) as refused:
        actions.create_invitations(by=evaluator, study=study, participants=providers)
    message = " ".join(refused.value.messages)
    assert "CHO2" in message
    assert "providers" in message
    assert "pending" in message
    assert not Invitation.objects.exists()


def _answer_everything(invitation):
    actions.save_invitation_progress(invitation=invitation, position=1, consents=ALL_YES)
    actions.save_invitation_progress(
        invitation=invitation,
        position=2,
        instrument="su-experience",
        answers={"valued": 4, "services": None, "recovery": 3},
    )


def test_a_personal_link_saves_progress_and_completes_once(study, evaluator):
    person = _registered(study)[0]
    ((_, token),) = actions.create_invitations(by=evaluator, study=study, participants=[person])
    invitation = Invitation.objects.get(token_hash=actions.hash_token(token))
    _answer_everything(invitation)
    invitation.refresh_from_db()
    assert invitation.started_at is not None
    assert invitation.position == 2
    assert invitation.draft["su-experience"] == {"valued": 4, "services": None, "recovery": 3}
    before = Response.objects.filter(participant=person).count()

    responses = actions.complete_invitation(invitation=invitation)

    (response,) = responses
    assert response.source == "online"
    assert response.answers["valued"] == 4
    assert response.answers["recovery"] == 3
    assert response.answers["hope"] is None  # never answered: missing
    assert Response.objects.filter(participant=person).count() == before + 1
    consents = {c.purpose: c for c in Consent.objects.filter(participant=person)}
    assert consents["take-part"].given is True
    assert consents["quote-anonymously"].given is True
    assert consents["recontact"].given is False
    assert {c.information_sheet_version for c in consents.values()} == {
        study.information_sheet_version
    }
    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    assert invitation.draft == {}
    with pytest.raises(ValidationError, match="already been answered"):
        actions.complete_invitation(invitation=invitation)
    with pytest.raises(ValidationError, match="already been answered"):
        actions.save_invitation_progress(invitation=invitation, position=1)
    with pytest.raises(ValidationError, match="cannot be revoked"):
        actions.revoke_invitation(by=evaluator, invitation=invitation)
    assert Response.objects.filter(participant=person).count() == before + 1


def test_completing_without_consent_to_take_part_is_refused(study, evaluator):
    person = _registered(study)[0]
    actions.create_invitations(by=evaluator, study=study, participants=[person])
    invitation = Invitation.objects.get(participant=person)
    with pytest.raises(ValidationError, match="Agree to take part"):
        actions.complete_invitation(invitation=invitation)
    assert not Consent.objects.filter(participant=person).exists()


def test_a_revoked_link_takes_no_answers(study, evaluator):
    person = _registered(study)[0]
    actions.create_invitations(by=evaluator, study=study, participants=[person])
    invitation = Invitation.objects.get(participant=person)
    actions.revoke_invitation(by=evaluator, invitation=invitation)
    with pytest.raises(ValidationError, match="withdrawn"):
        actions.save_invitation_progress(invitation=invitation, position=1, consents=ALL_YES)
    # a revoked person may be invited again
    actions.create_invitations(by=evaluator, study=study, participants=[person])
    assert Invitation.objects.filter(participant=person).count() == 2


def test_an_anonymous_link_registers_a_new_participant_with_answers_and_consents(study, evaluator):
    site, cohort = _pair(study, "CHO1", "service-users")
    link = actions.create_survey_link(by=evaluator, study=study, site=site, cohort=cohort)
    pseudonyms = set(Participant.objects.filter(study=study).values_list("pseudonym", flat=True))
    person = actions.complete_anonymous_survey(
        link=link, consents=ALL_YES, answers={"su-experience": {"valued": 2, "hope": 9}}
    )
    assert code_of(person).startswith("web-")
    assert person.method == "online-survey"
    assert (person.site, person.cohort) == (site, cohort)
    assert person.pseudonym.startswith("P-")
    assert person.pseudonym not in pseudonyms
    (response,) = Response.objects.filter(participant=person)
    assert response.source == "online"
    assert response.answers["valued"] == 2
    assert response.answers["hope"] is None  # 9 is not on the scale
    assert Consent.objects.filter(participant=person).count() == 3
    assert _events(AuditAction.CREATE, object_type="evaluation.participant").exists()


def test_an_anonymous_survey_is_all_or_nothing(study, evaluator, monkeypatch):
    site, cohort = _pair(study, "CHO1", "service-users")
    link = actions.create_survey_link(by=evaluator, study=study, site=site, cohort=cohort)
    count = Participant.objects.count()
    Approval.objects.filter(site=site, cohort=cohort).update(status="refused")
    with pytest.raises(ValidationError, match="refused"):
        actions.complete_anonymous_survey(link=link, consents=ALL_YES, answers={})
    Approval.objects.filter(site=site, cohort=cohort).update(status="approved")

    def broken(**kwargs):
        raise ValidationError("the disk is full")

    monkeypatch.setattr(actions, "record_consent", broken)
    with pytest.raises(ValidationError, match="disk is full"):
        actions.complete_anonymous_survey(link=link, consents=ALL_YES, answers={})
    assert Participant.objects.count() == count
    assert not Response.objects.filter(source="online").exists()


# --- the public pages ---------------------------------------------------------------------------


def _post(client, url, **data):
    return client.post(url, data)


def test_a_personal_link_goes_screen_by_screen_and_resumes_where_it_was_left(study, evaluator):
    person = _registered(study)[0]
    ((_, token),) = actions.create_invitations(by=evaluator, study=study, participants=[person])
    url = reverse("evaluation:invitation", args=[token])
    client = Client()
    first = client.get(url)
    assert first.status_code == 200
    page = first.content.decode()
    assert "Screen 1 of 4" in page
    assert '<progress max="4" value="1"' in page
    assert code_of(person) not in page

    refused = _post(client, url, screen="0", action="next")
    assert "There is a problem" in refused.content.decode()
    assert 'href="#consent-take_part"' in refused.content.decode()

    assert _post(client, url, screen="0", action="next", take_part="yes").status_code == 302
    second = client.get(url).content.decode()
    assert "Screen 2 of 4" in second
    assert "<legend>1. How much have you valued meeting your peer support worker?</legend>" in (
        second
    )
    bad = _post(client, url, screen="1", action="next", item_valued="7")
    assert bad.status_code == 200
    assert 'href="#item-valued-0"' in bad.content.decode()

    saved = _post(client, url, screen="1", action="save", item_valued="3", item_services="1")
    assert "Your answers are saved" in saved.content.decode()
    resumed = Client().get(url).content.decode()
    assert "Screen 2 of 4" in resumed
    assert 'value="3" id="item-valued-3" checked' in resumed

    # a form from an old tab is not applied: the current screen is shown again
    assert _post(client, url, screen="0", action="next", take_part="yes").status_code == 200

    assert (
        _post(
            client, url, screen="1", action="next", item_valued="3", item_services="1"
        ).status_code
        == 302
    )
    assert _post(client, url, screen="2", action="back").status_code == 302
    assert "Screen 2 of 4" in client.get(url).content.decode()
    assert (
        _post(
            client, url, screen="1", action="next", item_valued="3", item_services="1"
        ).status_code
        == 302
    )
    assert _post(client, url, screen="2", action="next", item_hope="4").status_code == 302
    check = client.get(url).content.decode()
    assert "Check your answers" in check
    assert "Not answered" in check
    done = _post(client, url, screen="3", action="send")
    assert "Thank you" in done.content.decode()
    response = Response.objects.get(participant=person, source="online")
    assert response.answers["valued"] == 3
    assert response.answers["services"] == 1
    assert response.answers["hope"] == 4
    assert client.get(url).status_code == 410


def test_an_anonymous_link_keeps_answers_in_the_session_until_sent(study, evaluator):
    site, cohort = _pair(study, "CHO1", "service-users")
    link = actions.create_survey_link(by=evaluator, study=study, site=site, cohort=cohort)
    url = reverse("evaluation:survey", args=[link.token])
    client = Client()
    count = Participant.objects.count()
    assert "Save and finish later" not in client.get(url).content.decode()
    _post(client, url, screen="0", action="next", take_part="yes", recontact="yes")
    _post(client, url, screen="1", action="next", item_valued="1")
    _post(client, url, screen="2", action="next")
    assert Participant.objects.count() == count
    assert "Thank you" in _post(client, url, screen="3", action="send").content.decode()
    assert Participant.objects.count() == count + 1
    person = Participant.objects.latest("pk")
    assert code_of(person).startswith("web-")
    assert Response.objects.get(participant=person).answers["valued"] == 1
    assert Consent.objects.get(participant=person, purpose="recontact").given is True
    assert "already answered" in client.get(url).content.decode()
    actions.close_survey_link(by=evaluator, link=link)
    assert Client().get(url).status_code == 410


@pytest.mark.parametrize("name", ["evaluation:survey", "evaluation:invitation"])
def test_a_wrong_token_is_not_found(study, name):
    assert Client().get(reverse(name, args=["not-a-real-token"])).status_code == 404


def test_a_revoked_personal_link_shows_a_plain_message(study, evaluator):
    person = _registered(study)[0]
    ((_, token),) = actions.create_invitations(by=evaluator, study=study, participants=[person])
    actions.revoke_invitation(by=evaluator, invitation=Invitation.objects.get(participant=person))
    response = Client().get(reverse("evaluation:invitation", args=[token]))
    assert response.status_code == 410
    assert "no longer works" in response.content.decode()


# --- the evaluator's pages -----------------------------------------------------------------------


def test_the_evaluator_makes_personal_links_as_a_csv_once(study, personas, client_for):
    client = client_for("evaluator")
    site, cohort = _pair(study, "CHO1", "service-users")
    people = _registered(study)
    response = client.post(
        reverse("evaluation:invitations-create", args=[SLUG]), {"pair": f"{site.pk}:{cohort.pk}"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    # Pseudonyms: this member is not allowed identifiers.
    assert [r["participant"] for r in rows] == [p.pseudonym for p in people]
    assert all("/evaluation/invitation/" in r["personal_link"] for r in rows)
    token = rows[0]["personal_link"].rstrip("/").rsplit("/", 1)[1]
    assert Client().get(reverse("evaluation:invitation", args=[token])).status_code == 200
    again = client.post(
        reverse("evaluation:invitations-create", args=[SLUG]), {"pair": f"{site.pk}:{cohort.pk}"}
    )
    assert again.status_code == 302  # nobody left to invite
    listing = client.get(reverse("evaluation:invitations", args=[SLUG])).content.decode()
    assert "Not started" in listing
    assert people[0].pseudonym in listing
    assert code_of(people[0]) not in listing
    assert token not in listing


def test_the_invitation_form_refuses_a_pair_without_approval(study, client_for):
    Approval.objects.filter(site__code="CHO2", cohort__code="providers").update(status="pending")
    site, cohort = _pair(study, "CHO2", "providers")
    client = client_for("evaluator")
    response = client.post(
        reverse("evaluation:invitations-create", args=[SLUG]),
        {"pair": f"{site.pk}:{cohort.pk}"},
        follow=True,
    )
    assert "pending" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_evaluator_makes_and_closes_a_study_link(study, client_for):
    client = client_for("evaluator")
    site, cohort = _pair(study, "CHO1", "providers")
    client.post(
        reverse("evaluation:survey-link-create", args=[SLUG]), {"pair": f"{site.pk}:{cohort.pk}"}
    )
    link = SurveyLink.objects.get()
    page = client.get(reverse("evaluation:surveys", args=[SLUG])).content.decode()
    assert f"/evaluation/survey/{link.token}/" in page
    client.post(reverse("evaluation:survey-link-close", args=[SLUG, link.pk]))
    link.refresh_from_db()
    assert link.closed_at is not None


@pytest.mark.parametrize("persona", ["lead", "admin", "psw", "outsider"])
def test_non_members_reach_no_survey_page(study, client_for, persona, evaluator):
    client = client_for(persona)
    for name in ("evaluation:surveys", "evaluation:invitations"):
        assert client.get(reverse(name, args=[SLUG])).status_code in (403, 404)
    site, cohort = _pair(study, "CHO1", "service-users")
    response = client.post(
        reverse("evaluation:invitations-create", args=[SLUG]), {"pair": f"{site.pk}:{cohort.pk}"}
    )
    assert response.status_code in (403, 404)
    assert not Invitation.objects.exists()


def test_the_study_page_shows_response_rates_only_where_invitations_were_sent(
    study, evaluator, client_for
):
    url = reverse("evaluation:study", args=[SLUG])
    assert "Response rates" not in client_for("evaluator").get(url).content.decode()
    people = _registered(study)
    created = actions.create_invitations(by=evaluator, study=study, participants=people)
    first = Invitation.objects.get(token_hash=actions.hash_token(created[0][1]))
    _answer_everything(first)
    actions.complete_invitation(invitation=first)
    exact = client_for("evaluator").get(url)
    (row,) = exact.context["response_rates"]
    assert (row.site, row.cohort, row.invited, row.completed) == (
        "CHO1",
        "service-users",
        str(len(people)),
        "1",
    )
    assert row.rate == f"{round(100 / len(people), 1):.1f}%"
    assert "Response rates" in exact.content.decode()
    (hidden,) = client_for("lead").get(url).context["response_rates"]
    assert hidden.completed == "*"
    assert hidden.rate == "*"


def test_a_member_allowed_identifiers_gets_the_links_by_participant_code(
    study, personas, client_for
):
    from alongside.evaluation.actions import add_study_member

    make_administrator(personas.evaluator)  # only administrators open codes
    add_study_member(
        by=None, study=study, user=personas.user("evaluator"), may_see_identifiers=True
    )
    site, cohort = _pair(study, "CHO1", "service-users")
    people = _registered(study)
    response = client_for("evaluator").post(
        reverse("evaluation:invitations-create", args=[SLUG]), {"pair": f"{site.pk}:{cohort.pk}"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["participant_code"] for r in rows] == [code_of(p) for p in people]
