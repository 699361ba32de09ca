"""Forms bind and check input; actions write. Edit forms carry the version they were read at."""

from typing import Any

from django import forms

from alongside.practice.models import ServiceUser


class DateInput(forms.DateInput):
    """A browser date picker; its value must be ISO whatever the site's locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")


class VersionedForm(forms.Form):
    """Carries the version of the record it was filled from, to detect a lost update."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ServiceUserForm(VersionedForm):
    preferred_name = forms.CharField(
        max_length=100, label="Name they like to be called", help_text="First name or nickname."
    )
    contact_preferences = forms.CharField(
        max_length=300,
        required=False,
        label="How they like to be contacted",
        help_text="For example: text first, afternoons only.",
    )
    consented_to_peer_support = forms.BooleanField(
        required=False, label="They have consented to peer support"
    )
    consent_date = forms.DateField(required=False, widget=DateInput, label="Date of consent")
    shares_notes_with_team = forms.BooleanField(
        required=False,
        label="They agree that their team's clinicians may read contact notes",
    )

    @classmethod
    def for_record(cls, record: ServiceUser, data: Any = None) -> "ServiceUserForm":
        initial = {
            name: getattr(record, name)
            for name in (
                "preferred_name",
                "contact_preferences",
                "consented_to_peer_support",
                "consent_date",
                "shares_notes_with_team",
                "version",
            )
        }
        return cls(data, initial=initial)


class OwnLoginForm(forms.Form):
    username = forms.CharField(
        max_length=150, label="Username", help_text="What they will type to sign in."
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="They choose their password from a link sent here ('Forgotten your password').",
    )
