"""What the organisation views share: the permission check, form handling and PSW counts."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alongside.core.access import Permission, RoleCode, require_permission
from alongside.core.periods import current

T = TypeVar("T")

PSW_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)


def require(request: HttpRequest, permission: Permission) -> None:
    require_permission(request.user, permission)


def count_current_psws(memberships: str) -> Count:
    """The number of people now in a PSW role, through the `memberships` relation path."""
    prefix = f"{memberships}__"
    return Count(
        f"{prefix}person",
        filter=current(prefix) & Q(**{f"{prefix}role__in": PSW_ROLES}),
        distinct=True,
    )


def run_action(form: forms.BaseForm, action: Callable[[], T]) -> T | None:
    """Call the action if the form is valid; show any validation error it raises on the form."""
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


def render_form(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    submit: str,
    cancel_url: str,
    lede: str = "",
    **context: Any,
) -> HttpResponse:
    """One page with one form: the shape of every create and edit page here."""
    return render(
        request,
        "organisation/form.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "cancel_url": cancel_url,
            "lede": lede,
            **context,
        },
    )
