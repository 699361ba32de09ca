"""Qualitative analysis: only evaluators who are members of the study reach its project.

Programme leads and administrators see no page of it; what participants said (a line of a
transcript) appears for nobody else. `qual_project` builds the small study the tests share.
"""

import datetime

import yaml

from alongside.evaluation import actions as evaluation_actions
from alongside.evaluation.models import ConsentPurpose, Participant, Study
from alongside.evaluation.studyfile import parse_study
from alongside.qualitative import actions
from alongside.qualitative.models import Code, Coding, Project, Source
from tests.integration.url_rules import Rule, roles
from tests.pseudonyms import by_code

SLUG = "qual-study"
STUDY = """slug: qual-study
title: Talking about peer support
sites:
  - {code: north, name: Northside}
  - {code: south, name: Southside}
cohorts:
  - {code: service-users, name: Service users}
  - {code: providers, name: Service providers}
approvals:
  - {site: north, cohort: service-users, status: approved}
  - {site: south, cohort: service-users, status: approved}
  - {site: north, cohort: providers, status: approved}
  - {site: south, cohort: providers, status: approved}
"""
PARTICIPANTS = (
    "participant,cohort,site,method,team_type\n"
    "SU-1,service-users,north,interview,\n"
    "SU-2,service-users,north,interview,\n"
    "SU-3,service-users,south,focus-group,\n"
    "PR-1,providers,north,focus-group,\n"
)
TRANSCRIPT = (
    "Interviewer: What was it like meeting your peer support worker?\n"
    "SU-1: Aoife just listened. Nobody at Riverside CMHT had time like that.\n"
    "Interviewer: And now?\n"
    "SU-1: I go to the walking group on Tuesdays.\n"
)
SECRET = "Nobody at Riverside CMHT had time like that"


def qual_study(personas=None) -> Study:
    """The study, its four participants (SU-1 and SU-2 agreed to be quoted) and, with personas,
    the evaluator persona as a member."""
    study = Study.objects.filter(slug=SLUG).first()
    if study is None:
        definition = parse_study(yaml.safe_load(STUDY), source="test", text=STUDY, available={})
        study, _ = evaluation_actions.load_study(by=None, definition=definition)
        evaluation_actions.import_participants(
            by=None, study=study, data=PARTICIPANTS.encode(), filename="p.csv"
        )
        for code in ("SU-1", "SU-2"):
            evaluation_actions.record_consent(
                by=None,
                participant=Participant.objects.get(study=study, **by_code(code)),
                purpose=ConsentPurpose.QUOTE_ANONYMOUSLY,
                given=True,
                information_sheet_version="1",
                date=datetime.date(2025, 1, 6),
            )
    if personas is not None:
        evaluation_actions.add_study_member(by=None, study=study, user=personas.user("evaluator"))
    return study


def qual_project(personas=None) -> Project:
    """The project with one coded interview and a two-level codebook."""
    study = qual_study(personas)
    existing = Project.objects.filter(study=study).first()
    if existing is not None:
        return existing
    project = actions.start_project(by=None, study=study)
    theme = actions.create_code(by=None, project=project, name="Connection", is_codable=False)
    listened = actions.create_code(
        by=None, project=project, name="Being listened to", parent=theme, definition="Heard."
    )
    actions.create_code(by=None, project=project, name="Groups", parent=theme)
    source = actions.add_transcript(
        by=None, project=project, data=TRANSCRIPT.encode(), filename="interview-1.txt"
    )
    coder = personas.user("evaluator") if personas is not None else None
    if coder is not None:
        segment = source.segments.get(order=1)
        coding = actions.code_segment(by=coder, segment=segment, codes=[listened])[0]
        actions.mark_quote(by=coder, coding=coding)
    return project


def _slug(p):
    return {"slug": qual_project(p).study.slug}


def _source(p):
    project = qual_project(p)
    return {"slug": project.study.slug, "pk": Source.objects.get(project=project).pk}


def _code(p):
    project = qual_project(p)
    return {"slug": project.study.slug, "pk": Code.objects.get(project=project, name="Groups").pk}


