"""What the organisation views share: the permission check, form handling and PSW counts."""

from typing import Any

from django import forms
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alongside.core.access import Permission, RoleCode, require_permission
from alongside.core.forms import run_action  # noqa: F401  (shared by the views)
from alongside.core.periods import current

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
