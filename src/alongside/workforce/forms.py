"""Forms bind and check input; actions (workforce/actions/) write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from alongside.organisation.models import Discipline, Person, Region, Team
from alongside.workforce.actions.exchange import BODY_MAX_LENGTH
from alongside.workforce.actions.supervision import NOTES_MAX_LENGTH
from alongside.workforce.models import (
    MAX_SESSION_MINUTES,
    ONE_TO_ONE_TYPES,
    CpdEvent,
    Grade,
    ReadinessPhase,
)
from alongside.workforce.pulse import pulse_instrument
from alongside.workforce.readiness import Checklist


class DateInput(forms.DateInput):
    """A browser date picker; its value must be ISO whatever the site's locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PeopleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class SupervisionForm(forms.Form):
    """Phone-first: who, when, how long, the type, protected or not, then the private notes."""

    supervisee = PersonChoiceField(queryset=Person.objects.none(), label="Supervisee")
    supervisor = PersonChoiceField(queryset=Person.objects.none(), label="Supervisor")
    date = forms.DateField(widget=DateInput, label="Date")
    duration_minutes = forms.IntegerField(
        min_value=1,
        max_value=MAX_SESSION_MINUTES,
        label="Minutes",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    session_type = forms.ChoiceField(
        choices=[(t.value, t.label) for t in ONE_TO_ONE_TYPES],
        widget=forms.RadioSelect,
        label="Type",
    )
    protected_time = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Was the time protected?",
        help_text="Yes if the time was set aside for supervision and not taken by other work.",
    )
    supervisor_discipline = forms.ChoiceField(
        choices=[("", "As on their record"), *Discipline.choices],
        required=False,
        label="Supervisor's discipline",
    )
    private_notes = forms.CharField(
        required=False,
        max_length=NOTES_MAX_LENGTH,
        label="Private notes",
        help_text="Only you and the other person in the session can ever read these.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        supervisees: QuerySet[Person],
        supervisors: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisee"].queryset = supervisees  # type: ignore[attr-defined]
        self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]
        self.fields["date"].initial = timezone.localdate()
        self.fields["duration_minutes"].initial = 60
        self.fields["session_type"].initial = ONE_TO_ONE_TYPES[1].value
        self.fields["protected_time"].initial = "yes"
        if supervisees.count() == 1:
            self.fields["supervisee"].initial = supervisees.first()
            self.fields["supervisee"].widget = forms.HiddenInput()
        if supervisors.count() == 1:
            self.fields["supervisor"].initial = supervisors.first()


class PeerGroupForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label="Region")
    date = forms.DateField(widget=DateInput, label="Date")
    duration_minutes = forms.IntegerField(
        min_value=1, max_value=MAX_SESSION_MINUTES, label="Minutes"
    )
    topic = forms.CharField(max_length=200, required=False, label="Topic")
    protected_time = forms.BooleanField(required=False, label="The time was protected")
    attendees = PeopleChoiceField(
        queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple, label="Who came"
    )

    def __init__(
        self, *args: Any, regions: QuerySet[Region], attendees: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["attendees"].queryset = attendees  # type: ignore[attr-defined]
        self.fields["date"].initial = timezone.localdate()
        self.fields["duration_minutes"].initial = 90


class CpdRequestForm(forms.Form):
    event = forms.ModelChoiceField(
        queryset=CpdEvent.objects.none(),
        required=False,
        label="A course or event already listed",
        empty_label="None of these: I will describe it below",
    )
    title = forms.CharField(max_length=200, required=False, label="Title")
    provider = forms.CharField(max_length=200, required=False, label="Provider")
    hours = forms.DecimalField(
        max_digits=5, decimal_places=1, min_value=0.5, required=False, label="Hours"
    )
    date = forms.DateField(widget=DateInput, required=False, label="Date it starts")
    reason = forms.CharField(
        required=False,
        label="Why it would help your work",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = CpdEvent.objects.filter(  # type: ignore[attr-defined]
            date__gte=timezone.localdate()
        ).order_by("date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("event") is None:
            for name in ("title", "provider", "hours", "date"):
                if not data.get(name):
                    self.add_error(name, "Fill this in, or choose a listed course or event.")
        return data


class CpdDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        label="Decision",
    )
    note = forms.CharField(
        required=False,
        label="Note to the person",
        help_text="Needed when you decline: say why and what would help.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CpdCompleteForm(forms.Form):
    certificate = forms.FileField(
        required=False, label="Certificate", help_text="A PDF, PNG or JPEG file, up to 5 MB."
    )


class WorkTermsForm(forms.Form):
    grade = forms.ChoiceField(choices=Grade.choices, label="Grade")
    contracted_hours = forms.DecimalField(
        max_digits=4, decimal_places=1, min_value=0.5, max_value=80, label="Contracted hours a week"
    )
    fte = forms.DecimalField(
        max_digits=3, decimal_places=2, min_value=0.01, max_value=1, label="FTE (1.00 is full time)"
    )
    start = forms.DateField(widget=DateInput, label="From")


class WorkResourcesForm(forms.Form):
    desk = forms.BooleanField(required=False, label="Desk")
    computer = forms.BooleanField(required=False, label="Computer")
    phone = forms.BooleanField(required=False, label="Work phone")
    printer = forms.BooleanField(required=False, label="Printer")


class ReadinessForm(forms.Form):
    phase = forms.ChoiceField(
        choices=ReadinessPhase.choices, widget=forms.RadioSelect, label="When"
    )
    assessed_on = forms.DateField(widget=DateInput, label="Assessed on")
    team_briefed = forms.BooleanField(required=False, label="The team was briefed on the role")
    staff_trained_percent = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Share of staff trained in recovery principles (%)",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    management_endorsement = forms.BooleanField(required=False, label="Management endorse the role")
    clinical_lead_endorsement = forms.BooleanField(
        required=False, label="The clinical lead endorses the role"
    )
    job_description_shared = forms.BooleanField(
        required=False, label="The job description was shared with the team"
    )
    supervision_arranged = forms.BooleanField(required=False, label="Supervision is arranged")
    resources_in_place = forms.BooleanField(
        required=False, label="Desk, computer and phone are in place"
    )

    def checklist(self) -> Checklist:
        data = self.cleaned_data
        return Checklist(
            team_briefed=data["team_briefed"],
            staff_trained_percent=data["staff_trained_percent"],
            management_endorsement=data["management_endorsement"],
            clinical_lead_endorsement=data["clinical_lead_endorsement"],
            job_description_shared=data["job_description_shared"],
            supervision_arranged=data["supervision_arranged"],
            resources_in_place=data["resources_in_place"],
        )


class PulseRoundForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), label="Team")
    opened_on = forms.DateField(widget=DateInput, label="Opens on")
    closes_on = forms.DateField(widget=DateInput, label="Closes on")


class PulseAnswerForm(forms.Form):
    """One radio group per pulse question, built from the instrument definition."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instrument = pulse_instrument()
        for item in instrument.items:
            scale = instrument.item_scale(item)
            self.fields[item.code] = forms.TypedChoiceField(
                choices=[(o.value, o.label or str(o.value)) for o in scale.options],
                coerce=int,
                widget=forms.RadioSelect,
                label=item.text or item.code,
                required=False,
            )

    def answers(self) -> dict[str, int | None]:
        return {code: (value if value != "" else None) for code, value in self.cleaned_data.items()}


class ThreadForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        required=False,
        label="Where",
        empty_label="National: every peer support worker",
    )
    title = forms.CharField(max_length=200, label="Title")
    body = forms.CharField(
        max_length=BODY_MAX_LENGTH,
        label="Your post",
        help_text="Share practice, not people: never a service user's name or details. "
        "Write @username to let a colleague know.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    confirm_no_names = forms.BooleanField(
        required=False, label="I have checked: this names no one who uses the service"
    )

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    body = forms.CharField(
        max_length=BODY_MAX_LENGTH,
        label="Your reply",
        help_text="Never a service user's name or details. Write @username to tell a colleague.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm_no_names = forms.BooleanField(
        required=False, label="I have checked: this names no one who uses the service"
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        max_length=200, label="Why it is hidden", help_text="The author is told."
    )


class GuidanceForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title")
    summary = forms.CharField(
        required=False, label="Summary", widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = PersonChoiceField(queryset=Person.objects.none(), label="Owner")
    tags = forms.CharField(
        required=False,
        label="Tags",
        help_text="Separated by commas, for example: supervision, readiness.",
    )
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args: Any, owners: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def tag_names(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class GuidanceVersionForm(forms.Form):
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 12}))
    change_note = forms.CharField(max_length=300, label="What changed")


class CoverageForm(forms.Form):
    weeks = forms.IntegerField(min_value=1, max_value=52, required=False, label="Weeks")
