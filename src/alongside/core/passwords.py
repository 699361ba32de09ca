"""Password rules beyond Django's own, after NIST SP 800-63B.

Long passphrases are welcome (up to 256 characters), there are no composition rules and no
expiry; what is refused is a password that is too short, commonly used, or made of words anyone
could guess from the context: the service's name, the organisation's name or the username.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

MAXIMUM_LENGTH = 256
# What must be left once the context words and everything but letters and digits are taken out.
MINIMUM_OWN_CHARACTERS = 8
SERVICE_NAME = "alongside"


class MaximumLengthValidator:
    """Refuse only absurd lengths: 800-63B asks that at least 64 characters be allowed."""

    def __init__(self, max_length: int = MAXIMUM_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: use at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"It can be as long as you like, up to {self.max_length} characters."


def context_words(
    *, username: str = "", organisation: str = "", extra: tuple[str, ...] = ()
) -> list[str]:
    """The guessable words: the service's name, the organisation's, the username and its parts.

    Words shorter than three letters are left out: taking them out would gut any passphrase.
    """
    words = {SERVICE_NAME, *extra}
    for text in (username, organisation):
        words.update(re.split(r"[^\w]+|_", text.casefold()))
        words.add(re.sub(r"[^\w]+|_", "", text.casefold()))
    return sorted((w for w in words if len(w) >= 3), key=lambda w: (-len(w), w))


def own_characters(password: str, words: list[str]) -> str:
    """What remains of the password without the context words, spaces and punctuation."""
    remaining = password.casefold()
    for word in words:
        remaining = remaining.replace(word, "")
    return re.sub(r"[\W_]+", "", remaining)


class ContextWordsValidator:
    """Refuse a password that is little more than the service's, organisation's or user's name."""

    def __init__(self, min_own: int = MINIMUM_OWN_CHARACTERS) -> None:
        self.min_own = min_own

    def validate(self, password: str, user: Any = None) -> None:
        username = user.get_username() if user is not None else ""
        words = context_words(
            username=username or "",
            organisation=getattr(settings, "ALONGSIDE_ORGANISATION_NAME", ""),
        )
        if len(own_characters(password, words)) < self.min_own:
            raise ValidationError(
                "This password is too like the name of this service, your organisation or your "
                "username. Add words of your own.",
                code="password_context_words",
            )

    def get_help_text(self) -> str:
        return "It may not be mostly the name of this service, your organisation or your username."
