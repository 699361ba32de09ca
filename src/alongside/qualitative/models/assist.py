"""Assisted coding in the browser: a run of suggestions, worked through in small batches so
that no web request waits long, and the suggested codes it stored for people to decide on."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from alongside.qualitative.models.codes import Code
from alongside.qualitative.models.project import Project
from alongside.qualitative.models.sources import Segment


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"


class SuggestionRun(models.Model):
    """One request to suggest codes for a project's uncoded segments.

    `total` is the uncoded segments when it started and `done` those processed so far; the
    held-out accuracy (`top1`, `top3` over `tested` coded segments) is measured first.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="suggestion_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    method = models.CharField(max_length=20)
    model_name = models.CharField(max_length=200)
    model_version = models.CharField(max_length=100)
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    trained_on = models.PositiveIntegerField(default=0)
    tested = models.PositiveIntegerField(null=True, blank=True)
    folds = models.PositiveIntegerField(null=True, blank=True)
    top1 = models.FloatField(null=True, blank=True)
    top3 = models.FloatField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["project", "-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="qualitative_run_status"
            ),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="qualitative_run_done"),
        ]

    def __str__(self) -> str:
        return f"suggestion run {self.pk}"

    @property
    def measured(self) -> bool:
        return self.tested is not None

    @property
    def steps_done(self) -> int:
        """Progress in steps: measuring accuracy counts as one, then one per segment."""
        return self.done + (1 if self.measured else 0)

    @property
    def steps_total(self) -> int:
        return self.total + 1


class StoredSuggestion(models.Model):
    """A code suggested for a segment by a run, `rank` 1 being the best."""

    run = models.ForeignKey(SuggestionRun, on_delete=models.CASCADE, related_name="suggestions")
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="+")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["run", "segment", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "segment", "code"], name="qualitative_stored_suggestion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"suggestion {self.pk}"
