"""The audit trail: an append-only, hash-chained record of who touched which personal data."""

from typing import ClassVar

from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    DENIED = "denied", "Refused access"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login-failed", "Failed login"
    LOGOUT = "logout", "Logged out"


class AuditEvent(models.Model):
    """One view, change or export of personal data. Rows are never updated or deleted.

    The database refuses updates (and deletes on PostgreSQL) with a trigger; each row also carries
    the hash of the row before it, so an edit made around the trigger is found by `audit verify`.
    Detail holds field names and counts, never values: the trail itself holds no personal data
    beyond the actor's username.
    """

    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"actor_label", "ip_address"})

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"


class AuditChainHead(models.Model):
    """The single row that serialises appends and remembers the newest hash and the count.

    Locking this row (SELECT ... FOR UPDATE) makes concurrent appends queue up, so the chain never
    forks; keeping the count and last hash here lets `audit verify` notice a deleted tail.
    """

    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"audit chain of {self.count}"


class Notification(models.Model):
    """A message for one user in the app (and by email when email is configured).

    Messages name records by their pseudonymous reference, never by a person's name.
    """

    recipient = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"message"})

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"notification {self.pk}"


class SignInThrottle(models.Model):
    """Failed sign-in attempts counted for one username or one client address.

    The key is a keyed hash (HMAC with the secret key) of what is counted, so neither the
    username nor the address is stored; several app processes agree because the count is here.
    """

    class Kind(models.TextChoices):
        USERNAME = "username", "Username"
        ADDRESS = "address", "Client address"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="signin_throttle_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} throttle {self.pk}"
