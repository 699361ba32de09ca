"""Forms for managing a study in the browser: its settings, members and participants."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.utils import timezone

from alongside.core.access import RoleCode
from alongside.core.periods import current
from alongside.evaluation.forms import MAX_UPLOAD_BYTES
from alongside.evaluation.models import (
    ApprovalStatus,
    ConsentPurpose,
    Method,
    Study,
)
from alongside.evaluation.studyfile import CODE, ApprovalEntry
from alongside.measures.models import InstrumentVersion
from alongside.organisation.models import Membership

MAX_STUDY_FILE_BYTES = 1024 * 1024
NO_APPROVAL = ""


class StudyDetailsForm(forms.Form):
    title = forms.CharField(max_length=300)
    period_start = forms.DateField(
        required=False, label="Start of the study period", widget=forms.DateInput({"type": "date"})
    )
    period_end = forms.DateField(
        required=False, label="End of the study period", widget=forms.DateInput({"type": "date"})
    )
    methods = forms.MultipleChoiceField(
        required=False,
        label="Collection methods",
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    information_sheet_version = forms.CharField(
        max_length=32,
        label="Participant information sheet version",
        help_text="Consent given online from now on refers to this version.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end must be on or after the start.")
        return data


class PlaceForm(forms.Form):
    code = forms.CharField(
        max_length=32,
        help_text="Letters, digits, hyphens or underscores, as used in the study's files "
        "(like CHO1). It cannot be changed later.",
        validators=[
            RegexValidator(CODE, "Use letters, digits, hyphens or underscores, like CHO1.")
        ],
    )
    name = forms.CharField(max_length=200)


class RenameForm(forms.Form):
    name = forms.CharField(max_length=200, label="New name")


class ApprovalsForm(forms.Form):
    """One status, committee and reference per (site, cohort); no status means not approved."""

    def __init__(self, *args: Any, sites: list[Any], cohorts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pairs: list[tuple[Any, Any, str]] = []
        choices = [(NO_APPROVAL, "None (not approved)"), *ApprovalStatus.choices]
        for r, site in enumerate(sites):
            for c, cohort in enumerate(cohorts):
                prefix = f"s{r}c{c}"
                where = f"{site.name}, {cohort.name}"
                self.fields[f"{prefix}-status"] = forms.ChoiceField(
                    required=False, choices=choices, label=f"Status for {where}"
                )
                self.fields[f"{prefix}-committee"] = forms.CharField(
                    required=False, max_length=300, label=f"Ethics committee for {where}"
                )
                self.fields[f"{prefix}-reference"] = forms.CharField(
                    required=False, max_length=100, label=f"Reference for {where}"
                )
                self.pairs.append((site, cohort, prefix))

    def grid(self) -> list[dict[str, Any]]:
        """Bound fields per site, then per cohort, for the template."""
        rows: dict[Any, list[dict[str, Any]]] = {}
        for site, cohort, prefix in self.pairs:
            rows.setdefault(site, []).append(
                {
                    "cohort": cohort,
                    "status": self[f"{prefix}-status"],
                    "committee": self[f"{prefix}-committee"],
                    "reference": self[f"{prefix}-reference"],
                }
            )
        return [{"site": site, "cells": cells} for site, cells in rows.items()]

    def approvals(self) -> list[ApprovalEntry]:
        data = self.cleaned_data
        return [
            ApprovalEntry(
                site.code,
                cohort.code,
                data[f"{prefix}-status"],
                data[f"{prefix}-committee"].strip(),
                data[f"{prefix}-reference"].strip(),
            )
            for site, cohort, prefix in self.pairs
            if data[f"{prefix}-status"] != NO_APPROVAL
        ]

    @staticmethod
    def initial_for(
        sites: list[Any], cohorts: list[Any], approvals: dict[tuple[str, str], ApprovalEntry]
    ) -> dict[str, str]:
        initial = {}
        for r, site in enumerate(sites):
            for c, cohort in enumerate(cohorts):
                entry = approvals.get((site.code, cohort.code))
                if entry is not None:
                    initial[f"s{r}c{c}-status"] = entry.status
                    initial[f"s{r}c{c}-committee"] = entry.committee
                    initial[f"s{r}c{c}-reference"] = entry.reference
        return initial


class InstrumentsForm(forms.Form):
    """For each cohort, the instrument versions its members complete."""

    def __init__(self, *args: Any, cohorts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = list(InstrumentVersion.objects.order_by("code", "version"))
        choices = [(str(v.pk), f"{v.title} ({v.code} {v.version})") for v in versions]
        self.keys = {str(v.pk): (v.code, v.version) for v in versions}
        self.cohort_fields: list[tuple[Any, str]] = []
        for index, cohort in enumerate(cohorts):
            name = f"cohort{index}"
            self.fields[name] = forms.MultipleChoiceField(
                required=False,
                choices=choices,
                label=f"{cohort.name} ({cohort.code})",
                widget=forms.CheckboxSelectMultiple,
            )
            self.cohort_fields.append((cohort, name))

    def chosen(self) -> dict[str, list[tuple[str, str]]]:
        return {
            cohort.code: [self.keys[pk] for pk in self.cleaned_data[name]]
            for cohort, name in self.cohort_fields
        }


def _checked_upload(upload: UploadedFile[bytes], endings: tuple[str, ...], limit: int) -> None:
    name = (upload.name or "").lower()
    if not name.endswith(endings):
        raise forms.ValidationError(f"Choose a {' or '.join(endings)} file.")
    if (upload.size or 0) > limit:
        raise forms.ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.")


class StudyUploadForm(forms.Form):
    file = forms.FileField(
        label="Study file",
        help_text="A YAML study file as described in the guide to study files (.yaml or .yml).",
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        _checked_upload(upload, (".yaml", ".yml"), MAX_STUDY_FILE_BYTES)
        return upload


class ParticipantImportForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="CSV or XLSX with columns participant, cohort, site and method.",
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        _checked_upload(upload, (".csv", ".xlsx"), MAX_UPLOAD_BYTES)
        return upload


class MemberAddForm(forms.Form):
    evaluator = forms.ChoiceField(
        required=False, label="Choose an evaluator", help_text="People with the evaluator role."
    )
    username = forms.CharField(required=False, max_length=150, label="Or type their username")
    may_see_identifiers = forms.BooleanField(
        required=False,
        label="May see identifiers",
        help_text="Their exports may carry participant codes instead of pseudonyms.",
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].choices = [("", "—"), *candidates]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, typed = data.get("evaluator"), (data.get("username") or "").strip()
        if chosen and typed and chosen != typed:
            raise forms.ValidationError("Choose an evaluator or type a username, not both.")
        if not (chosen or typed):
            self.add_error("username", "Choose an evaluator or type their username.")
        data["chosen_username"] = chosen or typed
        return data


class MemberIdentifiersForm(forms.Form):
    may_see_identifiers = forms.BooleanField(required=False, label="May see identifiers")


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    given = forms.TypedChoiceField(
        label="Answer",
        choices=[("yes", "Consent given"), ("no", "Consent not given")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    information_sheet_version = forms.CharField(
        max_length=32,
        label="Information sheet version",
        help_text="The version of the information sheet the person was given.",
    )
    date = forms.DateField(label="Date of the answer", widget=forms.DateInput({"type": "date"}))

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return date


KEEP, ERASE = "keep", "erase"


class WithdrawForm(forms.Form):
    answers = forms.ChoiceField(
        label="What happens to the answers already given",
        choices=[
            (KEEP, "Keep them stored (the person agreed they may be kept)"),
            (ERASE, "Erase them (the person asked for their answers to be deleted)"),
        ],
        widget=forms.RadioSelect,
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


ANY = ""


class ParticipantFilterForm(forms.Form):
    site = forms.ChoiceField(required=False)
    cohort = forms.ChoiceField(required=False)
    method = forms.ChoiceField(required=False, choices=[(ANY, "Any method"), *Method.choices])
    withdrawn = forms.ChoiceField(
        required=False,
        label="Withdrawn",
        choices=[(ANY, "Everyone"), ("no", "Taking part"), ("yes", "Withdrawn")],
    )

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            (ANY, "Any site"),
            *((s.code, f"{s.name} ({s.code})") for s in study.sites.order_by("code")),
        ]
        self.fields["cohort"].choices = [  # type: ignore[attr-defined]
            (ANY, "Any cohort"),
            *((c.code, c.name) for c in study.cohorts.order_by("code")),
        ]

    def apply(self, rows: Any) -> Any:
        data = self.cleaned_data
        if data.get("site"):
            rows = rows.filter(site__code=data["site"])
        if data.get("cohort"):
            rows = rows.filter(cohort__code=data["cohort"])
        if data.get("method"):
            rows = rows.filter(method=data["method"])
        if data.get("withdrawn") == "yes":
            rows = rows.filter(withdrawn_at__isnull=False)
        elif data.get("withdrawn") == "no":
            rows = rows.filter(withdrawn_at__isnull=True)
        return rows


def evaluator_choices(exclude_user_ids: set[int]) -> list[tuple[str, str]]:
    """Usernames of active users with a current evaluator role, for the members page."""
    rows = (
        Membership.objects.filter(current(), role=RoleCode.EVALUATOR, person__user__isnull=False)
        .filter(person__user__is_active=True)
        .exclude(person__user_id__in=exclude_user_ids)
        .select_related("person", "person__user")
        .order_by("person__family_name", "person__given_name")
    )
    seen: dict[str, str] = {}
    for membership in rows:
        user = membership.person.user
        assert user is not None
        seen.setdefault(user.get_username(), f"{membership.person} ({user.get_username()})")
    return list(seen.items())
