"""Managing a study in the browser: settings (through the study file), members, participants."""

import io

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.core.access import RoleCode
from alongside.core.models import AuditAction, AuditEvent
from alongside.evaluation import actions
from alongside.evaluation.actions import manage
from alongside.evaluation.imports import ImportRejected
from alongside.evaluation.models import (
    Approval,
    Cohort,
    CohortInstrument,
    Consent,
    Participant,
    Response,
    Site,
    Study,
    StudyMember,
)
from alongside.evaluation.studyfile import parse_study
from alongside.evaluation.studyfile_dump import dump_study
from tests import factories
from tests.pseudonyms import by_code, codes

pytestmark = pytest.mark.django_db

SLUG = "mini"
STUDY_FILE = """slug: mini
title: A small study
period: {start: 2025-01-06, end: 2025-06-30}
methods: [interview, paper-survey]
sites:
  - {code: CHO1, name: Region one}
  - {code: CHO2, name: Region two}
cohorts:
  - {code: service-users, name: Service users}
  - {code: psws, name: Peer support workers}
approvals:
  - {site: CHO1, cohort: service-users, status: approved, committee: Region one REC, reference: R-1}
  - {site: CHO2, cohort: service-users, status: approved}
  - {site: CHO1, cohort: psws, status: pending}
instruments:
  service-users: [su-experience]
"""
PEOPLE = "participant,cohort,site,method\nA-1,service-users,CHO1,interview\n"


def _load(text=STUDY_FILE, by=None):
    definition = parse_study(
        yaml.safe_load(text), source="s.yaml", text=text, available=manage.available_instruments()
    )
    study, _ = actions.load_study(by=by, definition=definition)
    return study


@pytest.fixture
def study(personas):
    the_study = _load()
    actions.add_study_member(by=None, study=the_study, user=personas.user("evaluator"))
    return the_study


@pytest.fixture
def other_evaluator(db):
    person = factories.PersonFactory()
    factories.MembershipFactory(person=person, team=None, role=RoleCode.EVALUATOR)
    return person.user


def _register(study, text=PEOPLE):
    return actions.import_participants(
        by=None, study=study, data=text.encode(), filename="people.csv"
    )


def _url(name, *args):
    return reverse(f"evaluation:{name}", args=[SLUG, *args])


def _client_for_user(client, user):
    client.force_login(user)
    return client


def _events(change):
    return AuditEvent.objects.filter(object_type="evaluation.study", detail__change=change)


# --- who may ---------------------------------------------------------------------------------


SETTINGS_PAGES = [
    ("manage", ()),
    ("manage-details", ()),
    ("manage-approvals", ()),
    ("manage-instruments", ()),
    ("manage-place-add", ("site",)),
    ("manage-place-rename", ("site", "CHO1")),
    ("manage-place-remove", ("site", "CHO2")),
    ("study-file", ()),
    ("participants", ()),
    ("participants-import", ()),
]


def test_a_member_reaches_the_settings_and_participant_pages(study, client_for):
    client = client_for("evaluator")
    for name, args in SETTINGS_PAGES:
        assert client.get(_url(name, *args)).status_code == 200, name


@pytest.mark.parametrize("persona", ["lead", "psw", "admin"])
def test_other_roles_get_404_on_study_pages(study, client_for, persona):
    client = client_for(persona)
    for name, args in SETTINGS_PAGES:
        assert client.get(_url(name, *args)).status_code == 404, name


def test_an_evaluator_who_is_not_a_member_gets_404(study, client, other_evaluator):
    client.force_login(other_evaluator)
    for name, args in SETTINGS_PAGES:
        assert client.get(_url(name, *args)).status_code == 404, name


def test_a_non_member_cannot_post_a_change(study, client, other_evaluator):
    client.force_login(other_evaluator)
    response = client.post(_url("manage-place-add", "site"), {"code": "CHO9", "name": "Nine"})
    assert response.status_code == 404
    assert not Site.objects.filter(code="CHO9").exists()


def test_a_lead_sees_no_settings_link_on_the_study_page(study, client_for):
    page = client_for("lead").get(_url("study")).content.decode()
    assert _url("manage") not in page
    member_page = client_for("evaluator").get(_url("study")).content.decode()
    assert _url("manage") in member_page
    assert _url("participants") in member_page


# --- settings ---------------------------------------------------------------------------------


