"""System checks run at start-up and by `alongside check`."""

from typing import Any

from django.core.checks import CheckMessage, Error, register

from alongside.core.terminology import terms


@register()
def check_terms(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Refuse to start with a misspelt ALONGSIDE_TERMS rather than fail on the first page."""
    try:
        terms()
    except ValueError as error:
        return [Error(str(error), id="alongside.E001")]
    return []
