"""Records with a start and an optional end date: which are current."""

from django.db.models import Q
from django.utils import timezone


def current(prefix: str = "") -> Q:
    """Records whose period includes today; `prefix` reaches through a relation ("worker__")."""
    today = timezone.localdate()
    return Q(**{f"{prefix}start__lte": today}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})
    )
