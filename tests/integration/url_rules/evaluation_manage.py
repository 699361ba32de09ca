"""Managing a study: settings and participants for its members (the evaluator persona),
membership for administrators, study-file upload for whoever may create studies. Participant
codes appear on no page."""

import yaml

from alongside.evaluation import actions
from alongside.evaluation.actions.manage import available_instruments
from alongside.evaluation.models import Participant, Study, StudyMember
from alongside.evaluation.studyfile import parse_study
from tests.integration.url_rules import Rule, roles

SLUG = "manage-sweep"
CODE = "SWEEP-CODE-77"
STUDY_FILE = f"""slug: {SLUG}
title: A study to sweep
sites:
  - {{code: CHO1, name: Region one}}
  - {{code: CHO2, name: Region two}}
cohorts:
  - {{code: service-users, name: Service users}}
approvals:
  - {{site: CHO1, cohort: service-users, status: approved}}
"""
MEMBERS = roles("evaluator")


def sweep_study(personas) -> Study:
    """A small study with one participant, the evaluator persona its member."""
    existing = Study.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    definition = parse_study(
        yaml.safe_load(STUDY_FILE),
        source="s.yaml",
        text=STUDY_FILE,
        available=available_instruments(),
    )
    study, _ = actions.load_study(by=None, definition=definition)
    actions.add_study_member(by=None, study=study, user=personas.user("evaluator"))
    actions.import_participants(
        by=None,
        study=study,
        data=f"participant,cohort,site,method\n{CODE},service-users,CHO1,interview\n".encode(),
        filename="p.csv",
    )
    return study


def _study(p):
    return {"slug": sweep_study(p).slug}


def _secret(p):
    sweep_study(p)
    return CODE


def _person(p):
    study = sweep_study(p)
    return {"slug": study.slug, "pseudonym": Participant.objects.get(study=study).pseudonym}


def _member(p):
    study = sweep_study(p)
    return {"slug": study.slug, "pk": StudyMember.objects.get(study=study).pk}


def _members_rule(**kwargs):
    return Rule(allowed=roles("admin"), kwargs=_member, method="post", ok_status=(302,), **kwargs)


RULES: dict[str, Rule] = {
    "evaluation:study-upload": Rule(allowed=roles("evaluator", "admin")),
    "evaluation:manage": Rule(allowed=MEMBERS, kwargs=_study),
    "evaluation:manage-details": Rule(allowed=MEMBERS, kwargs=_study),
    "evaluation:manage-approvals": Rule(allowed=MEMBERS, kwargs=_study),
    "evaluation:manage-instruments": Rule(allowed=MEMBERS, kwargs=_study),
    "evaluation:manage-place-add": Rule(
        allowed=MEMBERS, kwargs=lambda p: {**_study(p), "kind": "site"}
    ),
    "evaluation:manage-place-rename": Rule(
        allowed=MEMBERS, kwargs=lambda p: {**_study(p), "kind": "site", "code": "CHO1"}
    ),
    "evaluation:manage-place-remove": Rule(
        allowed=MEMBERS, kwargs=lambda p: {**_study(p), "kind": "site", "code": "CHO2"}
    ),
    "evaluation:study-file": Rule(allowed=MEMBERS, kwargs=_study),
    "evaluation:members": Rule(allowed=roles("admin"), kwargs=_study),
    "evaluation:member-identifiers": _members_rule(data={"may_see_identifiers": "on"}),
    "evaluation:member-remove": _members_rule(),
    "evaluation:participants": Rule(
        allowed=MEMBERS, kwargs=_study, secret=_secret, sees_secret=frozenset()
    ),
    "evaluation:participants-import": Rule(allowed=MEMBERS, kwargs=_study),
    "evaluation:participant": Rule(
        allowed=MEMBERS, kwargs=_person, secret=_secret, sees_secret=frozenset()
    ),
    "evaluation:participant-consent": Rule(
        allowed=MEMBERS, kwargs=_person, secret=_secret, sees_secret=frozenset()
    ),
    "evaluation:participant-withdraw": Rule(
        allowed=MEMBERS, kwargs=_person, secret=_secret, sees_secret=frozenset()
    ),
}
