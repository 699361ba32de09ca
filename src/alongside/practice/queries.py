"""Read-only views of practice data, each starting from the access policy."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet

from alongside.core.access import Permission, visible
from alongside.core.periods import current
from alongside.organisation.models import Person, Region
from alongside.practice.models import CaseloadEntry, CaseloadStatus, Referral, ReferralStatus

AnyUser = AbstractBaseUser | AnonymousUser
OPEN_STATUSES = (CaseloadStatus.ACTIVE, CaseloadStatus.ON_HOLD, CaseloadStatus.ENDING)


def caseload_for(user: AnyUser, worker: Person | None = None) -> QuerySet[CaseloadEntry]:
    """Open caseload entries the user may see: their own, or (given) one supervisee's."""
    if worker is None:
        entries = visible(CaseloadEntry, user, Permission.VIEW_OWN_CASELOAD).filter(
            worker__user=user
        )
    else:
        entries = visible(CaseloadEntry, user, Permission.VIEW_SUPERVISEE_CASELOADS).filter(
            worker=worker
        )
    return entries.filter(status__in=OPEN_STATUSES).select_related(
        "service_user", "service_user__team"
    )


def supervisees_with_caseloads(user: AnyUser) -> QuerySet[Person]:
    """The user's current supervisees, each with counts of their open caseload by status."""
    open_entries = current("caseload_entries__") & Q(caseload_entries__status__in=OPEN_STATUSES)
    return (
        visible(Person, user, Permission.VIEW_SUPERVISEE_CASELOADS)
        .annotate(
            caseload_size=Count("caseload_entries", filter=open_entries, distinct=True),
            active=Count(
                "caseload_entries",
                filter=open_entries & Q(caseload_entries__status=CaseloadStatus.ACTIVE),
                distinct=True,
            ),
        )
        .order_by("family_name", "given_name")
    )


def team_referrals(user: AnyUser) -> QuerySet[Referral]:
    return visible(Referral, user, Permission.VIEW_TEAM_REFERRALS).select_related(
        "service_user", "team", "allocated_to"
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
