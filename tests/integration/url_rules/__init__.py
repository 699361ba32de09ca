"""Who may use which URL: one module per area, merged by the URL sweep.

Each module defines RULES, a dict from URL name to Rule. A URL with no rule fails the sweep.
"""

from dataclasses import dataclass, field

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


def all_rules():
    """Every module's RULES in one dict; a URL name declared twice is an error."""
    import importlib
    import pkgutil

    merged = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, rule in module.RULES.items():
            assert name not in merged, f"{name} has rules in two modules"
            merged[name] = rule
    return merged


def url_names(resolver=None, namespace=""):
    """Every named URL pattern of the project, as "namespace:name"."""
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def sweep_size():
    """How much the URL sweep covers: URL names with a rule, personas, requests per URL.

    Each URL is requested by every persona (ALL) signed in, and once signed out.
    """
    names = set(url_names())
    rules = all_rules()
    swept = names & set(rules)
    return {
        "url_names": len(names),
        "url_names_with_rules": len(swept),
        "personas": len(ALL),
        "requests": len(swept) * (len(ALL) + 1),
        "allowed_pairs": sum(len(rules[name].allowed) for name in swept),
    }
