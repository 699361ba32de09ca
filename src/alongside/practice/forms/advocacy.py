"""Advocacy forms: the request, the team's answer, withdrawal, and the list filter."""

from django import forms
from django.utils import timezone

from alongside.practice.forms import DateInput, VersionedForm
from alongside.practice.models import AdvocacyItem, AdvocacyOutcome

OUTCOME_CHOICES = [
    ("", "Choose the outcome"),
    (AdvocacyOutcome.RAISED, AdvocacyOutcome.RAISED.label),
    (AdvocacyOutcome.AGREED, AdvocacyOutcome.AGREED.label),
    (AdvocacyOutcome.PARTLY, AdvocacyOutcome.PARTLY.label),
    (AdvocacyOutcome.NOT_AGREED, AdvocacyOutcome.NOT_AGREED.label),
]

# <input type="date"> reads and writes ISO dates, whatever the language of the page.
ISO_DATE = DateInput(format="%Y-%m-%d")


class AdvocacyForm(forms.Form):
    request = forms.CharField(
        widget=forms.Textarea({"rows": 4}),
        label="What they want raised with the team",
        help_text="In their own words where you can.",
        error_messages={"required": "Write what the person wants raised with the team."},
    )
    recorded_on = forms.DateField(widget=ISO_DATE, label="Asked on", initial=timezone.localdate)


class AdvocacyOutcomeForm(VersionedForm):
    raised_on = forms.DateField(
        widget=ISO_DATE,
        label="Raised at the team meeting on",
        error_messages={"required": "Give the date it was raised at the team meeting."},
    )
    team_response = forms.CharField(
        widget=forms.Textarea({"rows": 3}),
        required=False,
        label="What the team said",
        help_text="Needed once the team has decided.",
    )
    outcome = forms.ChoiceField(
        choices=OUTCOME_CHOICES,
        label="Outcome",
        error_messages={"required": "Choose the outcome."},
    )
    outcome_note = forms.CharField(
        widget=forms.Textarea({"rows": 3}),
        required=False,
        label="Note on the outcome",
        help_text="For example what happens next, or how the person feels about it.",
    )

    @classmethod
    def for_item(cls, item: AdvocacyItem, data: object = None) -> "AdvocacyOutcomeForm":
        outcome = "" if item.outcome == AdvocacyOutcome.WAITING else item.outcome
        initial = {
            "raised_on": item.raised_on,
            "team_response": item.team_response,
            "outcome": outcome,
            "outcome_note": item.outcome_note,
            "version": item.version,
        }
        return cls(data, initial=initial)


class AdvocacyWithdrawForm(VersionedForm):
    note = forms.CharField(
        widget=forms.Textarea({"rows": 2}),
        required=False,
        label="Why, if they want to say",
    )


class AdvocacyFilterForm(forms.Form):
    show = forms.ChoiceField(
        choices=[("open", "Still open"), ("closed", "Closed"), ("all", "All")],
        initial="open",
        label="Show",
    )

    def show_value(self) -> str:
        return str(self.cleaned_data["show"]) if self.is_valid() else "open"
