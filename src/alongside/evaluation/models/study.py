"""Evaluation studies: sites, cohorts, ethics approvals, participants, consent and responses.

A study's configuration (sites, cohorts, approvals, instruments) comes from its YAML file
(docs/formats/study.md). Participants are known to the study by the code given in the files
(personal: it can be linked back to a person) and by a study-scoped pseudonym that every
analysis, export and report uses instead. The code itself is not stored: only its keyed digest
and a sealed copy that the pseudonym key, kept outside the database, opens
(alongside.evaluation.pseudonym_key). A response keeps its answers as one JSON object
(item code to scale value, or null when missing): one row per completed questionnaire, so an
import of 100,000 rows is 100,000 inserts, not a million.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from alongside.measures.models import InstrumentVersion


class Method(models.TextChoices):
    ONLINE_SURVEY = "online-survey", "Online survey"
    PAPER_SURVEY = "paper-survey", "Paper survey"
    INTERVIEW = "interview", "Interview"
    FOCUS_GROUP = "focus-group", "Focus group"


class ApprovalStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    PENDING = "pending", "Pending"
    REFUSED = "refused", "Refused"
    NOT_APPLICABLE = "not-applicable", "Not applicable"


class ConsentPurpose(models.TextChoices):
    TAKE_PART = "take-part", "Take part in the evaluation"
    QUOTE_ANONYMOUSLY = "quote-anonymously", "Be quoted anonymously"
    RECONTACT = "recontact", "Be contacted again"


class ResponseSource(models.TextChoices):
    IMPORT = "import", "Imported from a file"
    PAPER = "paper", "Entered from paper"
    ONLINE = "online", "Online survey"


class Study(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    methods = models.JSONField(default=list, blank=True)
    disclosure_threshold = models.PositiveSmallIntegerField(
        default=5,
        help_text="Counts of people from 1 to this minus one are hidden.",
    )
    information_sheet_version = models.CharField(
        max_length=32,
        default="1",
        help_text="The participant information sheet that consent given online refers to.",
    )
    source_digest = models.CharField(max_length=64, help_text="SHA-256 of the loaded YAML.")
    loaded_at = models.DateTimeField(auto_now=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="study_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(disclosure_threshold__gte=2, disclosure_threshold__lte=50),
                name="study_disclosure_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class Site(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="sites")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["study", "code"]
        constraints = [
            models.UniqueConstraint(fields=["study", "code"], name="evaluation_site_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Cohort(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="cohorts")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["study", "code"]
        constraints = [
            models.UniqueConstraint(fields=["study", "code"], name="evaluation_cohort_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Approval(models.Model):
    """Ethics approval for one (site, cohort). A pair with no row is not approved."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="approvals")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="approvals")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="approvals")
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices)
    committee = models.CharField(max_length=300, blank=True)
    reference = models.CharField(max_length=100, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["site", "cohort"]
        constraints = [
            models.UniqueConstraint(fields=["site", "cohort"], name="evaluation_approval_unique"),
            models.CheckConstraint(
                condition=Q(status__in=ApprovalStatus.values), name="evaluation_approval_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}/{self.cohort_id}: {self.status}"


class CohortInstrument(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="instruments")
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="cohorts"
    )

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["cohort", "instrument_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "instrument_version"], name="evaluation_cohort_instrument_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}: {self.instrument_version_id}"


class Participant(models.Model):
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="participants")
    code_digest = models.CharField(
        max_length=64,
        help_text="Keyed digest (HMAC-SHA256) of the code given in the study's files.",
    )
    code_sealed = models.TextField(
        help_text="The code given in the study's files, sealed with the pseudonym key."
    )
    pseudonym = models.CharField(max_length=16, help_text="Used in every analysis and export.")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="participants")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="participants")
    method = models.CharField(max_length=16, choices=Method.choices)
    team_type = models.CharField(max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    keep_data_on_withdrawal = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"code_digest", "code_sealed"})

    class Meta:
        ordering = ["study", "pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "code_digest"], name="evaluation_participant_code_digest"
            ),
            models.UniqueConstraint(
                fields=["study", "pseudonym"], name="evaluation_participant_pseudonym"
            ),
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="evaluation_participant_method"
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class Consent(models.Model):
    """The person's current answer for one purpose; changes are in the audit trail."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    given = models.BooleanField()
    information_sheet_version = models.CharField(max_length=32)
    date = models.DateField()

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"given", "date"})

    class Meta:
        ordering = ["participant", "purpose"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "purpose"], name="evaluation_consent_unique"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=ConsentPurpose.values), name="evaluation_consent_purpose"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.purpose}"


class Response(models.Model):
    """One completed questionnaire: answers maps item code to a scale value or null (missing)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses")
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="study_responses"
    )
    source = models.CharField(max_length=16, choices=ResponseSource.choices)
    answers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"answers"})

    class Meta:
        ordering = ["participant", "instrument_version", "id"]
        constraints = [
            # An import holds one response per person and instrument: importing again replaces it.
            models.UniqueConstraint(
                fields=["participant", "instrument_version"],
                condition=Q(source="import"),
                name="evaluation_one_imported_response",
            ),
            models.CheckConstraint(
                condition=Q(source__in=ResponseSource.values), name="evaluation_response_source"
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"
