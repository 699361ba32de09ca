"""Online surveys: the two public pages open for anyone holding a valid link, signed in or not,
and show no participant code; the evaluator's pages are for members of the study only (the
evaluator persona is a member of the example study; leads and administrators are not)."""

from alongside.evaluation.actions.surveys import (
    create_invitations,
    create_survey_link,
    hash_token,
)
from alongside.evaluation.models import Invitation, Participant
from tests.integration.url_rules import ALL, Rule, roles
from tests.integration.url_rules.evaluation import load_example

MEMBER = roles("evaluator")


def _study(p):
    return {"slug": load_example(p).slug}


def _a_participant_code(p):
    load_example(p)
    return "SU-101"


def _link(p):
    study = load_example(p)
    link = create_survey_link(
        by=p.user("evaluator"),
        study=study,
        site=study.sites.get(code="CHO1"),
        cohort=study.cohorts.get(code="service-users"),
    )
    return link


def _personal_token(p):
    study = load_example(p)
    person = (
        Participant.objects.filter(study=study, invitations__isnull=True)
        .order_by("pseudonym")
        .first()
    )
    ((_, token),) = create_invitations(by=p.user("evaluator"), study=study, participants=[person])
    return token


def _an_invitation(p):
    token = _personal_token(p)
    return Invitation.objects.get(token_hash=hash_token(token))


_NO_CODE = {"secret": _a_participant_code, "sees_secret": frozenset()}

RULES: dict[str, Rule] = {
    # Public on purpose: links for people without an account.
    "evaluation:survey": Rule(
        allowed=ALL, public=True, kwargs=lambda p: {"token": _link(p).token}, **_NO_CODE
    ),
    "evaluation:invitation": Rule(
        allowed=ALL, public=True, kwargs=lambda p: {"token": _personal_token(p)}, **_NO_CODE
    ),
    "evaluation:surveys": Rule(allowed=MEMBER, kwargs=_study, **_NO_CODE),
    "evaluation:survey-link-create": Rule(
        allowed=MEMBER, kwargs=_study, method="post", ok_status=(302,)
    ),
    "evaluation:survey-link-close": Rule(
        allowed=MEMBER,
        kwargs=lambda p: {"slug": load_example(p).slug, "pk": _link(p).pk},
        method="post",
        ok_status=(302,),
    ),
    "evaluation:invitations": Rule(allowed=MEMBER, kwargs=_study, **_NO_CODE),
    # Without a site and cohort chosen, the evaluator is sent back to the page with the error.
    "evaluation:invitations-create": Rule(
        allowed=MEMBER, kwargs=_study, method="post", ok_status=(302,)
    ),
    "evaluation:invitation-revoke": Rule(
        allowed=MEMBER,
        kwargs=lambda p: {"slug": load_example(p).slug, "pk": _an_invitation(p).pk},
        method="post",
        ok_status=(302,),
    ),
}
