"""The guidance library: documents with an owner, tags, and every version kept."""

from typing import ClassVar

from django.db import models

from alongside.organisation.models import Person


class GuidanceTag(models.Model):
    name = models.SlugField(max_length=40, unique=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GuidanceDocument(models.Model):
    title = models.CharField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="guidance_owned")
    tags = models.ManyToManyField(GuidanceTag, related_name="documents", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def latest(self) -> "GuidanceVersion | None":
        return self.versions.order_by("-number").first()


class GuidanceVersion(models.Model):
    """One version of a document's text. Versions are added, never edited."""

    document = models.ForeignKey(
        GuidanceDocument, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField()
    body = models.TextField()
    change_note = models.CharField(max_length=300, blank=True)
    published_on = models.DateField()
    published_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="guidance_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"
