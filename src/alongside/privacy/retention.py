"""How long each kind of record is kept, and which records are due for removal today.

Defaults are below; `ALONGSIDE_RETENTION` in the settings (a JSON object in the environment
variable of the same name) changes the period or the action of any rule, for example
`{"contact-notes": {"years": 10}}`. docs/security.md#retention lists the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q

from alongside.core.models import Notification
from alongside.evaluation.models import Invitation, PaperEntry, PaperFormStatus
from alongside.practice.models import CaseloadEntry, Contact, Referral, ReferralStatus, ServiceUser

ANONYMISE = "anonymise"
DELETE = "delete"
KEEP = "keep"
SERVICE_USERS = "service-users"


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _contact_notes(cutoff: dt.date, action: str) -> list[Any]:
    contacts = Contact.objects.filter(episode__status="ended", episode__end__lt=cutoff)
    if action == ANONYMISE:
        contacts = contacts.exclude(note="")
    return list(contacts.order_by("pk"))


def _service_users(cutoff: dt.date, action: str) -> list[Any]:
    recent_or_open = CaseloadEntry.objects.filter(service_user=OuterRef("pk")).filter(
        Q(end__isnull=True) | Q(end__gte=cutoff)
    )
    recent_referral = Referral.objects.filter(service_user=OuterRef("pk")).filter(
        Q(received_on__gte=cutoff)
        | Q(status__in=[ReferralStatus.PENDING, ReferralStatus.WAITING_LIST])
    )
    people = ServiceUser.objects.filter(
        ~Exists(recent_or_open), ~Exists(recent_referral), caseload_entries__isnull=False
    ).distinct()
    if action == ANONYMISE:
        people = people.exclude(reference__startswith="ERASED-")
    return list(people.order_by("pk"))


def _invitations(cutoff: dt.date, action: str) -> list[Any]:
    return list(Invitation.objects.filter(participant__study__period_end__lt=cutoff).order_by("pk"))


def _paper_entries(cutoff: dt.date, action: str) -> list[Any]:
    return list(
        PaperEntry.objects.filter(
            form__status=PaperFormStatus.VERIFIED, form__study__period_end__lt=cutoff
        ).order_by("pk")
    )


def _notifications(cutoff: dt.date, action: str) -> list[Any]:
    return list(Notification.objects.filter(created_at__date__lt=cutoff).order_by("pk"))


def _nothing(cutoff: dt.date, action: str) -> list[Any]:
    return []


@dataclass(frozen=True)
class Rule:
    code: str
    what: str  # the records, in plain words ("contact notes of ended episodes")
    after: str  # when the period starts ("after the episode ended")
    years: int
    action: str
    actions: tuple[str, ...]  # the actions this rule may be set to
    find: Callable[[dt.date, str], list[Any]]

    def due(self, today: dt.date) -> list[Any]:
        if self.action == KEEP:
            return []
        return self.find(years_before(today, self.years), self.action)

    def describe(self) -> str:
        if self.action == KEEP:
            return f"{self.what}: kept; never removed automatically"
        verb = "anonymised" if self.action == ANONYMISE else "deleted"
        return f"{self.what}: {verb} {self.years} years {self.after}"


DEFAULT_RULES = (
    Rule(
        "contact-notes",
        "Contact notes of ended episodes",
        "after the episode ended",
        8,
        ANONYMISE,
        (ANONYMISE, DELETE),
        _contact_notes,
    ),
    Rule(
        SERVICE_USERS,
        "Service users' whole records, once every episode has ended",
        "after the last episode ended (and no referral since)",
        8,
        ANONYMISE,
        (ANONYMISE, DELETE),
        _service_users,
    ),
    Rule(
        "survey-invitations",
        "Personal survey links of a study",
        "after the study period ended",
        1,
        DELETE,
        (DELETE,),
        _invitations,
    ),
    Rule(
        "paper-entries",
        "Keyed copies of verified paper forms (the verified answers stay)",
        "after the study period ended",
        1,
        DELETE,
        (DELETE,),
        _paper_entries,
    ),
    Rule(
        "notifications",
        "Notifications",
        "after they were sent",
        1,
        DELETE,
        (DELETE,),
        _notifications,
    ),
    Rule("audit-trail", "The audit trail", "", 0, KEEP, (KEEP,), _nothing),
)


def configured_rules(overrides: dict[str, Any] | None = None) -> tuple[Rule, ...]:
    """The default rules with the settings' changes applied; a wrong setting fails loudly."""
    if overrides is None:
        overrides = getattr(settings, "ALONGSIDE_RETENTION", {}) or {}
    known = {rule.code: rule for rule in DEFAULT_RULES}
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ImproperlyConfigured(f"ALONGSIDE_RETENTION names no such rule: {unknown}")
    rules = []
    for rule in DEFAULT_RULES:
        change = overrides.get(rule.code, {})
        if not isinstance(change, dict) or set(change) - {"years", "action"}:
            raise ImproperlyConfigured(
                f"ALONGSIDE_RETENTION[{rule.code!r}] may set only 'years' and 'action'."
            )
        years = change.get("years", rule.years)
        action = change.get("action", rule.action)
        if action not in rule.actions:
            raise ImproperlyConfigured(
                f"ALONGSIDE_RETENTION[{rule.code!r}]: the action must be one of {rule.actions}."
            )
        if action != KEEP and (not isinstance(years, int) or isinstance(years, bool) or years < 1):
            raise ImproperlyConfigured(
                f"ALONGSIDE_RETENTION[{rule.code!r}]: years must be a whole number from 1."
            )
        rules.append(replace(rule, years=years, action=action))
    return tuple(rules)


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    count: int
    applied: bool

    def line(self) -> str:
        if self.rule.action == KEEP:
            return f"{self.rule.code}: kept (never removed automatically)"
        verb = "anonymised" if self.rule.action == ANONYMISE else "deleted"
        if not self.applied:
            verb = f"would be {verb}"
        return f"{self.rule.code}: {self.count} {verb}"
