"""Workforce actions, access and pages, around the personas."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.core.access import Permission, RoleCode, visible
from alongside.core.models import AuditEvent, Notification
from alongside.organisation.models import Discipline
from alongside.practice.models import Referral
from alongside.workforce.access import may_read_notes
from alongside.workforce.actions.cpd import complete_cpd, decide_cpd, find_or_add_event, request_cpd
from alongside.workforce.actions.exchange import (
    NamesSomeone,
    hide_post,
    reply_to_thread,
    start_thread,
)
from alongside.workforce.actions.guidance import add_guidance, add_guidance_version
from alongside.workforce.actions.pulse import answer_pulse, open_pulse_round
from alongside.workforce.actions.readiness import record_readiness
from alongside.workforce.actions.roles import set_work_resources, set_work_terms
from alongside.workforce.actions.supervision import log_supervision, record_peer_group
from alongside.workforce.models import (
    CpdStatus,
    PulseResponse,
    RespondentGroup,
    SupervisionSession,
    Thread,
    WorkTerms,
)
from alongside.workforce.readiness import Checklist
from alongside.workforce.tiles import (
    cpd_access,
    readiness_by_team,
    resource_gaps,
    role_understanding,
    supervision_coverage,
)
from tests import factories
from tests.conftest import Personas

NOTES = "She is thinking of going back to college; we agreed to talk again in May."
TODAY = dt.date.today


def _log(p, by=None, **overrides):
    values = {
        "by": (by or p.supervisor).user,
        "supervisee": p.psw,
        "supervisor": p.supervisor,
        "date": timezone.localdate() - dt.timedelta(days=2),
        "duration_minutes": 50,
        "session_type": "practice-supervision",
        "protected_time": True,
        "private_notes": NOTES,
    } | overrides
    return log_supervision(**values)


# --- supervision -----------------------------------------------------------------------------


def test_a_supervisor_logs_supervision_with_their_discipline_and_an_audit_record(personas):
    session = _log(personas)
    assert session.supervisor_discipline == Discipline.SOCIAL_WORK
    assert session.recorded_by == personas.supervisor
    event = AuditEvent.objects.get(
        object_type="workforce.supervisionsession", object_id=str(session.pk)
    )
    assert "private_notes" in event.detail["fields"]
    assert NOTES not in str(event.detail)


def test_a_psw_logs_supervision_they_received(personas):
    session = _log(personas, by=personas.psw, private_notes="")
    assert session.supervisee == personas.psw
    assert session.recorded_by == personas.psw


def test_no_one_logs_supervision_for_someone_they_do_not_supervise(personas):
    with pytest.raises(PermissionDenied):
        _log(personas, by=personas.psw_b)
    with pytest.raises(PermissionDenied):
        _log(personas, by=personas.lead)
    assert not SupervisionSession.objects.exists()


def test_supervision_must_be_in_the_past_and_named_by_a_real_supervisor(personas):
    with pytest.raises(ValidationError) as error:
        _log(
            personas,
            date=timezone.localdate() + dt.timedelta(days=1),
            supervisor=personas.clinician,
        )
    assert {"date", "supervisor"} <= set(error.value.message_dict)


def test_peer_group_attendance_counts_as_coverage_and_as_given_by_peers(personas):
    region = personas.team_a.area.region
    record_peer_group(
        by=personas.senior.user,
        region=region,
        date=timezone.localdate(),
        duration_minutes=90,
        facilitator=personas.senior,
        protected_time=True,
        topic="Boundaries",
        attendees=[personas.psw, personas.psw_b],
    )
    _log(personas)
    coverage = supervision_coverage(weeks=4)
    assert coverage.psws == 3  # psw, psw_b, senior
    assert coverage.covered == 2
    assert coverage.sessions == 3
    assert coverage.peer_sessions == 2
    assert coverage.share_by_peers == pytest.approx(2 / 3)


def test_peer_group_attendees_must_be_peer_workers_of_the_region(personas):
    with pytest.raises(ValidationError):
        record_peer_group(
            by=personas.senior.user,
            region=personas.team_a.area.region,
            date=timezone.localdate(),
            duration_minutes=60,
            facilitator=personas.senior,
            protected_time=False,
            topic="",
            attendees=[personas.clinician],
        )


# The two people in the session read the notes; every other role, lead and admin included, never.
@pytest.mark.parametrize("persona", Personas.ROLES)
def test_private_notes_reach_only_the_supervisor_and_supervisee(personas, persona):
    session = _log(personas)
    user = personas.user(persona)
    in_session = persona in {"psw", "supervisor"}
    assert (
        visible(SupervisionSession, user, Permission.VIEW_SUPERVISION_NOTES)
        .filter(pk=session.pk)
        .exists()
        is in_session
    )
    assert may_read_notes(user, session) is in_session
    client = Client()
    client.force_login(user)
    page = client.get(reverse("workforce:supervision-session", args=[session.pk]))
    assert (NOTES in page.content.decode()) is in_session
    for url in ("workforce:supervision", "workforce:coverage", "workforce:overview"):
        assert NOTES not in client.get(reverse(url)).content.decode()


def test_another_supervisor_of_the_same_psw_sees_the_session_but_not_its_notes(personas):
    other = factories.PersonFactory()
    factories.MembershipFactory(
        person=other, team=personas.team_a, role=RoleCode.SUPERVISOR, discipline=Discipline.NURSING
    )
    factories.SupervisionAssignmentFactory(supervisor=other, supervisee=personas.psw)
    session = _log(personas)
    client = Client()
    client.force_login(other.user)
    page = client.get(reverse("workforce:supervision-session", args=[session.pk]))
    assert page.status_code == 200
    assert NOTES not in page.content.decode()
    assert not may_read_notes(other.user, session)


def test_the_phone_form_logs_a_psws_own_supervision(personas, client_for):
    client = client_for("psw")
    form = client.get(reverse("workforce:supervision-log"))
    assert form.status_code == 200
    response = client.post(
        reverse("workforce:supervision-log"),
        {
            "supervisee": personas.psw.pk,
            "supervisor": personas.supervisor.pk,
            "date": timezone.localdate().isoformat(),
            "duration_minutes": 45,
            "session_type": "line-management",
            "protected_time": "no",
            "private_notes": "Rota worries",
        },
    )
    assert response.status_code == 302
    session = SupervisionSession.objects.get()
    assert (session.session_type, session.protected_time, session.duration_minutes) == (
        "line-management",
        False,
        45,
    )


# --- CPD -------------------------------------------------------------------------------------


def _event(personas, title="Recovery education"):
    return find_or_add_event(
        by=personas.psw.user,
        title=title,
        provider="Recovery College",
        hours=Decimal("6"),
        date=timezone.localdate() + dt.timedelta(days=10),
    )


def test_cpd_request_approval_and_certificate(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = request_cpd(by=personas.psw.user, event=_event(personas), reason="Group work")
    with pytest.raises(PermissionDenied):
        decide_cpd(by=personas.psw.user, request=request, approve=True)
    with pytest.raises(PermissionDenied):
        decide_cpd(by=personas.psw_b.user, request=request, approve=True)
    decided = decide_cpd(by=personas.supervisor.user, request=request, approve=True)
    assert decided.status == CpdStatus.APPROVED
    assert decided.decided_by == personas.supervisor
    certificate = SimpleUploadedFile("Aoife Smith cert.pdf", b"%PDF-1.4", "application/pdf")
    done = complete_cpd(by=personas.psw.user, request=decided, certificate=certificate)
    assert done.status == CpdStatus.COMPLETED
    assert "Aoife" not in done.certificate.name
    assert done.certificate.name.endswith(".pdf")
    response = Client()
    response.force_login(personas.lead.user)
    download = response.get(reverse("workforce:cpd-certificate", args=[done.pk]))
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4"
    access = cpd_access()
    assert (access.with_access, access.psws) == (1, 3)


def test_declining_cpd_needs_a_reason_and_a_certificate_must_be_a_document(personas):
    request = request_cpd(by=personas.psw.user, event=_event(personas))
    with pytest.raises(ValidationError):
        decide_cpd(by=personas.lead.user, request=request, approve=False, note="")
    declined = decide_cpd(by=personas.lead.user, request=request, approve=False, note="Full")
    assert declined.status == CpdStatus.DECLINED
    with pytest.raises(ValidationError):
        complete_cpd(by=personas.psw.user, request=declined)
    with pytest.raises(ValidationError):
        request_cpd(by=personas.psw.user, event=_event(personas))


# --- roles and resources ---------------------------------------------------------------------


def test_new_work_terms_close_the_old_and_resources_show_gaps(personas):
    start = dt.date(2020, 1, 1)
    first = set_work_terms(
        by=personas.lead.user,
        person=personas.psw,
        grade="psw",
        contracted_hours=Decimal("19.5"),
        fte=Decimal("0.5"),
        start=start,
    )
    set_work_terms(
        by=personas.admin.user,
        person=personas.psw,
        grade="senior-psw",
        contracted_hours=Decimal("39"),
        fte=Decimal("1"),
        start=dt.date(2021, 6, 1),
    )
    first.refresh_from_db()
    assert first.end == dt.date(2021, 5, 31)
    assert WorkTerms.objects.filter(person=personas.psw, end__isnull=True).count() == 1
    with pytest.raises(PermissionDenied):
        set_work_resources(
            by=personas.psw.user,
            person=personas.psw,
            desk=True,
            computer=True,
            phone=True,
            printer=True,
        )
    set_work_resources(
        by=personas.lead.user,
        person=personas.psw,
        desk=False,
        computer=False,
        phone=True,
        printer=False,
    )
    set_work_resources(
        by=personas.lead.user,
        person=personas.psw_b,
        desk=True,
        computer=True,
        phone=True,
        printer=True,
    )
    gaps = resource_gaps()
    assert gaps.fully_equipped == 1
    assert dict(gaps.by_gap) == {"phone only": 1}
    assert gaps.recorded == 2
    assert gaps.psws == 3


def test_the_roles_page_shows_phone_only(personas, client_for):
    set_work_resources(
        by=personas.lead.user,
        person=personas.psw,
        desk=False,
        computer=False,
        phone=True,
        printer=False,
    )
    page = client_for("lead").get(reverse("workforce:roles"))
    assert "Phone only" in page.content.decode()


# --- readiness -------------------------------------------------------------------------------


def test_readiness_sits_beside_referrals_and_inappropriate_declines(personas):
    ready = Checklist(True, 100, True, True, True, True, True)
    not_ready = Checklist(False, 10, False, True, False, False, False)
    record_readiness(
        by=personas.lead.user,
        team=personas.team_a,
        phase="before",
        assessed_on=dt.date(2019, 1, 1),
        checklist=ready,
    )
    record_readiness(
        by=personas.lead.user,
        team=personas.team_b,
        phase="before",
        assessed_on=dt.date(2019, 1, 1),
        checklist=not_ready,
    )
    with pytest.raises(PermissionDenied):
        record_readiness(
            by=personas.supervisor.user,
            team=personas.team_b,
            phase="after",
            assessed_on=dt.date(2019, 1, 1),
            checklist=ready,
        )
    factories.ReferralFactory(
        team=personas.team_b,
        service_user=personas.su_b,
        status="declined",
        decline_reason="not-appropriate",
        decline_detail="Needed a clinical service",
        allocated_to=None,
    )
    view = readiness_by_team()
    rows = {row.team: row for row in view.teams}
    assert rows["Riverside CMHT"].score == 100
    assert rows["Riverside CMHT"].prepared_in_advance
    assert rows["Hillview Rehab"].score == 17
    assert rows["Hillview Rehab"].band == "not ready"
    assert rows["Hillview Rehab"].referrals == Referral.objects.filter(team=personas.team_b).count()
    assert rows["Hillview Rehab"].declined_not_appropriate == 1
    assert view.prepared.teams == 1
    assert view.not_prepared.declined_not_appropriate == 1


def test_the_readiness_table_comes_in_pages_while_the_comparison_counts_every_team(
    personas, client_for
):
    area = personas.team_a.area
    for i in range(55):
        team = factories.TeamFactory(area=area, name=f"Paged team {i:02}")
        record_readiness(
            by=personas.lead.user,
            team=team,
            phase="before",
            assessed_on=dt.date(2019, 1, 1),
            checklist=Checklist(True, 100, True, True, True, True, True),
        )
    teams = readiness_by_team().teams
    client = client_for("lead")
    first = client.get(reverse("workforce:readiness"))
    second = client.get(reverse("workforce:readiness") + "?page=2")
    assert len(first.context["page"].object_list) == 50
    assert first.context["view"].prepared.teams == 55
    assert first.context["page"].paginator.num_pages == 2
    assert 'href="?page=2"' in first.content.decode()
    shown = [row.team for page in (first, second) for row in page.context["page"].object_list]
    assert shown == [row.team for row in teams]
    assert "Page 2 of 2" in second.content.decode()


def test_the_readiness_form_saves_a_checklist(personas, client_for):
    response = client_for("lead").post(
        reverse("workforce:readiness-record", args=[personas.team_a.pk]),
        {
            "phase": "after",
            "assessed_on": timezone.localdate().isoformat(),
            "team_briefed": "on",
            "staff_trained_percent": "60",
            "supervision_arranged": "on",
        },
    )
    assert response.status_code == 302
    row = next(r for r in readiness_by_team().teams if r.team_id == personas.team_a.pk)
    assert row.after_score == 20 + 9 + 15


# --- pulse -----------------------------------------------------------------------------------


def test_a_pulse_round_asks_the_team_and_scores_answers_with_the_measures_engine(personas):
    today = timezone.localdate()
    pulse_round = open_pulse_round(
        by=personas.lead.user, team=personas.team_a, opened_on=today, closes_on=today
    )
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert personas.psw.user.pk in told
    assert personas.clinician.user.pk in told
    assert personas.psw_b.user.pk not in told
    all_yes = {"purpose_clear": 4, "referrals_clear": 4, "difference_clear": 4, "included": 4}
    mine = answer_pulse(by=personas.psw.user, pulse_round=pulse_round, answers=all_yes)
    assert mine.group == RespondentGroup.PSW
    assert mine.scores == {"understanding": 100.0}
    staff = answer_pulse(
        by=personas.clinician.user,
        pulse_round=pulse_round,
        answers={"purpose_clear": 2, "referrals_clear": 0, "difference_clear": 2, "included": 0},
    )
    assert staff.group == RespondentGroup.STAFF
    assert staff.scores == {"understanding": 25.0}
    with pytest.raises(ValidationError):
        answer_pulse(by=personas.psw.user, pulse_round=pulse_round, answers=all_yes)
    with pytest.raises(PermissionDenied):
        answer_pulse(by=personas.psw_b.user, pulse_round=pulse_round, answers=all_yes)
    trend = role_understanding()
    assert trend.teams[0].points[0].score is None  # two answers: too few to show
    answer_pulse(by=personas.senior.user, pulse_round=pulse_round, answers=all_yes)
    assert role_understanding().teams[0].points[0].score == pytest.approx(75.0)
    assert PulseResponse.objects.count() == 3


# --- exchange --------------------------------------------------------------------------------


def test_a_post_naming_a_known_service_user_is_held_until_confirmed(personas):
    text = "Any tips? niamh-on-caseload-a found the group hard this week."
    with pytest.raises(NamesSomeone) as warning:
        start_thread(by=personas.psw_b.user, region=None, title="Groups", body=text)
    assert warning.value.names == ["Niamh-On-Caseload-A"]
    assert not Thread.objects.exists()
    thread = start_thread(
        by=personas.psw_b.user, region=None, title="Groups", body=text, confirmed_no_names=True
    )
    assert thread.names_someone


def test_mentions_notify_and_moderators_hide(personas):
    thread = start_thread(
        by=personas.psw.user,
        region=personas.team_a.area.region,
        title="Handovers",
        body=f"What do you think, @{personas.psw_b.user.username}?",
    )
    assert Notification.objects.filter(recipient=personas.psw_b.user).exists()
    reply = reply_to_thread(by=personas.psw_b.user, thread=thread, body="We use a checklist.")
    with pytest.raises(PermissionDenied):
        hide_post(by=personas.psw.user, post=reply, reason="No")
    hide_post(by=personas.lead.user, post=thread, reason="Moved to national")
    assert not visible(Thread, personas.psw_b.user, Permission.VIEW_EXCHANGE).exists()
    assert visible(Thread, personas.psw.user, Permission.VIEW_EXCHANGE).get().hidden
    assert Notification.objects.filter(recipient=personas.psw.user).exists()
    with pytest.raises(PermissionDenied):
        reply_to_thread(by=personas.psw.user, thread=thread, body="Still here")


def test_regional_threads_stay_in_their_region(personas):
    other_region_psw = factories.PersonFactory()
    factories.MembershipFactory(
        person=other_region_psw, team=factories.TeamFactory(), role=RoleCode.PEER_SUPPORT_WORKER
    )
    thread = start_thread(
        by=personas.psw.user, region=personas.team_a.area.region, title="Local", body="Ours"
    )
    assert (
        not visible(Thread, other_region_psw.user, Permission.VIEW_EXCHANGE)
        .filter(pk=thread.pk)
        .exists()
    )
    with pytest.raises(PermissionDenied):
        start_thread(
            by=other_region_psw.user, region=personas.team_a.area.region, title="x", body="y"
        )


# --- guidance --------------------------------------------------------------------------------


def test_guidance_keeps_every_version(personas, client_for):
    document = add_guidance(
        by=personas.lead.user,
        title="Readiness before placement",
        summary="What a team should do first",
        owner=personas.supervisor,
        tags=["Readiness", "teams"],
        body="Brief the team.",
    )
    add_guidance_version(
        by=personas.lead.user, document=document, body="Brief and train.", change_note="Training"
    )
    assert [v.number for v in document.versions.order_by("number")] == [1, 2]
    assert sorted(document.tags.values_list("name", flat=True)) == ["readiness", "teams"]
    with pytest.raises(PermissionDenied):
        add_guidance_version(by=personas.psw.user, document=document, body="x", change_note="y")
    page = client_for("psw").get(
        reverse("workforce:guidance-document", args=[document.pk]) + "?version=1"
    )
    assert "Brief the team." in page.content.decode()
    listed = client_for("clinician").get(reverse("workforce:guidance") + "?tag=readiness")
    assert "Readiness before placement" in listed.content.decode()
