"""The words that differ between organisations, kept in one place.

The seed's programme is Irish: regions are CHOs, areas are counties, teams are MDTs. Another
organisation may say "Trust", "locality" or "client". Set ALONGSIDE_TERMS (JSON) to override any
term; templates read them as `{{ terms.service_user }}`, code through `term("service_user")`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from django.conf import settings

DEFAULT_TERMS: Mapping[str, str] = MappingProxyType(
    {
        "region": "region",
        "regions": "regions",
        "area": "area",
        "areas": "areas",
        "team": "team",
        "teams": "teams",
        "service_user": "service user",
        "service_users": "service users",
        "peer_support_worker": "peer support worker",
        "peer_support_workers": "peer support workers",
        "psw": "PSW",
        "mdt": "multidisciplinary team",
        "caseload": "caseload",
        "programme": "programme",
    }
)


def terms() -> Mapping[str, str]:
    """Default terms with the organisation's overrides applied; unknown keys are refused."""
    overrides: Mapping[str, str] = getattr(settings, "ALONGSIDE_TERMS", {}) or {}
    unknown = sorted(set(overrides) - set(DEFAULT_TERMS))
    if unknown:
        raise ValueError(
            f"ALONGSIDE_TERMS has unknown terms: {', '.join(unknown)}. "
            f"Known terms: {', '.join(sorted(DEFAULT_TERMS))}."
        )
    return MappingProxyType({**DEFAULT_TERMS, **overrides})


def term(key: str) -> str:
    return terms()[key]