def _coding(p):
    project = qual_project(p)
    return {"slug": project.study.slug, "pk": Coding.objects.filter(source__project=project)[0].pk}


def _speaker(p):
    project = qual_project(p)
    source = Source.objects.get(project=project)
    return {"slug": project.study.slug, "pk": source.speakers.get(label="SU-1").pk}


def _secret(p):
    qual_project(p)
    return SECRET


MEMBERS = roles("evaluator")
REDIRECT = (302,)


def _post(kwargs, data=None):
    return Rule(allowed=MEMBERS, kwargs=kwargs, method="post", ok_status=REDIRECT, data=data or {})


RULES: dict[str, Rule] = {
    "qualitative:projects": Rule(allowed=MEMBERS),
    "qualitative:start": _post(lambda p: {"slug": qual_study(p).slug}),
    "qualitative:project": Rule(allowed=MEMBERS, kwargs=_slug),
    "qualitative:phase": _post(_slug, {"phase": "2-coding"}),
    "qualitative:add-memo": _post(_slug, {"text": "A thought."}),
    "qualitative:add-transcript": Rule(allowed=MEMBERS, kwargs=_slug),
    "qualitative:import-answers": Rule(allowed=MEMBERS, kwargs=_slug),
    "qualitative:source": Rule(
        allowed=MEMBERS, kwargs=_source, secret=_secret, sees_secret=MEMBERS
    ),
    "qualitative:apply-codes": _post(_source),
    "qualitative:source-memo": _post(_source, {"text": "On this source."}),
    "qualitative:speaker": Rule(allowed=MEMBERS, kwargs=_speaker),
    "qualitative:remove-coding": _post(_coding),
    "qualitative:mark-quote": _post(_coding),
    "qualitative:undo": _post(_slug),
    "qualitative:codebook": Rule(allowed=MEMBERS, kwargs=_slug),
    "qualitative:code": Rule(allowed=MEMBERS, kwargs=_code),
    "qualitative:move-code": _post(_code),
    "qualitative:merge-code": _post(_code),
    "qualitative:split-code": _post(_code),
    "qualitative:delete-code": _post(_code),
    "qualitative:code-memo": _post(_code, {"text": "On this code."}),
    "qualitative:quotes": Rule(allowed=MEMBERS, kwargs=_slug),
}


# --- Agreement, assisted coding and REFI-QDA exchange in the browser ---------------------------


def _run(p):
    """A suggestion run of the shared project, measured, with one stored suggestion."""
    from alongside.qualitative.models import SuggestionRun

    project = qual_project(p)
    run = SuggestionRun.objects.filter(project=project).first()
    if run is None:
        run = actions.start_suggestion_run(
            by=p.user("evaluator"),
            project=project,
            method="tfidf",
            model_name="TF-IDF + logistic regression (scikit-learn)",
            model_version="test",
            total=3,
        )
        segment = Source.objects.get(project=project).segments.get(order=3)
        groups = Code.objects.get(project=project, name="Groups")
        actions.store_suggestions(
            by=None, run=run, expected_done=0, suggested={segment.pk: [(groups.pk, 0.6)]}
        )
    return run


def _run_kwargs(p):
    run = _run(p)
    return {"slug": run.project.study.slug, "pk": run.pk}


def _suggestion(p):
    run = _run(p)
    return {"slug": run.project.study.slug, "pk": run.suggestions.first().pk}


RULES |= {
    "qualitative:agreement": Rule(allowed=MEMBERS, kwargs=_slug),
    "qualitative:assist": Rule(allowed=MEMBERS, kwargs=_slug),
    "qualitative:assist-run": _post(_slug),
    "qualitative:assist-step": _post(_run_kwargs),
    "qualitative:assist-decide": _post(_suggestion, {"decision": "reject"}),
    "qualitative:exchange": Rule(allowed=MEMBERS, kwargs=_slug),
    "qualitative:export-qdpx": Rule(allowed=MEMBERS, kwargs=_slug),
    "qualitative:export-qdc": Rule(allowed=MEMBERS, kwargs=_slug),
    "qualitative:import-qdpx": Rule(allowed=MEMBERS, kwargs=lambda p: {"slug": qual_study(p).slug}),
}
