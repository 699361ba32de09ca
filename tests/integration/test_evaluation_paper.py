"""Paper forms: keying, double entry, resolution, and what counts (only verified forms)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from alongside.core.models import AuditAction, AuditEvent
from alongside.evaluation.actions.paper import (
    add_second_entry,
    enter_paper_form,
    resolve_paper_form,
)
from alongside.evaluation.models import (
    PaperEntry,
    PaperForm,
    PaperFormStatus,
    Participant,
    Response,
    ResponseSource,
)
from alongside.evaluation.pseudonym_key import digest
from alongside.evaluation.queries import counted_answers, counted_participants
from alongside.evaluation.study_data import study_data
from tests.integration.url_rules.evaluation_paper import ITEMS, evaluator, paper_study
from tests.pseudonyms import by_code, code_of

ANSWERS = dict.fromkeys(ITEMS, "3") | {"hope": "Very much", "heard": ""}
MODELS = (PaperForm, PaperEntry, Participant, Response)


@pytest.fixture
def study(db, personas):
    return paper_study([personas.user("evaluator")])


@pytest.fixture
def people(study, personas):
    return personas.user("evaluator"), evaluator(study), evaluator(study)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def key(by, study, **overrides):
    fields = {
        "reference": "F-001",
        "participant_code": "SU-900",
        "site_code": "CHO1",
        "cohort_code": "service-users",
        "instrument_code": "su-experience",
        "answers": ANSWERS,
        "double_entry": True,
    } | overrides
    return enter_paper_form(by=by, study=study, **fields)


def second(by, form, **overrides):
    fields = {
        "participant_code": "SU-900",
        "site_code": "CHO1",
        "cohort_code": "service-users",
        "answers": ANSWERS,
    } | overrides
    return add_second_entry(by=by, form=form, **fields)


def refused(call):
    before = counts()
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert counts() == before, "a refused keying wrote something"
    assert AuditEvent.objects.count() == audit_before
    return caught.value.message_dict


# --- single entry -------------------------------------------------------------------------------


def test_a_single_entry_is_verified_at_once_and_counts(study, people):
    first, _, _ = people
    before = len(counted_participants(study))
    form = key(first, study, double_entry=False)
    assert form.status == PaperFormStatus.VERIFIED
    assert form.verified_at is not None
    participant = Participant.objects.get(study=study, **by_code("SU-900"))
    assert participant.method == "paper-survey"
    assert participant.pseudonym.startswith("P-")
    response = form.response
    assert response.participant == participant
    assert response.source == ResponseSource.PAPER
    assert response.answers == dict.fromkeys(ITEMS, 3) | {"hope": 4, "heard": None}
    assert len(counted_participants(study)) == before + 1
    assert AuditEvent.objects.filter(
        object_type="evaluation.participant", object_id=str(participant.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="evaluation.paperform", object_id=str(form.pk), action=AuditAction.CREATE
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="evaluation.response", object_id=str(response.pk)
    ).exists()


def test_a_known_participant_is_matched_not_registered_again(study, people):
    first, _, _ = people
    known = Participant.objects.get(study=study, **by_code("SU-101"))
    before = Participant.objects.count()
    form = key(first, study, participant_code="SU-101", double_entry=False)
    assert Participant.objects.count() == before
    assert form.response.participant == known


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"site_code": "CHO9"}, "site", "unknown site"),
        ({"cohort_code": "nobody"}, "cohort", "unknown cohort"),
        ({"answers": ANSWERS | {"hope": "lots"}}, "item-hope", "not on the scale"),
        ({"answers": ANSWERS | {"wishes": "1"}}, "item-wishes", "not a scale item"),
        ({"instrument_code": "psw-survey"}, "instrument", "does not complete psw-survey"),
        ({"participant_code": " "}, "participant_code", "Enter the participant code"),
        ({"reference": ""}, "reference", "Enter the number"),
        # SU-001 already has an imported response to su-experience.
        ({"participant_code": "SU-001"}, "participant_code", "already has an imported response"),
        # SU-101 is registered at CHO1 as a service user.
        ({"participant_code": "SU-101", "site_code": "CHO2"}, "participant_code", "CHO1"),
    ],
)
def test_every_refusal_writes_nothing(study, people, overrides, field, fragment):
    first, _, _ = people
    problems = refused(lambda: key(first, study, double_entry=False, **overrides))
    assert fragment in " ".join(problems[field])


def test_every_problem_is_listed_at_once(study, people):
    first, _, _ = people
    problems = refused(
        lambda: key(
            first,
            study,
            site_code="CHO9",
            participant_code="",
            answers=ANSWERS | {"hope": "lots", "valued": "9"},
        )
    )
    assert set(problems) == {"site", "participant_code", "item-hope", "item-valued"}


def test_labels_are_accepted_whatever_their_case_and_spacing(study, people):
    first, _, _ = people
    form = key(
        first,
        study,
        double_entry=False,
        answers={"valued": "  very   MUCH ", "hope": "a little", "heard": " 0 "},
    )
    assert form.response.answers["valued"] == 4
    assert form.response.answers["hope"] == 1
    assert form.response.answers["heard"] == 0
    assert form.response.answers["services"] is None


def test_a_site_without_approval_is_refused_naming_site_cohort_and_status(study, people):
    first, _, _ = people
    problems = refused(lambda: key(first, study, site_code="CHO5", double_entry=False))
    assert problems["site"] == [
        "site CHO5, cohort service-users has no ethics approval (status: not-applicable)"
    ]


def test_a_duplicate_reference_and_a_second_form_for_the_same_person_are_refused(study, people):
    first, _, _ = people
    key(first, study)
    problems = refused(lambda: key(first, study, participant_code="SU-901"))
    assert "already been keyed" in problems["reference"][0]
    problems = refused(lambda: key(first, study, reference="F-002"))
    assert "paper form F-001" in problems["participant_code"][0]


def test_a_verified_paper_response_blocks_another(study, people):
    first, _, _ = people
    key(first, study, double_entry=False)
    problems = refused(lambda: key(first, study, reference="F-002", double_entry=False))
    assert "already has a paper response" in problems["participant_code"][0]


# --- double entry -------------------------------------------------------------------------------


def test_an_unverified_form_counts_nowhere(study, people):
    first, _, _ = people
    before = study_data(study)
    answers_before = list(counted_answers(study))
    form = key(first, study)
    assert form.status == PaperFormStatus.AWAITING_SECOND_ENTRY
    assert form.response is None
    assert not Participant.objects.filter(study=study, **by_code("SU-900")).exists()
    assert list(counted_answers(study)) == answers_before
    assert study_data(study) == before


def test_the_same_person_cannot_key_the_second_entry(study, people):
    first, _, _ = people
    form = key(first, study)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        second(first, form)
    assert caught.value.code == "same-person"
    assert counts() == before


def test_agreeing_entries_verify_the_form(study, people):
    first, other, _ = people
    form = second(other, key(first, study))
    assert form.status == PaperFormStatus.VERIFIED
    assert form.response.answers["hope"] == 4
    assert Participant.objects.filter(study=study, **by_code("SU-900")).exists()
    assert list(form.entries.values_list("entered_by", flat=True)) == [first.pk, other.pk]


def test_a_second_entry_is_checked_as_fully_as_the_first(study, people):
    first, other, _ = people
    form = key(first, study)
    problems = refused(lambda: second(other, form, site_code="CHO5"))
    assert "status: not-applicable" in problems["site"][0]
    problems = refused(lambda: second(other, form, cohort_code="providers"))
    assert "does not complete su-experience" in problems["cohort"][0]
    assert PaperForm.objects.get(pk=form.pk).status == PaperFormStatus.AWAITING_SECOND_ENTRY


def test_disagreements_wait_for_a_third_person(study, people):
    first, other, third = people
    form = key(first, study)
    form = second(other, form, participant_code="SU-909", answers=ANSWERS | {"hope": "2"})
    assert form.status == PaperFormStatus.DISAGREEMENT
    assert form.response is None
    assert not Participant.objects.filter(
        code_digest__in=[digest("SU-900"), digest("SU-909")]
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="evaluation.paperform", object_id=str(form.pk), detail__disagreements=2
    ).exists()

    for enterer in (first, other):
        before = counts()
        with pytest.raises(ValidationError) as caught:
            resolve_paper_form(
                by=enterer, form=form, choices={"participant_code": "SU-900", "item-hope": 4}
            )
        assert caught.value.code == "not-third-person"
        assert counts() == before

    problems = refused(
        lambda: resolve_paper_form(by=third, form=form, choices={"participant_code": "SU-900"})
    )
    assert list(problems) == ["item-hope"]

    form = resolve_paper_form(
        by=third, form=form, choices={"participant_code": "SU-909", "item-hope": 4}
    )
    assert form.status == PaperFormStatus.VERIFIED
    assert form.resolved_by == third
    assert form.participant_digest == digest("SU-909")
    assert code_of(form.response.participant) == "SU-909"
    assert form.response.answers["hope"] == 4
    assert not Participant.objects.filter(**by_code("SU-900")).exists()


def test_a_resolution_is_checked_again_before_it_counts(study, people):
    first, other, third = people
    form = second(other, key(first, study), participant_code="SU-909")
    assert form.status == PaperFormStatus.DISAGREEMENT
    # Meanwhile SU-909's answers arrive on another form, keyed once.
    key(first, study, reference="F-002", participant_code="SU-909", double_entry=False)
    problems = refused(
        lambda: resolve_paper_form(by=third, form=form, choices={"participant_code": "SU-909"})
    )
    assert "SU-909 already has a paper response" in problems["participant_code"][0]
    assert PaperForm.objects.get(pk=form.pk).status == PaperFormStatus.DISAGREEMENT


# --- pages --------------------------------------------------------------------------------------


def client(user):
    c = Client()
    c.force_login(user)
    return c


def item_data(answers):
    return {f"item-{code}": value for code, value in answers.items()}


def test_a_non_member_evaluator_and_other_roles_reach_no_paper_page(study, people, personas):
    first, _, _ = people
    form = key(first, study)
    outsider_evaluator = evaluator()
    urls = [
        reverse("evaluation:paper-forms", args=[study.slug]),
        reverse("evaluation:paper-new", args=[study.slug]),
        reverse("evaluation:paper-key", args=[study.slug, "service-users", "su-experience"]),
        reverse("evaluation:paper-second", args=[study.slug, form.pk]),
        reverse("evaluation:paper-resolve", args=[study.slug, form.pk]),
    ]
    for user in (outsider_evaluator, personas.user("lead"), personas.user("admin")):
        for url in urls:
            assert client(user).get(url).status_code == 404, url


def test_keying_from_the_page_lists_every_problem_and_saves_nothing(study, people):
    first, _, _ = people
    url = reverse("evaluation:paper-key", args=[study.slug, "service-users", "su-experience"])
    before = counts()
    page = client(first).post(
        url,
        {
            "reference": "F-1",
            "participant_code": "SU-900",
            "site": "CHO5",
            **item_data(ANSWERS | {"hope": "lots"}),
        },
    )
    assert page.status_code == 200
    assert counts() == before
    body = page.content.decode()
    assert "nothing was saved" in body
    assert 'href="#id_site"' in body
    assert 'href="#id_item-hope"' in body
    assert "status: not-applicable" in body


def test_keying_from_the_page_saves_and_the_second_entry_is_blind(study, people):
    first, other, _ = people
    url = reverse("evaluation:paper-key", args=[study.slug, "service-users", "su-experience"])
    form_page = client(first).get(url)
    assert 'name="double_entry"' in form_page.content.decode()
    assert "checked" in str(form_page.context["form"]["double_entry"])
    response = client(first).post(
        url,
        {
            "reference": "F-7",
            "participant_code": "SU-977",
            "site": "CHO3",
            "double_entry": "on",
            **item_data(ANSWERS),
        },
    )
    assert response.status_code == 302
    form = PaperForm.objects.get(reference="F-7")
    assert form.status == PaperFormStatus.AWAITING_SECOND_ENTRY

    listing = client(other).get(reverse("evaluation:paper-forms", args=[study.slug]))
    body = listing.content.decode()
    assert "SU-977" not in body
    assert reverse("evaluation:paper-second", args=[study.slug, form.pk]) in body
    assert "Waiting for the second entry (1)" in body

    second_url = reverse("evaluation:paper-second", args=[study.slug, form.pk])
    blind = client(other).get(second_url).content.decode()
    assert "SU-977" not in blind
    assert 'value="CHO3" selected' not in blind
    assert "selected" not in blind.split('name="site"')[1].split("</select>")[0].replace(
        'value="" selected', ""
    )

    refused_page = client(first).get(second_url).content.decode()
    assert "someone else" in refused_page
    assert 'name="participant_code"' not in refused_page

    done = client(other).post(
        second_url,
        {
            "participant_code": "SU-977",
            "site": "CHO3",
            "cohort": "service-users",
            **item_data(ANSWERS),
        },
    )
    assert done.status_code == 302
    assert PaperForm.objects.get(pk=form.pk).status == PaperFormStatus.VERIFIED


def test_the_resolve_page_shows_both_entries_to_a_third_person_only(study, people):
    first, other, third = people
    form = second(other, key(first, study), answers=ANSWERS | {"hope": "2"})
    url = reverse("evaluation:paper-resolve", args=[study.slug, form.pk])
    for enterer in (first, other):
        page = client(enterer).get(url).content.decode()
        assert "a third person must resolve" in page
        assert 'type="radio"' not in page
    page = client(third).get(url)
    body = page.content.decode()
    assert "First entry: 4 (Very much)" in body
    assert "Second entry: 2 (Somewhat)" in body
    assert list(page.context["form"].fields) == ["item-hope"]
    missing = client(third).post(url, {})
    assert "choose which entry is right" in missing.content.decode()
    assert PaperForm.objects.get(pk=form.pk).status == PaperFormStatus.DISAGREEMENT
    done = client(third).post(url, {"item-hope": "second"})
    assert done.status_code == 302
    verified = PaperForm.objects.get(pk=form.pk)
    assert verified.status == PaperFormStatus.VERIFIED
    assert verified.response.answers["hope"] == 2


def test_a_code_disagreement_is_resolved_by_typing_the_code_on_the_paper(study, people):
    first, other, third = people
    form = second(other, key(first, study), participant_code="SU-909")
    url = reverse("evaluation:paper-resolve", args=[study.slug, form.pk])
    page = client(third).get(url)
    body = page.content.decode()
    # Neither keyed code is shown, not even to the third person: they read it on the paper.
    assert "SU-900" not in body
    assert "SU-909" not in body
    assert 'name="participant_code"' in body
    wrong = client(third).post(url, {"participant_code": "SU-555"})
    assert "Neither entry keyed this code" in wrong.content.decode()
    assert PaperForm.objects.get(pk=form.pk).status == PaperFormStatus.DISAGREEMENT
    done = client(third).post(url, {"participant_code": " su-909 "})
    assert done.status_code == 302
    verified = PaperForm.objects.get(pk=form.pk)
    assert verified.status == PaperFormStatus.VERIFIED
    # The code registered is the one keyed on the matching entry, as it was typed there.
    assert code_of(verified.response.participant) == "SU-909"
    assert verified.resolved_answers == {"participant_code": digest("SU-909")}


def test_keyings_hold_the_code_only_as_a_digest_and_sealed(study, people):
    first, other, _ = people
    form = key(first, study)
    (entry,) = form.entries.all()
    assert set(entry.answers) == {
        "participant_digest",
        "participant_sealed",
        "site",
        "cohort",
        "items",
    }
    assert entry.answers["participant_digest"] == digest("SU-900")
    assert "SU-900" not in json.dumps(entry.answers)
    assert form.participant_digest == digest("SU-900")
    # The second person types the code in another case: the same person.
    verified = second(other, form, participant_code="su-900")
    assert verified.status == PaperFormStatus.VERIFIED
    assert code_of(verified.response.participant) == "SU-900"
