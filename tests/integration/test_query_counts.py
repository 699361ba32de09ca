"""Every list page costs a fixed number of queries, whatever the size of the data.

Each page in PAGES is opened by a persona allowed to see it, with little data and then with
more of the records it lists (each with the rows that hang off it, so a per-row lookup of a
related record would show). Both counts must equal the page's declared number. A page whose
count grows with the data has an N+1 query; fix the query, never the number.

Paginated lists are counted again with a full page and more. A grow step returns text the
larger page must show (names, titles, references), so a step that adds nothing the page lists
fails rather than passes; steps for pages of counts and dates only (the audit trail, item
summaries, the workforce overview, a team's readiness history, report builds) return none.
The programme dashboard is covered by tests/integration/test_reports_pages.py.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from decimal import Decimal

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alongside.core.access import RoleCode
from alongside.core.audit import record_list_view
from alongside.core.notifications import notify
from alongside.evaluation.actions import (
    add_study_member,
    import_participants,
    import_responses,
    load_study,
)
from alongside.evaluation.actions.manage import (
    add_place,
    available_instruments,
    current_definition,
    save_approvals,
)
from alongside.evaluation.actions.paper import enter_paper_form
from alongside.evaluation.actions.surveys import create_invitations, create_survey_link
from alongside.evaluation.models import Participant
from alongside.evaluation.studyfile import ApprovalEntry, parse_study
from alongside.measures.actions import load_instruments, record_administration, set_schedule
from alongside.measures.definitions import definition_digest
from alongside.measures.models import AdministrationMode, InstrumentVersion
from alongside.organisation.models import Discipline, Person
from alongside.practice.actions.advocacy import raise_advocacy
from alongside.practice.actions.contacts import record_contact
from alongside.practice.actions.goals import record_progress, set_goal
from alongside.practice.actions.groups import add_group_session, record_attendance
from alongside.practice.models import Activity, Ending, GroupProgramme, GroupSession
from alongside.qualitative import actions as qual_actions
from alongside.qualitative.models import Code, Source
from alongside.reports.actions import request_build
from alongside.workforce.actions.pulse import answer_pulse, open_pulse_round
from alongside.workforce.models import (
    CpdEvent,
    CpdRequest,
    GuidanceDocument,
    GuidanceTag,
    GuidanceVersion,
    PeerGroupAttendance,
    PeerGroupSession,
    ReadinessChecklist,
    Reply,
    SupervisionSession,
    Thread,
    WorkResources,
    WorkTerms,
)
from tests import factories
from tests.integration.url_rules import all_rules
from tests.integration.url_rules.evaluation import load_example
from tests.integration.url_rules.evaluation_manage import SLUG as SWEEP_SLUG
from tests.integration.url_rules.evaluation_manage import STUDY_FILE, sweep_study
from tests.integration.url_rules.evaluation_paper import ITEMS as SU_ITEMS
from tests.integration.url_rules.evaluation_paper import evaluator as paper_evaluator
from tests.integration.url_rules.evaluation_paper import paper_study
from tests.integration.url_rules.goals import goal_of_su_a
from tests.integration.url_rules.groups import _group, _session
from tests.integration.url_rules.qualitative import qual_project
from tests.integration.url_rules.workforce import document as guidance_document
from tests.integration.url_rules.workforce import thread as workforce_thread

RULES = all_rules()
Grow = Callable[[object, range], list[str]]


def _today():
    return timezone.localdate()


def _days_ago(n):
    return _today() - dt.timedelta(days=n)


# --- Records, each with the rows that hang off it -----------------------------------------------


def _member(role, team=None, **kwargs):
    person = factories.PersonFactory(**kwargs)
    factories.MembershipFactory(
        person=person, team=team, role=role, discipline=Discipline.PEER if team else ""
    )
    return person


def _contact(p, worker, service_user, note, days_ago=1):
    return record_contact(
        by=worker.user,
        worker=worker,
        service_user=service_user,
        date=_days_ago(days_ago),
        duration_minutes=30,
        mode="in-person",
        setting="community",
        activities=list(Activity.objects.all()[:2]),
        chime=["hope", "meaning"],
        note=note,
    )


def _goal(worker, service_user, text):
    goal = set_goal(
        by=worker.user,
        service_user=service_user,
        text=text,
        set_by="service-user",
        chime_domain="hope",
        steps=["First step", "Second step"],
        set_on=_days_ago(30),
    )
    record_progress(
        by=worker.user,
        goal=goal,
        rating=4,
        note="Going well",
        rated_on=_days_ago(2),
        by_service_user=False,
    )
    return goal


def _on_caseload(p, worker, team, i, tag):
    """A service user on `worker`'s caseload with a referral, a contact, a goal and advocacy."""
    service_user = factories.ServiceUserFactory(
        team=team, preferred_name=f"{tag}-person-{i}", key_clinician=p.clinician
    )
    referral = factories.ReferralFactory(
        service_user=service_user,
        referrer=p.clinician,
        allocated_to=worker,
        status="accepted",
        decided_by=worker,
        decided_on=factories.LONG_AGO,
    )
    factories.CaseloadEntryFactory(
        service_user=service_user,
        worker=worker,
        referral=referral,
        next_planned_contact=_today() + dt.timedelta(days=i % 5),
    )
    _contact(p, worker, service_user, f"Note {tag} {i}")
    _goal(worker, service_user, f"Goal {tag} {i}")
    raise_advocacy(
        by=worker.user,
        service_user=service_user,
        request=f"Raise {tag} {i}",
        recorded_on=_today(),
    )
    return service_user


