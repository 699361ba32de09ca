"""The evaluation pages: studies, a study's tables, item summaries, imports and downloads."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from alongside.core.models import AuditAction, AuditEvent
from alongside.evaluation.actions import add_study_member
from alongside.evaluation.models import Participant, Response
from alongside.evaluation.study_data import study_data
from alongside.evaluation.summaries import NOT_APPROVED_TEXT, participant_table
from tests.integration.url_rules.evaluation import EXAMPLE, SLUG, load_example
from tests.pseudonyms import by_code, make_administrator


@pytest.fixture
def example(db, personas):
    return load_example(personas)


def _client(personas, name):
    client = Client()
    client.force_login(personas.user(name))
    return client


def _cell(grid, site, cohort_name):
    row = next(r for r in grid.rows if r.label.endswith(f"({site})"))
    return row.cells[grid.columns.index(cohort_name)]


def test_the_studies_page_lists_the_example(example, personas):
    response = _client(personas, "evaluator").get(reverse("evaluation:studies"))
    assert response.status_code == 200
    assert "Impact of peer support workers" in response.content.decode()
    assert reverse("evaluation:study", args=[SLUG]) in response.content.decode()


def test_a_psw_reaches_no_study_page(example, personas):
    client = _client(personas, "psw")
    assert client.get(reverse("evaluation:studies")).status_code == 403
    assert client.get(reverse("evaluation:study", args=[SLUG])).status_code == 404


@pytest.mark.parametrize("persona", ["evaluator", "lead"])
def test_a_pair_without_approval_shows_not_applicable_never_zero(example, personas, persona):
    response = _client(personas, persona).get(reverse("evaluation:study", args=[SLUG]))
    assert response.status_code == 200
    cell = _cell(response.context["participants"], "CHO5", "Service users")
    assert cell.not_approved
    assert cell.text == NOT_APPROVED_TEXT != "0"
    assert NOT_APPROVED_TEXT in response.content.decode()


def test_small_counts_are_hidden_from_a_lead_and_exact_for_the_evaluator(example, personas):
    data = study_data(example)
    exact = participant_table(
        data.participants, sites=data.sites, cohorts=data.cohorts, approvals=data.approvals
    )
    small = [
        (r, c)
        for r, row in enumerate(exact.cells)
        for c, count in enumerate(row)
        if count is not None and 0 < count < 5
    ]
    assert small, "the example should have a small cell to protect"
    url = reverse("evaluation:study", args=[SLUG])
    lead_grid = _client(personas, "lead").get(url).context["participants"]
    evaluator_grid = _client(personas, "evaluator").get(url).context["participants"]
    for r, c in small:
        assert lead_grid.rows[r].cells[c].hidden
        assert lead_grid.rows[r].cells[c].text == "*"
        assert evaluator_grid.rows[r].cells[c].text == str(exact.cells[r][c])
    assert not any(cell.hidden for row in evaluator_grid.rows for cell in row.cells)
    assert evaluator_grid.grand_total.text == str(exact.grand_total)


def test_item_summaries_are_suppressed_for_a_lead_and_exact_for_the_evaluator(example, personas):
    url = reverse("evaluation:items", args=[SLUG])
    lead = _client(personas, "lead").get(url)
    evaluator = _client(personas, "evaluator").get(url)
    assert lead.status_code == evaluator.status_code == 200

    def options(response):
        return [
            option
            for section in response.context["sections"]
            for item in section["items"]
            for option in item["options"]
        ]

    assert any(option["suppressed"] for option in options(lead))
    assert not any(option["suppressed"] for option in options(evaluator))
    page = evaluator.content.decode()
    assert "<svg" in page
    assert 'role="img"' in page
    assert 'style="' not in page


def _responses_csv(rows):
    with open(EXAMPLE / "service-users.csv", encoding="utf-8") as source:
        header = next(csv.reader(source))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for code, site, value in rows:
        writer.writerow([code, site, "paper-survey", *([value] * (len(header) - 3))])
    upload = io.BytesIO(out.getvalue().encode())
    upload.name = "more.csv"
    return upload


def _post_import(client, upload, **headers):
    return client.post(
        reverse("evaluation:import", args=[SLUG]),
        {"cohort": "service-users", "instrument": "su-experience", "file": upload},
        headers=headers,
    )


def test_the_evaluator_imports_responses_from_the_browser(example, personas):
    before = Response.objects.count()
    response = _post_import(
        _client(personas, "evaluator"),
        _responses_csv([("SU-900", "CHO1", "3"), ("SU-901", "CHO2", "")]),
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.rows, result.participants_created, result.responses_created) == (2, 2, 2)
    assert Response.objects.count() == before + 2
    assert "2 new participants" in response.content.decode()


def test_a_bad_file_writes_nothing_and_lists_every_problem_by_row(example, personas):
    participants, responses = Participant.objects.count(), Response.objects.count()
    events = AuditEvent.objects.count()
    upload = _responses_csv(
        [
            ("SU-900", "CHO1", "3"),
            ("SU-901", "NOWHERE", "3"),
            ("SU-902", "CHO1", "99"),
            ("SU-903", "CHO5", "3"),
        ]
    )
    response = _post_import(_client(personas, "evaluator"), upload)
    assert response.status_code == 200
    problems = response.context["problems"]
    assert {p.row for p in problems} >= {3, 4, 5}
    assert response.context["result"] is None
    page = response.content.decode()
    assert "nothing was imported" in page
    assert "NOWHERE" in page
    assert "99" in page
    assert Participant.objects.count() == participants
    assert Response.objects.count() == responses
    assert AuditEvent.objects.count() == events


def test_an_htmx_import_answers_with_the_fragment(example, personas):
    upload = _responses_csv([("SU-901", "NOWHERE", "3")])
    response = _post_import(_client(personas, "evaluator"), upload, HX_Request="true")
    page = response.content.decode()
    assert 'id="import"' in page
    assert "nothing was imported" in page
    assert "<html" not in page


def test_a_lead_cannot_import_or_export(example, personas):
    client = _client(personas, "lead")
    assert client.get(reverse("evaluation:import", args=[SLUG])).status_code == 404
    assert client.get(reverse("evaluation:export", args=[SLUG, "wide-csv"])).status_code == 404


@pytest.mark.parametrize("format", ["long-csv", "wide-csv", "xlsx", "sav", "dictionary"])
def test_every_export_downloads_with_pseudonyms_only_and_is_audited(example, personas, format):
    response = _client(personas, "evaluator").get(reverse("evaluation:export", args=[SLUG, format]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.getvalue()
    assert b"SU-001" not in response.getvalue()
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    assert event.object_type == "evaluation.study"
    assert event.detail["format"] == format
    assert event.detail["identifiers"] is False


def test_an_unknown_export_format_is_not_found(example, personas):
    url = reverse("evaluation:export", args=[SLUG, "pdf"])
    assert _client(personas, "evaluator").get(url).status_code == 404


@pytest.mark.parametrize(("persona", "suppressed"), [("lead", True), ("evaluator", False)])
def test_report_data_is_suppressed_unless_the_user_may_see_study_data(
    example, personas, persona, suppressed
):
    response = _client(personas, persona).get(reverse("evaluation:report-json", args=[SLUG]))
    assert response.status_code == 200
    report = json.loads(response.content)
    assert report["study"] == SLUG
    assert report["suppression"]["applied"] is suppressed
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    assert event.detail == {"format": "report-json", "suppressed": suppressed}


@pytest.mark.parametrize("name", ["evaluation:studies", "evaluation:study", "evaluation:items"])
def test_pages_read_the_study_in_a_bounded_number_of_queries(
    example, personas, django_assert_max_num_queries, name
):
    client = _client(personas, "evaluator")
    url = reverse(name, args=[] if name == "evaluation:studies" else [SLUG])
    # 23: the study page also counts personal invitations for its response rates.
    with django_assert_max_num_queries(23):
        assert client.get(url).status_code == 200


def test_an_evaluator_who_is_not_a_member_reaches_nothing_of_the_study(example, personas):
    from alongside.evaluation.actions import remove_study_member

    remove_study_member(by=None, study=example, user=personas.user("evaluator"))
    client = _client(personas, "evaluator")
    listing = client.get(reverse("evaluation:studies"))
    assert listing.status_code == 200
    assert SLUG not in listing.content.decode()
    for name, args in [
        ("evaluation:study", [SLUG]),
        ("evaluation:items", [SLUG]),
        ("evaluation:import", [SLUG]),
        ("evaluation:export", [SLUG, "wide-csv"]),
        ("evaluation:report-json", [SLUG]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name


def test_participant_codes_only_for_an_administrator_member_allowed_them(example, personas):
    client = _client(personas, "evaluator")
    url = reverse("evaluation:export", args=[SLUG, "wide-csv"]) + "?identifiers=1"
    assert client.get(url).status_code == 403
    page = client.get(reverse("evaluation:study", args=[SLUG])).content.decode()
    assert "with participant codes" not in page
    with pytest.raises(ValidationError, match="only administrators"):
        add_study_member(
            by=None, study=example, user=personas.user("evaluator"), may_see_identifiers=True
        )

    make_administrator(personas.evaluator)
    add_study_member(
        by=None, study=example, user=personas.user("evaluator"), may_see_identifiers=True
    )
    client = _client(personas, "evaluator")
    page = client.get(reverse("evaluation:study", args=[SLUG])).content.decode()
    assert "with participant codes" in page
    response = client.get(url)
    assert response.status_code == 200
    header, first = response.getvalue().decode().splitlines()[:2]
    assert header.startswith("participant,participant_code,")
    code = first.split(",")[1]
    assert code[:3] in {"SU-", "PR-", "PW-"}
    assert Participant.objects.filter(
        study=example, pseudonym=first.split(",")[0], **by_code(code)
    ).exists()
    assert "identified" in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
    assert event.detail["identifiers"] is True
    dictionary = reverse("evaluation:export", args=[SLUG, "dictionary"]) + "?identifiers=1"
    assert client.get(dictionary).status_code == 403


def test_item_summaries_break_down_by_site_and_team_type(example, personas):
    page = _client(personas, "evaluator").get(reverse("evaluation:items", args=[SLUG]))
    html = page.content.decode()
    assert "<summary>By site</summary>" in html
    assert "<summary>By team type</summary>" in html
    assert "early-intervention" in html  # a team type given in participants.csv
