"""Service users, caseloads and referrals: the records the access policy protects most."""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from alongside.organisation.models import Discipline, Person, Team


class ServiceUser(models.Model):
    """A person receiving peer support. Kept to what the work needs."""

    reference = models.CharField(
        max_length=32, unique=True, help_text="Pseudonymous reference, never a health number."
    )
    preferred_name = models.CharField(max_length=100)
    contact_preferences = models.CharField(max_length=300, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="service_users")
    key_clinician = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="key_clients"
    )
    consented_to_peer_support = models.BooleanField(default=False)
    consent_date = models.DateField(null=True, blank=True)
    person = models.OneToOneField(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_user_record",
        help_text="Set when the service user has their own login.",
    )

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"preferred_name", "contact_preferences", "consented_to_peer_support", "consent_date"}
    )

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consented_to_peer_support=False) | Q(consent_date__isnull=False),
                name="service_user_consent_dated",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class CaseloadStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on-hold", "On hold"
    ENDING = "ending", "Ending"
    ENDED = "ended", "Ended"


class CaseloadEntry(models.Model):
    """A service user on a peer support worker's caseload."""

    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="caseload_entries"
    )
    worker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="caseload_entries")
    status = models.CharField(
        max_length=16, choices=CaseloadStatus.choices, default=CaseloadStatus.ACTIVE
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    next_planned_contact = models.DateField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"next_planned_contact"})

    class Meta:
        ordering = ["next_planned_contact", "service_user__reference"]
        verbose_name_plural = "caseload entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseloadStatus.values), name="caseload_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="caseload_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["service_user", "worker"],
                condition=Q(end__isnull=True),
                name="caseload_one_open_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"caseload entry {self.pk}"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon"
    URGENT = "urgent", "Urgent"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WAITING_LIST = "waiting-list", "On waiting list"


class Referral(models.Model):
    """A request, usually from a team clinician, for peer support for a service user."""

    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="referrals"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    referrer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="referrals_made", null=True, blank=True
    )
    referrer_discipline = models.CharField(max_length=32, choices=Discipline.choices, blank=True)
    self_referral = models.BooleanField(default=False)
    reason = models.TextField()
    hopes = models.TextField("What the person hopes for", blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(
        max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    allocated_to = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="referrals_allocated", null=True, blank=True
    )
    received_on = models.DateField()

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"reason", "hopes"})

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(self_referral=True) | Q(referrer__isnull=False),
                name="referral_has_referrer",
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"
