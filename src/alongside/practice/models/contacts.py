"""Contacts between a peer support worker and a service user: the daily record of the work."""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from alongside.organisation.models import Person
from alongside.practice.models.chime import Chime
from alongside.practice.models.people import CaseloadEntry, ServiceUser
from alongside.practice.models.versioned import Versioned


class ContactMode(models.TextChoices):
    IN_PERSON = "in-person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    TEXT = "text", "Text message"


class ContactSetting(models.TextChoices):
    MENTAL_HEALTH_SERVICE = "mental-health-service", "Mental health service"
    RECOVERY_COLLEGE = "recovery-college", "Recovery college"
    HOME = "home", "Service user's home"
    COMMUNITY = "community", "Community venue"
    OTHER = "other", "Other"


class ContactFormat(models.TextChoices):
    ONE_TO_ONE = "one-to-one", "One-to-one"
    GROUP = "group", "Group"


class Activity(models.Model):
    """What a contact was about. A configurable list: administrators add, rename or retire."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["order", "label"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.label


class Contact(Versioned):
    service_user = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="contacts")
    episode = models.ForeignKey(
        CaseloadEntry, on_delete=models.PROTECT, related_name="contacts", null=True, blank=True
    )
    worker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contacts_made")
    date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=16, choices=ContactMode.choices)
    setting = models.CharField(max_length=32, choices=ContactSetting.choices)
    contact_format = models.CharField(
        "One-to-one or group",
        max_length=16,
        choices=ContactFormat.choices,
        default=ContactFormat.ONE_TO_ONE,
    )
    group_session = models.ForeignKey(
        "practice.GroupSession",
        on_delete=models.CASCADE,
        related_name="contacts",
        null=True,
        blank=True,
    )
    activities = models.ManyToManyField(Activity, related_name="contacts", blank=True)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"note", "date"})

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["service_user", "-date"], name="contact_user_date_idx"),
            # Recounting one day's contacts for the report rollups (practice/rollups.py).
            models.Index(fields=["date"], name="contact_date_idx"),
            # A worker's latest contact and recent ones: supervisees' activity (practice/queries).
            models.Index(fields=["worker", "-date"], name="contact_worker_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=720),
                name="contact_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=ContactMode.values), name="contact_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(setting__in=ContactSetting.values), name="contact_setting_valid"
            ),
            models.CheckConstraint(
                condition=Q(contact_format="one-to-one", group_session__isnull=True)
                | Q(contact_format="group"),
                name="contact_one_to_one_has_no_session",
            ),
            models.UniqueConstraint(
                fields=["group_session", "service_user"],
                condition=Q(group_session__isnull=False),
                name="contact_once_per_group_session",
            ),
        ]

    def __str__(self) -> str:
        return f"contact {self.pk}"


class ContactChimeTag(models.Model):
    """One CHIME process a contact supported."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="chime_tags")
    domain = models.CharField(max_length=16, choices=Chime.choices)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "domain"], name="contact_chime_once"),
            models.CheckConstraint(
                condition=Q(domain__in=Chime.values), name="contact_chime_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_domain_display()
