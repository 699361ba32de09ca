"""Completing measures (with the PSW, on paper, in the person's account, by link), what is due,
a person's scores, and the lead's summary."""

import datetime as dt
from io import StringIO

import yaml
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.core.models import AuditAction, AuditEvent
from alongside.measures import actions
from alongside.measures.models import (
    Administration,
    AdministrationMode,
    InstrumentVersion,
    SurveyLink,
)
from alongside.measures.queries import measures_due
from alongside.measures.scoring import score_answers
from alongside.practice.models import CaseloadEntry
from tests import factories
from tests.integration.test_measures_loading import SWEMWBS_PACK

CHIME = {"connectedness": 3, "hope": 2, "identity": 4, "meaning": 1, "empowerment": 3}


def chime():
    return InstrumentVersion.objects.get(code="chime-support", version="1.0")


def post_answers(answers, **extra):
    return {**{f"item_{k}": str(v) for k, v in answers.items()}, **extra}


def today():
    return timezone.localdate()


def test_a_psw_completes_the_chime_check_with_the_person_and_scores_are_stored(
    personas, client_for
):
    client = client_for("psw")
    url = reverse("measures:administer", args=[personas.su_a.pk, "chime-support"])
    page = client.get(url).content.decode()
    assert "My peer support worker helps me to believe" in page  # wording from the definition
    assert "A great deal" in page  # scale labels as radio labels
    answers = dict(CHIME, hope=None)
    data = post_answers(
        {k: v for k, v in answers.items() if v is not None},
        mode="with-psw",
        administered_on=today().isoformat(),
    )
    response = client.post(url, data)
    assert response.status_code == 302
    administration = Administration.objects.get(service_user=personas.su_a)
    expected = score_answers(chime().instrument(), answers)
    assert administration.scores["total"]["value"] == expected["total"].value == 68.75
    assert administration.scores["total"]["status"] == "prorated"
    assert administration.instrument_digest == chime().digest
    assert administration.text_pack_id_label == "built-in"
    assert administration.mode == AdministrationMode.WITH_PSW
    assert administration.episode == CaseloadEntry.objects.get(service_user=personas.su_a)


def test_with_the_person_means_today_and_paper_may_be_earlier(personas, client_for):
    client = client_for("psw")
    url = reverse("measures:administer", args=[personas.su_a.pk, "chime-support"])
    earlier = (today() - dt.timedelta(days=10)).isoformat()
    refused = client.post(url, post_answers(CHIME, mode="with-psw", administered_on=earlier))
    assert refused.status_code == 200
    assert "choose paper for an earlier date" in refused.content.decode()
    assert (
        client.post(url, post_answers(CHIME, mode="paper", administered_on=earlier)).status_code
        == 302
    )
    saved = Administration.objects.get()
    assert saved.mode == "paper"
    assert saved.administered_on.isoformat() == earlier
    future = (today() + dt.timedelta(days=1)).isoformat()
    assert (
        client.post(url, post_answers(CHIME, mode="paper", administered_on=future)).status_code
        == 200
    )
    assert Administration.objects.count() == 1


def test_a_licensed_instrument_without_a_pack_cannot_be_used(personas, client_for, tmp_path):
    client = client_for("psw")
    url = reverse("measures:administer", args=[personas.su_a.pk, "swemwbs"])
    page = client.get(url).content.decode()
    assert "no text pack with its wording is loaded" in page
    assert '<form method="post" class="form"' not in page
    answers = dict.fromkeys(SWEMWBS_PACK["items"], "3")
    client.post(
        url,
        {
            **{f"item_{k}": v for k, v in answers.items()},
            "mode": "with-psw",
            "administered_on": today().isoformat(),
        },
    )
    assert not Administration.objects.exists()
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(SWEMWBS_PACK))
    call_command("instrument", "textpack", str(path), stdout=StringIO())
    page = client.get(url).content.decode()
    assert "Test wording for useful" in page
    assert "Sometimes" in page
    client.post(
        url,
        {
            **{f"item_{k}": v for k, v in answers.items()},
            "mode": "with-psw",
            "administered_on": today().isoformat(),
        },
    )
    saved = Administration.objects.get()
    assert saved.text_pack_id_label == "test-swemwbs-en"
    assert saved.scores["raw"]["value"] == 21
    assert saved.scores["metric"]["value"] == 19.25


