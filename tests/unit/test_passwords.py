"""The password rules of NIST SP 800-63B: long allowed, no composition rules, no context words."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from alongside.core.passwords import (
    ContextWordsValidator,
    MaximumLengthValidator,
    context_words,
    own_characters,
)


class _User:
    def __init__(self, username):
        self.username = username

    def get_username(self):
        return self.username


@pytest.mark.parametrize(("length", "ok"), [(64, True), (200, True), (256, True), (257, False)])
def test_long_passwords_are_allowed_up_to_256_characters(length, ok):
    password = ("horse battery staple " * 20)[:length]
    if ok:
        MaximumLengthValidator().validate(password)
    else:
        with pytest.raises(ValidationError, match="at most 256"):
            MaximumLengthValidator().validate(password)


@pytest.mark.parametrize(
    ("password", "username", "organisation", "ok"),
    [
        ("Alongside2024!!", "", "", False),
        ("alongside-alongside-alongside", "", "", False),
        ("aoife.byrne 2024!", "aoife.byrne", "", False),
        ("Byrne Aoife 1234", "aoife.byrne", "", False),
        ("riverside cmht 2025", "", "Riverside CMHT", False),
        ("riversidecmht#2025#", "", "Riverside CMHT", False),
        ("walking alongside the river at dawn", "", "", True),
        ("correct horse battery staple", "aoife.byrne", "Riverside CMHT", True),
        ("aoife likes long walks by the sea", "aoife.byrne", "", True),
    ],
)
def test_context_words(password, username, organisation, ok, settings):
    settings.ALONGSIDE_ORGANISATION_NAME = organisation
    validator = ContextWordsValidator()
    if ok:
        validator.validate(password, _User(username))
    else:
        with pytest.raises(ValidationError, match="too like the name"):
            validator.validate(password, _User(username))


def test_context_words_need_no_user(settings):
    settings.ALONGSIDE_ORGANISATION_NAME = ""
    with pytest.raises(ValidationError):
        ContextWordsValidator().validate("ALONGSIDE 123")


def test_short_words_are_not_context_words():
    assert sorted(context_words(username="al.b", organisation="HSE")) == ["alb", "alongside", "hse"]


@given(st.text(max_size=80), st.text(max_size=30), st.text(max_size=30))
def test_taking_words_out_never_adds_characters(password, username, organisation):
    words = context_words(username=username, organisation=organisation)
    remaining = own_characters(password, words)
    assert len(remaining) <= len(password.casefold())
    for word in words:
        assert word not in remaining or word not in password.casefold()


@given(
    st.lists(st.sampled_from(["alongside", "Riverside", "CMHT", "-", "!", " ", "_"]), max_size=12)
)
def test_a_password_made_only_of_context_words_and_punctuation_is_refused(pieces):
    words = context_words(organisation="Riverside CMHT")
    assert own_characters("".join(pieces), words) == ""


@given(st.text(alphabet="bdfjkqvwxz", min_size=8, max_size=40))
def test_enough_letters_of_ones_own_pass(password):
    ContextWordsValidator().validate(password, _User("aoife.byrne"))
