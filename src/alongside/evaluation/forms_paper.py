"""Forms for keying paper questionnaires and resolving double-entry disagreements.

Fields are named as the paper actions name them (`participant_code`, `site`, `cohort`,
`item-<code>`), so every problem an action finds lands beside its field. The forms check
nothing themselves beyond lengths: the action checks the whole keying and lists every problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from alongside.evaluation.actions.paper import choice_items
from alongside.evaluation.double_entry import Disagreement, Value, item_field, item_of
from alongside.evaluation.imports import scale_text
from alongside.evaluation.models import Cohort, Site
from alongside.measures.definitions import Instrument

FIELD_LABELS = {"participant_code": "Participant code", "site": "Site", "cohort": "Cohort"}


def _code_input(**attrs: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false", **attrs}
    )


class PaperKeyingForm(forms.Form):
    """One keying of a paper form: the first (with its reference) or the second (blind)."""

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        sites: Sequence[Site],
        cohorts: Sequence[Cohort] = (),
        first: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.first = first
        if first:
            self.fields["reference"] = forms.CharField(
                label="Form number",
                max_length=64,
                required=False,
                help_text="The number written on the paper form.",
                widget=_code_input(autofocus="autofocus"),
            )
        self.fields["participant_code"] = forms.CharField(
            label="Participant code",
            max_length=64,
            required=False,
            widget=_code_input(**({} if first else {"autofocus": "autofocus"})),
        )
        self.fields["site"] = forms.ChoiceField(
            label="Site",
            required=False,
            choices=[("", "Choose the site"), *((s.code, f"{s.code}: {s.name}") for s in sites)],
        )
        if not first:
            self.fields["cohort"] = forms.ChoiceField(
                label="Cohort",
                required=False,
                choices=[
                    ("", "Choose the cohort"),
                    *((c.code, f"{c.code}: {c.name}") for c in cohorts),
                ],
            )
        for code in choice_items(instrument):
            item = instrument.item(code)
            self.fields[item_field(code)] = forms.CharField(
                label=f"{code}: {item.text}" if item.text else code,
                required=False,
                max_length=64,
                help_text=f"Value or label; blank if not answered. {scale_text(instrument, code)}",
                widget=_code_input(size="12"),
            )
        if first:
            self.fields["double_entry"] = forms.BooleanField(
                label="Double entry: a second person keys this form again before it counts",
                required=False,
                initial=True,
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if item_of(name) is not None]

    def answers(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(item_field(code)) or ""
            for code in choice_items(self.instrument)
        }


CODE_FIELD = "participant_code"
CODE_NOT_SHOWN = "the same code in both entries (codes are not shown)"
TYPE_THE_CODE = "Type the participant code written on the paper form."


def describe(value: Value, instrument: Instrument, field_name: str) -> str:
    """A keyed value as a person reads it: an item's value with its label; blank as such.

    A participant code is held only as its digest, so it is never shown.
    """
    if field_name == CODE_FIELD:
        return CODE_NOT_SHOWN
    if value is None or value == "":
        return "(left blank)"
    item = item_of(field_name)
    if item is None or not isinstance(value, int):
        return str(value)
    scale = instrument.item_scale(instrument.item(item))
    label = next((o.label for o in scale.options if o.value == value), None)
    return f"{value} ({label})" if label else str(value)


def field_label(field_name: str, instrument: Instrument) -> str:
    item = item_of(field_name)
    if item is None:
        return FIELD_LABELS.get(field_name, field_name)
    text = instrument.item(item).text
    return f"{item}: {text}" if text else item


class ResolveForm(forms.Form):
    """Which entry is right, for every disagreement: "first" or "second".

    Codes are not shown, so a disagreement on the participant code is resolved by typing the
    code written on the paper; the action checks that it is one of the two entries'.
    """

    def __init__(
        self,
        *args: Any,
        disagreements: Sequence[Disagreement],
        instrument: Instrument,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.disagreements = {d.field: d for d in disagreements}
        for d in disagreements:
            if d.field == CODE_FIELD:
                self.fields[d.field] = forms.CharField(
                    label=FIELD_LABELS[CODE_FIELD],
                    max_length=64,
                    error_messages={"required": TYPE_THE_CODE},
                    help_text=(
                        "The two entries keyed different participant codes. Type the code "
                        "written on the paper form: it must match one of the two entries."
                    ),
                    widget=_code_input(),
                )
                continue
            self.fields[d.field] = forms.ChoiceField(
                label=field_label(d.field, instrument),
                required=False,
                widget=forms.RadioSelect,
                choices=[
                    ("first", f"First entry: {describe(d.first, instrument, d.field)}"),
                    ("second", f"Second entry: {describe(d.second, instrument, d.field)}"),
                ],
            )

    def choices(self) -> dict[str, Value]:
        """The chosen values, by field; a field left unchosen is left out (the action says so).
        The participant code is the code as typed."""
        chosen: dict[str, Value] = {}
        for name, disagreement in self.disagreements.items():
            picked = self.cleaned_data.get(name)
            if name == CODE_FIELD:
                if picked:
                    chosen[name] = picked
            elif picked == "first":
                chosen[name] = disagreement.first
            elif picked == "second":
                chosen[name] = disagreement.second
        return chosen
