from typing import Any

from django.conf import settings
from django.http import HttpRequest

from alongside.core.navigation import navigation_for
from alongside.core.terminology import terms


def alongside(request: HttpRequest) -> dict[str, Any]:
    return {
        "terms": terms(),
        "navigation": navigation_for(request),
        "alongside_version": settings.ALONGSIDE_VERSION,
    }
