"""Data requests (subject access, erasure, anonymisation): administrators only."""

from alongside.evaluation.models import Participant
from tests.integration.url_rules import Rule, roles
from tests.integration.url_rules.qualitative import qual_project
from tests.pseudonyms import by_code

ADMIN = roles("admin")


def interviewed_participant(personas=None) -> Participant:
    """SU-1 of the qualitative test study: answers, consent and words in a coded interview."""
    project = qual_project(personas)
    return Participant.objects.get(study=project.study, **by_code("SU-1"))


def _participant(p):
    return {"pk": interviewed_participant(p).pk}


RULES = {
    "privacy:requests": Rule(allowed=ADMIN, data={"q": "Niamh"}, secret=lambda p: "Niamh"),
    "privacy:service-user": Rule(
        allowed=ADMIN, kwargs=lambda p: {"pk": p.su_a.pk}, secret=lambda p: p.su_a.preferred_name
    ),
    "privacy:service-user-export": Rule(
        allowed=ADMIN,
        kwargs=lambda p: {"pk": p.su_a.pk},
        method="post",
        data={"request_reference": "REQ-SWEEP"},
        secret=lambda p: p.su_a.preferred_name,
        sees_secret=frozenset(),
    ),
    "privacy:service-user-erase": Rule(
        allowed=ADMIN, kwargs=lambda p: {"pk": p.su_a.pk}, secret=lambda p: p.su_a.reference
    ),
    "privacy:participant": Rule(allowed=ADMIN, kwargs=_participant),
    "privacy:participant-export": Rule(
        allowed=ADMIN,
        kwargs=_participant,
        method="post",
        data={"request_reference": "REQ-SWEEP"},
    ),
    "privacy:participant-erase": Rule(allowed=ADMIN, kwargs=_participant),
}
