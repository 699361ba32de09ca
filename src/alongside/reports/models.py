"""What the reports app stores: the evaluator's narrative sections and report builds.

Narrative sections (introduction, facilitators and barriers, recommendations) are written in the
browser and kept per study, so that they survive every rebuild of the report from the data. A
build is one requested rendering (HTML, PDF, DOCX or JSON) made in the background; its file is
kept so the person who asked can download it when it is ready.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from alongside.evaluation.models import Study


class NarrativeSection(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="report_sections")
    key = models.CharField(max_length=32)
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Writing about aggregate findings, not about a person.
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["study", "key"]
        constraints = [
            models.UniqueConstraint(fields=["study", "key"], name="reports_narrative_unique")
        ]

    def __str__(self) -> str:
        return f"{self.study_id}: {self.key}"


class BuildFormat(models.TextChoices):
    HTML = "html", "Web page (HTML)"
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document (DOCX)"
    JSON = "json", "Data (JSON)"


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Building"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ReportBuild(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="report_builds")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    format = models.CharField(max_length=8, choices=BuildFormat.choices)
    suppressed = models.BooleanField(default=True)
    status = models.CharField(
        max_length=16, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Aggregates only (small counts hidden unless `suppressed` is false, which only members
    # allowed exact counts may ask for); nothing about one person.
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reports_build_progress_percent"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BuildStatus.values), name="reports_build_status"
            ),
            models.CheckConstraint(
                condition=Q(format__in=BuildFormat.values), name="reports_build_format"
            ),
        ]

    def __str__(self) -> str:
        return f"build {self.pk}"
