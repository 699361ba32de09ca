"""Every URL, every persona: allowed roles get the page, everyone else gets nothing.

Each URL name must have a rule below; a URL added without one fails `test_every_url_has_a_rule`.
A rule names the roles that may use the URL and how to fill its arguments with records that
belong to someone (mostly PSW A's side of the personas). Every other persona must get 403 or 404
(or, signed out, a redirect to sign in), and the response must not contain the record's
personal data.
"""

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ALL = frozenset(
    {
        "psw",
        "psw_b",
        "senior",
        "supervisor",
        "clinician",
        "lead",
        "evaluator",
        "admin",
        "service_user_login",
        "outsider",
    }
)


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    kwargs: object = None  # personas -> dict of URL arguments
    method: str = "get"
    public: bool = False
    secret: object = None  # personas -> text that must not appear for denied roles
    # personas who must see the secret (default: all allowed); others allowed see their own data
    sees_secret: frozenset[str] | None = None
    ok_status: tuple[int, ...] = (200,)
    data: dict = field(default_factory=dict)


def roles(*names):
    return frozenset(names)


def _region(p):
    return {"pk": p.team_a.area.region_id}


def _team(p):
    return {"pk": p.team_a.pk}


_PSW_RECORD = Rule(
    allowed=roles("admin"), kwargs=lambda p: {"pk": p.psw.pk}, secret=lambda p: p.psw.full_name
)

RULES: dict[str, Rule] = {
    "home": Rule(allowed=ALL),
    "login": Rule(allowed=ALL, public=True, ok_status=(200, 302)),
    "logout": Rule(allowed=ALL, method="post", public=True, ok_status=(302,)),
    "password_change": Rule(allowed=ALL),
    "password_change_done": Rule(allowed=ALL),
    "password_reset": Rule(allowed=ALL, public=True),
    "password_reset_done": Rule(allowed=ALL, public=True),
    "password_reset_confirm": Rule(
        allowed=ALL, public=True, kwargs=lambda p: {"uidb64": "x", "token": "y"}
    ),
    "password_reset_complete": Rule(allowed=ALL, public=True),
    "core:audit": Rule(allowed=roles("admin")),
    "core:audit-verify": Rule(allowed=roles("admin"), method="post"),
    "practice:caseload": Rule(
        allowed=roles("psw", "psw_b", "senior"),
        secret=lambda p: p.su_a.preferred_name,
        sees_secret=roles("psw"),
    ),
    "practice:service-user": Rule(
        allowed=roles("psw", "supervisor"),
        kwargs=lambda p: {"pk": p.su_a.pk},
        secret=lambda p: p.su_a.preferred_name,
    ),
    "practice:supervisees": Rule(
        allowed=roles("supervisor", "senior"),
        secret=lambda p: p.psw.full_name,
        sees_secret=roles("supervisor"),
    ),
    "practice:supervisee-caseload": Rule(
        allowed=roles("supervisor"),
        kwargs=lambda p: {"person_pk": p.psw.pk},
        secret=lambda p: p.su_a.preferred_name,
    ),
    "practice:referrals": Rule(
        allowed=roles("clinician", "senior"), secret=lambda p: p.su_a.reference
    ),
    "practice:referral": Rule(
        allowed=roles("clinician", "senior", "psw", "supervisor"),
        kwargs=lambda p: {"pk": p.referral_a.pk},
        secret=lambda p: p.referral_a.reason,
    ),
    "practice:programme": Rule(allowed=roles("lead")),
    "organisation:regions": Rule(allowed=roles("lead", "evaluator", "admin")),
    "organisation:region": Rule(allowed=roles("lead", "evaluator", "admin"), kwargs=_region),
    "organisation:region-create": Rule(allowed=roles("admin")),
    "organisation:region-edit": Rule(allowed=roles("admin"), kwargs=_region),
    "organisation:area-create": Rule(allowed=roles("admin"), kwargs=_region),
    "organisation:area-edit": Rule(
        allowed=roles("admin"), kwargs=lambda p: {"pk": p.team_a.area_id}
    ),
    "organisation:teams": Rule(allowed=roles("lead", "evaluator", "admin")),
    "organisation:team": Rule(allowed=roles("lead", "evaluator", "admin"), kwargs=_team),
    "organisation:team-create": Rule(allowed=roles("admin")),
    "organisation:team-edit": Rule(allowed=roles("admin"), kwargs=_team),
    "organisation:people": Rule(allowed=roles("admin"), secret=lambda p: p.psw.family_name),
    "organisation:person-create": Rule(allowed=roles("admin")),
    "organisation:person": _PSW_RECORD,
    "organisation:person-edit": _PSW_RECORD,
    "organisation:membership-add": _PSW_RECORD,
    "organisation:supervision-add": _PSW_RECORD,
    "organisation:login-create": _PSW_RECORD,
    "organisation:membership-end": Rule(
        allowed=roles("admin"),
        kwargs=lambda p: {"pk": p.psw.pk, "membership_pk": p.psw.memberships.get().pk},
        secret=lambda p: p.psw.full_name,
    ),
}


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
                assert secret in response.content.decode(), (persona, url)
        else:
            assert response.status_code in (403, 404), (persona, url, response.status_code)
            if secret:
                assert secret not in response.content.decode(), (persona, url)
    anonymous = _request(Client(), rule, url)
    if rule.public:
        assert anonymous.status_code in (*rule.ok_status, 200, 302)
    else:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(reverse("login"))
