from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alongside.core.models import AuditAction, AuditEvent


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, label="Username")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditAction.choices])
    object_type = forms.CharField(
        required=False, label="Record type", help_text="For example practice.serviceuser"
    )
    object_id = forms.CharField(required=False, label="Record number")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The 'From' date must be on or before the 'To' date.")
        return data

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data
        if data["actor"]:
            events = events.filter(actor_label__iexact=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"].lower())
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
        return events


T = TypeVar("T")


def run_action(form: forms.BaseForm, action: Callable[[], T]) -> T | None:
    """Call the action if the form is valid; show any ValidationError it raises on the form.

    Errors named after a form field go beside that field; the rest (an edit conflict, say) go
    at the top of the form.
    """
    if not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as error:
        by_field = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.messages}
        )
        for field, messages in by_field.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return None


def render_form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    submit: str,
    cancel_url: str,
    lede: str = "",
    **context: Any,
) -> HttpResponse:
    """One page with one form: the shape of every simple create and edit page."""
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "cancel_url": cancel_url,
            "lede": lede,
            **context,
        },
    )
