"""Supervision: one-to-one sessions with private notes, and peer group sessions across a region."""

from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from alongside.organisation.models import Discipline, Person, Region

MAX_SESSION_MINUTES = 480


class SupervisionType(models.TextChoices):
    LINE_MANAGEMENT = "line-management", "Line management"
    PRACTICE_SUPERVISION = "practice-supervision", "Practice supervision"
    PEER_GROUP_SUPERVISION = "peer-group-supervision", "Peer group supervision"


# A one-to-one session is line management or practice supervision; a group is a PeerGroupSession.
ONE_TO_ONE_TYPES = (SupervisionType.LINE_MANAGEMENT, SupervisionType.PRACTICE_SUPERVISION)


class SupervisionSession(models.Model):
    """One supervision meeting between a supervisor and a peer support worker.

    The private notes are for the two of them alone: no other role, an administrator or a
    programme lead included, ever reaches them (see workforce/access.py).
    """

    date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    supervisor = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="supervision_given"
    )
    supervisor_discipline = models.CharField(max_length=32, choices=Discipline.choices)
    supervisee = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="supervision_received"
    )
    session_type = models.CharField(max_length=32, choices=SupervisionType.choices)
    protected_time = models.BooleanField(
        help_text="The time was set aside for supervision, not taken by other work."
    )
    private_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="supervision_recorded"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"private_notes"})

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(session_type__in=[t.value for t in ONE_TO_ONE_TYPES]),
                name="supervision_session_one_to_one_type",
            ),
            models.CheckConstraint(
                condition=Q(supervisor_discipline__in=Discipline.values),
                name="supervision_session_discipline_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=MAX_SESSION_MINUTES),
                name="supervision_session_duration_range",
            ),
            models.CheckConstraint(
                condition=~Q(supervisor=F("supervisee")), name="supervision_session_not_self"
            ),
        ]
        indexes = [models.Index(fields=["supervisee", "date"], name="supervision_supervisee_idx")]

    def __str__(self) -> str:
        return f"supervision session {self.pk}"

    @property
    def by_peer(self) -> bool:
        return self.supervisor_discipline == Discipline.PEER


class PeerGroupSession(models.Model):
    """Peer group supervision: peer support workers of a region meeting with a facilitator."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="peer_groups")
    date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    facilitator = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="peer_groups_facilitated"
    )
    facilitator_discipline = models.CharField(max_length=32, choices=Discipline.choices)
    protected_time = models.BooleanField()
    topic = models.CharField(max_length=200, blank=True)
    attendees = models.ManyToManyField(
        Person, through="PeerGroupAttendance", related_name="peer_groups_attended"
    )
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=MAX_SESSION_MINUTES),
                name="peer_group_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(facilitator_discipline__in=Discipline.values),
                name="peer_group_discipline_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"peer group supervision {self.pk}"


class PeerGroupAttendance(models.Model):
    session = models.ForeignKey(PeerGroupSession, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="peer_group_attended_once")
        ]

    def __str__(self) -> str:
        return f"attendance {self.pk}"
