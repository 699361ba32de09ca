from __future__ import annotations

from typing import Any

from django import forms

from alongside.organisation.models import Region, Team
from alongside.reports.models import BuildFormat


class BuildForm(forms.Form):
    format = forms.ChoiceField(choices=BuildFormat.choices, label="Format", initial="pdf")
    exact = forms.BooleanField(
        required=False,
        label="Exact counts (not for publication)",
        help_text="Small counts are shown. Recorded in the audit trail.",
    )

    def __init__(self, *args: Any, exact_allowed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not exact_allowed:
            del self.fields["exact"]


class NarrativeForm(forms.Form):
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


PERIODS = {
    "": ("All time", None),
    "90": ("Last 3 months", 90),
    "365": ("Last 12 months", 365),
}


class DashboardFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("name"), required=False, empty_label="All regions"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), required=False, empty_label="All teams"
    )
    period = forms.ChoiceField(
        choices=[(k, label) for k, (label, _) in PERIODS.items()], required=False
    )
