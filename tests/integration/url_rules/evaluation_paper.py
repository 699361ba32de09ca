"""Paper forms: only evaluators who are members of the study key, second-enter or resolve them.

Leads and administrators see the study but never its paper forms; a participant code keyed on
a form appears on none of the list pages (the second entry is blind).
"""

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from alongside.core.access import RoleCode
from alongside.evaluation.actions import add_study_member, import_participants, import_responses
from alongside.evaluation.actions.paper import enter_paper_form
from alongside.evaluation.models import PaperForm, PaperFormStatus, Study
from tests import factories
from tests.integration.url_rules import Rule, roles

SLUG = "paper-study"
STUDY = f"""slug: {SLUG}
title: Paper questionnaires
methods: [paper-survey, online-survey, interview]
sites:
  - {{code: CHO1, name: Region one}}
  - {{code: CHO2, name: Region two}}
  - {{code: CHO3, name: Region three}}
  - {{code: CHO5, name: Region five}}
cohorts:
  - {{code: service-users, name: Service users}}
  - {{code: providers, name: Service providers}}
approvals:
  - {{site: CHO1, cohort: service-users, status: approved}}
  - {{site: CHO2, cohort: service-users, status: approved}}
  - {{site: CHO3, cohort: service-users, status: approved}}
  - {{site: CHO5, cohort: service-users, status: not-applicable}}
  - {{site: CHO1, cohort: providers, status: approved}}
instruments:
  service-users: [su-experience]
  providers: [provider-survey]
"""
ITEMS = (
    "valued",
    "services",
    "recovery",
    "lead_recovery",
    "control",
    "hope",
    "understood",
    "community",
    "find_way",
    "heard",
)
# SU-101 is registered (interviewed) without answers; SU-001 answered su-experience online.
PARTICIPANTS = b"participant,cohort,site,method\nSU-101,service-users,CHO1,interview\n"
RESPONSES = (
    f"participant,site,method,{','.join(ITEMS)}\nSU-001,CHO2,online-survey,{','.join('3' * 10)}\n"
).encode()
FORM_CODE = "SU-PAPER-555"


def paper_study(members=()) -> Study:
    """A small study for paper entry (much quicker to build than the example); `members` join."""
    study = Study.objects.filter(slug=SLUG).first()
    if study is None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "study.yaml"
            path.write_text(STUDY, encoding="utf-8")
            call_command("study", "load", str(path), stdout=StringIO(), stderr=StringIO())
        study = Study.objects.get(slug=SLUG)
        import_participants(by=None, study=study, data=PARTICIPANTS, filename="p.csv")
        import_responses(
            by=None,
            study=study,
            cohort_code="service-users",
            instrument_code="su-experience",
            data=RESPONSES,
            filename="r.csv",
        )
    for user in members:
        add_study_member(by=None, study=study, user=user)
    return study


def evaluator(study=None, username=None):
    """Another evaluator (a member of `study` if given)."""
    person = factories.PersonFactory(
        user=factories.UserFactory(**({"username": username} if username else {}))
    )
    factories.MembershipFactory(person=person, team=None, role=RoleCode.EVALUATOR)
    if study is not None:
        add_study_member(by=None, study=study, user=person.user)
    return person.user


def _study(p):
    return {"slug": paper_study([p.user("evaluator")]).slug}


def _waiting_form(p):
    """A form keyed once by someone else, so the evaluator persona may key its second entry."""
    study = paper_study([p.user("evaluator")])
    form = PaperForm.objects.filter(study=study, reference="URL-1").first()
    if form is None:
        form = enter_paper_form(
            by=evaluator(study),
            study=study,
            reference="URL-1",
            participant_code=FORM_CODE,
            site_code="CHO1",
            cohort_code="service-users",
            instrument_code="su-experience",
            answers={},
            double_entry=True,
        )
    assert form.status == PaperFormStatus.AWAITING_SECOND_ENTRY
    return form


def _form_kwargs(p):
    form = _waiting_form(p)
    return {"slug": form.study.slug, "pk": form.pk}


def _form_code(p):
    _waiting_form(p)
    return FORM_CODE


EVALUATOR = roles("evaluator")
RULES: dict[str, Rule] = {
    "evaluation:paper-forms": Rule(
        allowed=EVALUATOR,
        kwargs=lambda p: {"slug": _waiting_form(p).study.slug},
        secret=_form_code,
        sees_secret=frozenset(),
    ),
    "evaluation:paper-new": Rule(allowed=EVALUATOR, kwargs=_study),
    "evaluation:paper-key": Rule(
        allowed=EVALUATOR,
        kwargs=lambda p: {
            **_study(p),
            "cohort": "service-users",
            "instrument": "su-experience",
        },
    ),
    "evaluation:paper-second": Rule(
        allowed=EVALUATOR, kwargs=_form_kwargs, secret=_form_code, sees_secret=frozenset()
    ),
    "evaluation:paper-resolve": Rule(
        allowed=EVALUATOR, kwargs=_form_kwargs, secret=_form_code, sees_secret=frozenset()
    ),
}
