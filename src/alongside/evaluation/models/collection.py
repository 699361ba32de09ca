"""How a study collects data and who works on it: members, survey links, invitations, paper forms.

* A `StudyMember` is an evaluator working on one study; only members reach its participants,
  and only members allowed identifiers who also hold the administrator role see participant
  codes in exports.
* A `SurveyLink` is an anonymous study link for one (site, cohort): anyone holding it can answer
  the cohort's instruments once per browser session; each completion adds a new participant.
* An `Invitation` is a single-use personal link for one registered participant. Only a hash of
  its token is stored; the link itself is shown once, when it is created. Answers given so far
  are kept as a draft so that the person can stop and come back.
* A `PaperForm` is one paper questionnaire keyed in. With double entry, two different people key
  it (`PaperEntry`); where they disagree, a third person resolves each item; only a verified
  form becomes a `Response`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from alongside.evaluation.models.study import Cohort, Participant, Response, Site, Study
from alongside.measures.models import InstrumentVersion


class StudyMember(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_memberships"
    )
    may_see_identifiers = models.BooleanField(
        default=False,
        help_text="Exports may carry participant codes, for a member who is also an administrator.",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["study", "user"]
        constraints = [
            models.UniqueConstraint(fields=["study", "user"], name="evaluation_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.study_id}: {self.user_id}"


class SurveyLink(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="survey_links")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="survey_links")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="survey_links")
    token = models.CharField(max_length=64, unique=True, help_text="Shared openly: not secret.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["study", "site", "cohort", "-created_at"]

    def __str__(self) -> str:
        return f"link {self.pk}"


class Invitation(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    draft = models.JSONField(
        default=dict, blank=True, help_text="Answers so far: instrument code to item to value."
    )
    position = models.PositiveIntegerField(default=0, help_text="The next screen to show.")

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"draft"})

    class Meta:
        ordering = ["participant", "-created_at"]

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class PaperFormStatus(models.TextChoices):
    AWAITING_SECOND_ENTRY = "awaiting-second-entry", "Waiting for the second entry"
    DISAGREEMENT = "disagreement", "Entries disagree: waiting for resolution"
    VERIFIED = "verified", "Verified"


class PaperForm(models.Model):
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="paper_forms")
    reference = models.CharField(
        max_length=64, help_text="The number written on the paper form; unique in the study."
    )
    participant_digest = models.CharField(
        max_length=64, help_text="Keyed digest of the participant code keyed from the paper."
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="paper_forms")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="paper_forms")
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="paper_forms"
    )
    double_entry = models.BooleanField(default=True)
    status = models.CharField(max_length=24, choices=PaperFormStatus.choices)
    resolved_answers = models.JSONField(
        default=dict, blank=True, help_text="The third person's choice for each disputed item."
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    response = models.OneToOneField(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="paper_form"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"participant_digest", "resolved_answers"}
    )

    class Meta:
        ordering = ["study", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "reference"], name="evaluation_paper_form_reference"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PaperFormStatus.values),
                name="evaluation_paper_form_status",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PaperEntry(models.Model):
    """One person's keying of a paper form.

    `answers` holds what this person keyed: `{"participant_digest", "participant_sealed", "site",
    "cohort", "items": {item code: scale value or null}}`, since two keyings may disagree on any
    of them. The participant code is held as its keyed digest and sealed, never as typed.
    """

    form = models.ForeignKey(PaperForm, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict)
    entered_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"answers"})

    class Meta:
        ordering = ["form", "entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "entered_by"], name="evaluation_paper_entry_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"entry {self.pk}"
