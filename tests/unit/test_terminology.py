import pytest

from alongside.core.terminology import DEFAULT_TERMS, term, terms


def test_defaults_are_the_seed_words():
    assert term("service_user") == "service user"
    assert term("region") == "region"


def test_an_organisation_can_rename_a_term(settings):
    settings.ALONGSIDE_TERMS = {"service_user": "client", "region": "Trust"}
    assert term("service_user") == "client"
    assert term("region") == "Trust"
    assert terms()["team"] == DEFAULT_TERMS["team"]


def test_an_unknown_term_is_refused_by_name(settings):
    settings.ALONGSIDE_TERMS = {"servce_user": "client"}
    with pytest.raises(ValueError, match="servce_user"):
        terms()


def test_the_system_check_reports_an_unknown_term(settings):
    from alongside.core.checks import check_terms

    assert check_terms(None) == []
    settings.ALONGSIDE_TERMS = {"regoin": "Trust"}
    (error,) = check_terms(None)
    assert error.id == "alongside.E001"
    assert "regoin" in error.msg
