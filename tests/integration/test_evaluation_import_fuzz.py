"""Fuzzed uploads to the browser import: never a server error, never a partial write."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.evaluation.models import Participant, Response
from tests.integration.url_rules.evaluation import SLUG, load_example

ROWS = st.lists(
    st.lists(
        st.sampled_from(
            [
                "SU-001",
                "SU-999",
                "CHO1",
                "CHO5",
                "online-survey",
                "4",
                "Very much",
                "9",
                "",
                '"',
                "\n",
                ",",
                "\ufeff",
                "=cmd|' /C calc'!A0",
                "é",
                "\x00",
            ]
        ),
        max_size=8,
    ),
    max_size=6,
)


@pytest.fixture
def evaluator_client(db, personas):
    load_example(personas)
    client = Client(raise_request_exception=True)
    client.force_login(personas.user("evaluator"))
    return client


def _state():
    return (
        Participant.objects.count(),
        sorted(Response.objects.values_list("id", "answers")),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(
        st.binary(max_size=300),
        ROWS.map(
            lambda rows: (
                "participant,site,method,valued,hope\n" + "\n".join(",".join(r) for r in rows)
            ).encode()
        ),
    ),
    st.sampled_from(["f.csv", "f.xlsx"]),
)
def test_a_fuzzed_upload_is_answered_with_a_report_and_writes_all_or_nothing(
    evaluator_client, data, name
):
    before = _state()
    response = evaluator_client.post(
        reverse("evaluation:import", args=[SLUG]),
        {
            "cohort": "service-users",
            "instrument": "su-experience",
            "file": SimpleUploadedFile(name, data),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    # Refused by the form (an empty file) or by the check, or imported: exactly one.
    refused = "field--error" in page or ": nothing was imported</h2>" in page
    assert refused != ("<h2>Imported</h2>" in page), "the page must say which happened"
    if refused:
        assert _state() == before
