"""Loaded instrument versions and text packs, schedules, administrations and survey links.

A definition is stored as its canonical JSON (the definition as understood, defaults filled in,
tables inlined) with its digest; `InstrumentVersion.instrument()` rebuilds the pure
`Instrument` and checks the digest again, so an administration is always scored by exactly the
rules it was given under.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from alongside.measures import textpacks
from alongside.measures.definitions import (
    Band,
    Better,
    ChangeNorms,
    CombinedOption,
    Instrument,
    Item,
    ItemKind,
    Licence,
    MissingRule,
    Norm,
    ReliabilityKind,
    Scale,
    ScaleOption,
    ScoreMethod,
    ScoreRule,
    definition_digest,
)
from alongside.measures.textpacks import BUILT_IN, pack_digest
from alongside.practice.models import CaseloadEntry, ServiceUser
from alongside.practice.models.versioned import Versioned


class StoredDefinitionError(RuntimeError):
    """A stored definition no longer matches its digest: it was edited in the database."""


def _missing(data: dict[str, Any]) -> MissingRule:
    return MissingRule(**data)


def _norm(data: dict[str, Any] | None) -> Norm | None:
    return None if data is None else Norm(**data)


def instrument_from_json(data: dict[str, Any], *, source: str) -> Instrument:
    """Rebuild an Instrument from its canonical JSON (the inverse of `canonical_json`)."""
    scores = []
    for rule in data["scores"]:
        change = rule["change"]
        scores.append(
            ScoreRule(
                code=rule["code"],
                method=ScoreMethod(rule["method"]),
                items=tuple(rule["items"]),
                low=rule["low"],
                high=rule["high"],
                label=rule["label"],
                subscale=rule["subscale"],
                missing=_missing(rule["missing"]),
                table=tuple((raw, value) for raw, value in rule["table"]),
                table_provenance=rule["table_provenance"],
                better=Better(rule["better"]),
                bands=tuple(Band(**band) for band in rule["bands"]),
                change=None
                if change is None
                else ChangeNorms(
                    sd=change["sd"],
                    reliability=change["reliability"],
                    reliability_kind=ReliabilityKind(change["reliability_kind"]),
                    source=change["source"],
                    cutoff=change["cutoff"],
                    clinical=_norm(change["clinical"]),
                    general=_norm(change["general"]),
                    unverified=change["unverified"],
                ),
            )
        )
    return Instrument(
        code=data["code"],
        title=data["title"],
        version=data["version"],
        scales=tuple(
            Scale(
                code=s["code"],
                options=tuple(ScaleOption(**o) for o in s["options"]),
                combined=tuple(
                    CombinedOption(label=c["label"], values=tuple(c["values"]))
                    for c in s.get("combined", ())
                ),
            )
            for s in data["scales"]
        ),
        items=tuple(
            Item(
                code=i["code"],
                kind=ItemKind(i["kind"]),
                scale=i["scale"],
                text=i["text"],
                reverse=i["reverse"],
                subscale=i["subscale"],
                tags=tuple(i["tags"]),
            )
            for i in data["items"]
        ),
        scores=tuple(scores),
        licence=Licence(**data["licence"]),
        missing=_missing(data["missing"]),
        description=data["description"],
        respondent=data["respondent"],
        instructions=data["instructions"],
        citation=data["citation"],
        provenance=data["provenance"],
        unverified=tuple(data["unverified"]),
        source=source,
    )


def text_pack_from_json(data: dict[str, Any], *, source: str) -> textpacks.TextPack:
    return textpacks.TextPack(
        pack=data["pack"],
        instrument=data["instrument"],
        version=data["version"],
        holder=data["holder"],
        items=tuple((code, text) for code, text in data["items"]),
        scales=tuple(
            (code, tuple((value, label) for value, label in labels))
            for code, labels in data["scales"]
        ),
        language=data["language"],
        attribution=data["attribution"],
        note=data["note"],
        title=data["title"],
        instructions=data["instructions"],
        source=source,
    )


class InstrumentVersion(models.Model):
    """One version of one instrument definition, exactly as validated when it was loaded."""

    code = models.CharField(max_length=64)
    version = models.CharField(max_length=16)
    title = models.CharField(max_length=300)
    digest = models.CharField(max_length=64)
    definition = models.JSONField(help_text="Canonical JSON of the validated definition.")
    ships_text = models.BooleanField()
    respondent = models.CharField(max_length=16, blank=True)
    licence_note = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    def instrument(self) -> Instrument:
        built = instrument_from_json(self.definition, source=f"{self} (stored)")
        digest = definition_digest(built)
        if digest != self.digest:
            raise StoredDefinitionError(f"{self}: the stored definition does not match its digest")
        return replace(built, digest=digest)


class TextPack(models.Model):
    """An organisation's wording for one instrument version (docs/formats/textpack.md)."""

    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="text_packs"
    )
    pack = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    texts = models.JSONField(help_text="Canonical JSON of the validated pack.")
    language = models.CharField(max_length=16, default="en")
    holder = models.CharField(max_length=300)
    attribution = models.TextField(blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["instrument_version", "pack"]
        constraints = [models.UniqueConstraint(fields=["pack", "digest"], name="text_pack_unique")]

    def __str__(self) -> str:
        return self.pack

    def text_pack(self) -> textpacks.TextPack:
        built = text_pack_from_json(self.texts, source=f"{self.pack} (stored)")
        digest = pack_digest(built)
        if digest != self.digest:
            raise StoredDefinitionError(f"{self.pack}: the stored pack does not match its digest")
        return replace(built, digest=digest)


class Schedule(models.Model):
    """When the programme gives an instrument: one row per instrument code."""

    instrument_code = models.CharField(max_length=64, unique=True)
    at_first_contact = models.BooleanField(default=True)
    every_n_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    at_ending = models.BooleanField(default=True)
    active = models.BooleanField(default=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["instrument_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_n_weeks__isnull=True) | Q(every_n_weeks__gte=1),
                name="schedule_interval_positive",
            )
        ]

    def __str__(self) -> str:
        return f"schedule for {self.instrument_code}"


class AdministrationMode(models.TextChoices):
    WITH_PSW = "with-psw", "With their peer support worker"
    SELF_ACCOUNT = "self-account", "In their own account"
    LINK = "link", "By a survey link"
    PAPER = "paper", "On paper, entered later"
    IMPORT = "import", "Imported (FHIR QuestionnaireResponse)"


class Administration(Versioned):
    """One completion of an instrument by a service user, with the scores it produced."""

    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="administrations"
    )
    episode = models.ForeignKey(
        CaseloadEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations",
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="administrations"
    )
    instrument_digest = models.CharField(max_length=64)
    text_pack = models.ForeignKey(
        TextPack, on_delete=models.PROTECT, null=True, blank=True, related_name="administrations"
    )
    text_pack_id_label = models.CharField(
        max_length=64, default=BUILT_IN, help_text="The pack id, or built-in."
    )
    administered_on = models.DateField()
    mode = models.CharField(max_length=16, choices=AdministrationMode.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.JSONField(default=dict, blank=True)
    written_answers = models.JSONField(default=dict, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"answers", "written_answers", "scores", "administered_on"}
    )

    class Meta:
        ordering = ["administered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=AdministrationMode.values), name="administration_mode_valid"
            )
        ]

    def __str__(self) -> str:
        return f"administration {self.pk}"


class SurveyLink(models.Model):
    """A single-use, expiring link to one questionnaire. Only the token's SHA-256 is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="survey_links"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="survey_links"
    )
    text_pack = models.ForeignKey(
        TextPack, on_delete=models.PROTECT, null=True, blank=True, related_name="survey_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    administration = models.OneToOneField(
        Administration, on_delete=models.PROTECT, null=True, blank=True, related_name="link"
    )

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(administration__isnull=False),
                name="survey_link_used_has_administration",
            )
        ]

    def __str__(self) -> str:
        return f"survey link {self.pk}"
