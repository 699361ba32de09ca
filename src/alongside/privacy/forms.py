from __future__ import annotations

from typing import Any

from django import forms

from alongside.evaluation.models import Study

REFERENCE_HELP = (
    "The reference of the request you are answering (from your request log), kept in the "
    "audit trail with what you do. Do not type the person's name here."
)


class ServiceUserSearchForm(forms.Form):
    q = forms.CharField(
        label="Service user number, reference or name",
        max_length=100,
        help_text="For example 42, SU-0042 or part of the name they use.",
    )


class ParticipantSearchForm(forms.Form):
    study = forms.ModelChoiceField(
        queryset=Study.objects.order_by("slug"),
        to_field_name="slug",
        empty_label="Choose a study",
    )
    pseudonym = forms.CharField(
        label="Pseudonym or participant code",
        max_length=64,
        help_text="For example P-0042, or the code on the person's consent form.",
    )


class ExportForm(forms.Form):
    request_reference = forms.CharField(
        label="Request reference", max_length=200, help_text=REFERENCE_HELP
    )


class _ConfirmedForm(forms.Form):
    """A request reference, and the record's own reference typed again to confirm."""

    request_reference = forms.CharField(
        label="Request reference", max_length=200, help_text=REFERENCE_HELP
    )
    confirm = forms.CharField(label="Type the reference shown above to confirm", max_length=100)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["confirm"].label = f"Type {expected} to confirm"

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"].strip()
        if typed != self.expected:
            raise forms.ValidationError(
                f"Type {self.expected} exactly, to show that this is the right record."
            )
        return typed


class ServiceUserRequestForm(_ConfirmedForm):
    what = forms.ChoiceField(
        label="What to do",
        widget=forms.RadioSelect,
        choices=[
            ("anonymise", "Anonymise: keep the records for counting, remove everything personal"),
            ("erase", "Erase: delete every record about this person"),
        ],
    )
    field_order = ["what", "request_reference", "confirm"]


class ParticipantRequestForm(_ConfirmedForm):
    what = forms.ChoiceField(
        label="What to do",
        widget=forms.RadioSelect,
        choices=[
            ("erase", "Erase: delete their answers and consent, blank out their words"),
            ("withdraw-keep", "Withdraw, keeping the answers already given"),
            ("withdraw-remove", "Withdraw, and delete the answers already given"),
        ],
    )
    field_order = ["what", "request_reference", "confirm"]