def grow_caseload(p, numbers):
    return [_on_caseload(p, p.psw, p.team_a, i, "cl").preferred_name for i in numbers]


def grow_supervisees(p, numbers):
    shown = []
    for i in numbers:
        psw = _member(RoleCode.PEER_SUPPORT_WORKER, p.team_a, given_name=f"Supervisee{i}")
        factories.SupervisionAssignmentFactory(supervisor=p.supervisor, supervisee=psw)
        _on_caseload(p, psw, p.team_a, i, "sv")
        shown.append(psw.full_name)
    return shown


def grow_programme(p, numbers):
    shown = []
    for i in numbers:
        team = factories.TeamFactory(name=f"Team {i}")
        psw = _member(RoleCode.PEER_SUPPORT_WORKER, team)
        _on_caseload(p, psw, team, i, "pg")
        shown.append(team.area.region.name)
    return shown


def grow_referrals(p, numbers):
    shown = []
    for _ in numbers:
        service_user = factories.ServiceUserFactory(team=p.team_a)
        factories.ReferralFactory(service_user=service_user, referrer=p.clinician)
        shown.append(service_user.reference)
    return shown


def grow_service_user(p, numbers):
    """More contacts, goals and advocacy for PSW A's service user, and earlier episodes of
    theirs with other workers, each ended."""
    shown = []
    for i in numbers:
        earlier = _member(RoleCode.PEER_SUPPORT_WORKER, p.team_a, family_name=f"Earlier{i}")
        episode = factories.CaseloadEntryFactory(
            service_user=p.su_a,
            worker=earlier,
            referral=factories.ReferralFactory(
                service_user=p.su_a, referrer=p.clinician, allocated_to=earlier, status="accepted"
            ),
            status="ended",
            end=factories.LONG_AGO + dt.timedelta(days=30),
        )
        Ending.objects.create(
            episode=episode,
            ended_on=episode.end,
            planned=True,
            reason="goals-achieved",
            recorded_by=earlier,
        )
        shown.append(earlier.full_name)
        _contact(p, p.psw, p.su_a, f"Hub note {i}", days_ago=1 + i % 20)
        shown.append(_goal(p.psw, p.su_a, f"Hub goal {i}").text)
        raise_advocacy(
            by=p.psw.user, service_user=p.su_a, request=f"Hub advocacy {i}", recorded_on=_today()
        )
    return shown


def grow_contacts(p, numbers):
    return [
        _contact(p, p.psw, p.su_a, f"History note {i}", days_ago=1 + i % 20).note for i in numbers
    ]


def _group_with_sessions(p, name, facilitators, attendees):
    group = GroupProgramme.objects.create(
        name=name, team=p.team_a, start=factories.LONG_AGO, description="Walks"
    )
    group.facilitators.set(facilitators)
    for day in (3, 10):
        session = add_group_session(
            by=p.psw.user,
            programme=group,
            date=_days_ago(day),
            duration_minutes=90,
            setting="community",
            topic="",
        )
        record_attendance(by=p.psw.user, session=session, service_users=attendees, worker=p.psw)
    return group


def grow_groups(p, numbers):
    return [
        _group_with_sessions(p, f"Group number {i}", [p.psw, p.senior], [p.su_a]).name
        for i in numbers
    ]


def grow_group(p, numbers):
    group = _group(p)
    shown = []
    for i in numbers:
        service_user = _on_caseload(p, p.psw, p.team_a, i, "gp")
        session = add_group_session(
            by=p.psw.user,
            programme=group,
            date=_days_ago(i % 30),
            duration_minutes=60,
            setting="community",
            topic=f"Topic {i}",
        )
        record_attendance(
            by=p.psw.user, session=session, service_users=[service_user, p.su_a], worker=p.psw
        )
        shown.append(service_user.preferred_name)
    return shown


def grow_attendance(p, numbers):
    """More people the PSW may mark at a session, some of them marked."""
    session = _session(p)
    marked = list(
        GroupSession.objects.get(pk=session.pk).contacts.values_list("service_user", flat=True)
    )
    people = [_on_caseload(p, p.psw, p.team_a, i, "at") for i in numbers]
    record_attendance(
        by=p.psw.user,
        session=session,
        service_users=[*people[::2], *p.su_a.__class__.objects.filter(pk__in=marked)],
        worker=p.psw,
    )
    return [person.preferred_name for person in people]


def grow_advocacy(p, numbers):
    return [
        raise_advocacy(
            by=p.psw.user,
            service_user=_on_caseload(p, p.psw, p.team_a, i, "adv"),
            request=f"Team advocacy {i}",
            recorded_on=_today(),
        ).request
        for i in numbers
    ]


def grow_my_goals(p, numbers):
    return [_goal(p.psw, p.su_a, f"My goal {i}").text for i in numbers]


def grow_goal(p, numbers):
    goal = goal_of_su_a(p)
    shown = []
    for i in numbers:
        record_progress(
            by=p.psw.user,
            goal=goal,
            rating=i % 11,
            note=f"Progress {i}",
            rated_on=_today(),
            by_service_user=False,
        )
        shown.append(f"Progress {i}")
    return shown


