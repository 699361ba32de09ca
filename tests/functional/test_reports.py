"""In Chromium: a programme lead filters the dashboard and downloads a table; an evaluator builds
the study's PDF report, and its pages, rendered to images, carry the report's numbers."""

import subprocess
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from PIL import Image

from alongside.measures.definitions import shipped_definition_paths
from alongside.reports.assembly import assemble
from alongside.reports.queries import report_input
from tests import factories
from tests.functional.browser import fits_the_screen, follow, h1, sign_in
from tests.integration.url_rules.evaluation import load_example


def test_a_lead_filters_the_dashboard_and_downloads_a_table(personas, live_server, phone_page):
    for _ in range(6):
        su = factories.ServiceUserFactory(team=personas.team_a)
        factories.ReferralFactory(service_user=su, referrer=personas.clinician, status="accepted")
    page = phone_page
    sign_in(page, live_server, personas.user("lead").username)
    follow(page.get_by_role("link", name="Dashboard"))
    assert h1(page) == "Programme dashboard"
    fits_the_screen(page)
    referrals = page.get_by_role("table", name="Referrals")
    received = referrals.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Received")
    )
    assert received.get_by_role("cell").inner_text() == "8"
    page.get_by_label("Team (optional)").select_option(label=personas.team_b.name)
    page.wait_for_url("**team=*")
    received = (
        page.get_by_role("table", name="Referrals")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="Received"))
    )
    assert received.get_by_role("cell").inner_text() == "*"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Referrals” (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[:2] == ["Measure,Count", "Received,*"]


def test_an_evaluator_builds_the_pdf_and_its_pages_show_the_figures(
    personas, live_server, phone_page, tmp_path
):
    # Transactional tests empty the tables, the migration's instruments with them.
    call_command("instrument", "load", *map(str, shipped_definition_paths()), stdout=StringIO())
    study = load_example(personas)
    page = phone_page
    page.set_default_timeout(60_000)
    sign_in(page, live_server, personas.user("evaluator").username)
    page.goto(f"{live_server.url}/reports/studies/{study.slug}/")
    assert h1(page) == "Impact report: Impact of peer support workers"
    fits_the_screen(page)
    page.get_by_label("Format").select_option("pdf")
    page.get_by_role("button", name="Build the report").click()  # htmx: the page stays
    link = page.get_by_role("link", name="Download the PDF")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 2
    for image in images:
        with Image.open(image) as picture:
            assert picture.size[1] > picture.size[0]  # A4 portrait
            assert len(picture.getcolors(1 << 20)) > 2  # not a blank page

    first_pages = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "2", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    flat = " ".join(first_pages.split())
    document = assemble(report_input(study, suppress=True))
    summary = document.sections[0]
    assert "Key figures" in flat
    for figure in summary["figures"]:
        assert f"{figure['label']} {figure['value']}" in flat
    whole = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert document.data["report"]["digest"] in "".join(whole.split())
