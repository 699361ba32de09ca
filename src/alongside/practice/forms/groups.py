"""Forms for group programmes, their sessions and attendance. Actions check the rules."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from alongside.core.access import AnyUser, Permission, visible
from alongside.organisation.models import Person, Team
from alongside.practice.actions.contacts import MAX_DURATION_MINUTES
from alongside.practice.actions.groups import possible_facilitators
from alongside.practice.forms import DateInput, VersionedForm
from alongside.practice.models import Activity, ContactSetting, GroupProgramme, ServiceUser

DURATION_MESSAGE = "Give the length in minutes, from 1 to 720 (12 hours)."


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class _GroupFields(forms.Form):
    name = forms.CharField(
        max_length=200, help_text="For example: Walking group, Cinema club, Five-a-side."
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What happens, who it suits, where it meets.",
    )
    facilitators = FacilitatorChoiceField(
        queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(widget=DateInput, label="Starts")
    end = forms.DateField(
        widget=DateInput, required=False, label="Ends", help_text="Leave empty if it runs on."
    )

    def _offer_facilitators(self, team_ids: list[int]) -> None:
        field = self.fields["facilitators"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = possible_facilitators(team_ids).order_by("given_name", "family_name")


class GroupEditForm(_GroupFields, VersionedForm):
    @classmethod
    def for_programme(cls, programme: GroupProgramme, data: Any = None) -> "GroupEditForm":
        initial = {
            "name": programme.name,
            "description": programme.description,
            "facilitators": [p.pk for p in programme.facilitators.all()],
            "start": programme.start,
            "end": programme.end,
            "version": programme.version,
        }
        form = cls(data, initial=initial)
        form._offer_facilitators([programme.team_id])
        return form


class GroupForm(_GroupFields):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)

    field_order = ["name", "team", "description", "facilitators", "start", "end"]

    @classmethod
    def for_user(cls, user: AnyUser, data: Any = None) -> "GroupForm":
        teams = visible(Team, user, Permission.MANAGE_GROUPS).order_by("name")
        me = Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
        form = cls(
            data,
            initial={"start": timezone.localdate(), "facilitators": [me] if me else []},
        )
        team_field = form.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = teams
        form._offer_facilitators(list(teams.values_list("pk", flat=True)))
        return form


class SessionForm(forms.Form):
    date = forms.DateField(widget=DateInput)
    duration_minutes = forms.IntegerField(
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        initial=90,
        label="Minutes",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"min_value": DURATION_MESSAGE, "max_value": DURATION_MESSAGE},
    )
    setting = forms.ChoiceField(
        choices=ContactSetting.choices,
        widget=forms.RadioSelect,
        initial=ContactSetting.COMMUNITY,
        label="Where",
    )
    topic = forms.CharField(
        max_length=200, required=False, help_text="For example: Cliff path loop, or Week 3."
    )


class AttendeeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.preferred_name} ({obj.reference})"


class AttendanceForm(forms.Form):
    attendees = AttendeeChoiceField(
        queryset=ServiceUser.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who came",
    )
    activities = forms.ModelMultipleChoiceField(
        queryset=Activity.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What the session offered",
        help_text="Saved with the contact of each person newly marked as here.",
    )
    # Who was marked when the form was read, to notice someone else's marks made since.
    marked = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def for_session(
        cls, markable: QuerySet[ServiceUser], marked: set[int], data: Any = None
    ) -> "AttendanceForm":
        form = cls(
            data,
            initial={
                "attendees": sorted(marked),
                "marked": ",".join(str(pk) for pk in sorted(marked)),
            },
        )
        field = form.fields["attendees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = markable
        return form

    def clean_marked(self) -> set[int]:
        raw: str = self.cleaned_data["marked"]
        try:
            return {int(pk) for pk in raw.split(",") if pk}
        except ValueError:
            # A hidden field's error would go unseen beside it: show it at the top instead.
            self.add_error(None, "The form was damaged: reload the page and mark again.")
            return set()
