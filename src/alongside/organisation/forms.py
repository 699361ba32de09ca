"""Forms bind and check what was typed; the actions make the change."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.text import capfirst

from alongside.core.access import RoleCode
from alongside.core.periods import current
from alongside.core.terminology import term
from alongside.organisation.actions import membership_errors
from alongside.organisation.models import (
    Area,
    Membership,
    Person,
    Region,
    Team,
    TeamType,
)


class DateInput(forms.DateInput):
    input_type = "date"


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "code"]
        help_texts = {"code": "A short name for links and files: lower case, e.g. cho-4."}


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name"]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.region.name}: {obj.name}"


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.area.name}, {obj.area.region.name})"


class TeamForm(forms.ModelForm):
    area = AreaChoiceField(queryset=Area.objects.select_related("region"))

    class Meta:
        model = Team
        fields = ["name", "area", "team_type"]
        labels = {"team_type": "Type"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].label = capfirst(term("area"))


class TeamFilterForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.all(), required=False)
    team_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *TeamType.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.label = capfirst(term("region"))
        region.empty_label = f"Any {term('region')}"  # type: ignore[attr-defined]

    def apply(self, teams: QuerySet[Team]) -> QuerySet[Team]:
        data = self.cleaned_data
        if data["region"]:
            teams = teams.filter(area__region=data["region"])
        if data["team_type"]:
            teams = teams.filter(team_type=data["team_type"])
        return teams


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["given_name", "family_name", "email"]
        help_texts = {"email": "Needed for a login: the link to set a password is sent here."}


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Name", required=False, max_length=200)

    def apply(self, people: QuerySet[Person]) -> QuerySet[Person]:
        for word in self.cleaned_data["q"].split():
            people = people.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
        return people


class MembershipForm(forms.ModelForm):
    team = TeamChoiceField(
        queryset=Team.objects.select_related("area__region"),
        required=False,
        help_text="Leave empty for a role across the organisation, such as programme lead.",
    )

    class Meta:
        model = Membership
        fields = ["role", "team", "discipline", "contracted_hours", "fte", "start", "end"]
        widgets = {"start": DateInput, "end": DateInput}
        help_texts = {"end": "Leave empty if the role is open-ended."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].label = capfirst(term("team"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Fields with an error here are left out of the model's constraint checks, so a person
        # reads these messages rather than the names of database constraints.
        errors = membership_errors(
            role=data.get("role"),
            team=data.get("team"),
            start=data.get("start"),
            end=data.get("end"),
            fte=data.get("fte"),
            contracted_hours=data.get("contracted_hours"),
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return data


class EndMembershipForm(forms.Form):
    end = forms.DateField(label="Last day in the role", widget=DateInput)


SUPERVISING_ROLES = (RoleCode.SUPERVISOR, RoleCode.SENIOR_PEER_SUPPORT_WORKER)


class SupervisionForm(forms.Form):
    supervisor = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        help_text="People with a current supervisor or senior peer support worker role.",
    )
    start = forms.DateField(label="Supervision starts", widget=DateInput)

    def __init__(self, *args: Any, supervisee: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        supervising = Membership.objects.filter(current(), role__in=SUPERVISING_ROLES)
        field = self.fields["supervisor"]
        field.queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=supervising.values("person_id")
        ).exclude(pk=supervisee.pk)


class LoginForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @ . + - _ only. They sign in with this.",
    )
