from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from alongside.evaluation.models import CohortInstrument, Study

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ResponseImportForm(forms.Form):
    """One cohort's answers to one instrument, as a CSV or XLSX file."""

    cohort = forms.ChoiceField()
    instrument = forms.ChoiceField()
    file = forms.FileField(
        label="File",
        help_text="CSV or XLSX with columns participant, site, method and one per item code.",
    )

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [  # type: ignore[attr-defined]
            (code, f"{name} ({code})")
            for code, name in study.cohorts.order_by("code").values_list("code", "name")
        ]
        codes = sorted(
            set(
                CohortInstrument.objects.filter(cohort__study=study).values_list(
                    "instrument_version__code", flat=True
                )
            )
        )
        self.fields["instrument"].choices = [(code, code) for code in codes]  # type: ignore[attr-defined]

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Choose a .csv or .xlsx file.")
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB: split it into parts.")
        return upload
