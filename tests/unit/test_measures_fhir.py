"""FHIR R4: exports validated with fhir.resources (R4B models: Questionnaire and
QuestionnaireResponse are unchanged from R4 in what we write), and a round trip through import."""

import datetime as dt

import pytest
from django.utils import timezone
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from alongside.measures import actions, fhir
from alongside.measures.definitions import load_shipped_catalogue
from alongside.measures.models import Administration, AdministrationMode, InstrumentVersion

CATALOGUE = list(load_shipped_catalogue())


@pytest.mark.parametrize("instrument", CATALOGUE, ids=lambda i: i.code)
def test_every_shipped_instrument_exports_as_a_valid_questionnaire(instrument):
    resource = Questionnaire.model_validate(fhir.questionnaire(instrument))
    assert resource.url == f"urn:alongside:questionnaire:{instrument.code}"
    assert [i.linkId for i in resource.item] == [i.code for i in instrument.items]
    if not instrument.licence.ships_text:  # licensed wording never leaves
        assert all(i.text is None for i in resource.item)
        assert all(
            o.valueCoding.display is None for i in resource.item for o in i.answerOption or []
        )


@pytest.mark.django_db
def test_a_response_exports_validly_and_imports_back_to_the_same_scores(personas):
    row = InstrumentVersion.objects.get(code="su-experience")
    instrument = row.instrument()
    answers = {
        i.code: i and instrument.item_scale(i).scored_values[-1]
        for i in instrument.items
        if i.scale
    }
    written = {i.code: "Being listened to" for i in instrument.items if not i.scale}
    original = actions.record_administration(
        by=personas.psw.user,
        service_user=personas.su_a,
        instrument_version=row,
        text_pack=None,
        administered_on=timezone.localdate() - dt.timedelta(days=3),
        mode=AdministrationMode.PAPER,
        answers=answers,
        written_answers=written,
    )
    exported = fhir.questionnaire_response(original)
    validated = QuestionnaireResponse.model_validate(exported)
    assert validated.status == "completed"
    fields = fhir.parse_response(
        validated.model_dump(mode="json", exclude_none=True), source="qr.json"
    )
    imported = actions.import_administrations(by=personas.psw.user, rows=[fields])[0]
    assert imported.answers == original.answers
    assert imported.written_answers == original.written_answers
    assert imported.scores == original.scores
    assert imported.administered_on == original.administered_on
    assert imported.mode == "import"


@pytest.mark.django_db
def test_a_bad_response_lists_every_problem_and_imports_nothing(personas):
    bad = {
        "resourceType": "QuestionnaireResponse",
        "status": "in-progress",
        "questionnaire": "urn:alongside:questionnaire:chime-support|1.0",
        "subject": {"identifier": {"system": fhir.SERVICE_USER_SYSTEM, "value": "nobody"}},
        "authored": "yesterday",
        "item": [
            {
                "linkId": "hope",
                "answer": [
                    {
                        "valueCoding": {
                            "system": "urn:alongside:questionnaire:chime-support/scale/help5",
                            "code": "9",
                        }
                    }
                ],
            },
            {"linkId": "hopes", "answer": [{"valueString": "x"}]},
        ],
    }
    with pytest.raises(fhir.ResponseImportError) as caught:
        fhir.parse_response(bad, source="qr.json")
    assert caught.value.problems == (
        "qr.json: status: must be 'completed', got 'in-progress'",
        "qr.json: subject.identifier: no service user 'nobody'",
        "qr.json: authored: must be a date, got 'yesterday'",
        "qr.json: item[0] (linkId 'hope'): 9 is not an option (options: 0, 1, 2, 3, 4)",
        "qr.json: item[1] (linkId 'hopes'): no such item in the questionnaire",
    )
    unknown = dict(bad, questionnaire="urn:alongside:questionnaire:chime-support|9.0")
    with pytest.raises(fhir.ResponseImportError, match="no loaded instrument"):
        fhir.parse_response(unknown, source="qr.json")
    assert not Administration.objects.exists()
