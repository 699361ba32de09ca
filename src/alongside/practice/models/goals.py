"""Recovery goals in the service user's own words, their steps, and progress over time."""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from alongside.organisation.models import Person
from alongside.practice.models.chime import Chime
from alongside.practice.models.people import CaseloadEntry, ServiceUser
from alongside.practice.models.versioned import Versioned


class GoalSetBy(models.TextChoices):
    SERVICE_USER = "service-user", "The service user, in their own words"
    AGREED = "agreed", "Agreed with the service user"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Working on it"
    ACHIEVED = "achieved", "Achieved"
    CHANGED = "changed", "Changed"
    LET_GO = "let-go", "Let go"


class Goal(Versioned):
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="goals")
    episode = models.ForeignKey(
        CaseloadEntry, on_delete=models.PROTECT, related_name="goals", null=True, blank=True
    )
    text = models.TextField("The goal, in the person's own words")
    set_by = models.CharField(max_length=16, choices=GoalSetBy.choices)
    chime_domain = models.CharField("CHIME process", max_length=16, choices=Chime.choices)
    status = models.CharField(max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    set_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="goals_recorded")

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"text"})

    class Meta:
        ordering = ["status", "-set_on"]
        # Recounting one day's goals for the report rollups (practice/rollups.py).
        indexes = [models.Index(fields=["set_on"], name="goal_set_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(set_by__in=GoalSetBy.values), name="goal_set_by_valid"
            ),
            models.CheckConstraint(
                condition=Q(chime_domain__in=Chime.values), name="goal_chime_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="goal_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"goal {self.pk}"


class GoalStep(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    done_on = models.DateField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"text"})

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"step {self.pk}"


class GoalProgress(models.Model):
    """How far along the goal feels, 0 to 10, with a note: rated by or with the service user."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    rated_on = models.DateField()
    rating = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    by_service_user = models.BooleanField(
        default=False, help_text="Entered by the service user in their own account."
    )
    recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="goal_progress_recorded"
    )

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"note", "rating"})

    class Meta:
        ordering = ["rated_on", "id"]
        verbose_name_plural = "goal progress"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=0) & Q(rating__lte=10), name="goal_rating_0_to_10"
            )
        ]

    def __str__(self) -> str:
        return f"progress {self.pk}"
