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
# Beyond this many teams, the team list shows the chosen region's teams only: a list of
# thousands is of no use on a phone, and costs more to send than the rest of the page.
TEAMS_LISTED_AT_MOST = 100


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        region = self._chosen_region()
        listed = Team.objects.order_by("name")
        if region is not None:
            listed = listed.filter(area__region_id=region)
        elif Team.objects.count() > TEAMS_LISTED_AT_MOST:
            listed = listed.none()
            team.help_text = "Choose a region first to list its teams."
        # Any team is accepted (a bookmarked address may name one); only these are offered.
        team.widget.choices = [("", team.empty_label or ""), *listed.values_list("pk", "name")]

    def _chosen_region(self) -> int | None:
        """The region named in the data, or else the region of the team named in it."""
        region = str(self.data.get("region") or "")
        if region.isdigit():
            return int(region)
        chosen = str(self.data.get("team") or "")
        if chosen.isdigit():
            found: int | None = (
                Team.objects.filter(pk=int(chosen))
                .values_list("area__region_id", flat=True)
                .first()
            )
            return found
        return None
