"""What a service user wants raised with their team, and what the team did about it."""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from alongside.organisation.models import Person, Team
from alongside.practice.models.people import CaseloadEntry, ServiceUser
from alongside.practice.models.versioned import Versioned


class AdvocacyOutcome(models.TextChoices):
    WAITING = "waiting", "Not raised yet"
    RAISED = "raised", "Raised, awaiting response"
    AGREED = "agreed", "Agreed"
    PARTLY = "partly", "Partly agreed"
    NOT_AGREED = "not-agreed", "Not agreed"
    WITHDRAWN = "withdrawn", "Withdrawn by the service user"


class AdvocacyItem(Versioned):
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="advocacy_items"
    )
    episode = models.ForeignKey(
        CaseloadEntry,
        on_delete=models.PROTECT,
        related_name="advocacy_items",
        null=True,
        blank=True,
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="advocacy_items")
    request = models.TextField("What the person wants raised")
    recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="advocacy_recorded"
    )
    recorded_on = models.DateField()
    raised_on = models.DateField("Raised at the team meeting on", null=True, blank=True)
    team_response = models.TextField(blank=True)
    outcome = models.CharField(
        max_length=16, choices=AdvocacyOutcome.choices, default=AdvocacyOutcome.WAITING
    )
    outcome_note = models.TextField(blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"request", "team_response", "outcome_note"}
    )

    class Meta:
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=AdvocacyOutcome.values), name="advocacy_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(raised_on__isnull=True) | Q(raised_on__gte=F("recorded_on")),
                name="advocacy_raised_after_recorded",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["waiting", "withdrawn"]) | Q(raised_on__isnull=False),
                name="advocacy_outcome_needs_raising",
            ),
        ]

    def __str__(self) -> str:
        return f"advocacy item {self.pk}"
