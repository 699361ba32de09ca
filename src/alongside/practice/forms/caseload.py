from django import forms

from alongside.practice.models import CaseloadStatus
from alongside.practice.queries import CASELOAD_SORTS


class CaseloadFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        label="Status",
        # Ended episodes leave the caseload; their history is on each person's page.
        choices=[("", "All open"), *[c for c in CaseloadStatus.choices if c[0] != "ended"]],
    )
    sort = forms.ChoiceField(
        required=False,
        label="Order by",
        choices=[(key, label) for key, (label, _) in CASELOAD_SORTS.items()],
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": "", "sort": "next"}
        return {
            "status": self.cleaned_data["status"],
            "sort": self.cleaned_data["sort"] or "next",
        }
