"""Practice figures counted ahead of time, for the impact report and the programme dashboard.

Derived data only: every row can be rebuilt from the practice records
(`alongside.practice.rollups.rebuild_all`), and `alongside.practice.rollups` keeps them equal to
those records as they change. They hold counts of records per team or region and period, never
a person.
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q


class Grain(models.TextChoices):
    """How finely a count is kept: where (`place`) and over what period."""

    PROGRAMME_DAY = "day", "Whole programme, per day"
    PROGRAMME_MONTH = "month", "Whole programme, per calendar month"
    REGION_DAY = "region-day", "Per region, per day"
    REGION_MONTH = "region-month", "Per region, per calendar month"
    TEAM_MONTH = "team-month", "Per team, per calendar month"


class PracticeCount(models.Model):
    """How many records of one kind (`figure`, `key`) fell in one place and period."""

    grain = models.CharField(max_length=16, choices=Grain.choices)
    place = models.PositiveIntegerField(
        help_text="The team or region id for its grain; 0 for the whole programme."
    )
    period = models.DateField(help_text="The day, or the first day of the month.")
    figure = models.CharField(max_length=16)
    key = models.CharField(max_length=64)
    n = models.PositiveIntegerField()

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "place", "period", "figure", "key"], name="practice_count_once"
            ),
            models.CheckConstraint(
                condition=Q(grain__in=Grain.values), name="practice_count_grain_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.key} in {self.grain} {self.place} {self.period}: {self.n}"


class CaseloadCount(models.Model):
    """Open episodes on one worker's caseload among the service users of one team."""

    team = models.PositiveIntegerField(help_text="The id of the service users' team.")
    worker = models.PositiveIntegerField(help_text="The id of the worker (a person).")
    open_episodes = models.PositiveIntegerField()

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "worker"], name="caseload_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.open_episodes} open for worker {self.worker} in team {self.team}"


class FigureChange(models.Model):
    """A note that figures of a team (or, with no team, of everything) changed.

    Append-only. The newest note for a set of teams (its id and random token) names the state
    of their data, so a cache of figures that rollups cannot hold (people counted once across
    a period, first and latest scores) is keyed by it and is never read after a change.
    """

    team = models.PositiveIntegerField(null=True, blank=True)
    token = models.CharField(max_length=16)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        indexes = [models.Index(fields=["team", "id"], name="figure_change_team_idx")]

    def __str__(self) -> str:
        return f"change {self.pk} (team {self.team})"
