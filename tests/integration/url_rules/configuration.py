"""Configuration pages: the contact activity list and the measure schedules (administrators)."""

from alongside.practice.models import Activity
from tests.integration.url_rules import Rule, roles

ADMIN = roles("admin")


def _activity(p):
    return {"pk": Activity.objects.get(code="emotional-support").pk}


RULES = {
    "practice:activities": Rule(allowed=ADMIN),
    "practice:activity-create": Rule(allowed=ADMIN),
    "practice:activity-edit": Rule(allowed=ADMIN, kwargs=_activity),
    "measures:schedules": Rule(allowed=ADMIN),
    "measures:schedule-edit": Rule(allowed=ADMIN, kwargs=lambda p: {"code": "chime-support"}),
}
