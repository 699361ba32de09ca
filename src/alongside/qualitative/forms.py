"""Forms of the qualitative pages: each validates input for one action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from alongside.evaluation.models import Cohort, Method, Participant, Site
from alongside.qualitative.models import Code, Coding, Phase, Project
from alongside.qualitative.segments import path_of
from alongside.qualitative.sources import SUFFIXES

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TRANSCRIPT_METHODS = [
    (m.value, m.label) for m in (Method.INTERVIEW, Method.FOCUS_GROUP, Method.ONLINE_SURVEY)
]


def code_choices(project: Project, *, codable_only: bool) -> list[tuple[int, str]]:
    """Codes as "Theme / Sub-theme / Code", in path order."""
    rows = list(Code.objects.filter(project=project).values_list("pk", "name", "parent_id"))
    names = {pk: name for pk, name, _ in rows}
    parents = {pk: parent for pk, _, parent in rows}
    codable = set(
        Code.objects.filter(project=project, is_codable=True).values_list("pk", flat=True)
    )
    choices = [
        (pk, path_of(names, parents, pk).replace("/", " / "))
        for pk in names
        if pk in codable or not codable_only
    ]
    return sorted(choices, key=lambda c: c[1].casefold())


def _upload(upload: UploadedFile[bytes], suffixes: tuple[str, ...], what: str) -> bytes:
    name = (upload.name or "").lower()
    if not name.endswith(suffixes):
        raise forms.ValidationError(f"Choose a {what} file ({', '.join(suffixes)}).")
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise forms.ValidationError("The file is larger than 20 MB.")
    return upload.read()


class TranscriptForm(forms.Form):
    file = forms.FileField(
        label="Transcript file",
        help_text="A .txt, .docx, .vtt or .srt file. Lines that start with a name and a colon "
        "(Interviewer: …) become speaker turns; otherwise each paragraph is a passage.",
    )
    name = forms.CharField(
        required=False, max_length=200, help_text="Leave blank to use the file name."
    )
    method = forms.ChoiceField(choices=TRANSCRIPT_METHODS, initial=Method.INTERVIEW)

    def clean_file(self) -> bytes:
        return _upload(self.cleaned_data["file"], SUFFIXES, "transcript")


class OpenAnswersForm(forms.Form):
    file = forms.FileField(
        label="Open answers (CSV)",
        help_text="Columns participant, question, answer: one source per question, one passage "
        "per answer. Participants are matched by their study code or pseudonym.",
    )

    def clean_file(self) -> bytes:
        return _upload(self.cleaned_data["file"], (".csv",), "CSV")


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=Phase.choices, label="Phase of the analysis")


class MemoForm(forms.Form):
    text = forms.CharField(label="Memo", widget=forms.Textarea({"rows": 3}))


class CodeForm(forms.Form):
    name = forms.CharField(max_length=120)
    definition = forms.CharField(required=False, widget=forms.Textarea({"rows": 2}))
    inclusion = forms.CharField(
        required=False, label="Include when", widget=forms.Textarea({"rows": 2})
    )
    exclusion = forms.CharField(
        required=False, label="Leave out when", widget=forms.Textarea({"rows": 2})
    )
    is_codable = forms.BooleanField(
        required=False,
        initial=True,
        label="Text can be coded with it",
        help_text="Untick for a theme or sub-theme that only groups other codes.",
    )


class NewCodeForm(CodeForm):
    parent = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Under")

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["parent"].choices = [  # type: ignore[attr-defined]
            ("", "Nothing (a new theme at the top)"),
            *code_choices(project, codable_only=False),
        ]
        self.order_fields(["name", "parent"])

    def parent_code(self) -> Code | None:
        pk = self.cleaned_data.get("parent")
        return None if pk is None else Code.objects.get(project=self.project, pk=pk)


class MoveForm(forms.Form):
    parent = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Move under"
    )

    def __init__(self, *args: Any, code: Code, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code
        self.fields["parent"].choices = [  # type: ignore[attr-defined]
            ("", "Nothing (make it a top-level theme)"),
            *(c for c in code_choices(code.project, codable_only=False) if c[0] != code.pk),
        ]

    def parent_code(self) -> Code | None:
        pk = self.cleaned_data.get("parent")
        return None if pk is None else Code.objects.get(project=self.code.project, pk=pk)


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(coerce=int, label="Merge into")

    def __init__(self, *args: Any, code: Code, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code
        self.fields["into"].choices = [  # type: ignore[attr-defined]
            c for c in code_choices(code.project, codable_only=False) if c[0] != code.pk
        ]

    def target(self) -> Code:
        return Code.objects.get(project=self.code.project, pk=self.cleaned_data["into"])


class SplitForm(forms.Form):
    new_name = forms.CharField(max_length=120, label="Name of the new code")
    codings = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, label="Codings that move to it"
    )

    def __init__(self, *args: Any, code: Code, labels: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code
        self.fields["codings"].choices = list(labels.items())  # type: ignore[attr-defined]

    def chosen(self) -> list[Coding]:
        return list(Coding.objects.filter(code=self.code, pk__in=self.cleaned_data["codings"]))


class ApplyCodesForm(forms.Form):
    """Codes for a whole segment (`segment`) or a selection (`start`, `end`)."""

    codes = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, label="Codes"
    )
    segment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["codes"].choices = code_choices(project, codable_only=True)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_span = data.get("start") is not None and data.get("end") is not None
        if data.get("segment") is None and not has_span:
            raise forms.ValidationError("Select some text, or code a whole passage.")
        return data

    def chosen_codes(self) -> list[Code]:
        return list(Code.objects.filter(project=self.project, pk__in=self.cleaned_data["codes"]))


class SpeakerForm(forms.Form):
    role_label = forms.CharField(
        max_length=100,
        required=False,
        label="Role",
        help_text="How quotes are attributed, e.g. Service user, Nurse, Peer support worker.",
    )
    participant = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Study participant"
    )
    cohort = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    site = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    is_interviewer = forms.BooleanField(
        required=False, label="Interviewer or facilitator (never quoted)"
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        study = project.study
        self.study = study
        self.fields["participant"].choices = [  # type: ignore[attr-defined]
            ("", "Not linked"),
            *Participant.objects.filter(study=study).values_list("pk", "pseudonym"),
        ]
        self.fields["cohort"].choices = [  # type: ignore[attr-defined]
            ("", "Not known"),
            *Cohort.objects.filter(study=study).values_list("pk", "name"),
        ]
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", "Not known"),
            *Site.objects.filter(study=study).values_list("pk", "name"),
        ]

    def lookups(self) -> dict[str, Any]:
        data = self.cleaned_data

        def one(model: Any, key: str) -> Any:
            return None if data[key] is None else model.objects.get(study=self.study, pk=data[key])

        return {
            "participant": one(Participant, "participant"),
            "cohort": one(Cohort, "cohort"),
            "site": one(Site, "site"),
        }


class SourceFilterForm(forms.Form):
    code = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    role = forms.ChoiceField(required=False)
    site = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, project: Project, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [  # type: ignore[attr-defined]
            ("", "Any code"),
            *code_choices(project, codable_only=False),
        ]
        self.fields["role"].choices = [("", "Any role"), *((r, r) for r in roles)]  # type: ignore[attr-defined]
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", "Any site"),
            *Site.objects.filter(study=project.study).values_list("pk", "name"),
        ]


class AgreementForm(forms.Form):
    """Which coders and sources to compare; none ticked means all of them."""

    coders = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Coders"
    )
    sources = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Sources"
    )

    def __init__(
        self,
        *args: Any,
        coders: list[tuple[int, str]],
        sources: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coders"].choices = coders
        self.fields["sources"].choices = sources


class SuggestionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])


class QdpxForm(forms.Form):
    file = forms.FileField(
        label="REFI-QDA project (.qdpx)",
        help_text="Exported from NVivo, ATLAS.ti, MAXQDA, QualCoder or Alongside. The whole file "
        "is checked first; if anything is wrong, every problem is listed and nothing is added.",
    )

    def clean_file(self) -> bytes:
        return _upload(self.cleaned_data["file"], (".qdpx",), "REFI-QDA project")
