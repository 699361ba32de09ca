"""Every URL, every persona: allowed roles get the page, everyone else gets nothing.

Each URL name must have a rule below; a URL added without one fails `test_every_url_has_a_rule`.
A rule names the roles that may use the URL and how to fill its arguments with records that
belong to someone (mostly PSW A's side of the personas). Every other persona must get 403 or 404
(or, signed out, a redirect to sign in), and the response must not contain the record's
personal data.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.integration.url_rules import ALL, all_rules

RULES = all_rules()


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


URL_NAMES = sorted(set(_url_names()))


def test_every_url_has_a_rule():
    missing = [name for name in URL_NAMES if name not in RULES]
    assert not missing, f"Declare who may use these URLs in RULES: {missing}"


def _request(client, rule, url):
    return getattr(client, rule.method)(url, rule.data)


@pytest.mark.parametrize("name", URL_NAMES)
def test_only_allowed_roles_reach_the_url(name, personas):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(personas) if rule.kwargs else None)
    secret = rule.secret(personas) if rule.secret else None
    for persona in sorted(ALL):
        client = Client()
        client.force_login(personas.user(persona))
        response = _request(client, rule, url)
        if persona in rule.allowed:
            assert response.status_code in rule.ok_status, (persona, url, response.status_code)
            sees = rule.allowed if rule.sees_secret is None else rule.sees_secret
            if secret and response.status_code == 200 and persona in sees:
                assert secret in response.getvalue().decode(), (persona, url)
        else:
            assert response.status_code in (403, 404), (persona, url, response.status_code)
            if secret:
                assert secret not in response.getvalue().decode(), (persona, url)
    anonymous = _request(Client(), rule, url)
    if rule.public:
        assert anonymous.status_code in (*rule.ok_status, 200, 302)
    else:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(reverse("login"))
