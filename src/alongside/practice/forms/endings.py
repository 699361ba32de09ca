"""Episode forms: changing an open episode's status, and ending it."""

from django import forms
from django.utils import timezone

from alongside.practice.forms import DateInput, VersionedForm
from alongside.practice.models import CaseloadEntry, CaseloadStatus, EndingReason

STATUS_CHOICES = [
    (CaseloadStatus.ACTIVE, "Active"),
    (CaseloadStatus.ON_HOLD, "On hold: paused for now"),
    (CaseloadStatus.ENDING, "Ending: working towards an ending"),
]

# <input type="date"> reads and writes ISO dates, whatever the language of the page.
ISO_DATE = DateInput(format="%Y-%m-%d")


class EpisodeStatusForm(VersionedForm):
    status = forms.ChoiceField(choices=STATUS_CHOICES, label="Status")

    @classmethod
    def for_episode(cls, episode: CaseloadEntry, data: object = None) -> "EpisodeStatusForm":
        return cls(data, initial={"status": episode.status, "version": episode.version})


class EndingForm(VersionedForm):
    ended_on = forms.DateField(widget=ISO_DATE, label="Ended on", initial=timezone.localdate)
    planned = forms.TypedChoiceField(
        choices=[
            ("", "Choose planned or unplanned"),
            ("planned", "Planned: agreed with the person"),
            ("unplanned", "Unplanned"),
        ],
        coerce=lambda value: value == "planned",
        label="Was the ending planned?",
        error_messages={"required": "Say whether the ending was planned."},
    )
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *EndingReason.choices],
        label="Main reason",
        error_messages={"required": "Choose the reason the episode ended."},
    )
    now_community_activities = forms.BooleanField(required=False, label="Community activities")
    now_work = forms.BooleanField(required=False, label="Work or volunteering")
    now_education = forms.BooleanField(required=False, label="Education or training")
    now_other_supports = forms.BooleanField(required=False, label="Other supports")
    now_note = forms.CharField(
        max_length=300,
        required=False,
        label="What they are doing now, in a few words",
    )
    independence_note = forms.CharField(
        widget=forms.Textarea({"rows": 4}),
        required=False,
        label="Independence",
        help_text="How they are managing without peer support, in their words where you can.",
    )

    NOW_FIELDS = ("now_community_activities", "now_work", "now_education", "now_other_supports")
    # Everything `end_episode` takes besides the version, named as the form names them.
    ENDING_FIELDS = (
        "ended_on",
        "planned",
        "reason",
        "now_community_activities",
        "now_work",
        "now_education",
        "now_other_supports",
        "now_note",
        "independence_note",
    )
