"""What was said: sources (a transcript, or one question's open answers), who spoke, and the
segments (speaker turns, paragraphs or answers) a source is split into.

A source keeps its whole plain text once, normalised at ingestion (no BOM, LF line ends,
Unicode NFC; docs/qualitative.md). Segments and codings are character offsets (Unicode code
points, half-open) into exactly that text, so they survive any export that carries the text.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from alongside.evaluation.models import Cohort, Method, Participant, Site
from alongside.qualitative.models.project import Project


class SourceKind(models.TextChoices):
    TRANSCRIPT = "transcript", "Transcript"
    OPEN_ANSWERS = "open-answers", "Open answers"


class Source(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    method = models.CharField(max_length=16, choices=Method.choices)
    text = models.TextField(help_text="The whole plain text: every offset points into it.")
    original_filename = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"text", "original_filename"})

    class Meta:
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="qualitative_source_name"),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="qualitative_source_kind"
            ),
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="qualitative_source_method"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Speaker(models.Model):
    """Someone who speaks in a source (a case): linked to a study participant when known.

    `label` is how the source names them (often a real name: personal); every quote is
    attributed by `role_label` instead ("Service user", "Nurse").
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="speakers")
    label = models.CharField(max_length=100)
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qualitative_speakers",
    )
    role_label = models.CharField(max_length=100, blank=True)
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_interviewer = models.BooleanField(
        default=False, help_text="The interviewer or facilitator: never quoted."
    )

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"label"})

    class Meta:
        ordering = ["source", "label"]
        constraints = [
            models.UniqueConstraint(fields=["source", "label"], name="qualitative_speaker_label")
        ]

    def __str__(self) -> str:
        return self.role_label or f"speaker {self.pk}"


class Segment(models.Model):
    """One unit of a source (a speaker turn, a paragraph or an answer): `text[start:end]`."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="segments")
    order = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="segments"
    )

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["source", "order"]
        constraints = [
            models.UniqueConstraint(fields=["source", "order"], name="qualitative_segment_order"),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="qualitative_segment_span"
            ),
        ]

    def __str__(self) -> str:
        return f"segment {self.pk}"

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]
