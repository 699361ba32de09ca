"""The codebook and the coding: one tree of codes (themes, sub-themes and codes), codings of
spans of text by a named coder, quotes marked for the report, and decisions on suggestions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from alongside.qualitative.models.project import Project
from alongside.qualitative.models.sources import Segment, Source


class Code(models.Model):
    """A node of the codebook. Themes and sub-themes are containers (`is_codable` false)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=120)
    definition = models.TextField(blank=True)
    inclusion = models.TextField(blank=True, help_text="When to apply this code.")
    exclusion = models.TextField(blank=True, help_text="When not to apply it.")
    is_codable = models.BooleanField(default=True)
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
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "parent", "name"], name="qualitative_code_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["project", "name"],
                condition=Q(parent__isnull=True),
                name="qualitative_code_name_at_top",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Coding(models.Model):
    """One coder applying one code to `source.text[start:end]`.

    `segment` is the segment the span lies in (or starts in), for segment-level agreement.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="codings")
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.SET_NULL, related_name="codings"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="codings")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qualitative_codings"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["source", "start", "end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="qualitative_coding_span"),
            models.UniqueConstraint(
                fields=["source", "start", "end", "code", "coder"],
                name="qualitative_coding_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"coding {self.pk}"

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]


class QuoteMark(models.Model):
    """A coding chosen as a quote for the report."""

    coding = models.OneToOneField(Coding, on_delete=models.CASCADE, related_name="quote")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["coding"]

    def __str__(self) -> str:
        return f"quote {self.pk}"


class SuggestionDecision(models.Model):
    """A person accepting or rejecting a suggested code for a segment, with the model used."""

    segment = models.ForeignKey(
        Segment, on_delete=models.CASCADE, related_name="suggestion_decisions"
    )
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="suggestion_decisions")
    accepted = models.BooleanField()
    score = models.FloatField()
    model_name = models.CharField(max_length=200)
    model_version = models.CharField(max_length=100)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["segment", "decided_at", "id"]

    def __str__(self) -> str:
        return f"suggestion decision {self.pk}"