def grow_activities(p, numbers):
    shown = []
    for i in numbers:
        activity = Activity.objects.create(
            code=f"activity-{i}", label=f"Activity {i}", order=50 + i
        )
        contact = _contact(p, p.psw, p.su_a, f"Activity note {i}")
        contact.activities.add(activity)
        shown.append(activity.label)
    return shown


def grow_audit(p, numbers):
    for i in numbers:
        record_list_view(actor=p.psw.user, model=Person, ids=[p.psw.pk], listing=f"listing {i}")
    return []


def grow_notifications(p, numbers):
    return [
        notify(recipient=p.psw.user, message=f"Message number {i}", url="/").message
        for i in numbers
    ]


# --- Organisation -------------------------------------------------------------------------------


def grow_regions(p, numbers):
    shown = []
    for i in numbers:
        team = factories.TeamFactory(name=f"Org team {i}")
        _member(RoleCode.PEER_SUPPORT_WORKER, team)
        shown.append(team.area.region.name)
    return shown


def grow_region(p, numbers):
    shown = []
    for i in numbers:
        area = factories.AreaFactory(region=p.team_a.area.region, name=f"Area number {i}")
        team = factories.TeamFactory(area=area, name=f"Region team {i}")
        _member(RoleCode.PEER_SUPPORT_WORKER, team)
        shown.append(team.name)
    return shown


def grow_teams(p, numbers):
    shown = []
    for i in numbers:
        team = factories.TeamFactory(area=p.team_a.area, name=f"Listed team {i}")
        _member(RoleCode.PEER_SUPPORT_WORKER, team)
        shown.append(team.name)
    return shown


def grow_team(p, numbers):
    shown = []
    for i in numbers:
        person = _member(RoleCode.PEER_SUPPORT_WORKER, p.team_a, family_name=f"Teammate{i}")
        factories.MembershipFactory(
            person=person, team=p.team_b, role=RoleCode.SENIOR_PEER_SUPPORT_WORKER
        )
        shown.append(person.family_name)
    return shown


def grow_people(p, numbers):
    shown = []
    for i in numbers:
        person = _member(RoleCode.PEER_SUPPORT_WORKER, p.team_a, family_name=f"Listed{i:03d}")
        factories.MembershipFactory(person=person, team=p.team_b, role=RoleCode.TEAM_CLINICIAN)
        shown.append(person.family_name)
    return shown


def grow_person(p, numbers):
    shown = []
    for i in numbers:
        team = factories.TeamFactory(name=f"Person team {i}")
        factories.MembershipFactory(person=p.psw, team=team, start=factories.LONG_AGO)
        supervisee = _member(RoleCode.PEER_SUPPORT_WORKER, team, family_name=f"Supervised{i}")
        factories.SupervisionAssignmentFactory(supervisor=p.psw, supervisee=supervisee)
        shown += [team.name, supervisee.family_name]
    return shown


# --- Measures -----------------------------------------------------------------------------------


CHIME_ANSWERS = {"connectedness": 3, "hope": 2, "identity": 4, "meaning": 1, "empowerment": 3}


def _new_instrument(i, base="chime-support"):
    """A copy of a loaded instrument under a new code, with a schedule. A copy of a licensed one
    ships no wording, as its original."""
    original = InstrumentVersion.objects.get(code=base, version="1.0").instrument()
    made = dc_replace(original, code=f"{base}-copy-{i}", title=f"{original.title} copy {i}")
    ((row, _),) = load_instruments(
        by=None, instruments=[dc_replace(made, digest=definition_digest(made))]
    )
    set_schedule(
        by=None,
        instrument_code=row.code,
        active=True,
        at_first_contact=True,
        every_n_weeks=12,
        at_ending=True,
    )
    return row


def _administer(p, service_user, row, day):
    return record_administration(
        by=p.psw.user,
        service_user=service_user,
        instrument_version=row,
        text_pack=None,
        administered_on=_days_ago(day),
        mode=AdministrationMode.WITH_PSW,
        answers=CHIME_ANSWERS,
    )


def grow_instruments(p, numbers):
    return [_new_instrument(i).title for i in numbers]


def grow_person_scores(p, numbers):
    """More instruments, each given twice, and more of the CHIME check."""
    chime = InstrumentVersion.objects.get(code="chime-support", version="1.0")
    shown = []
    for i in numbers:
        _new_instrument(i, base="swemwbs")  # licensed: its wording would come from a pack
        row = _new_instrument(i)
        _administer(p, p.su_a, row, 20 + i)
        _administer(p, p.su_a, row, 10 + i)
        _administer(p, p.su_a, chime, 40 + i)
        shown.append(row.title)
    return shown


def grow_measures_summary(p, numbers):
    chime = InstrumentVersion.objects.get(code="chime-support", version="1.0")
    shown = []
    for i in numbers:
        team = factories.TeamFactory(name=f"Measured team {i}")
        psw = _member(RoleCode.PEER_SUPPORT_WORKER, team)
        for k in range(5):  # five pairs, so the team's row is shown
            person = _on_caseload(p, psw, team, i * 10 + k, "ms")
            _administer(p, person, chime, 60)
            _administer(p, person, chime, 5)
        shown.append(team.name)
    return shown


