"""Making a referral and deciding on one. The rules (consent, who may accept for whom, when a
why is needed) live in the actions; these forms bind and type-check what was typed."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst

from alongside.core.access import AnyUser, Permission, visible
from alongside.core.terminology import term
from alongside.organisation.models import Person, Team
from alongside.practice.forms import DateInput, VersionedForm
from alongside.practice.models import DeclineReason, Referral, ServiceUser, Urgency
from alongside.practice.referral_queries import STATUS_FILTERS

# A date input's value must be ISO 8601 whatever the language's display format.
ISO_DATE = DateInput(format="%Y-%m-%d")


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        label="Outcome",
        choices=[(key, label) for key, (label, _) in STATUS_FILTERS.items()],
    )

    def status_filter(self) -> str:
        return self.cleaned_data["status"] if self.is_valid() else ""


class ServiceUserChoiceField(forms.ModelChoiceField):
    """Lists people by pseudonymous reference and team: no names in a long drop-down."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} ({obj.team.name})"


class ReferralForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    service_user = ServiceUserChoiceField(
        queryset=ServiceUser.objects.none(),
        required=False,
        empty_label="Someone new: give their details below",
    )
    reference = forms.CharField(
        max_length=32,
        required=False,
        label="Reference for someone new",
        help_text="A pseudonymous reference, never a health number. For example SU-0123.",
    )
    preferred_name = forms.CharField(
        max_length=100, required=False, label="Name they like to be called"
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
    consent_date = forms.DateField(required=False, widget=ISO_DATE, label="Date of consent")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="Reason for the referral"
    )
    hopes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="What the person hopes for",
        help_text="In their own words, if you can.",
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE)
    received_on = forms.DateField(widget=ISO_DATE, label="Date received")

    def __init__(self, user: AnyUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams: QuerySet[Team] = visible(Team, user, Permission.MAKE_REFERRAL).order_by("name")
        team_field = self.fields["team"]
        team_field.queryset = teams  # type: ignore[attr-defined]
        team_field.label = capfirst(term("team"))
        service_user_field = self.fields["service_user"]
        service_user_field.queryset = visible(  # type: ignore[attr-defined]
            ServiceUser, user, Permission.MAKE_REFERRAL
        ).select_related("team")
        service_user_field.label = f"Someone already known to the {term('team')}"
        service_user_field.help_text = "Leave this as it is to refer someone new."

    FIELDSETS = (
        ("Who is referred", ("team", "service_user")),
        ("Someone new", ("reference", "preferred_name", "contact_preferences")),
        ("Consent", ("consented_to_peer_support", "consent_date")),
        ("The referral", ("reason", "hopes", "urgency", "received_on")),
    )

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]


class DecisionForm(VersionedForm):
    """A decision on a referral, read at a version. A lost version means a tampered form."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "version" in self.errors:
            self.add_error(None, "This form was incomplete. Reload the page and try again.")
        return data

    @classmethod
    def for_referral(cls, referral: Referral, data: Any = None, **kwargs: Any) -> Any:
        return cls(data, initial={"version": referral.version}, **kwargs)


class AcceptForm(DecisionForm):
    prefix = "accept"
    worker = forms.ModelChoiceField(
        queryset=Person.objects.none(), label="Whose caseload", empty_label=None
    )
    next_planned_contact = forms.DateField(
        required=False, widget=ISO_DATE, label="Next planned contact"
    )
    consent_date = forms.DateField(
        required=False,
        widget=ISO_DATE,
        label="They consented to peer support on",
        help_text="Only if their consent is not recorded yet: a referral needs it to be accepted.",
    )

    def __init__(
        self, *args: Any, workers: QuerySet[Person], needs_consent: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]
        if not needs_consent:
            del self.fields["consent_date"]


class DeclineForm(DecisionForm):
    prefix = "decline"
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *DeclineReason.choices], label="Reason"
    )
    detail = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why",
        help_text="Needed when peer support is not appropriate, or for another reason. The "
        "referrer reads this.",
    )


class WaitingListForm(DecisionForm):
    prefix = "waiting"
