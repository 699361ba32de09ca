"""Service users, their referrals, and their episodes on a peer support worker's caseload."""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from alongside.organisation.models import Discipline, Person, Team
from alongside.practice.models.versioned import Versioned


class ServiceUser(Versioned):
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
    shares_notes_with_team = models.BooleanField(
        default=False,
        help_text="The person agreed that their team's clinicians may read contact notes.",
    )
    person = models.OneToOneField(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_user_record",
        help_text="Set when the service user has their own login.",
    )

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "preferred_name",
            "contact_preferences",
            "consented_to_peer_support",
            "consent_date",
            "shares_notes_with_team",
        }
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


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon"
    URGENT = "urgent", "Urgent"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WAITING_LIST = "waiting-list", "On waiting list"


class DeclineReason(models.TextChoices):
    NOT_APPROPRIATE = "not-appropriate", "Not appropriate for peer support"
    PERSON_DECLINED = "person-declined", "The person did not want peer support"
    NO_CONSENT = "no-consent", "No consent to peer support"
    NO_CAPACITY = "no-capacity", "No capacity on the caseload"
    COULD_NOT_CONTACT = "could-not-contact", "Could not make contact"
    OTHER = "other", "Other"


class Referral(Versioned):
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
    recorded_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="referrals_recorded",
        null=True,
        blank=True,
        help_text="Who typed it in: the referrer, or the PSW who took a self-referral.",
    )
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
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="referrals_decided", null=True, blank=True
    )
    decline_reason = models.CharField(max_length=24, choices=DeclineReason.choices, blank=True)
    decline_detail = models.TextField("Why", blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"reason", "hopes", "decline_detail"})

    class Meta:
        ordering = ["-received_on", "-id"]
        # Recounting one day's referrals for the report rollups (practice/rollups.py).
        indexes = [models.Index(fields=["received_on"], name="referral_received_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(self_referral=True) | Q(referrer__isnull=False),
                name="referral_has_referrer",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(decline_reason="not-appropriate") | ~Q(decline_detail=""),
                name="referral_not_appropriate_says_why",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("received_on")),
                name="referral_decided_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"


class CaseloadStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on-hold", "On hold"
    ENDING = "ending", "Ending"
    ENDED = "ended", "Ended"


class CaseloadEntry(Versioned):
    """An episode of peer support: a service user on a PSW's caseload, from start to ending.

    Accepting a referral opens one; an ending closes it. A re-referral opens a new episode, so
    the history of earlier ones stays as it was.
    """

    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="caseload_entries"
    )
    worker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="caseload_entries")
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="episode"
    )
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
            models.CheckConstraint(
                condition=Q(status="ended", end__isnull=False)
                | (~Q(status="ended") & Q(end__isnull=True)),
                name="caseload_ended_has_end",
            ),
            models.UniqueConstraint(
                fields=["service_user", "worker"],
                condition=Q(end__isnull=True),
                name="caseload_one_open_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"episode {self.pk}"
