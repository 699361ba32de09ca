"""Outcome measures: PSWs record for their own caseload, supervisors read, the person sees
their own, leads see aggregates only, clinicians and evaluators see the instrument list only."""

from django.utils import timezone

from alongside.measures.actions import create_survey_link, record_administration
from alongside.measures.models import Administration, AdministrationMode, InstrumentVersion
from tests.integration.url_rules import ALL, Rule, roles

STAFF = roles("psw", "psw_b", "senior", "supervisor", "clinician", "lead", "evaluator", "admin")


def chime():
    return InstrumentVersion.objects.get(code="chime-support", version="1.0")


def administration_of_su_a(p):
    existing = Administration.objects.filter(service_user=p.su_a).first()
    if existing is not None:
        return existing
    return record_administration(
        by=p.psw.user,
        service_user=p.su_a,
        instrument_version=chime(),
        text_pack=None,
        administered_on=timezone.localdate(),
        mode=AdministrationMode.WITH_PSW,
        answers={"connectedness": 3, "hope": 2, "identity": 4, "meaning": 1, "empowerment": 3},
    )


def _link(p):
    _, token = create_survey_link(
        by=p.psw.user, service_user=p.su_a, instrument_version=chime(), text_pack=None
    )
    return {"token": token}


_SU_A = {"kwargs": lambda p: {"pk": p.su_a.pk}, "secret": lambda p: p.su_a.preferred_name}

RULES: dict[str, Rule] = {
    "measures:instruments": Rule(allowed=STAFF),
    "measures:questionnaire-fhir": Rule(
        allowed=STAFF, kwargs=lambda p: {"code": "chime-support", "version": "1.0"}
    ),
    "measures:person-scores": Rule(allowed=roles("psw", "supervisor"), **_SU_A),
    "measures:administer": Rule(
        allowed=roles("psw"),
        kwargs=lambda p: {"pk": p.su_a.pk, "code": "chime-support"},
        secret=lambda p: p.su_a.preferred_name,
    ),
    "measures:link-create": Rule(
        allowed=roles("psw"), method="post", data={"instrument": "chime-support"}, **_SU_A
    ),
    "measures:administration-fhir": Rule(
        allowed=roles("psw", "supervisor"),
        kwargs=lambda p: {"pk": administration_of_su_a(p).pk},
        secret=lambda p: p.su_a.reference,
    ),
    "measures:my-measures": Rule(allowed=roles("service_user_login")),
    "measures:my-complete": Rule(
        allowed=roles("service_user_login"), kwargs=lambda p: {"code": "chime-support"}
    ),
    "measures:summary": Rule(allowed=roles("lead")),
    # Public on purpose: a valid single-use link opens for anyone holding it, signed in or not,
    # and shows no name (the secret must not appear for anyone).
    "measures:survey-link": Rule(
        allowed=ALL,
        public=True,
        kwargs=_link,
        secret=lambda p: p.su_a.preferred_name,
        sees_secret=frozenset(),
    ),
}
