"""Advocacy: the PSW raises it, the team's clinicians answer, both (and the supervisor) read it."""

from django.utils import timezone

from alongside.practice.actions.advocacy import raise_advocacy
from alongside.practice.models import AdvocacyItem
from tests.integration.url_rules import Rule, roles

REQUEST = "Wants the team to review the evening medication that makes her drowsy"


def item_of_su_a(p):
    existing = AdvocacyItem.objects.filter(service_user=p.su_a, request=REQUEST).first()
    if existing is not None:
        return existing
    return raise_advocacy(
        by=p.psw.user, service_user=p.su_a, request=REQUEST, recorded_on=timezone.localdate()
    )


def _item(p):
    return {"pk": item_of_su_a(p).pk}


def _secret(p):
    return item_of_su_a(p).request


RULES: dict[str, Rule] = {
    "practice:team-advocacy": Rule(
        allowed=roles("psw", "psw_b", "senior", "supervisor", "clinician"),
        secret=_secret,
        sees_secret=roles("psw", "supervisor", "clinician"),
    ),
    "practice:advocacy": Rule(
        allowed=roles("psw", "supervisor", "clinician"), kwargs=_item, secret=_secret
    ),
    "practice:advocacy-outcome": Rule(
        allowed=roles("psw", "clinician"), kwargs=_item, secret=_secret
    ),
    "practice:advocacy-withdraw": Rule(allowed=roles("psw"), kwargs=_item, secret=_secret),
    "practice:advocacy-create": Rule(
        allowed=roles("psw"),
        kwargs=lambda p: {"pk": p.su_a.pk},
        secret=lambda p: p.su_a.preferred_name,
    ),
}
