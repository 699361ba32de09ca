"""In a real browser, on a phone: an evaluator refuses one site's approval in the approvals grid;
the participant table then shows that pair as not approved, and nobody can be registered there."""

import yaml

from alongside.evaluation import actions
from alongside.evaluation.models import Approval
from alongside.evaluation.studyfile import parse_study
from alongside.evaluation.summaries import NOT_APPROVED_TEXT
from tests.functional.browser import fits_the_screen, follow, h1, sign_in

STUDY_FILE = """slug: grid-study
title: A study on two sites
sites:
  - {code: CHO1, name: Region one}
  - {code: CHO2, name: Region two}
cohorts:
  - {code: service-users, name: Service users}
approvals:
  - {site: CHO1, cohort: service-users, status: approved}
  - {site: CHO2, cohort: service-users, status: approved}
"""


def _study(personas):
    definition = parse_study(
        yaml.safe_load(STUDY_FILE), source="s.yaml", text=STUDY_FILE, available={}
    )
    study, _ = actions.load_study(by=None, definition=definition)
    actions.add_study_member(by=None, study=study, user=personas.user("evaluator"))
    return study


def _row(page, label):
    table = page.get_by_role("table", name="Participants by site and cohort")
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label))


def test_refusing_an_approval_in_the_grid_marks_the_pair_not_approved(
    personas, live_server, phone_page
):
    study = _study(personas)
    page = phone_page
    sign_in(page, live_server, personas.user("evaluator").username)
    page.goto(f"{live_server.url}/evaluation/{study.slug}/")
    assert NOT_APPROVED_TEXT not in _row(page, "Region two (CHO2)").inner_text()
    follow(page.get_by_role("link", name="Study settings"))
    assert h1(page) == "Settings of A study on two sites"
    fits_the_screen(page)
    follow(page.get_by_role("link", name="Change the approvals"))
    fits_the_screen(page)
    status = page.get_by_label("Status for Region two, Service users")
    status.focus()
    status.select_option("refused")
    page.get_by_label("Ethics committee for Region two, Service users").fill("Region two REC")
    follow(page.get_by_role("button", name="Save the approvals"))
    assert "The ethics approvals were saved." in page.content()
    approval = Approval.objects.get(site__code="CHO2")
    assert (approval.status, approval.committee) == ("refused", "Region two REC")

    follow(page.get_by_role("link", name="Back to the study"))
    assert NOT_APPROVED_TEXT in _row(page, "Region two (CHO2)").inner_text()
    assert NOT_APPROVED_TEXT not in _row(page, "Region one (CHO1)").inner_text()
    assert "Refused" in page.get_by_role("table", name="Ethics approvals").inner_text()

    follow(page.get_by_role("link", name="Participants"))
    follow(page.get_by_role("link", name="Register participants from a file"))
    page.get_by_label("File").set_input_files(
        files=[
            {
                "name": "people.csv",
                "mimeType": "text/csv",
                "buffer": b"participant,cohort,site,method\nX-1,service-users,CHO2,interview\n",
            }
        ]
    )
    page.get_by_role("button", name="Check and register").click()  # htmx: the page stays
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "nothing was imported" in alert.inner_text()
    assert "site CHO2, cohort service-users has no ethics approval (status: refused)" in (
        alert.inner_text()
    )
    fits_the_screen(page)