def grow_schedules(p, numbers):
    return [_new_instrument(i).title for i in numbers]


# --- Evaluation ---------------------------------------------------------------------------------


def _participants_csv(rows):
    lines = ["participant,cohort,site,method", *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def _register(study, rows):
    import_participants(by=None, study=study, data=_participants_csv(rows), filename="p.csv")


def _small_study(p, i):
    text = STUDY_FILE.replace(SWEEP_SLUG, f"listed-{i}").replace("A study to sweep", f"Study {i}")
    definition = parse_study(
        yaml.safe_load(text), source="s.yaml", text=text, available=available_instruments()
    )
    study, _ = load_study(by=None, definition=definition)
    add_study_member(by=None, study=study, user=p.user("evaluator"))
    _register(study, [(f"L{i}-{k}", "service-users", "CHO1", "interview") for k in range(6)])
    return study


def grow_studies(p, numbers):
    return [_small_study(p, i).title for i in numbers]


def grow_study(p, numbers):
    """More sites (rows of the tables) and more participants."""
    study = load_example(p)
    shown = []
    for i in numbers:
        study = add_place(by=None, study=study, kind="site", code=f"X{i}", name=f"Extra site {i}")
        shown.append(f"Extra site {i}")
    _register(study, [(f"SU-9{i:02d}", "service-users", "CHO1", "interview") for i in numbers])
    return shown


def grow_items(p, numbers):
    """More answers to the service users' questionnaire."""
    study = load_example(p)
    answers = ",".join(str(3) for _ in SU_ITEMS)
    rows = [f"SUX-{i},CHO1,online-survey,{answers}" for i in numbers]
    data = "\n".join([f"participant,site,method,{','.join(SU_ITEMS)}", *rows]) + "\n"
    import_responses(
        by=None,
        study=study,
        cohort_code="service-users",
        instrument_code="su-experience",
        data=data.encode(),
        filename="more.csv",
    )
    return []


def grow_survey_links(p, numbers):
    study = load_example(p)
    sites = list(study.sites.order_by("code"))
    cohort = study.cohorts.get(code="providers")
    shown = []
    for i in numbers:
        link = create_survey_link(
            by=p.user("evaluator"), study=study, site=sites[i % len(sites)], cohort=cohort
        )
        shown.append(link.token)
    return shown


def grow_invitations(p, numbers):
    study = load_example(p)
    _register(study, [(f"INV-{i}", "providers", "CHO2", "online-survey") for i in numbers])
    people = list(
        Participant.objects.filter(
            study=study,
            site__code="CHO2",
            cohort__code="providers",
            withdrawn_at__isnull=True,
            invitations__isnull=True,
        )
    )
    create_invitations(by=p.user("evaluator"), study=study, participants=people)
    return [person.pseudonym for person in people]


def grow_paper_forms(p, numbers):
    study = paper_study([p.user("evaluator")])
    keyer = paper_evaluator(study)
    return [
        enter_paper_form(
            by=keyer,
            study=study,
            reference=f"FORM-{i}",
            participant_code=f"SU-P{i}",
            site_code="CHO1",
            cohort_code="service-users",
            instrument_code="su-experience",
            answers={},
            double_entry=True,
        ).reference
        for i in numbers
    ]


def grow_members(p, numbers):
    study = sweep_study(p)
    shown = []
    for i in numbers:
        user = paper_evaluator(study, username=f"member-{i}")
        shown.append(user.get_username())
    return shown


def grow_participants(p, numbers):
    study = sweep_study(p)
    _register(study, [(f"PT-{i:03d}", "service-users", "CHO1", "interview") for i in numbers])
    return list(Participant.objects.filter(study=study).values_list("pseudonym", flat=True))


def grow_manage(p, numbers):
    """More sites and cohorts, some of them in use."""
    study = sweep_study(p)
    shown = []
    for i in numbers:
        study = add_place(by=None, study=study, kind="site", code=f"S{i}", name=f"Site {i}")
        study = add_place(by=None, study=study, kind="cohort", code=f"c{i}", name=f"Cohort {i}")
        shown += [f"Site {i}", f"Cohort {i}"]
    study = save_approvals(
        by=None,
        study=study,
        approvals=[
            *current_definition(study).approvals,
            *(ApprovalEntry(f"S{i}", f"c{i}", "approved", "", "") for i in numbers),
        ],
    )
    _register(study, [(f"M-{i}", f"c{i}", f"S{i}", "interview") for i in numbers])
    return shown


# --- Workforce ----------------------------------------------------------------------------------


def _psw_with_work(p, i, team=None):
    """A PSW with supervision, CPD, work terms and resources."""
    team = team or factories.TeamFactory(name=f"Work team {i}")
    psw = _member(RoleCode.PEER_SUPPORT_WORKER, team, family_name=f"Worker{i:03d}")
    SupervisionSession.objects.create(
        date=_days_ago(3 + i % 20),
        duration_minutes=60,
        supervisor=p.supervisor,
        supervisor_discipline="social-work",
        supervisee=psw,
        session_type="practice-supervision",
        protected_time=True,
        recorded_by=p.supervisor,
    )
    event = CpdEvent.objects.create(
        title=f"Course {i}", provider="College", date=_days_ago(10), hours=Decimal("3.0")
    )
    CpdRequest.objects.create(
        person=psw,
        event=event,
        status="completed",
        requested_on=_days_ago(20),
        decided_by=p.supervisor,
        decided_on=_days_ago(15),
    )
    WorkTerms.objects.create(
        person=psw,
        grade="psw",
        contracted_hours=Decimal("22.5"),
        fte=Decimal("0.60"),
        start=factories.LONG_AGO,
    )
    WorkResources.objects.create(
        person=psw,
        desk=True,
        computer=bool(i % 2),
        phone=True,
        printer=False,
        checked_on=_days_ago(5),
    )
    return psw


def grow_overview(p, numbers):
    for i in numbers:
        _psw_with_work(p, i)
    return []


def grow_supervision(p, numbers):
    """More sessions for PSW A, with more supervisors, and more peer groups PSW A attended."""
    shown = []
    for i in numbers:
        supervisor = _member(RoleCode.SUPERVISOR, p.team_a, family_name=f"Supervisor{i}")
        SupervisionSession.objects.create(
            date=_days_ago(1 + i),
            duration_minutes=45,
            supervisor=supervisor,
            supervisor_discipline="nursing",
            supervisee=p.psw,
            session_type="practice-supervision",
            protected_time=bool(i % 2),
            recorded_by=supervisor,
        )
        group = PeerGroupSession.objects.create(
            region=factories.RegionFactory(name=f"Peer region {i}"),
            date=_days_ago(2 + i),
            duration_minutes=60,
            facilitator=supervisor,
            facilitator_discipline="nursing",
            protected_time=True,
            topic=f"Topic {i}",
            recorded_by=supervisor,
        )
        PeerGroupAttendance.objects.create(session=group, person=p.psw)
        shown += [supervisor.family_name, f"Peer region {i}"]
    return shown


def grow_supervisee_sessions(p, numbers):
    """More sessions of the supervisor's supervisee (PSW A), with other supervisors."""
    shown = []
    for i in numbers:
        supervisor = _member(RoleCode.SUPERVISOR, p.team_a, family_name=f"Other{i}")
        SupervisionSession.objects.create(
            date=_days_ago(1 + i),
            duration_minutes=45,
            supervisor=supervisor,
            supervisor_discipline="nursing",
            supervisee=p.psw,
            session_type="practice-supervision",
            protected_time=True,
            recorded_by=supervisor,
        )
        shown.append(supervisor.family_name)
    return shown


def grow_supervisee_cpd(p, numbers):
    """CPD requests of the supervisor's supervisee: waiting for a decision, and decided."""
    shown = []
    for i in numbers:
        event = CpdEvent.objects.create(
            title=f"Supervisee course {i}",
            provider="College",
            date=_days_ago(-30),
            hours=Decimal("2.0"),
        )
        decided = bool(i % 2)
        CpdRequest.objects.create(
            person=p.psw,
            event=event,
            reason=f"Reason {i}",
            status="approved" if decided else "requested",
            requested_on=_today(),
            decided_by=p.supervisor if decided else None,
            decided_on=_today() if decided else None,
        )
        shown.append(event.title)
    return shown


def grow_supervisee_referrals(p, numbers):
    return [_on_caseload(p, p.psw, p.team_a, i, "sr").reference for i in numbers]


def grow_coverage(p, numbers):
    return [_psw_with_work(p, i).memberships.get().team.name for i in numbers]


def grow_cpd(p, numbers):
    """Requests waiting for the lead's decision and decided ones, each by another PSW."""
    shown = []
    for i in numbers:
        psw = _psw_with_work(p, i, team=p.team_a)
        event = CpdEvent.objects.create(
            title=f"Waiting course {i}",
            provider="College",
            date=_days_ago(-20),
            hours=Decimal("2.0"),
        )
        CpdRequest.objects.create(
            person=psw, event=event, reason=f"Reason {i}", requested_on=_today()
        )
        shown.append(f"Waiting course {i}")
    return shown


def grow_roles(p, numbers):
    return [_psw_with_work(p, i).family_name for i in numbers]


def grow_readiness(p, numbers):
    shown = []
    for i in numbers:
        team = factories.TeamFactory(name=f"Ready team {i}")
        for phase, day in (("before", 90), ("after", 10)):
            ReadinessChecklist.objects.create(
                team=team,
                phase=phase,
                assessed_on=_days_ago(day),
                team_briefed=True,
                staff_trained_percent=60,
                management_endorsement=True,
                clinical_lead_endorsement=bool(i % 2),
                job_description_shared=True,
                supervision_arranged=True,
                resources_in_place=False,
                recorded_by=p.lead,
            )
        factories.ReferralFactory(service_user=factories.ServiceUserFactory(team=team))
        shown.append(team.name)
    return shown


def grow_pulse(p, numbers):
    shown = []
    for i in numbers:
        team = factories.TeamFactory(name=f"Pulse team {i}")
        people = [_member(RoleCode.PEER_SUPPORT_WORKER, team)] + [
            _member(RoleCode.TEAM_CLINICIAN, team) for _ in range(4)
        ]
        pulse_round = open_pulse_round(
            by=p.lead.user, team=team, opened_on=_today(), closes_on=_today()
        )
        for person in people:
            answer_pulse(
                by=person.user,
                pulse_round=pulse_round,
                answers={
                    "purpose_clear": 2,
                    "referrals_clear": 4,
                    "difference_clear": 2,
                    "included": 0,
                },
            )
        shown.append(team.name)
    return shown


def grow_exchange(p, numbers):
    shown = []
    for i in numbers:
        author = _member(RoleCode.PEER_SUPPORT_WORKER, p.team_a, family_name=f"Author{i}")
        item = Thread.objects.create(
            region=p.team_a.area.region if i % 2 else None,
            title=f"Thread {i}",
            body="How do you do it?",
            author=author,
        )
        Reply.objects.create(thread=item, body="Like this.", author=p.psw_b)
        shown.append(f"Thread {i}")
    return shown


def grow_thread(p, numbers):
    item = workforce_thread(p)
    shown = []
    for i in numbers:
        author = _member(RoleCode.PEER_SUPPORT_WORKER, p.team_a, family_name=f"Replier{i}")
        Reply.objects.create(thread=item, body=f"Reply number {i}", author=author)
        shown.append(f"Reply number {i}")
    return shown


def grow_guidance(p, numbers):
    shown = []
    for i in numbers:
        owner = _member(RoleCode.PROGRAMME_LEAD, None, family_name=f"Owner{i}")
        document = GuidanceDocument.objects.create(title=f"Guide {i}", owner=owner)
        document.tags.add(GuidanceTag.objects.create(name=f"tag-{i}"))
        for number in (1, 2):
            GuidanceVersion.objects.create(
                document=document,
                number=number,
                body="Text",
                published_on=_today(),
                published_by=owner,
            )
        shown.append(f"Guide {i}")
    return shown


def grow_guidance_document(p, numbers):
    document = guidance_document(p)
    shown = []
    for i in numbers:
        publisher = _member(RoleCode.PROGRAMME_LEAD, None, family_name=f"Publisher{i}")
        GuidanceVersion.objects.create(
            document=document,
            number=i + 2,
            body=f"Version text {i}",
            change_note=f"Change {i}",
            published_on=_today(),
            published_by=publisher,
        )
        shown.append(f"Change {i}")
    return shown


# --- Qualitative --------------------------------------------------------------------------------


def _transcript(project, i):
    text = (
        f"Interviewer: How was it, {i}?\n"
        f"SU-1: Passage {i} about the walking group.\n"
        f"Interviewer: And then, {i}?\n"
        f"SU-2: Passage {i} about the worker listening.\n"
    )
    return qual_actions.add_transcript(
        by=None, project=project, data=text.encode(), filename=f"talk-{i}.txt"
    )


def _code_everything(p, project, source, code):
    coder = p.user("evaluator")
    for segment in source.segments.all():
        for coding in qual_actions.code_segment(by=coder, segment=segment, codes=[code]):
            qual_actions.mark_quote(by=coder, coding=coding)


def _codable(project, name):
    return qual_actions.create_code(by=None, project=project, name=name)


def grow_qual_projects(p, numbers):
    shown = []
    for i in numbers:
        study = _small_study(p, 100 + i)
        project = qual_actions.start_project(by=None, study=study)
        _transcript(project, i)
        shown.append(study.title)
    return shown


def grow_qual_project(p, numbers):
    project = qual_project(p)
    shown = []
    for i in numbers:
        source = _transcript(project, i)
        _code_everything(p, project, source, _codable(project, f"Code {i}"))
        qual_actions.add_memo(by=p.user("evaluator"), project=project, text=f"Memo {i}")
        shown.append(source.name)
    return shown


def grow_qual_source(p, numbers):
    """More codes applied to the source's passages, by more coders, and memos on it."""
    project = qual_project(p)
    source = Source.objects.get(project=project, name="interview-1")
    shown = []
    for i in numbers:
        code = _codable(project, f"Source code {i}")
        coder = paper_evaluator(project.study, username=f"coder-{i}")
        for segment in source.segments.all():
            qual_actions.code_segment(by=coder, segment=segment, codes=[code])
        qual_actions.add_memo(by=coder, project=project, source=source, text=f"Source memo {i}")
        shown.append(f"Source memo {i}")
    return shown


def grow_codebook(p, numbers):
    project = qual_project(p)
    parent = Code.objects.get(project=project, name="Connection")
    shown = []
    for i in numbers:
        theme = qual_actions.create_code(
            by=None, project=project, name=f"Theme {i}", parent=parent, is_codable=False
        )
        code = qual_actions.create_code(by=None, project=project, name=f"Leaf {i}", parent=theme)
        _code_everything(p, project, _transcript(project, i), code)
        shown.append(f"Leaf {i}")
    return shown


def grow_code(p, numbers):
    project = qual_project(p)
    code = Code.objects.get(project=project, name="Groups")
    shown = []
    for i in numbers:
        source = _transcript(project, i)
        coder = paper_evaluator(project.study, username=f"code-coder-{i}")
        for segment in source.segments.all():
            qual_actions.code_segment(by=coder, segment=segment, codes=[code])
        qual_actions.add_memo(by=coder, project=project, code=code, text=f"Code memo {i}")
        shown.append(f"Code memo {i}")
    return shown


def grow_quotes(p, numbers):
    project = qual_project(p)
    shown = []
    for i in numbers:
        _code_everything(p, project, _transcript(project, i), _codable(project, f"Quoted {i}"))
        shown.append(f"Passage {i} about the walking group")
    return shown


def grow_agreement(p, numbers):
    """More codes, each applied by two coders to a new source."""
    project = qual_project(p)
    second = paper_evaluator(project.study, username=f"second-coder-{numbers.start}")
    shown = []
    for i in numbers:
        code = _codable(project, f"Agreed {i}")
        source = _transcript(project, i)
        for coder in (p.user("evaluator"), second):
            segment = source.segments.order_by("order").first()
            qual_actions.code_segment(by=coder, segment=segment, codes=[code])
        shown.append(f"Agreed {i}")
    return shown


def grow_assist(p, numbers):
    """A finished run suggesting codes for more uncoded passages."""
    project = qual_project(p)
    codes = [_codable(project, f"Suggested {i}") for i in numbers]
    sources = [_transcript(project, i) for i in numbers]
    segments = [s for source in sources for s in source.segments.all()]
    run = qual_actions.start_suggestion_run(
        by=p.user("evaluator"),
        project=project,
        method="tfidf",
        model_name="TF-IDF",
        model_version="test",
        total=len(segments),
    )
    qual_actions.store_suggestions(
        by=None,
        run=run,
        expected_done=0,
        suggested={
            s.pk: [(codes[k % len(codes)].pk, 0.5), (codes[(k + 1) % len(codes)].pk, 0.4)]
            for k, s in enumerate(segments)
        },
    )
    qual_actions.finish_suggestion_run(by=None, run=run)
    return [segment.text for segment in segments]


# --- Privacy and reports ------------------------------------------------------------------------


def grow_privacy_requests(p, numbers):
    return [
        factories.ServiceUserFactory(team=p.team_b, preferred_name=f"Niamh number {i}").reference
        for i in numbers
    ]


def grow_report(p, numbers):
    study = load_example(p)
    for _ in numbers:
        request_build(by=p.user("evaluator"), study=study, fmt="json", suppressed=True)
    return []


# --- Forms that list their choices, and the home page -------------------------------------------


def grow_facilitators(p, numbers):
    """More PSWs on PSW A's team: the facilitators a group may have."""
    return [
        _member(RoleCode.PEER_SUPPORT_WORKER, p.team_a, family_name=f"Facilitator{i}").full_name
        for i in numbers
    ]


def grow_region_psws(p, numbers):
    """More PSWs in the supervisor's region, on teams of their own: possible attendees."""
    shown = []
    for i in numbers:
        team = factories.TeamFactory(area=p.team_a.area, name=f"Peer team {i}")
        shown.append(_member(RoleCode.PEER_SUPPORT_WORKER, team, family_name=f"Peer{i}").full_name)
    return shown


def grow_readiness_history(p, numbers):
    for i in numbers:
        ReadinessChecklist.objects.create(
            team=p.team_a,
            phase="after",
            assessed_on=_days_ago(i),
            team_briefed=True,
            staff_trained_percent=i,
            management_endorsement=True,
            clinical_lead_endorsement=True,
            job_description_shared=bool(i % 2),
            supervision_arranged=True,
            resources_in_place=False,
            recorded_by=p.lead,
        )
    return []


def grow_cohorts(p, numbers):
    study = sweep_study(p)
    for i in numbers:
        study = add_place(by=None, study=study, kind="cohort", code=f"k{i}", name=f"Cohort {i}")
    return [f"Cohort {i}" for i in numbers]


# --- The table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListPage:
    persona: str
    queries: int
    grow: Grow
    page_size: int = 0  # paginated: the larger count is taken with a full page and more
    query: str = ""
    url_name: str = ""  # default: the key; set when one URL is counted for two personas


PAGES: dict[str, ListPage] = {
    # the home page, one section per role
    "home": ListPage("psw", 21, grow_caseload),
    "home (supervisor)": ListPage("supervisor", 22, grow_supervisees, url_name="home"),
    "home (clinician)": ListPage("clinician", 15, grow_referrals, url_name="home"),
    "home (lead)": ListPage("lead", 16, grow_programme, url_name="home"),
    # core
    "core:audit": ListPage("admin", 10, grow_audit, page_size=50),
    "core:notifications": ListPage("psw", 15, grow_notifications, page_size=50),
    # organisation
    "organisation:regions": ListPage("admin", 9, grow_regions),
    "organisation:region": ListPage("admin", 11, grow_region),
    "organisation:teams": ListPage("admin", 10, grow_teams),
    "organisation:team": ListPage("admin", 18, grow_team),
    "organisation:people": ListPage("admin", 16, grow_people, page_size=50),
    "organisation:person": ListPage("admin", 19, grow_person),
    # practice
    "practice:caseload": ListPage("psw", 17, grow_caseload),
    "practice:supervisees": ListPage("supervisor", 14, grow_supervisees),
    "practice:supervisee-caseload": ListPage("supervisor", 23, grow_caseload),
    "practice:programme": ListPage("lead", 13, grow_programme),
    "practice:referrals": ListPage("clinician", 15, grow_referrals, page_size=50),
    "practice:referrals (supervisor)": ListPage(
        "supervisor", 16, grow_supervisee_referrals, page_size=50, url_name="practice:referrals"
    ),
    "practice:service-user": ListPage("psw", 35, grow_service_user),
    "practice:contacts": ListPage("psw", 26, grow_contacts, page_size=25),
    "practice:groups": ListPage("psw", 10, grow_groups),
    "practice:group": ListPage("psw", 19, grow_group),
    "practice:session-attendance": ListPage("psw", 20, grow_attendance),
    "practice:team-advocacy": ListPage("psw", 14, grow_advocacy),
    "practice:my-goals": ListPage("service_user_login", 18, grow_my_goals),
    "practice:goal": ListPage("psw", 19, grow_goal),
    "practice:activities": ListPage("admin", 9, grow_activities),
    "practice:referral-create": ListPage("clinician", 11, grow_referrals),
    "practice:group-create": ListPage("psw", 13, grow_facilitators),
    # measures
    "measures:instruments": ListPage("psw", 10, grow_instruments),
    "measures:person-scores": ListPage("psw", 23, grow_person_scores),
    "measures:my-measures": ListPage("service_user_login", 26, grow_person_scores),
    "measures:summary": ListPage("lead", 17, grow_measures_summary),
    "measures:schedules": ListPage("admin", 10, grow_schedules),
    # evaluation
    "evaluation:studies": ListPage("lead", 11, grow_studies),
    "evaluation:study": ListPage("evaluator", 21, grow_study),
    "evaluation:items": ListPage("evaluator", 23, grow_items),
    "evaluation:surveys": ListPage("evaluator", 18, grow_survey_links),
    "evaluation:invitations": ListPage("evaluator", 23, grow_invitations),
    "evaluation:paper-forms": ListPage("evaluator", 14, grow_paper_forms),
    "evaluation:members": ListPage("admin", 12, grow_members),
    "evaluation:participants": ListPage("evaluator", 20, grow_participants, page_size=50),
    "evaluation:manage": ListPage("evaluator", 18, grow_manage),
    "evaluation:manage-approvals": ListPage("evaluator", 16, grow_manage),
    "evaluation:manage-instruments": ListPage("evaluator", 16, grow_cohorts),
    # workforce
    "workforce:overview": ListPage("lead", 20, grow_overview),
    "workforce:supervision": ListPage("psw", 10, grow_supervision),
    "workforce:supervision (supervisor)": ListPage(
        "supervisor", 11, grow_supervisee_sessions, url_name="workforce:supervision"
    ),
    "workforce:coverage": ListPage("lead", 13, grow_coverage),
    "workforce:supervision-log": ListPage("supervisor", 14, grow_supervisees),
    "workforce:peer-group-log": ListPage("supervisor", 10, grow_region_psws),
    "workforce:readiness-record": ListPage("lead", 11, grow_readiness_history),
    "workforce:cpd": ListPage("lead", 19, grow_cpd),
    "workforce:cpd (supervisor)": ListPage(
        "supervisor", 18, grow_supervisee_cpd, url_name="workforce:cpd"
    ),
    "workforce:roles": ListPage("lead", 13, grow_roles),
    "workforce:readiness": ListPage("lead", 11, grow_readiness),
    "workforce:pulse": ListPage("lead", 9, grow_pulse),
    "workforce:exchange": ListPage("psw", 14, grow_exchange),
    "workforce:thread": ListPage("psw", 22, grow_thread),
    "workforce:guidance": ListPage("psw", 11, grow_guidance),
    "workforce:guidance-document": ListPage("psw", 10, grow_guidance_document),
    # qualitative
    "qualitative:projects": ListPage("evaluator", 10, grow_qual_projects),
    "qualitative:project": ListPage("evaluator", 15, grow_qual_project),
    "qualitative:source": ListPage("evaluator", 35, grow_qual_source),
    "qualitative:codebook": ListPage("evaluator", 14, grow_codebook),
    "qualitative:code": ListPage("evaluator", 28, grow_code),
    "qualitative:quotes": ListPage("evaluator", 31, grow_quotes),
    "qualitative:agreement": ListPage("evaluator", 20, grow_agreement),
    "qualitative:assist": ListPage("evaluator", 23, grow_assist, page_size=20),
    # privacy and reports
    "privacy:requests": ListPage("admin", 15, grow_privacy_requests, query="?q=Niamh"),
    "reports:report": ListPage("evaluator", 14, grow_report),
}


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response.content.decode()


@pytest.mark.parametrize("key", sorted(PAGES))
def test_a_list_page_costs_the_same_queries_for_few_or_many_records(key, personas):
    page = PAGES[key]
    name = page.url_name or key
    rule = RULES[name]
    assert page.persona in rule.allowed, f"{page.persona} may not open {name}"
    url = reverse(name, kwargs=rule.kwargs(personas) if rule.kwargs else None) + page.query
    client = Client()
    client.force_login(personas.user(page.persona))

    page.grow(personas, range(0, 2))
    client.get(url)  # the first request fills per-process caches (content types, instruments)
    few, _ = _count(client, url)
    more = max(10, page.page_size + 5)
    shown = page.grow(personas, range(2, 2 + more))
    many, html = _count(client, url)

    seen = sum(text in html for text in shown)
    # A paginated page shows a page of them; any other page shows them all.
    wanted = min(len(shown), page.page_size // 2) if page.page_size else len(shown)
    assert seen >= wanted, f"the larger page shows {seen} of the {len(shown)} records added"
    assert (few, many) == (page.queries, page.queries), (key, few, many)
