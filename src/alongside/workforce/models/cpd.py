"""Continuing professional development: courses and events, requests to attend, and approvals."""

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from alongside.organisation.models import Person


class CpdEvent(models.Model):
    """A course, workshop or conference that peer support workers may ask to attend."""

    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = "CPD course or event"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=Decimal(0)) & Q(hours__lte=Decimal(500)),
                name="cpd_event_hours_range",
            ),
            models.UniqueConstraint(fields=["title", "provider", "date"], name="cpd_event_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"


class CpdStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    COMPLETED = "completed", "Completed"


# Statuses that count as having had access to CPD.
ACCESS_STATUSES = (CpdStatus.APPROVED, CpdStatus.COMPLETED)


def certificate_path(instance: "CpdRequest", filename: str) -> str:
    # The stored name never carries the uploaded name, which may hold a person's name.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"workforce/certificates/{instance.person_id}/{instance.event_id}.{suffix}"


class CpdRequest(models.Model):
    """A peer support worker's request to attend an event, its decision, and its certificate."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cpd_requests")
    event = models.ForeignKey(CpdEvent, on_delete=models.PROTECT, related_name="requests")
    reason = models.TextField("Why this would help", blank=True)
    status = models.CharField(max_length=16, choices=CpdStatus.choices, default=CpdStatus.REQUESTED)
    requested_on = models.DateField()
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    certificate = models.FileField(upload_to=certificate_path, blank=True, max_length=200)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"reason", "decision_note", "certificate"}
    )

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = "CPD request"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CpdStatus.values), name="cpd_request_status_valid"
            ),
            models.UniqueConstraint(fields=["person", "event"], name="cpd_request_once"),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(decided_on__isnull=False),
                name="cpd_request_decision_dated",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("requested_on")),
                name="cpd_request_decided_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"CPD request {self.pk}"
