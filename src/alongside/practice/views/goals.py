from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from alongside.practice.models import ServiceUser


def service_user_section(request: HttpRequest, record: ServiceUser) -> dict[str, Any]:
    return {}


urlpatterns: list[URLPattern] = []
