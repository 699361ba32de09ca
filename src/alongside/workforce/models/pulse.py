"""Role-understanding pulse: short rounds of yes/somewhat/no questions to a team and its PSW.

The questions and their scoring are an instrument definition (workforce/instruments/), scored
by the measures engine; answers are stored here because measures administrations belong to a
service user, and these respondents are staff.
"""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from alongside.organisation.models import Person, Team


class PulseRound(models.Model):
    """One asking of the pulse questions on one team, open for answers for a while."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="pulse_rounds")
    instrument_code = models.CharField(max_length=64)
    instrument_version = models.CharField(max_length=16)
    opened_on = models.DateField()
    closes_on = models.DateField()
    opened_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["team", "-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opened_on")), name="pulse_round_closes_after_open"
            )
        ]

    def __str__(self) -> str:
        return f"pulse round {self.pk}"


class RespondentGroup(models.TextChoices):
    STAFF = "staff", "Team staff"
    PSW = "psw", "Peer support worker"


class PulseResponse(models.Model):
    """One person's answers in one round, with the scores the instrument gave them."""

    round = models.ForeignKey(PulseRound, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=8, choices=RespondentGroup.choices)
    answers = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    answered_on = models.DateField()

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"answers", "scores"})

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "respondent"], name="pulse_answer_once"),
            models.CheckConstraint(
                condition=Q(group__in=RespondentGroup.values), name="pulse_group_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"pulse response {self.pk}"
