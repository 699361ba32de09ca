"""The data requests pages: administrators find, export, erase and anonymise; nobody else."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from alongside.core.models import AuditEvent
from alongside.evaluation.models import Participant
from alongside.practice.models import ServiceUser
from tests.integration.url_rules.privacy import interviewed_participant
from tests.pseudonyms import code_of

pytestmark = pytest.mark.django_db


def test_an_administrator_finds_a_service_user_by_name_and_the_search_is_audited(client_for):
    response = client_for("admin").get(reverse("privacy:requests"), {"q": "niamh"})
    assert response.status_code == 200
    assert "Niamh-on-caseload-A" in response.content.decode()
    assert "Declan" not in response.content.decode()
    assert AuditEvent.objects.filter(action="view", detail__list="data-requests").exists()


def test_an_administrator_finds_a_participant_by_study_and_pseudonym(personas, client_for):
    participant = interviewed_participant(personas)
    response = client_for("admin").get(
        reverse("privacy:requests"),
        {"study": participant.study.slug, "pseudonym": participant.pseudonym},
    )
    page = response.content.decode()
    assert reverse("privacy:participant", args=[participant.pk]) in page
    assert "SU-1" not in page  # the pseudonym only, never the code


@pytest.mark.parametrize("persona", ["psw", "supervisor", "lead", "evaluator", "outsider"])
def test_nobody_else_may_use_the_data_requests_page(client_for, persona):
    assert client_for(persona).get(reverse("privacy:requests")).status_code == 403


def test_the_navigation_offers_data_requests_to_administrators_only(client_for):
    assert "Data requests" in client_for("admin").get(reverse("home")).content.decode()
    assert "Data requests" not in client_for("psw").get(reverse("home")).content.decode()


def test_an_export_needs_a_reference_and_then_downloads_a_zip(personas, client_for):
    client = client_for("admin")
    url = reverse("privacy:service-user-export", args=[personas.su_a.pk])
    refused = client.post(url, {"request_reference": ""})
    assert refused.status_code == 200
    assert "This field is required" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
    response = client.post(url, {"request_reference": "SAR-31"})
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read(f"service-user-{personas.su_a.pk}.json"))
    assert data["records"]["practice.serviceuser"][0]["preferred_name"] == "Niamh-on-caseload-A"
    assert AuditEvent.objects.get(action="export").detail["request_reference"] == "SAR-31"


def test_the_erase_page_explains_the_effect_on_reports_before_anything_changes(
    personas, client_for
):
    page = client_for("admin").get(reverse("privacy:service-user-erase", args=[personas.su_a.pk]))
    text = page.content.decode()
    assert "stay counted in programme figures" in text
    assert "cannot be undone" in text
    assert f"Type {personas.su_a.reference} to confirm" in text
    assert ServiceUser.objects.get(pk=personas.su_a.pk).preferred_name == "Niamh-on-caseload-A"


def test_a_wrong_confirmation_changes_nothing(personas, client_for):
    url = reverse("privacy:service-user-erase", args=[personas.su_a.pk])
    response = client_for("admin").post(
        url, {"what": "erase", "request_reference": "E-1", "confirm": "SU-WRONG"}
    )
    assert response.status_code == 200
    assert "exactly" in response.content.decode()
    assert ServiceUser.objects.filter(pk=personas.su_a.pk).exists()


def test_anonymising_through_the_page(personas, client_for):
    su = personas.su_a
    response = client_for("admin").post(
        reverse("privacy:service-user-erase", args=[su.pk]),
        {"what": "anonymise", "request_reference": "A-1", "confirm": su.reference},
    )
    assert response.status_code == 302
    su.refresh_from_db()
    assert su.preferred_name == "Erased"


def test_erasing_through_the_page(personas, client_for):
    su = personas.su_b
    response = client_for("admin").post(
        reverse("privacy:service-user-erase", args=[su.pk]),
        {"what": "erase", "request_reference": "E-2", "confirm": su.reference},
    )
    assert response.status_code == 302
    assert not ServiceUser.objects.filter(pk=su.pk).exists()


def test_erasing_a_participant_through_the_page(personas, client_for):
    participant = interviewed_participant(personas)
    url = reverse("privacy:participant-erase", args=[participant.pk])
    page = client_for("admin").get(url).content.decode()
    assert "[erased]" in page
    response = client_for("admin").post(
        url, {"what": "erase", "request_reference": "P-1", "confirm": participant.pseudonym}
    )
    assert response.status_code == 302
    assert code_of(Participant.objects.get(pk=participant.pk)).startswith("erased-")


def test_an_evaluator_cannot_erase_even_in_their_own_study(personas, client_for):
    participant = interviewed_participant(personas)
    response = client_for("evaluator").post(
        reverse("privacy:participant-erase", args=[participant.pk]),
        {"what": "erase", "request_reference": "P-2", "confirm": participant.pseudonym},
    )
    assert response.status_code == 403
    assert code_of(Participant.objects.get(pk=participant.pk)) == "SU-1"
