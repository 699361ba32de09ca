"""The contact form, shaped for logging a routine contact from a phone in a few taps.

A new contact starts from today and from the worker's last one-to-one contact (mode, setting,
length and activities), looked up each time rather than stored, so the usual case is: type a
short note, tick what is different, press Enter.
"""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from alongside.organisation.models import Person
from alongside.practice.actions.contacts import MAX_DURATION_MINUTES, NOTE_MAX_LENGTH
from alongside.practice.forms import DateInput, VersionedForm
from alongside.practice.models import (
    Activity,
    Chime,
    Contact,
    ContactFormat,
    ContactMode,
    ContactSetting,
)

# For a worker's very first contact.
FIRST_DEFAULTS: dict[str, Any] = {
    "mode": ContactMode.IN_PERSON,
    "setting": ContactSetting.COMMUNITY,
    "duration_minutes": 60,
    "activities": [],
}
NOTE_HINT = (
    "A few plain words on what the person did and what went well, in words they would "
    "recognise. For example: “Took the bus to the library on her own and joined.”"
)


def last_used_values(worker: Person) -> dict[str, Any]:
    """Mode, setting, length and activities of the worker's latest one-to-one contact."""
    last = (
        Contact.objects.filter(worker=worker, group_session__isnull=True)
        .order_by("-recorded_at", "-pk")
        .prefetch_related("activities")
        .first()
    )
    if last is None:
        return dict(FIRST_DEFAULTS)
    return {
        "mode": last.mode,
        "setting": last.setting,
        "duration_minutes": last.duration_minutes,
        "activities": [a.pk for a in last.activities.all() if a.active],
    }


class ContactForm(forms.Form):
    # In the order they are shown and tabbed through: the note first (it has the focus), the
    # boxes, then the pre-filled details. Enter on any box or button saves.
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        label="Note",
        help_text=NOTE_HINT,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True, "spellcheck": "true"}),
    )
    activities = forms.ModelMultipleChoiceField(
        queryset=Activity.objects.filter(active=True),
        required=False,
        label="What you did together",
        widget=forms.CheckboxSelectMultiple,
    )
    chime = forms.MultipleChoiceField(
        choices=Chime.choices,
        required=False,
        label="Which recovery processes it supported (CHIME)",
        widget=forms.CheckboxSelectMultiple,
    )
    date = forms.DateField(widget=DateInput, label="Date")
    duration_minutes = forms.IntegerField(
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        label="Minutes",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": "Give the length in minutes, from 1 to 720 (12 hours).",
            "max_value": "Give the length in minutes, from 1 to 720 (12 hours).",
        },
    )
    mode = forms.ChoiceField(choices=ContactMode.choices, widget=forms.RadioSelect, label="How")
    setting = forms.ChoiceField(
        choices=ContactSetting.choices, widget=forms.RadioSelect, label="Where"
    )
    contact_format = forms.ChoiceField(
        choices=ContactFormat.choices, widget=forms.RadioSelect, label="One-to-one or group"
    )

    # Fields a group session decides; a session's contact shows them but cannot change them.
    SESSION_FIELDS = ("date", "duration_minutes", "mode", "setting", "contact_format")

    @classmethod
    def for_new(cls, worker: Person, data: Any = None) -> "ContactForm":
        initial = {
            "date": timezone.localdate(),
            "contact_format": ContactFormat.ONE_TO_ONE,
            **last_used_values(worker),
        }
        form = cls(data, initial=initial)
        # Only when logging: the arranged next meeting goes on the episode, not the contact.
        form.fields["next_planned_contact"] = forms.DateField(
            required=False,
            widget=DateInput,
            label="Next contact arranged for",
            help_text="If you agreed when to meet next; it shows on your caseload.",
        )
        return form

    def clean_note(self) -> str:
        note: str = self.cleaned_data["note"]
        return note.strip()


class ContactEditForm(ContactForm, VersionedForm):
    @classmethod
    def for_contact(cls, contact: Contact, data: Any = None) -> "ContactEditForm":
        initial = {
            "note": contact.note,
            "activities": [a.pk for a in contact.activities.all()],
            "chime": [tag.domain for tag in contact.chime_tags.all()],
            "date": contact.date,
            "duration_minutes": contact.duration_minutes,
            "mode": contact.mode,
            "setting": contact.setting,
            "contact_format": contact.contact_format,
            "version": contact.version,
        }
        form = cls(data, initial=initial)
        activities = form.fields["activities"]
        assert isinstance(activities, forms.ModelMultipleChoiceField)
        # A retired activity the contact already has stays available, so an edit keeps it.
        activities.queryset = Activity.objects.filter(
            Q(active=True) | Q(pk__in=initial["activities"])
        )
        if contact.group_session_id is not None:
            for name in cls.SESSION_FIELDS:
                del form.fields[name]
        return form

    def session_values(self, contact: Contact) -> dict[str, Any]:
        """The values of the fields a group session decides: from the form, or the contact."""
        return {
            name: self.cleaned_data[name] if name in self.fields else getattr(contact, name)
            for name in self.SESSION_FIELDS
        }


class DeleteContactForm(VersionedForm):
    pass
