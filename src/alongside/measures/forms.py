"""A questionnaire form built from an instrument ready to show (definition or pack wording)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from alongside.measures.definitions import ItemKind
from alongside.measures.models import AdministrationMode
from alongside.measures.textpacks import DisplayInstrument

STAFF_MODES = [
    (AdministrationMode.WITH_PSW.value, "Now, with the person"),
    (AdministrationMode.PAPER.value, "From a paper form completed earlier"),
]


class QuestionnaireForm(forms.Form):
    """One radio group per item, labelled with the scale's wording; unanswered is allowed.

    Whether enough was answered for a score is the scoring engine's missing-data rule, not the
    form's: a questionnaire with gaps is still a completed questionnaire.
    """

    def __init__(
        self, display: DisplayInstrument, *args: Any, staff: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.display = display
        self.staff = staff
        if staff:
            self.fields["mode"] = forms.ChoiceField(
                label="How was it completed?",
                choices=STAFF_MODES,
                initial=AdministrationMode.WITH_PSW.value,
                widget=forms.RadioSelect,
            )
            self.fields["administered_on"] = forms.DateField(
                label="Date completed",
                initial=timezone.localdate,
                help_text="For a paper form, the date the person filled it in.",
                widget=forms.DateInput({"type": "date"}),
            )
        for number, item in enumerate(display.items, start=1):
            label = f"{number}. {item.text}"
            if item.kind is ItemKind.TEXT:
                self.fields[f"item_{item.code}"] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea({"rows": 3})
                )
            else:
                self.fields[f"item_{item.code}"] = forms.TypedChoiceField(
                    label=label,
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[(o.value, o.label) for o in item.options],
                    widget=forms.RadioSelect,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.staff and data.get("mode") == AdministrationMode.WITH_PSW.value:
            on = data.get("administered_on")
            if on is not None and on != timezone.localdate():
                self.add_error(
                    "administered_on",
                    "Completed with the person now means today; choose paper for an earlier date.",
                )
        return data

    def answers(self) -> dict[str, int | None]:
        return {
            item.code: self.cleaned_data.get(f"item_{item.code}")
            for item in self.display.items
            if item.kind is ItemKind.CHOICE
        }

    def written_answers(self) -> dict[str, str]:
        return {
            item.code: self.cleaned_data.get(f"item_{item.code}") or ""
            for item in self.display.items
            if item.kind is ItemKind.TEXT
        }


class SurveyLinkForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire")

    def __init__(self, choices: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = choices