def test_another_psw_and_a_clinician_cannot_record_for_the_person(personas, client_for):
    url = reverse("measures:administer", args=[personas.su_a.pk, "chime-support"])
    for name in ("psw_b", "clinician", "supervisor"):
        response = client_for(name).post(
            url, post_answers(CHIME, mode="with-psw", administered_on=today().isoformat())
        )
        assert response.status_code in (403, 404)
    assert not Administration.objects.exists()


def _give(personas, on, answers=CHIME, su=None):
    return actions.record_administration(
        by=personas.psw.user,
        service_user=su or personas.su_a,
        instrument_version=chime(),
        text_pack=None,
        administered_on=on,
        mode=AdministrationMode.PAPER,
        answers=answers,
    )


def test_person_scores_shows_the_chart_and_change_and_is_audited(personas, client_for):
    _give(personas, today() - dt.timedelta(weeks=12), dict.fromkeys(CHIME, 1))
    second = _give(personas, today(), dict.fromkeys(CHIME, 3))
    page = (
        client_for("supervisor")
        .get(reverse("measures:person-scores", args=[personas.su_a.pk]))
        .content.decode()
    )
    assert 'role="img"' in page
    assert "<desc" in page
    assert "<caption>Recovery support (0-100): scores by date</caption>" in page
    assert "Complete a measure" not in page  # a supervisor reads, never records
    event = AuditEvent.objects.filter(object_type="measures.administration", action="view").last()
    assert str(second.pk) in event.detail["ids"]


def test_the_person_completes_in_their_own_account_and_sees_their_scores(personas):
    client = Client()
    client.force_login(personas.service_user_login.user)
    assert (
        "CHIME recovery support check (first contact)"
        in client.get(reverse("measures:my-measures")).content.decode()
    )
    response = client.post(
        reverse("measures:my-complete", args=["chime-support"]), post_answers(CHIME)
    )
    assert response.status_code == 302
    saved = Administration.objects.get()
    assert saved.mode == "self-account"
    assert saved.service_user == personas.su_a
    page = client.get(reverse("measures:my-measures")).content.decode()
    assert "your scores" in page
    assert 'role="img"' in page
    assert "(first contact)" not in page


# --- survey links --------------------------------------------------------------------------------


def _link(personas, **kwargs):
    return actions.create_survey_link(
        by=personas.psw.user,
        service_user=personas.su_a,
        instrument_version=chime(),
        text_pack=None,
        **kwargs,
    )


def test_the_psw_makes_a_link_shown_once_and_only_its_hash_is_kept(personas, client_for):
    response = client_for("psw").post(
        reverse("measures:link-create", args=[personas.su_a.pk]), {"instrument": "chime-support"}
    )
    page = response.content.decode()
    link = SurveyLink.objects.get()
    token = page.split("/measures/s/")[1].split("/")[0]
    assert actions.hash_token(token) == link.token_hash
    assert token not in link.token_hash
    assert response["Cache-Control"].startswith("max-age=0")
    assert link.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)


def test_a_link_works_once_reveals_nothing_else_and_opens_no_session(personas):
    _, token = _link(personas)
    client = Client()
    url = reverse("measures:survey-link", args=[token])
    page = client.get(url).content.decode()
    assert "Your worker asked you to fill this in" in page
    assert personas.su_a.preferred_name not in page
    assert personas.su_a.reference not in page
    assert "<nav" not in page
    assert 'href="/' not in page.replace('href="/static/', "")
    assert client.post(url, post_answers(CHIME)).status_code == 200
    saved = Administration.objects.get()
    assert saved.mode == "link"
    assert saved.entered_by is None
    assert SurveyLink.objects.get().administration == saved
    again = client.post(url, post_answers(CHIME))
    assert again.status_code == 410
    assert Administration.objects.count() == 1
    # Holding a link gives nothing else: every other page still asks to sign in.
    for other in (
        reverse("measures:my-measures"),
        reverse("measures:person-scores", args=[personas.su_a.pk]),
    ):
        assert client.get(other).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_expired_link_is_refused(personas):
    _, token = _link(personas, lifetime=dt.timedelta(seconds=-1))
    response = Client().post(reverse("measures:survey-link", args=[token]), post_answers(CHIME))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Administration.objects.exists()