def test_editing_the_details_goes_through_the_study_file(study, client_for):
    response = client_for("evaluator").post(
        _url("manage-details"),
        {
            "title": "A renamed study",
            "period_start": "2025-02-01",
            "period_end": "2025-08-31",
            "methods": ["online-survey"],
            "information_sheet_version": "2.1",
        },
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.title == "A renamed study"
    assert str(study.period_end) == "2025-08-31"
    assert study.methods == ["online-survey"]
    assert study.information_sheet_version == "2.1"
    # The digest is the one of the file the download now gives.
    download = client_for("evaluator").get(_url("study-file")).content.decode()
    assert "title: A renamed study" in download
    assert manage.current_definition(study).digest == study.source_digest
    assert "information_sheet_version: '2.1'" in download
    assert _events("details").count() == 1


def test_a_period_ending_before_it_starts_is_refused_and_nothing_changes(study, client_for):
    response = client_for("evaluator").post(
        _url("manage-details"),
        {
            "title": "Changed",
            "period_start": "2025-05-01",
            "period_end": "2025-01-01",
            "information_sheet_version": "1",
        },
    )
    assert response.status_code == 200
    assert "The end must be on or after the start." in response.content.decode()
    study.refresh_from_db()
    assert study.title == "A small study"


def test_adding_a_site_then_the_same_code_again(study, client_for):
    client = client_for("evaluator")
    assert (
        client.post(_url("manage-place-add", "site"), {"code": "CHO3", "name": "Three"}).status_code
        == 302
    )
    assert study.sites.filter(code="CHO3", name="Three").exists()
    again = client.post(_url("manage-place-add", "site"), {"code": "CHO3", "name": "Again"})
    assert "already has a site with the code CHO3" in again.content.decode()
    bad = client.post(_url("manage-place-add", "cohort"), {"code": "no spaces", "name": "X"})
    assert "Use letters, digits, hyphens or underscores" in bad.content.decode()
    assert study.sites.count() == 3
    assert study.cohorts.count() == 2
    assert _events("add-site").count() == 1


def test_an_unknown_kind_of_place_is_404(study, client_for):
    assert client_for("evaluator").get(_url("manage-place-add", "team")).status_code == 404


def test_renaming_a_cohort_keeps_its_code(study, client_for):
    response = client_for("evaluator").post(
        _url("manage-place-rename", "cohort", "psws"), {"name": "PSWs"}
    )
    assert response.status_code == 302
    assert Cohort.objects.get(study=study, code="psws").name == "PSWs"


def test_a_site_with_participants_cannot_be_removed_and_the_page_says_why(study, client_for):
    _register(study)
    client = client_for("evaluator")
    page = client.get(_url("manage-place-remove", "site", "CHO1")).content.decode()
    assert "1 participant registered there" in page
    response = client.post(_url("manage-place-remove", "site", "CHO1"))
    assert "cannot be removed: 1 participant registered there" in response.content.decode()
    assert study.sites.filter(code="CHO1").exists()
    assert Approval.objects.filter(study=study, site__code="CHO1").count() == 2


def test_removing_an_unused_site_removes_its_approvals(study, client_for):
    response = client_for("evaluator").post(_url("manage-place-remove", "site", "CHO2"))
    assert response.status_code == 302
    assert not study.sites.filter(code="CHO2").exists()
    assert not Approval.objects.filter(study=study, site__code="CHO2").exists()
    assert _events("remove-site").count() == 1


def test_removing_an_unused_cohort_removes_its_instruments(study):
    actions.import_participants(
        by=None,
        study=study,
        data=b"participant,cohort,site,method\nA-1,service-users,CHO1,interview\n",
        filename="p.csv",
    )
    manage.remove_place(by=None, study=study, kind="cohort", code="psws")
    assert list(study.cohorts.values_list("code", flat=True)) == ["service-users"]
    with pytest.raises(ValidationError, match="1 participant registered there"):
        manage.remove_place(by=None, study=study, kind="cohort", code="service-users")
    assert CohortInstrument.objects.filter(cohort__study=study).count() == 1


def test_the_approvals_grid_sets_and_clears_approvals(study, client_for):
    client = client_for("evaluator")
    form = client.get(_url("manage-approvals")).context["form"]
    data = dict(form.initial)
    pair = next(p for s, c, p in form.pairs if s.code == "CHO2" and c.code == "service-users")
    pending = next(p for s, c, p in form.pairs if s.code == "CHO1" and c.code == "psws")
    data[f"{pair}-status"] = "refused"
    data[f"{pair}-committee"] = "Region two REC"
    data[f"{pending}-status"] = ""
    response = client.post(_url("manage-approvals"), data)
    assert response.status_code == 302
    refused = Approval.objects.get(study=study, site__code="CHO2", cohort__code="service-users")
    assert (refused.status, refused.committee) == ("refused", "Region two REC")
    assert not Approval.objects.filter(study=study, site__code="CHO1", cohort__code="psws").exists()
    kept = Approval.objects.get(study=study, site__code="CHO1", cohort__code="service-users")
    assert (kept.committee, kept.reference) == ("Region one REC", "R-1")
    # Nobody can now be registered there, and the refusal names the status.
    with pytest.raises((ImportRejected, ValidationError), match="status: refused"):
        _register(study, "participant,cohort,site,method\nB-1,service-users,CHO2,interview\n")
    assert not Participant.objects.filter(**by_code("B-1")).exists()


def test_choosing_the_instruments_of_a_cohort(study, client_for):
    client = client_for("evaluator")
    form = client.get(_url("manage-instruments")).context["form"]
    by_code = {key: pk for pk, key in form.keys.items()}
    su_field = next(name for cohort, name in form.cohort_fields if cohort.code == "service-users")
    psw_field = next(name for cohort, name in form.cohort_fields if cohort.code == "psws")
    assert form.initial[su_field] == [by_code[("su-experience", "1.0")]]
    response = client.post(
        _url("manage-instruments"), {psw_field: [by_code[("psw-survey", "1.0")]]}
    )
    assert response.status_code == 302
    assert list(
        CohortInstrument.objects.filter(cohort__study=study).values_list(
            "cohort__code", "instrument_version__code"
        )
    ) == [("psws", "psw-survey")]


def test_the_downloaded_file_loads_back_to_the_same_study(study, client_for):
    response = client_for("evaluator").get(_url("study-file"))
    assert response["Content-Disposition"] == 'attachment; filename="mini.yaml"'
    text = response.content.decode()
    again = parse_study(
        yaml.safe_load(text), source="x", text=text, available=manage.available_instruments()
    )
    before = manage.current_definition(study)
    assert again.approvals == before.approvals
    assert (
        again.instruments == before.instruments == (("service-users", (("su-experience", "1.0"),)),)
    )
    assert dump_study(again) == text


# --- uploading a study file ------------------------------------------------------------------


def _upload(client, text, name="study.yaml"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return client.post(reverse("evaluation:study-upload"), {"file": upload})


def test_an_evaluator_creates_a_study_by_upload_and_becomes_its_member(personas, client_for):
    response = _upload(client_for("evaluator"), STUDY_FILE)
    assert response.status_code == 302
    created = Study.objects.get(slug=SLUG)
    member = StudyMember.objects.get(study=created)
    assert member.user == personas.user("evaluator")
    assert not member.may_see_identifiers
    assert AuditEvent.objects.filter(
        object_type="evaluation.study", action=AuditAction.CREATE
    ).exists()


def test_an_administrator_creates_a_study_without_becoming_a_member(personas, client_for):
    assert _upload(client_for("admin"), STUDY_FILE).status_code == 302
    assert Study.objects.filter(slug=SLUG).exists()
    assert not StudyMember.objects.exists()


def test_a_broken_upload_lists_every_problem_and_writes_nothing(personas, client_for):
    broken = STUDY_FILE.replace("status: pending", "status: maybe").replace(
        "site: CHO2,", "site: CHO7,"
    )
    before = AuditEvent.objects.count()
    response = _upload(client_for("evaluator"), broken, name="mine.yaml")
    page = response.content.decode()
    assert "2 problems: nothing was loaded" in page
    assert "mine.yaml: approvals[1]: field &#x27;site&#x27;: unknown site &#x27;CHO7&#x27;" in page
    assert "mine.yaml: approvals[2]: field &#x27;status&#x27;" in page
    assert not Study.objects.exists()
    assert AuditEvent.objects.count() == before


def test_an_upload_that_is_not_yaml_is_reported(personas, client_for):
    response = _upload(client_for("evaluator"), "slug: [unclosed\n")
    assert "not valid YAML" in response.content.decode()
    assert not Study.objects.exists()


def test_an_upload_cannot_change_a_study_of_which_one_is_not_a_member(
    study, client, other_evaluator
):
    client.force_login(other_evaluator)
    response = _upload(client, STUDY_FILE.replace("A small study", "Taken over"))
    assert "you are not one of its members" in response.content.decode()
    study.refresh_from_db()
    assert study.title == "A small study"


def test_an_upload_that_removes_a_site_in_use_is_refused(study, client_for):
    _register(study)
    without_cho1 = (
        STUDY_FILE.replace("  - {code: CHO1, name: Region one}\n", "")
        .replace(
            "  - {site: CHO1, cohort: service-users, status: approved, committee: Region one "
            "REC, reference: R-1}\n",
            "",
        )
        .replace("  - {site: CHO1, cohort: psws, status: pending}\n", "")
    )
    response = _upload(client_for("evaluator"), without_cho1)
    assert "which already has participants" in response.content.decode()
    assert study.sites.filter(code="CHO1").exists()


@pytest.mark.parametrize("persona", ["lead", "psw"])
def test_only_creators_reach_the_upload_page(personas, client_for, persona):
    assert client_for(persona).get(reverse("evaluation:study-upload")).status_code == 403


# --- members ----------------------------------------------------------------------------------


def test_an_administrator_adds_an_evaluator_by_username_and_from_the_list(
    study, client_for, other_evaluator
):
    client = client_for("admin")
    choices = dict(client.get(_url("members")).context["form"].fields["evaluator"].choices)
    assert other_evaluator.username in choices
    assert "evaluator" not in choices  # already a member
    # Identifiers are the pseudonym key's: only an evaluator who is also an administrator.
    refused = client.post(
        _url("members"), {"evaluator": other_evaluator.username, "may_see_identifiers": "on"}
    )
    assert "only administrators may read" in refused.content.decode()
    assert not StudyMember.objects.filter(study=study, user=other_evaluator).exists()
    factories.MembershipFactory(
        person=other_evaluator.person, team=None, role=RoleCode.ADMINISTRATOR
    )
    response = client.post(
        _url("members"), {"evaluator": other_evaluator.username, "may_see_identifiers": "on"}
    )
    assert response.status_code == 302
    member = StudyMember.objects.get(study=study, user=other_evaluator)
    assert member.may_see_identifiers
    client.post(_url("member-identifiers", member.pk), {})
    member.refresh_from_db()
    assert not member.may_see_identifiers
    client.post(_url("member-remove", member.pk))
    assert not StudyMember.objects.filter(study=study, user=other_evaluator).exists()
    assert AuditEvent.objects.filter(
        object_type="evaluation.studymember", action=AuditAction.DELETE
    ).exists()


def test_only_evaluators_can_be_added(study, client_for, personas):
    response = client_for("admin").post(
        _url("members"), {"username": personas.user("psw").username}
    )
    assert "is not an evaluator" in response.content.decode()
    assert not StudyMember.objects.filter(user=personas.user("psw")).exists()
    missing = client_for("admin").post(_url("members"), {"username": "nobody-here"})
    assert "There is no active user named nobody-here" in missing.content.decode()


@pytest.mark.parametrize("persona", ["evaluator", "lead", "psw"])
def test_only_administrators_reach_the_members_page(study, client_for, persona):
    assert client_for(persona).get(_url("members")).status_code == 404
    member = StudyMember.objects.get(study=study)
    assert client_for(persona).post(_url("member-remove", member.pk)).status_code == 404
    assert StudyMember.objects.filter(pk=member.pk).exists()


# --- participants -----------------------------------------------------------------------------


def _post_people(client, text, **headers):
    upload = io.BytesIO(text.encode())
    upload.name = "people.csv"
    return client.post(_url("participants-import"), {"file": upload}, headers=headers)


def test_registering_participants_from_the_browser(study, client_for):
    client = client_for("evaluator")
    response = _post_people(client, PEOPLE + "A-2,service-users,CHO2,interview\n")
    assert response.status_code == 200
    assert response.context["problems"] == []
    assert response.context["result"].participants_created == 2
    assert "2 participants registered" in response.content.decode()
    assert set(codes(Participant.objects.all())) == {"A-1", "A-2"}
    again = _post_people(client, PEOPLE)
    assert again.context["result"].participants_created == 0
    assert Participant.objects.count() == 2


def test_a_bad_participants_file_lists_row_column_value_and_writes_nothing(study, client_for):
    bad = PEOPLE + "A-2,service-users,CHO9,interview\nA-3,service-users,CHO1,by-pigeon\n"
    response = _post_people(client_for("evaluator"), bad, **{"HX-Request": "true"})
    problems = response.context["problems"]
    assert [(p.row, p.column, p.value) for p in problems] == [
        (3, "site", "CHO9"),
        (4, "method", "by-pigeon"),
    ]
    page = response.content.decode()
    assert "<html" not in page
    assert "2 problems: nothing was imported" in page
    assert not Participant.objects.exists()


def test_a_pair_without_approval_is_refused_on_import(study, client_for):
    response = _post_people(
        client_for("evaluator"), "participant,cohort,site,method\nB-1,psws,CHO1,interview\n"
    )
    messages = " ".join(p.message for p in response.context["problems"])
    assert "site CHO1, cohort psws has no ethics approval (status: pending)" in messages
    assert not Participant.objects.exists()


def test_the_participant_list_filters_and_is_audited(study, client_for):
    _register(study, PEOPLE + "A-2,service-users,CHO2,paper-survey\n")
    client = client_for("evaluator")
    everyone = client.get(_url("participants"))
    assert everyone.context["page"].paginator.count == 2
    assert "A-1" not in everyone.content.decode()
    filtered = client.get(_url("participants"), {"site": "CHO2", "withdrawn": "no"})
    assert [p.site.code for p in filtered.context["page"]] == ["CHO2"]
    listed = (
        AuditEvent.objects.filter(object_type="evaluation.participant", action=AuditAction.VIEW)
        .order_by("pk")
        .last()
    )
    assert listed.detail["count"] == 1
    assert listed.detail["list"] == "participants of mini"


def _person(study):
    _register(study)
    return Participant.objects.get(study=study, **by_code("A-1"))


def test_the_participant_page_is_audited_and_shows_no_code(study, client_for):
    person = _person(study)
    response = client_for("evaluator").get(_url("participant", person.pseudonym))
    assert response.status_code == 200
    page = response.content.decode()
    assert person.pseudonym in page
    assert "A-1" not in page
    assert AuditEvent.objects.filter(
        object_type="evaluation.participant", object_id=str(person.pk), action=AuditAction.VIEW
    ).exists()


@pytest.mark.parametrize("persona", ["lead", "psw", "admin"])
def test_others_never_reach_a_participant(study, client_for, persona):
    person = _person(study)
    for name in ("participant", "participant-consent", "participant-withdraw"):
        assert client_for(persona).get(_url(name, person.pseudonym)).status_code == 404


def test_a_non_member_evaluator_never_reaches_a_participant(study, client, other_evaluator):
    person = _person(study)
    client.force_login(other_evaluator)
    assert client.get(_url("participant", person.pseudonym)).status_code == 404
    response = client.post(
        _url("participant-withdraw", person.pseudonym), {"answers": "keep", "confirmed": "on"}
    )
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.withdrawn_at is None


def test_recording_and_changing_consent(study, client_for):
    person = _person(study)
    client = client_for("evaluator")
    form = client.get(_url("participant-consent", person.pseudonym), {"purpose": "recontact"})
    assert form.context["form"].initial["purpose"] == "recontact"
    data = {
        "purpose": "recontact",
        "given": "yes",
        "information_sheet_version": "1",
        "date": "2025-03-01",
    }
    assert client.post(_url("participant-consent", person.pseudonym), data).status_code == 302
    client.post(_url("participant-consent", person.pseudonym), {**data, "given": "no"})
    consent = Consent.objects.get(participant=person)
    assert (consent.purpose, consent.given, str(consent.date)) == ("recontact", False, "2025-03-01")
    page = client.get(_url("participant", person.pseudonym)).content.decode()
    assert "Not given" in page
    assert AuditEvent.objects.filter(
        object_type="evaluation.consent", action=AuditAction.UPDATE
    ).exists()


def test_consent_cannot_be_dated_in_the_future(study, client_for):
    person = _person(study)
    response = client_for("evaluator").post(
        _url("participant-consent", person.pseudonym),
        {
            "purpose": "take-part",
            "given": "yes",
            "information_sheet_version": "1",
            "date": "2999-01-01",
        },
    )
    assert "The date cannot be in the future." in response.content.decode()
    assert not Consent.objects.exists()


def test_withdrawal_asks_for_confirmation_then_erases_if_chosen(study, client_for):
    person = _person(study)
    from alongside.measures.models import InstrumentVersion

    Response.objects.bulk_create(
        [
            Response(
                participant=person,
                instrument_version=InstrumentVersion.objects.get(code="su-experience"),
                source="paper",
                answers={},
            )
        ]
    )
    client = client_for("evaluator")
    first = client.post(_url("participant-withdraw", person.pseudonym), {"answers": "erase"})
    page = first.content.decode()
    assert "left out of every analysis, export and report" in page
    assert "<strong>erased</strong>" in page
    person.refresh_from_db()
    assert person.withdrawn_at is None
    confirmed = client.post(
        _url("participant-withdraw", person.pseudonym), {"answers": "erase", "confirmed": "on"}
    )
    assert confirmed.status_code == 302
    person.refresh_from_db()
    assert person.withdrawn_at is not None
    assert not person.keep_data_on_withdrawal
    assert not Response.objects.filter(participant=person).exists()
    again = client.get(_url("participant-withdraw", person.pseudonym))
    assert again.status_code == 302
