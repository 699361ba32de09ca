"""System checks for the evaluation app, run at start-up and by `alongside check`."""

from __future__ import annotations

import stat
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from alongside.evaluation import pseudonym_key


@register()
def check_pseudonym_key(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """In production, refuse to start without a readable pseudonym key file.

    Elsewhere a missing file is created on first use (unless participants already exist); a
    file that is there must hold a key everywhere. The database is not read here: whether the
    key opens the stored codes is `alongside pseudonym_key check`.
    """
    path = pseudonym_key.key_path()
    if not path.exists():
        if settings.PRODUCTION:
            return [Error(pseudonym_key.missing_message(path), id="alongside.E101")]
        return []
    try:
        pseudonym_key.read_key(path)
    except pseudonym_key.PseudonymKeyError as error:
        return [Error(str(error), id="alongside.E102")]
    if settings.PRODUCTION and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [
            Warning(
                f"The pseudonym key file {path} can be read by others than its owner.",
                hint=f"chmod 600 {path}",
                id="alongside.W101",
            )
        ]
    return []
