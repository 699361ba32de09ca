"""The pseudonym key (participant codes, stored only sealed) shows on no page and in no download,
except the identified study export for administrator members allowed identifiers and the subject
export for administrators (docs/decisions/0009-pseudonym-key.md)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from alongside.core.access import RoleCode
from alongside.evaluation.actions import add_study_member
from alongside.evaluation.models import Participant
from alongside.organisation.models import Membership
from alongside.qualitative.models import Source
from tests.integration.test_url_sweep import RULES
from tests.integration.url_rules.evaluation import load_example
from tests.integration.url_rules.privacy import interviewed_participant
from tests.pseudonyms import codes, make_administrator

pytestmark = pytest.mark.django_db

# Where the key may be shown, and to whom (the URL rules keep everyone else out).
SHOWS_THE_KEY = {
    "privacy:service-user-export",  # administrators answering a subject access request
    "privacy:participant-export",
}


def _codes_shown(content: str, codes: list[str]) -> list[str]:
    return [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", content)]


def _typed_in_transcripts() -> str:
    # A transcript's own text is what was said and typed, speaker labels included: see the
    # decision record (a transcript labelled with participant codes shows them).
    return "\n".join(Source.objects.values_list("text", flat=True))


def test_no_page_shows_a_participant_code(personas):
    load_example(personas)
    interviewed_participant(personas)
    leaks = []
    for name, rule in sorted(RULES.items()):
        if rule.method != "get" or name in SHOWS_THE_KEY:
            continue
        url = reverse(name, kwargs=rule.kwargs(personas) if rule.kwargs else None)
        typed = _typed_in_transcripts()
        hidden = [c for c in codes(Participant.objects.all()) if not _codes_shown(typed, [c])]
        for persona in sorted(rule.allowed):
            client = Client()
            client.force_login(personas.user(persona))
            response = client.get(url, rule.data)
            if response.status_code != 200 or response.get("Content-Type", "").startswith(
                ("application/zip", "application/vnd", "application/x-spss")
            ):
                continue
            shown = _codes_shown(response.getvalue().decode(errors="replace"), hidden)
            if shown:
                leaks.append((name, persona, shown[:3]))
    assert not leaks


def _export(client, study, identifiers):
    url = reverse("evaluation:export", args=[study.slug, "wide-csv"])
    return client.get(url, {"identifiers": "1"} if identifiers else {})


def test_the_identified_export_is_for_administrator_members_allowed_identifiers_only(personas):
    study = load_example(personas)
    code = codes(Participant.objects.filter(study=study))[0]
    client = Client()
    client.force_login(personas.user("evaluator"))
    assert code not in _export(client, study, identifiers=False).getvalue().decode()
    refused = _export(client, study, identifiers=True)
    assert refused.status_code in (403, 404) or code not in refused.getvalue().decode()
    # A member allowed identifiers who has since lost the administrator role opens nothing.
    make_administrator(personas.evaluator)
    add_study_member(
        by=None, study=study, user=personas.user("evaluator"), may_see_identifiers=True
    )
    Membership.objects.filter(person=personas.evaluator, role=RoleCode.ADMINISTRATOR).delete()
    client = Client()
    client.force_login(personas.user("evaluator"))
    assert _export(client, study, identifiers=True).status_code == 403
    make_administrator(personas.evaluator)
    client = Client()
    client.force_login(personas.user("evaluator"))
    assert code in _export(client, study, identifiers=True).getvalue().decode()


def test_the_subject_export_shows_the_key_to_administrators(personas):
    participant = interviewed_participant(personas)
    client = Client()
    client.force_login(personas.user("admin"))
    response = client.post(
        reverse("privacy:participant-export", args=[participant.pk]),
        {"request_reference": "SAR-KEY"},
    )
    assert response.status_code == 200
    client.force_login(personas.user("evaluator"))
    denied = client.post(
        reverse("privacy:participant-export", args=[participant.pk]),
        {"request_reference": "SAR-KEY"},
    )
    assert denied.status_code == 403


def test_the_personal_links_download_shows_no_code_to_members_without_identifiers(personas):
    study = load_example(personas)
    client = Client()
    client.force_login(personas.user("evaluator"))
    pair = study.participants.select_related("site", "cohort").first()
    response = client.post(
        reverse("evaluation:invitations-create", args=[study.slug]),
        {"pair": f"{pair.site.pk}:{pair.cohort.pk}"},
    )
    assert response.status_code == 200
    assert not _codes_shown(response.getvalue().decode(), codes(Participant.objects.all()))
