"""Contacts: only the PSW whose caseload it is logs and corrects; their supervisor reads."""

import importlib

import factory
from django.utils import timezone

from alongside.practice.models import Activity, Contact
from tests.integration.url_rules import Rule, roles

NOTE = "Chose the seafront walk and led the way"


class ContactFactory(factory.django.DjangoModelFactory):
    """A one-to-one contact in the service user's current episode, by its worker."""

    class Meta:
        model = Contact

    episode = factory.LazyAttribute(lambda c: c.service_user.caseload_entries.get(end=None))
    service_user = factory.SubFactory("tests.factories.ServiceUserFactory")
    worker = factory.LazyAttribute(lambda c: c.episode.worker)
    date = factory.LazyFunction(timezone.localdate)
    duration_minutes = 45
    mode = "in-person"
    setting = "community"
    note = NOTE


def ensure_default_activities():
    """Put back the activities a data migration seeds, if a transactional test flushed them.

    Browser tests run in transactions that end by emptying every table, and pytest may order a
    test that needs the seeded list after them.
    """
    seeded = importlib.import_module("alongside.practice.migrations.0003_default_activities")
    for order, (code, label) in enumerate(seeded.ACTIVITIES):
        Activity.objects.get_or_create(code=code, defaults={"label": label, "order": order})


def _contact(p):
    contact = Contact.objects.filter(service_user=p.su_a, note=NOTE).first()
    return contact or ContactFactory(service_user=p.su_a)


RULES: dict[str, Rule] = {
    "practice:contacts": Rule(
        allowed=roles("psw", "supervisor"),
        kwargs=lambda p: {"pk": _contact(p).service_user_id},
        secret=lambda p: NOTE,
    ),
    "practice:contact-create": Rule(
        allowed=roles("psw"),
        kwargs=lambda p: {"pk": p.su_a.pk},
        secret=lambda p: p.su_a.preferred_name,
    ),
    "practice:contact-edit": Rule(
        allowed=roles("psw"), kwargs=lambda p: {"pk": _contact(p).pk}, secret=lambda p: NOTE
    ),
    "practice:contact-delete": Rule(
        allowed=roles("psw"),
        kwargs=lambda p: {"pk": _contact(p).pk},
        secret=lambda p: p.su_a.reference,
    ),
}
