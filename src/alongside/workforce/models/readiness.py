"""Team readiness: a checklist of how prepared a team is for a peer support worker."""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from alongside.organisation.models import Person, Team


class ReadinessPhase(models.TextChoices):
    BEFORE = "before", "Before a peer support worker was placed"
    AFTER = "after", "After a peer support worker was placed"


class ReadinessChecklist(models.Model):
    """One assessment of a team's readiness, before or after placement. Later ones add history."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="readiness_checklists")
    phase = models.CharField(max_length=8, choices=ReadinessPhase.choices)
    assessed_on = models.DateField()
    team_briefed = models.BooleanField("The team was briefed on the role")
    staff_trained_percent = models.PositiveSmallIntegerField(
        "Share of staff trained in recovery principles (%)"
    )
    management_endorsement = models.BooleanField("Management endorse the role")
    clinical_lead_endorsement = models.BooleanField("The clinical lead endorses the role")
    job_description_shared = models.BooleanField("The job description was shared with the team")
    supervision_arranged = models.BooleanField("Supervision is arranged")
    resources_in_place = models.BooleanField("Desk, computer and phone are in place")
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["team", "-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=ReadinessPhase.values), name="readiness_phase_valid"
            ),
            models.CheckConstraint(
                condition=Q(staff_trained_percent__lte=100), name="readiness_trained_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"readiness of team {self.team_id} on {self.assessed_on:%Y-%m-%d}"
