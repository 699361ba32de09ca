"""In a real browser, on a phone: a participant opens their personal link, agrees, answers the
first screen, saves and leaves, comes back to find their answers, finishes and is thanked; the
evaluator's study page then counts them as having responded."""

from io import StringIO

from django.core.management import call_command

from alongside.evaluation.actions import add_study_member
from alongside.evaluation.actions.surveys import create_invitations
from alongside.evaluation.models import Participant, Response, Study
from alongside.measures.definitions import shipped_definition_paths
from tests.functional.browser import fits_the_screen, follow, sign_in

STUDY = """slug: phone-survey
title: Peer support on the phone
sites:
  - {code: CHO1, name: Region one}
cohorts:
  - {code: service-users, name: Service users}
approvals:
  - {site: CHO1, cohort: service-users, status: approved}
instruments:
  service-users: [su-experience]
"""
PEOPLE = "participant,cohort,site,method\nSU-1,service-users,CHO1,online-survey\n"


def test_a_personal_link_is_saved_resumed_and_finished_on_a_phone(
    personas, live_server, phone, tmp_path
):
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command("instrument", "load", *map(str, shipped_definition_paths()), **quiet)
    (tmp_path / "study.yaml").write_text(STUDY, encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    call_command("study", "load", str(tmp_path / "study.yaml"), **quiet)
    call_command("study", "participants", "phone-survey", str(tmp_path / "people.csv"), **quiet)
    study = Study.objects.get(slug="phone-survey")
    evaluator = personas.user("evaluator")
    add_study_member(by=None, study=study, user=evaluator)
    person = Participant.objects.get(study=study)
    ((_, token),) = create_invitations(by=evaluator, study=study, participants=[person])
    link = f"{live_server.url}/evaluation/invitation/{token}/"

    page = phone()
    page.goto(link)
    assert page.get_by_role("navigation").count() == 0
    assert "Screen 1 of 4" in page.content()
    follow(page.get_by_role("button", name="Continue"))
    assert page.get_by_role("alert").count() == 1  # taking part must be agreed
    page.get_by_label("I agree to take part in this study").check()
    follow(page.get_by_role("button", name="Continue"))
    assert "Screen 2 of 4" in page.content()
    fits_the_screen(page)
    page.get_by_role("group", name="1. How much have you valued meeting").get_by_label(
        "Very much"
    ).check()
    page.get_by_role("group", name="3. How much has peer support helped").get_by_label(
        "Quite a lot"
    ).check()
    follow(page.get_by_role("button", name="Save and finish later"))
    assert "Your answers are saved" in page.content()
    page.context.close()

    later = phone()
    later.goto(link)
    assert "Screen 2 of 4" in later.content()
    valued = later.get_by_role("group", name="1. How much have you valued meeting")
    assert valued.get_by_label("Very much").is_checked()
    follow(later.get_by_role("button", name="Continue"))
    assert "Screen 3 of 4" in later.content()
    follow(later.get_by_role("button", name="Continue"))
    assert later.get_by_role("heading", level=1).inner_text() == "Check your answers"
    follow(later.get_by_role("button", name="Send my answers"))
    assert "Thank you" in later.content()
    answers = Response.objects.get(participant=person, source="online").answers
    assert (answers["valued"], answers["recovery"], answers["hope"]) == (4, 3, None)

    desk = phone()
    sign_in(desk, live_server, evaluator.username)
    desk.goto(f"{live_server.url}/evaluation/phone-survey/")
    rates = desk.get_by_role("table", name="Response rates of personal invitations")
    cells = rates.get_by_role("cell").all_inner_texts()
    assert cells[-3:] == ["1", "1", "100.0%"]
    participants = desk.get_by_role("table", name="Participants by site and cohort")
    assert "1" in participants.get_by_role("cell").all_inner_texts()
