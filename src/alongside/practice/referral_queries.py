"""Read-only views of referrals, each starting from the access policy.

Time to first contact is derived, never stored: the days from a referral's receipt to the first
contact the allocated worker had with the person on or after that day. It is computed in the same
query as the list (a correlated subquery), so a list costs the same number of queries for two
referrals or two hundred.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
)

from alongside.core.access import AnyUser, Permission, RoleCode, principal_for, visible
from alongside.core.periods import current
from alongside.organisation.models import Membership, Person, Team
from alongside.practice.models import Contact, Referral, ReferralStatus

OPEN_STATUSES = (ReferralStatus.PENDING, ReferralStatus.WAITING_LIST)
PSW_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)

# The status filter on the referrals page: a value, its label, and the statuses it keeps.
STATUS_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("Any outcome", ()),
    "open": ("Awaiting decision or waiting", tuple(OPEN_STATUSES)),
    **{status.value: (status.label, (status.value,)) for status in ReferralStatus},
}


def with_first_contact(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Annotate `first_contact_on` (a date or None) and `time_to_first_contact` (a timedelta)."""
    first_contact = (
        Contact.objects.filter(
            service_user=OuterRef("service_user"),
            worker=OuterRef("allocated_to"),
            date__gte=OuterRef("received_on"),
        )
        .order_by("date")
        .values("date")[:1]
    )
    return referrals.annotate(first_contact_on=Subquery(first_contact)).annotate(
        time_to_first_contact=ExpressionWrapper(
            F("first_contact_on") - F("received_on"), output_field=DurationField()
        )
    )


def days_to_first_contact(referral: Referral) -> int | None:
    """Days from receipt to first contact for one referral, or None if there was none."""
    row = with_first_contact(Referral.objects.filter(pk=referral.pk)).first()
    gap: dt.timedelta | None = getattr(row, "time_to_first_contact", None)
    return None if gap is None else gap.days


def referrals_for(user: AnyUser, *, status: str = "") -> QuerySet[Referral]:
    """Referrals the user may see, newest first, filtered by a STATUS_FILTERS key.

    A clinician sees their teams' referrals and those they made; a senior PSW their team's; a PSW
    the ones waiting for a decision on their team and those allocated to them; a supervisor those
    allocated to their supervisees.
    """
    referrals = visible(Referral, user, Permission.VIEW_REFERRAL)
    statuses = STATUS_FILTERS.get(status, STATUS_FILTERS[""])[1]
    if statuses:
        referrals = referrals.filter(status__in=statuses)
    return with_first_contact(
        referrals.select_related("service_user", "team", "allocated_to", "referrer")
    ).order_by("-received_on", "-id")


def referrer_on_team(user: AnyUser, team: Team) -> tuple[Person | None, str]:
    """Who refers when `user` makes a referral to `team`, and their discipline.

    A clinician of the team refers in their own name; anyone else (a PSW) records a
    self-referral, which has no referrer.
    """
    person_id = principal_for(user).person_id
    if person_id is None:
        return None, ""
    membership = (
        Membership.objects.filter(
            current(), person_id=person_id, team=team, role=RoleCode.TEAM_CLINICIAN
        )
        .select_related("person")
        .first()
    )
    if membership is None:
        return None, ""
    return membership.person, membership.discipline


def makes_self_referrals(user: AnyUser) -> bool:
    """True for someone who refers only by recording self-referrals: a PSW who is no clinician."""
    return not principal_for(user).team_ids(RoleCode.TEAM_CLINICIAN)


def allocatable_workers(user: AnyUser, referral: Referral) -> QuerySet[Person]:
    """Whom `user` may allocate the referral to: any PSW of its team for a senior PSW there,
    otherwise only themselves (if they are a PSW of the team)."""
    principal = principal_for(user)
    workers = Person.objects.filter(
        pk__in=Membership.objects.filter(
            current(), team_id=referral.team_id, role__in=PSW_ROLES
        ).values("person_id")
    )
    if referral.team_id not in principal.team_ids(RoleCode.SENIOR_PEER_SUPPORT_WORKER):
        workers = workers.filter(pk__in=[principal.person_id] if principal.person_id else [])
    return workers.order_by("family_name", "given_name")
