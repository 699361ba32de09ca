"""Roles and conditions: a peer support worker's grade, hours and FTE over time, and equipment."""

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from alongside.organisation.models import Person


class Grade(models.TextChoices):
    PSW = "psw", "Peer support worker"
    SENIOR_PSW = "senior-psw", "Senior peer support worker"
    PEER_SUPERVISOR = "peer-supervisor", "Peer supervisor"


class WorkTerms(models.Model):
    """A period of a person's grade, contracted hours and FTE. A change starts a new period."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="work_terms")
    grade = models.CharField(max_length=16, choices=Grade.choices)
    contracted_hours = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="Hours a week."
    )
    fte = models.DecimalField("FTE", max_digits=3, decimal_places=2, help_text="1.00 is full time.")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["person", "-start"]
        verbose_name = "grade and hours"
        verbose_name_plural = "grades and hours"
        constraints = [
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="work_terms_grade"),
            models.CheckConstraint(
                condition=Q(fte__gt=Decimal(0)) & Q(fte__lte=Decimal(1)),
                name="work_terms_fte_range",
            ),
            models.CheckConstraint(
                condition=Q(contracted_hours__gt=Decimal(0)) & Q(contracted_hours__lte=Decimal(80)),
                name="work_terms_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="work_terms_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} from {self.start:%Y-%m-%d}"


class Resource(models.TextChoices):
    DESK = "desk", "Desk"
    COMPUTER = "computer", "Computer"
    PHONE = "phone", "Work phone"
    PRINTER = "printer", "Printer"


class WorkResources(models.Model):
    """What a peer support worker has to work with, as last checked."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="work_resources")
    desk = models.BooleanField(default=False)
    computer = models.BooleanField(default=False)
    phone = models.BooleanField("Work phone", default=False)
    printer = models.BooleanField(default=False)
    checked_on = models.DateField()

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["person"]
        verbose_name = "work resources"
        verbose_name_plural = "work resources"

    def __str__(self) -> str:
        return f"resources of person {self.person_id}"

    def available(self) -> tuple[Resource, ...]:
        return tuple(r for r in Resource if getattr(self, r.value))
