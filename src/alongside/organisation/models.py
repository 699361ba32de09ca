"""Regions, areas, teams, people and the memberships that give people their roles."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from alongside.core.access import ROLES, RoleCode


class Region(models.Model):
    """A region of the health service (a CHO in the seed)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200, unique=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """An area within a region (a county in the seed)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(max_length=200)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="area_name_unique_in_region")
        ]

    def __str__(self) -> str:
        return self.name


class TeamType(models.TextChoices):
    CMHT = "cmht", "Community mental health team"
    REHAB_RECOVERY = "rehab-recovery", "Rehab and recovery"
    EARLY_INTERVENTION = "eip", "Early intervention in psychosis"
    ACUTE_INPATIENT = "acute", "Acute inpatient"
    RECOVERY_COLLEGE = "recovery-college", "Recovery college"
    OTHER = "other", "Other"


class Team(models.Model):
    """A multidisciplinary team that peer support workers join."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    team_type = models.CharField(max_length=32, choices=TeamType.choices)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["area__region__name", "area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="team_name_unique_in_area"),
            models.CheckConstraint(
                condition=Q(team_type__in=TeamType.values), name="team_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Discipline(models.TextChoices):
    PEER = "peer", "Peer support"
    SOCIAL_WORK = "social-work", "Social work"
    NURSING = "nursing", "Nursing"
    OCCUPATIONAL_THERAPY = "occupational-therapy", "Occupational therapy"
    PSYCHOLOGY = "psychology", "Psychology"
    PSYCHIATRY = "psychiatry", "Psychiatry"
    OTHER = "other", "Other"


class Person(models.Model):
    """Anyone who works in or with the programme. A login is optional."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"given_name", "family_name", "email"})

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


_TEAM_ROLES = [code for code, role in ROLES.items() if role.team_based]


class Membership(models.Model):
    """A person holding a role, on a team or across the organisation, for a period."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=16, choices=RoleCode.choices)
    discipline = models.CharField(max_length=32, choices=Discipline.choices, blank=True)
    contracted_hours = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Hours a week."
    )
    fte = models.DecimalField(
        "FTE", max_digits=3, decimal_places=2, null=True, blank=True, help_text="1.00 is full time."
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["person__family_name", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=RoleCode.values), name="membership_role"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(fte__isnull=True) | (Q(fte__gt=0) & Q(fte__lte=1)),
                name="membership_fte_range",
            ),
            models.CheckConstraint(
                condition=Q(contracted_hours__isnull=True)
                | (Q(contracted_hours__gt=0) & Q(contracted_hours__lte=80)),
                name="membership_hours_range",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=_TEAM_ROLES) | Q(team__isnull=False),
                name="membership_team_role_has_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.start:%Y-%m-%d})"


class SupervisionAssignment(models.Model):
    """Who supervises or line-manages a peer support worker, and since when."""

    supervisor = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="supervisee_assignments"
    )
    supervisee = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="supervisor_assignments"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisor=F("supervisee")), name="supervision_not_self"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="supervision_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"supervision from {self.start:%Y-%m-%d}"
