"""Read-only views of practice data, each starting from the access policy."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from alongside.core.access import Permission, visible
from alongside.core.periods import current
from alongside.organisation.models import Person, Region
from alongside.practice.models import (
    CaseloadEntry,
    CaseloadStatus,
    Contact,
    Goal,
    GoalStatus,
    Referral,
    ReferralStatus,
)

AnyUser = AbstractBaseUser | AnonymousUser
OPEN_STATUSES = (CaseloadStatus.ACTIVE, CaseloadStatus.ON_HOLD, CaseloadStatus.ENDING)
ACTIVITY_DAYS = 28


# How the caseload can be ordered: the choice's value, its label, and the database ordering.
CASELOAD_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "next": ("Next planned contact", (F("next_planned_contact").asc(nulls_last=True),)),
    "last": ("Longest since last contact", (F("last_contact").asc(nulls_first=True),)),
    "name": ("Name", ("service_user__preferred_name",)),
    "goals": ("Most open goals", ("-open_goals",)),
    "start": ("Longest on the caseload", ("start",)),
}


def caseload_for(
    user: AnyUser,
    worker: Person | None = None,
    *,
    status: str = "",
    sort: str = "next",
) -> QuerySet[CaseloadEntry]:
    """Open caseload entries the user may see: their own, or (given) one supervisee's.

    Each carries its last contact date and its count of open goals, computed in the same query,
    so the page costs the same number of queries for four people or forty.
    """
    if worker is None:
        entries = visible(CaseloadEntry, user, Permission.VIEW_OWN_CASELOAD).filter(
            worker__user=user
        )
    else:
        entries = visible(CaseloadEntry, user, Permission.VIEW_SUPERVISEE_CASELOADS).filter(
            worker=worker
        )
    entries = entries.filter(status__in=[status] if status else OPEN_STATUSES)
    last_contact = (
        Contact.objects.filter(service_user=OuterRef("service_user"))
        .order_by("-date")
        .values("date")[:1]
    )
    open_goals = (
        Goal.objects.filter(service_user=OuterRef("service_user"), status=GoalStatus.OPEN)
        .values("service_user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        entries.select_related("service_user", "service_user__team")
        .annotate(
            last_contact=Subquery(last_contact),
            open_goals=Coalesce(Subquery(open_goals), 0),
        )
        .order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["next"])[1], "service_user__reference")
    )


def supervisees_with_caseloads(user: AnyUser) -> QuerySet[Person]:
    """The user's current supervisees, with their open caseload and their activity.

    Activity is counted over the last 28 days: contacts (one-to-one and group) and the people
    they reached; and the date of the supervisee's latest contact. Every figure is a subquery
    per supervisee, so none is repeated for each row of another (a join would do that).
    """
    since = timezone.localdate() - timedelta(days=ACTIVITY_DAYS)
    # order_by(): without the models' default ordering, no join to the tables it orders by.
    open_entries = (
        CaseloadEntry.objects.filter(current(), worker=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("worker")
    )
    contacts_since = (
        Contact.objects.filter(worker=OuterRef("pk"), date__gte=since).order_by().values("worker")
    )

    def count(rows: QuerySet[Any], counted: Count) -> Coalesce:
        return Coalesce(Subquery(rows.annotate(n=counted).values("n")), 0)

    return (
        visible(Person, user, Permission.VIEW_SUPERVISEE_CASELOADS)
        .annotate(
            caseload_size=count(open_entries, Count("pk")),
            active=count(open_entries.filter(status=CaseloadStatus.ACTIVE), Count("pk")),
            recent_contacts=count(contacts_since, Count("pk")),
            people_reached=count(contacts_since, Count("service_user", distinct=True)),
            last_contact=Subquery(
                Contact.objects.filter(worker=OuterRef("pk")).order_by("-date").values("date")[:1]
            ),
        )
        .order_by("family_name", "given_name")
    )


@dataclass(frozen=True)
class RegionSummary:
    region: str
    teams: int
    psws: int
    service_users: int
    referrals_pending: int
    referrals_accepted: int
    referrals_declined: int


def programme_summary() -> list[RegionSummary]:
    """Counts per region, never names: what a programme lead sees. Four grouped queries."""
    regions = list(Region.objects.order_by("name").values_list("pk", "name"))
    teams = dict(
        Region.objects.annotate(n=Count("areas__teams", distinct=True)).values_list("pk", "n")
    )
    psw_q = current("areas__teams__memberships__") & Q(
        areas__teams__memberships__role__in=["psw", "senior-psw"]
    )
    psws = dict(
        Region.objects.annotate(
            n=Count("areas__teams__memberships__person", filter=psw_q, distinct=True)
        ).values_list("pk", "n")
    )
    users = dict(
        CaseloadEntry.objects.filter(current(), status__in=OPEN_STATUSES)
        .values_list("service_user__team__area__region")
        .annotate(n=Count("service_user", distinct=True))
        .values_list("service_user__team__area__region", "n")
    )
    referral_counts: dict[tuple[int, str], int] = {
        (region_id, status): n
        for region_id, status, n in Referral.objects.values_list("team__area__region", "status")
        .annotate(n=Count("pk"))
        .values_list("team__area__region", "status", "n")
    }
    return [
        RegionSummary(
            region=name,
            teams=teams.get(pk, 0),
            psws=psws.get(pk, 0),
            service_users=users.get(pk, 0),
            referrals_pending=referral_counts.get((pk, ReferralStatus.PENDING), 0)
            + referral_counts.get((pk, ReferralStatus.WAITING_LIST), 0),
            referrals_accepted=referral_counts.get((pk, ReferralStatus.ACCEPTED), 0),
            referrals_declined=referral_counts.get((pk, ReferralStatus.DECLINED), 0),
        )
        for pk, name in regions
    ]
