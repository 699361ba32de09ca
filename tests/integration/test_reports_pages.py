"""The report page (build in the background, download, narrative sections) and the dashboard."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alongside.core.models import AuditAction, AuditEvent
from alongside.reports.models import BuildStatus, NarrativeSection, ReportBuild
from tests import factories
from tests.integration.url_rules.evaluation import load_example

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def study(personas):
    return load_example(personas)


def test_a_lead_sees_the_report_page_without_the_exact_counts_choice(study, client_for):
    page = client_for("lead").get(reverse("reports:report", args=[study.slug])).content.decode()
    assert "Build the report" in page
    assert "Exact counts" not in page
    assert "Edit recommendations" not in page


def test_a_member_may_ask_for_exact_counts_and_edit_sections(study, client_for):
    page = client_for("evaluator").get(reverse("reports:report", args=[study.slug]))
    assert "Exact counts (not for publication)" in page.content.decode()
    assert "Edit recommendations" in page.content.decode()


def test_a_build_runs_in_the_background_and_downloads_for_its_requester_only(
    study, client_for, personas
):
    client = client_for("evaluator")
    response = client.post(reverse("reports:build", args=[study.slug]), {"format": "json"}, **HTMX)
    assert response.status_code == 200
    build = ReportBuild.objects.get()
    assert build.status == BuildStatus.DONE
    assert build.progress == 100
    assert "Download the Data (JSON)" in response.content.decode()
    download = client.get(reverse("reports:build-download", args=[study.slug, build.pk]))
    data = json.loads(download.content)
    assert data["report"]["digest"] == build.digest
    assert data["suppression"]["applied"] is True
    assert download["Content-Disposition"] == 'attachment; filename="psw-impact-report.json"'
    # The lead may see the study, but not someone else's build.
    other = client_for("lead").get(reverse("reports:build-download", args=[study.slug, build.pk]))
    assert other.status_code == 404
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="evaluation.study")
    assert exported.actor_id == personas.user("evaluator").pk
    assert exported.detail == {"format": "report-json", "suppressed": True}


def test_exact_counts_are_refused_to_a_lead_even_if_asked_for(study, client_for):
    client_for("lead").post(
        reverse("reports:build", args=[study.slug]), {"format": "json", "exact": "on"}
    )
    assert ReportBuild.objects.get().suppressed is True


def test_a_narrative_section_survives_rebuilding_and_conflicts_are_caught(study, client_for):
    client = client_for("evaluator")
    url = reverse("reports:narrative", args=[study.slug, "recommendations"])
    response = client.post(
        url, {"text": "Fund two more posts.\n\nTrain teams first.", "version": 0}, **HTMX
    )
    assert response.status_code == 200
    assert "Fund two more posts." in response.content.decode()
    stale = client.post(url, {"text": "Overwrite", "version": 0}, **HTMX)
    assert "Someone else changed this record" in stale.content.decode()
    assert NarrativeSection.objects.get().text.startswith("Fund two more posts.")
    for _ in range(2):
        client.post(reverse("reports:build", args=[study.slug]), {"format": "json"})
    first, second = (json.loads(bytes(b.content)) for b in ReportBuild.objects.order_by("pk"))
    assert first == second
    recommendations = next(s for s in first["report"]["sections"] if s["id"] == "recommendations")
    assert recommendations["paragraphs"] == ["Fund two more posts.", "Train teams first."]


def test_a_lead_may_not_edit_a_section(study, client_for):
    url = reverse("reports:narrative", args=[study.slug, "recommendations"])
    assert client_for("lead").post(url, {"text": "x", "version": 0}).status_code == 403
    assert not NarrativeSection.objects.exists()


def test_the_preview_shows_charts_with_their_text_alternatives(study, client_for):
    page = client_for("lead").get(reverse("reports:preview", args=[study.slug])).content.decode()
    assert 'role="img"' in page
    assert "The numbers behind this chart" in page
    assert "Key figures" in page


def _add_referrals(personas, n):
    for _ in range(n):
        su = factories.ServiceUserFactory(team=personas.team_a)
        factories.CaseloadEntryFactory(service_user=su, worker=personas.psw)
        factories.ReferralFactory(
            service_user=su,
            referrer=personas.clinician,
            allocated_to=personas.psw,
            status="accepted",
        )


def test_the_dashboard_costs_the_same_queries_whatever_the_data(personas, client_for):
    client = client_for("lead")
    url = reverse("reports:dashboard")
    client.get(url)
    # Counted with the measures tables' cache empty each time (see test_dashboard_queries.py).
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_referrals(personas, 12)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    body = page.content.decode()
    assert "Niamh" not in body
    assert "Declan" not in body


def test_the_dashboard_hides_small_counts_and_filters_by_team(personas, client_for):
    _add_referrals(personas, 6)
    client = client_for("supervisor")
    rows = _csv(client.get(reverse("reports:dashboard-csv", args=["referrals"])))
    assert rows[0] == ["Measure", "Count"]
    assert dict(rows[1:])["Received"] == "8"
    filtered = _csv(
        client.get(
            reverse("reports:dashboard-csv", args=["referrals"]), {"team": personas.team_b.pk}
        )
    )
    assert dict(filtered[1:])["Received"] == "*"  # one referral: hidden
    partial = client.get(reverse("reports:dashboard"), {"team": personas.team_b.pk}, **HTMX)
    assert partial.content.decode().lstrip().startswith('<div id="dashboard-body"')


def test_an_unknown_dashboard_table_is_not_found(client_for):
    response = client_for("lead").get(reverse("reports:dashboard-csv", args=["nothing"]))
    assert response.status_code == 404


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))
