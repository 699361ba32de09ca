"""Every form, posted generated data by a role allowed to use it: never a server error, and a
form sent back with errors has written nothing.

The forms are found, not listed: each URL of the sweep rules (tests/integration/url_rules) is
opened by its first allowed persona, and every `<form method="post">` on the page that posts
back to an address of the project is collected with its fields (text, numbers, dates, choices,
checkboxes, files). URLs whose rule says `method="post"` are added with the rule's data.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import strategies as st

from tests.fuzz import fuzz
from tests.fuzz.strategies import AWKWARD
from tests.integration.url_rules import all_rules, url_names

pytestmark = pytest.mark.django_db
RULES = all_rules()
# Tables that a refused form may still write to: the audit trail (page views are audited),
# sessions, and counters of sign-in attempts.
UNCOUNTED = ("core_audit", "django_session", "axes_", "core_loginattempt", "accounts_")
# Posting these changes who is signed in or what the client is, not data: left out.
SKIPPED = {"logout", "login", "two_factor", "otp"}


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name -> kind, offered values)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, tuple[str, list[str]]]]] = []
        self._fields: dict[str, tuple[str, list[str]]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is None or not a.get("name"):
            if tag == "option" and self._select and self._fields is not None:
                self._fields[self._select][1].append(a.get("value", ""))
            return
        elif tag in ("input", "textarea", "select"):
            kind = a.get("type", "text") if tag == "input" else tag
            if a["name"] == "csrfmiddlewaretoken" or kind in ("submit", "button", "image"):
                return
            offered = self._fields.setdefault(a["name"], (kind, []))[1]
            if a.get("value"):
                offered.append(a["value"])
            self._select = a["name"] if tag == "select" else None

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _persona(rule):
    return sorted(rule.allowed - {"outsider"})[0] if rule.allowed - {"outsider"} else None


def _discover(personas):
    found = []
    for name in sorted(set(url_names()) & set(RULES)):
        rule = RULES[name]
        persona = _persona(rule)
        if persona is None or name.split(":")[-1] in SKIPPED:
            continue
        url = reverse(name, kwargs=rule.kwargs(personas) if rule.kwargs else None)
        client = Client()
        client.force_login(personas.user(persona))
        if rule.method == "post":
            fields = {key: ("text", [str(value)]) for key, value in rule.data.items()}
            found.append((name, persona, url, fields))
            continue
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(page.content.decode())
        for action, fields in parser.forms:
            target = urlsplit(action).path or url
            try:
                resolve(target)
            except Resolver404:
                continue
            if target.rstrip("/").split("/")[-1] in SKIPPED:
                continue
            found.append((name, persona, target, fields))
    return found


@pytest.fixture
def forms(personas):
    """The forms found, each first posted empty: all found, none failing at once."""
    found = _discover(personas)
    assert len(found) >= 20, [entry[0] for entry in found]
    for name, persona, url, _ in found:
        client = Client(raise_request_exception=True)
        client.force_login(personas.user(persona))
        before = _counts()
        response = client.post(url, {})
        assert response.status_code < 500, (name, url)
        if response.status_code in (200, 400, 422) and "field-error" in response.content.decode():
            assert _counts() == before, f"{name}: a refused empty form wrote rows"
    return personas, found


def _counts():
    tables = [t for t in connection.introspection.table_names() if not t.startswith(UNCOUNTED)]
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _value(kind, offered):
    base = [
        st.just(""),
        AWKWARD,
        st.text(max_size=30),
        st.integers(-(10**6), 10**6).map(str),
        st.dates().map(str),
        st.sampled_from(["on", "true", "2025-02-30", "13:61", "1.5", "-1", "0"]),
    ]
    if offered:
        base = [st.sampled_from(offered)] * 3 + base
    if kind == "file":
        return st.binary(max_size=300).map(lambda b: SimpleUploadedFile("f.csv", b))
    return st.one_of(base)


def _post(personas, entry, data):
    name, persona, url, fields = entry
    payload = {}
    for field, (kind, offered) in fields.items():
        if data.draw(st.integers(0, 9), label="omit") == 0:
            continue
        payload[field] = data.draw(_value(kind, offered), label=field)
    if data.draw(st.booleans(), label="extra"):
        payload[data.draw(st.text(min_size=1, max_size=8), label="extra name")] = "x"
    client = Client(raise_request_exception=True)
    client.force_login(personas.user(persona))
    before = _counts()
    response = client.post(url, payload)
    assert response.status_code < 500, (name, url, payload)
    body = response.content.decode(errors="replace") if response.status_code != 302 else ""
    if response.status_code in (200, 400, 422) and "field-error" in body:
        assert _counts() == before, f"{name}: a refused form wrote rows ({payload})"


@fuzz(st.data(), share=0.3)
def test_any_form_posted_generated_data_never_errors_and_refuses_whole(forms, data):
    personas, found = forms
    entry = data.draw(st.sampled_from(found), label="form")
    _post(personas, entry, data)
