"""How an episode of peer support ended, and where the person is now."""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from alongside.organisation.models import Person
from alongside.practice.models.people import CaseloadEntry


class EndingReason(models.TextChoices):
    GOALS_ACHIEVED = "goals-achieved", "Goals achieved"
    PERSON_CHOSE = "person-chose", "The person chose to end"
    MOVED_ON = "moved-on", "Moved to other support"
    MOVED_AWAY = "moved-away", "Moved away"
    LOST_CONTACT = "lost-contact", "Lost contact"
    PSW_LEFT = "psw-left", "Peer support worker left"
    OTHER = "other", "Other"


class Ending(models.Model):
    episode = models.OneToOneField(CaseloadEntry, on_delete=models.PROTECT, related_name="ending")
    ended_on = models.DateField()
    planned = models.BooleanField()
    reason = models.CharField(max_length=24, choices=EndingReason.choices)
    now_community_activities = models.BooleanField("Community activities", default=False)
    now_work = models.BooleanField("Work or volunteering", default=False)
    now_education = models.BooleanField("Education or training", default=False)
    now_other_supports = models.BooleanField("Other supports", default=False)
    now_note = models.CharField("What they are doing now", max_length=300, blank=True)
    independence_note = models.TextField("Independence", blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="endings")

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "now_community_activities",
            "now_work",
            "now_education",
            "now_other_supports",
            "now_note",
            "independence_note",
        }
    )

    class Meta:
        # Recounting one day's endings for the report rollups (practice/rollups.py).
        indexes = [models.Index(fields=["ended_on"], name="ending_ended_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=EndingReason.values), name="ending_reason_valid"
            )
        ]

    def __str__(self) -> str:
        return f"ending of episode {self.episode_id}"
