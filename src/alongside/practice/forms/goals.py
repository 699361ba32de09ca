"""Goal forms: setting a goal in the person's own words, rating it, closing it."""

from typing import Any

from django import forms
from django.utils import timezone

from alongside.practice.forms import DateInput, VersionedForm
from alongside.practice.models import Chime, Goal, GoalSetBy, GoalStatus, GoalStep

STEP_MAX_LENGTH = GoalStep._meta.get_field("text").max_length or 300
RATING_MESSAGE = "Choose a number from 0 to 10."
CLOSING_CHOICES = [
    ("", "Choose how it ended"),
    (GoalStatus.ACHIEVED, "Achieved"),
    (GoalStatus.CHANGED, "Changed: they want something different now"),
    (GoalStatus.LET_GO, "Let go: it is no longer for them"),
]

# <input type="date"> reads and writes ISO dates, whatever the language of the page.
ISO_DATE = DateInput(format="%Y-%m-%d")


def _today() -> Any:
    return timezone.localdate()


class StepsField(forms.CharField):
    """Steps typed one per line; cleaned to a list of non-blank lines."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        if any(len(step) > STEP_MAX_LENGTH for step in value):
            raise forms.ValidationError(
                f"Keep each step to {STEP_MAX_LENGTH} characters or fewer.", code="too_long"
            )


def _text_field() -> forms.CharField:
    return forms.CharField(
        widget=forms.Textarea({"rows": 3}),
        label="The goal, in their own words",
        help_text="Write it the way they said it, not in professional language.",
        error_messages={"required": "Write the goal in the person's own words."},
    )


def _chime_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[("", "Choose a CHIME process"), *Chime.choices],
        label="CHIME process",
        help_text="The part of recovery this goal is about: Connectedness, Hope, Identity, "
        "Meaning or Empowerment.",
        error_messages={"required": "Choose the CHIME process this goal is about."},
    )


def _steps_field() -> StepsField:
    return StepsField(
        required=False,
        label="Steps",
        help_text="One step per line, in the order they will try them.",
    )


class GoalForm(forms.Form):
    text = _text_field()
    set_by = forms.ChoiceField(
        choices=[("", "Choose who set it"), *GoalSetBy.choices],
        label="Who set this goal",
        help_text="A goal is always the person's own: they set it themselves, or agreed it "
        "with you. If they have not agreed it, do not record it.",
        error_messages={
            "required": "Say whether they set it themselves or agreed it with you.",
        },
    )
    chime_domain = _chime_field()
    steps = _steps_field()
    set_on = forms.DateField(widget=ISO_DATE, label="Set on", initial=_today)


class GoalEditForm(VersionedForm):
    text = _text_field()
    chime_domain = _chime_field()
    steps = _steps_field()

    @classmethod
    def for_goal(cls, goal: Goal, data: Any = None) -> "GoalEditForm":
        steps = "\n".join(step.text for step in goal.steps.all())
        initial = {
            "text": goal.text,
            "chime_domain": goal.chime_domain,
            "steps": steps,
            "version": goal.version,
        }
        return cls(data, initial=initial)


def _rating_field(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=0,
        max_value=10,
        label=label,
        help_text=help_text,
        error_messages={
            "required": RATING_MESSAGE,
            "invalid": RATING_MESSAGE,
            "min_value": RATING_MESSAGE,
            "max_value": RATING_MESSAGE,
        },
    )


class ProgressForm(forms.Form):
    rating = _rating_field(
        "Rating, from 0 to 10",
        "How far along the goal feels to the person: 0 is not started, 10 is there.",
    )
    note = forms.CharField(widget=forms.Textarea({"rows": 3}), required=False, label="Note")
    rated_on = forms.DateField(widget=ISO_DATE, label="Rated on", initial=_today)


class OwnProgressForm(forms.Form):
    """What a service user fills in on their own page: a number and, if they like, a few words."""

    rating = _rating_field(
        "How are you getting on with this, from 0 to 10?",
        "0 means you have not started. 10 means you are there.",
    )
    note = forms.CharField(
        widget=forms.Textarea({"rows": 2}), required=False, label="Anything you want to say"
    )


class GoalCloseForm(VersionedForm):
    status = forms.ChoiceField(
        choices=CLOSING_CHOICES,
        label="How did this goal end?",
        error_messages={"required": "Choose achieved, changed or let go."},
    )
    closed_on = forms.DateField(widget=ISO_DATE, label="Closed on", initial=_today)
