"""Response rates where personal invitations were sent: per site and cohort, how many people
were invited, how many completed, and the rate (percent, one decimal, rounded half up).

Only people still taking part count: an invitation that was revoked, or whose person has
withdrawn, is in neither number. For viewers who may not see exact counts, a count from 1 to
the threshold less one is hidden, and so is the rate beside any hidden count (it would give
the hidden count back).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q

from alongside.core.disclosure import DEFAULT_THRESHOLD, SUPPRESSED_MARKER, is_small
from alongside.evaluation.models import Invitation, Study
from alongside.evaluation.summaries import percent


@dataclass(frozen=True)
class RateRow:
    site: str
    cohort: str
    invited: int
    completed: int

    @property
    def rate(self) -> float | None:
        return percent(self.completed, self.invited)


@dataclass(frozen=True)
class ShownRate:
    site: str
    cohort: str
    invited: str
    completed: str
    rate: str
    hidden: bool


def rate_rows(
    counts: Iterable[tuple[str, str, int, int]], *, sites: Sequence[str], cohorts: Sequence[str]
) -> list[RateRow]:
    """(site, cohort, invited, completed) in site then cohort order; pairs nobody was invited
    in are left out."""
    held: dict[tuple[str, str], tuple[int, int]] = {}
    for site, cohort, invited, completed in counts:
        if not 0 <= completed <= invited:
            raise ValueError(f"{site}/{cohort}: {completed} completed of {invited} invited")
        before = held.get((site, cohort), (0, 0))
        held[(site, cohort)] = (before[0] + invited, before[1] + completed)
    return [
        RateRow(site, cohort, *held[(site, cohort)])
        for site in sites
        for cohort in cohorts
        if held.get((site, cohort), (0, 0))[0] > 0
    ]


def shown(row: RateRow, *, exact: bool, threshold: int = DEFAULT_THRESHOLD) -> ShownRate:
    """The row as text, with small counts (and the rate beside them) hidden unless exact."""
    hide_invited = not exact and is_small(row.invited, threshold)
    hide_completed = not exact and is_small(row.completed, threshold)
    hidden = hide_invited or hide_completed
    rate = row.rate
    return ShownRate(
        site=row.site,
        cohort=row.cohort,
        invited=SUPPRESSED_MARKER if hide_invited else str(row.invited),
        completed=SUPPRESSED_MARKER if hide_completed else str(row.completed),
        rate=SUPPRESSED_MARKER if hidden else ("n/a" if rate is None else f"{rate:.1f}%"),
        hidden=hidden,
    )


def invitation_counts(study: Study) -> list[tuple[str, str, int, int]]:
    """(site code, cohort code, invited, completed) for people still taking part."""
    return [
        (row["participant__site__code"], row["participant__cohort__code"], row["n"], row["done"])
        for row in Invitation.objects.filter(
            participant__study=study,
            participant__withdrawn_at__isnull=True,
            revoked_at__isnull=True,
        )
        .values("participant__site__code", "participant__cohort__code")
        .annotate(
            n=Count("participant", distinct=True),
            done=Count("participant", filter=Q(completed_at__isnull=False), distinct=True),
        )
        .order_by()
    ]
