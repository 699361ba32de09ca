"""A study's qualitative project: its Braun & Clarke phase and its memos."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from alongside.evaluation.models import Study


class Phase(models.TextChoices):
    """The six phases of reflexive thematic analysis (Braun & Clarke), shown as the status."""

    FAMILIARISING = "1-familiarising", "1. Familiarising yourself with the data"
    CODING = "2-coding", "2. Generating initial codes"
    SEARCHING = "3-searching", "3. Searching for themes"
    REVIEWING = "4-reviewing", "4. Reviewing themes"
    DEFINING = "5-defining", "5. Defining and naming themes"
    REPORTING = "6-reporting", "6. Producing the report"


class Project(models.Model):
    """The qualitative analysis of one evaluation study: at most one per study."""

    study = models.OneToOneField(Study, on_delete=models.PROTECT, related_name="qualitative")
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.FAMILIARISING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["study"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=Phase.values), name="qualitative_project_phase"
            )
        ]

    def __str__(self) -> str:
        return f"qualitative project {self.pk}"

    @property
    def phase_number(self) -> int:
        return int(self.phase.split("-", 1)[0])


class Memo(models.Model):
    """An analytic memo on the project, on one code or on one source (at most one of the two)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memos")
    code = models.ForeignKey(
        "qualitative.Code", null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    source = models.ForeignKey(
        "qualitative.Source",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memos",
    )
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # A memo may quote or discuss what a participant said.
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"text"})

    class Meta:
        ordering = ["project", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(source__isnull=True),
                name="qualitative_memo_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"memo {self.pk}"
