"""In Chromium on a 360 px phone: a supervisor logs supervision, and a programme lead reads the
readiness view and records a team's checklist."""

import datetime as dt

from django.utils import timezone

from alongside.workforce.actions.readiness import record_readiness
from alongside.workforce.models import ReadinessChecklist, SupervisionSession
from alongside.workforce.readiness import Checklist
from tests import factories
from tests.functional.browser import fits_the_screen, follow, h1, sign_in


def test_a_supervisor_logs_supervision_on_a_phone(personas, live_server, phone_page):
    page = phone_page
    sign_in(page, live_server, personas.supervisor.user.username)
    page.goto(f"{live_server.url}/workforce/supervision/")
    follow(page.get_by_role("link", name="Log supervision"))
    assert h1(page) == "Log supervision"
    fits_the_screen(page)
    page.get_by_label("Minutes").fill("50")
    page.get_by_label("Line management").check()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Private notes").fill("Agreed a plan for the new group.")
    follow(page.get_by_role("button", name="Save session"))
    assert "Supervision session saved." in page.content()
    fits_the_screen(page)
    session = SupervisionSession.objects.get()
    assert session.supervisee == personas.psw
    assert session.supervisor == personas.supervisor
    assert (session.duration_minutes, session.session_type, session.protected_time) == (
        50,
        "line-management",
        False,
    )
    assert session.date == timezone.localdate()
    follow(page.get_by_role("link", name=timezone.localdate().strftime("%-d %b %Y")))
    assert "Agreed a plan for the new group." in page.content()


def test_a_lead_reads_readiness_beside_referrals_and_records_a_checklist(
    personas, live_server, phone_page
):
    record_readiness(
        by=personas.lead.user,
        team=personas.team_a,
        phase="before",
        assessed_on=dt.date(2019, 3, 1),
        checklist=Checklist(True, 90, True, True, True, True, True),
    )
    factories.ReferralFactory(
        team=personas.team_b,
        service_user=personas.su_b,
        status="declined",
        decline_reason="not-appropriate",
        decline_detail="Needed a crisis service",
        allocated_to=None,
    )
    page = phone_page
    sign_in(page, live_server, personas.lead.user.username)
    follow(page.get_by_role("link", name="Readiness"))
    assert h1(page) == "Team readiness and referrals"
    fits_the_screen(page)
    table = page.locator("#readiness-table")
    riverside = table.get_by_role("row", name="Riverside CMHT")
    assert "99" in riverside.inner_text()
    assert "Ready" in riverside.inner_text()
    hillview = table.get_by_role("row", name="Hillview Rehab")
    assert "Not assessed" in hillview.inner_text()
    assert "(50%)" in hillview.inner_text()
    follow(hillview.get_by_role("link", name="Hillview Rehab"))
    page.get_by_label("Before a peer support worker was placed").check()
    page.get_by_label("The team was briefed on the role").check()
    page.get_by_label("Share of staff trained in recovery principles (%)").fill("30")
    follow(page.get_by_role("button", name="Save checklist"))
    assert "Readiness of Hillview Rehab saved: 25 out of 100." in page.content()
    assert ReadinessChecklist.objects.filter(team=personas.team_b).count() == 1
