"""Practice exchange: threads and replies for peer support workers, by region or nationally."""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from alongside.organisation.models import Person, Region


class Thread(models.Model):
    """A discussion in a region's space, or (region empty) the national one."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="threads"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="threads")
    created_at = models.DateTimeField(auto_now_add=True)
    names_someone = models.BooleanField(
        default=False, help_text="Posted after a warning that it may name a service user."
    )
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(max_length=200, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"title", "body"})

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden=False) | Q(hidden_by__isnull=False),
                name="thread_hidden_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"thread {self.pk}"


class Reply(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="replies")
    body = models.TextField()
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="replies")
    created_at = models.DateTimeField(auto_now_add=True)
    names_someone = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(max_length=200, blank=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"body"})

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "replies"
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden=False) | Q(hidden_by__isnull=False),
                name="reply_hidden_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"reply {self.pk}"
