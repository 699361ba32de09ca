"""What every qualitative view shares: loading the project, and redirecting after a write."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from alongside.core.access import Permission, has_permission
from alongside.qualitative.access import get_project_for_user
from alongside.qualitative.models import Project


def project_for(request: HttpRequest, slug: str, *, write: bool = False) -> Project:
    permission = Permission.CODE_QUALITATIVE if write else Permission.VIEW_QUALITATIVE
    return get_project_for_user(request.user, slug, permission)


def can_code(request: HttpRequest) -> bool:
    return has_permission(request.user, Permission.CODE_QUALITATIVE)


def user_of(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    assert isinstance(user, AbstractBaseUser)  # login is required for every qualitative page
    return user


def back_to(name: str, *args: Any, anchor: str = "") -> HttpResponseRedirect:
    url = reverse(f"qualitative:{name}", args=args)
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)
