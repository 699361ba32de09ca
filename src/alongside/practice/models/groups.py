"""Group programmes (a walking group, a recovery education course) and their sessions.

Who came to a session is not stored apart: each attendee has a group contact for that session,
so attendance counts as a contact without being recorded twice.
"""

from typing import ClassVar

from django.db import models

from alongside.organisation.models import Person, Team
from alongside.practice.models.contacts import ContactSetting
from alongside.practice.models.versioned import Versioned


class GroupProgramme(Versioned):
    name = models.CharField(max_length=200)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="group_programmes")
    description = models.TextField(blank=True)
    facilitators = models.ManyToManyField(Person, related_name="groups_facilitated")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="group_name_unique_in_team")
        ]

    def __str__(self) -> str:
        return self.name


class GroupSession(models.Model):
    programme = models.ForeignKey(GroupProgramme, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    setting = models.CharField(max_length=32, choices=ContactSetting.choices)
    topic = models.CharField(max_length=200, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.programme} on {self.date:%Y-%m-%d}"