def test_a_link_is_refused_after_too_many_attempts(personas):
    _, token = _link(personas)
    client = Client()
    url = reverse("measures:survey-link", args=[token])
    for _ in range(actions.LINK_MAX_ATTEMPTS):
        assert client.get(url).status_code == 200
    assert client.post(url, post_answers(CHIME)).status_code == 410
    assert SurveyLink.objects.get().attempts == actions.LINK_MAX_ATTEMPTS + 1
    assert not Administration.objects.exists()


def test_an_unknown_token_is_a_plain_not_found(db):
    response = Client().get(reverse("measures:survey-link", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


# --- what is due ---------------------------------------------------------------------------------


def test_due_first_contact_then_review_then_ending(personas):
    su = personas.su_a
    CaseloadEntry.objects.filter(service_user=su).update(start=today() - dt.timedelta(weeks=20))
    episode = CaseloadEntry.objects.get(service_user=su)
    assert measures_due([su.pk]) == {su.pk: ["CHIME recovery support check (first contact)"]}
    _give(personas, today())
    assert measures_due([su.pk]) == {}
    Administration.objects.update(
        administered_on=max(episode.start, today() - dt.timedelta(weeks=13))
    )
    if episode.start <= today() - dt.timedelta(weeks=12):
        assert measures_due([su.pk]) == {su.pk: ["CHIME recovery support check (review)"]}
    Administration.objects.update(administered_on=today() - dt.timedelta(weeks=5))
    CaseloadEntry.objects.filter(pk=episode.pk).update(status="ending")
    assert measures_due([su.pk]) == {su.pk: ["CHIME recovery support check (ending)"]}


def test_the_due_provider_answers_in_a_fixed_number_of_queries(personas, django_assert_num_queries):
    def people(n):
        ids = []
        for _ in range(n):
            su = factories.ServiceUserFactory(team=personas.team_a)
            factories.CaseloadEntryFactory(service_user=su, worker=personas.psw)
            ids.append(su.pk)
        return ids

    few, many = people(2), people(25)
    _give(personas, today(), su=CaseloadEntry.objects.get(service_user_id=few[0]).service_user)
    with django_assert_num_queries(3):
        assert len(measures_due(few)) == 1
    with django_assert_num_queries(3):
        assert len(measures_due(many)) == 25


def test_the_caseload_shows_what_is_due(personas, client_for):
    page = client_for("psw").get(reverse("practice:caseload")).content.decode()
    assert "CHIME recovery support check (first contact)" in page


# --- the lead's summary --------------------------------------------------------------------------


def test_summary_suppresses_small_groups_and_shows_no_names(personas, client_for):
    team_c = factories.TeamFactory(name="Lakeside CMHT", area=personas.team_a.area)
    changes = [1, 2, 2, 3, 0, -1]
    for i, step in enumerate(changes):
        su = factories.ServiceUserFactory(team=team_c, preferred_name=f"Person-{i}")
        factories.CaseloadEntryFactory(service_user=su, worker=personas.psw)
        _give(personas, today() - dt.timedelta(weeks=12), dict.fromkeys(CHIME, 1), su=su)
        _give(personas, today(), dict.fromkeys(CHIME, 1 + step if 1 + step >= 0 else 0), su=su)
    _give(personas, today() - dt.timedelta(weeks=12), su=personas.su_a)
    _give(personas, today(), su=personas.su_a)
    page = client_for("lead").get(reverse("measures:summary")).content.decode()
    assert "Team: Lakeside CMHT" in page
    assert "Team: Riverside CMHT" in page
    assert "Not shown: too few people to report safely." in page  # Riverside has one pair
    assert "<td>6</td>" in page  # Lakeside, 6 pairs
    assert "Person-" not in page
    assert personas.su_a.preferred_name not in page


def test_exports_are_audited(personas, client_for):
    administration = _give(personas, today())
    response = client_for("psw").get(
        reverse("measures:administration-fhir", args=[administration.pk])
    )
    assert response["Content-Disposition"].endswith('.questionnaire-response.json"')
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_id=str(administration.pk)
    ).exists()
