"""Referrals: made by a team clinician (or a self-referral taken by a PSW), then accepted onto a
caseload, declined with a reason, or put on a waiting list. Each decision tells the referrer."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alongside.core.access import AnyUser, RoleCode, principal_for
from alongside.core.models import AuditAction
from alongside.core.notifications import notify
from alongside.core.periods import current
from alongside.core.records import EditConflict, save_audited, update_versioned
from alongside.organisation.models import Membership, Person, Team
from alongside.practice import rollups
from alongside.practice.models import (
    CaseloadEntry,
    CaseloadStatus,
    DeclineReason,
    Referral,
    ReferralStatus,
    ServiceUser,
)

OPEN_STATUSES = frozenset({ReferralStatus.PENDING, ReferralStatus.WAITING_LIST})
PSW_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)
# Declining for these reasons needs a free-text why: the team learns from it.
REASONS_NEEDING_WHY = {
    DeclineReason.NOT_APPROPRIATE: "Say why peer support is not appropriate for them now.",
    DeclineReason.OTHER: "Say what the reason is.",
}


def make_referral(
    *,
    by: AnyUser,
    team: Team,
    service_user: ServiceUser | None = None,
    reference: str = "",
    preferred_name: str = "",
    contact_preferences: str = "",
    consented_to_peer_support: bool = False,
    consent_date: dt.date | None = None,
    reason: str,
    hopes: str = "",
    urgency: str,
    referrer: Person | None,
    referrer_discipline: str = "",
    self_referral: bool,
    received_on: dt.date,
) -> Referral:
    """Refer someone already known to the team, or someone new (created here), to peer support.

    A clinician refers in their own name; a PSW records a self-referral (no referrer). Consent
    given with the referral is recorded on the service user, so the referral can be accepted.
    """
    if self_referral and referrer is not None:
        raise ValidationError("A self-referral has no referrer.")
    if not self_referral and referrer is None:
        raise ValidationError("A referral needs a referrer, unless it is a self-referral.")
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if received_on > today:
        errors["received_on"] = "The date received cannot be in the future."
    if consented_to_peer_support and consent_date is None:
        errors["consent_date"] = "Give the date the person consented."
    elif consent_date is not None and consent_date > today:
        errors["consent_date"] = "The date of consent cannot be in the future."
    errors.update(
        _service_user_errors(
            team=team,
            service_user=service_user,
            reference=reference,
            preferred_name=preferred_name,
        )
    )
    if errors:
        raise ValidationError(errors)
    recorder = principal_for(by).person_id
    with transaction.atomic():
        if service_user is None:
            service_user = save_audited(
                ServiceUser(
                    reference=reference,
                    preferred_name=preferred_name,
                    contact_preferences=contact_preferences,
                    team=team,
                    consented_to_peer_support=consented_to_peer_support,
                    consent_date=consent_date if consented_to_peer_support else None,
                ),
                by=by,
                action=AuditAction.CREATE,
                fields=["reference", "preferred_name", "contact_preferences", "team"]
                + (
                    ["consented_to_peer_support", "consent_date"]
                    if consented_to_peer_support
                    else []
                ),
            )
        elif consented_to_peer_support and not service_user.consented_to_peer_support:
            update_versioned(
                service_user,
                by=by,
                expected_version=service_user.version,
                changes={"consented_to_peer_support": True, "consent_date": consent_date},
            )
        return save_audited(
            Referral(
                service_user=service_user,
                team=team,
                referrer=referrer,
                referrer_discipline=referrer_discipline,
                self_referral=self_referral,
                recorded_by_id=recorder,
                reason=reason,
                hopes=hopes,
                urgency=urgency,
                received_on=received_on,
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=[
                "service_user",
                "team",
                "referrer",
                "referrer_discipline",
                "self_referral",
                "recorded_by",
                "reason",
                "hopes",
                "urgency",
                "received_on",
            ],
        )


def _service_user_errors(
    *, team: Team, service_user: ServiceUser | None, reference: str, preferred_name: str
) -> dict[str, str]:
    if service_user is not None:
        if reference or preferred_name:
            return {
                "reference": "Leave the new person's details empty when you choose someone "
                "already known."
            }
        if service_user.team_id != team.pk:
            return {"service_user": f"{service_user.reference} is not with {team.name}."}
        if Referral.objects.filter(
            service_user=service_user, team=team, status__in=OPEN_STATUSES
        ).exists():
            return {
                "service_user": f"{service_user.reference} already has a referral to "
                f"{team.name} awaiting a decision."
            }
        return {}
    if not reference and not preferred_name:
        return {
            "service_user": "Choose someone already known, or give a reference and name for "
            "someone new."
        }
    errors = {}
    if not reference:
        errors["reference"] = "Give a reference for the new person."
    elif ServiceUser.objects.filter(reference__iexact=reference).exists():
        errors["reference"] = (
            f"The reference {reference} is already in use. If they are with your team, choose "
            "them from the list instead; otherwise use another reference."
        )
    if not preferred_name:
        errors["preferred_name"] = "Give the name they like to be called."
    return errors


def _check_decidable(referral: Referral, expected_version: int) -> None:
    if referral.version != expected_version:
        raise EditConflict
    if referral.status not in OPEN_STATUSES:
        raise ValidationError(
            f"This referral has already been decided: {referral.get_status_display().lower()}."
        )


def _decider(by: AnyUser) -> Person | None:
    person_id = principal_for(by).person_id
    return None if person_id is None else Person.objects.filter(pk=person_id).first()


def _notify_referrer(*, by: AnyUser, referral: Referral, outcome: str) -> None:
    """Tell the referrer, by the person's pseudonymous reference, what became of the referral."""
    referrer = referral.referrer
    recipient: User | None = referrer.user if referrer is not None else None
    if recipient is None or not recipient.is_active or recipient.pk == by.pk:
        return
    notify(
        recipient=recipient,
        message=(
            f"Referral {referral.service_user.reference} to {referral.team.name} was {outcome}."
        ),
        url=reverse("practice:referral", kwargs={"pk": referral.pk}),
        by=by,
    )


def accept_referral(
    *,
    by: AnyUser,
    referral: Referral,
    expected_version: int,
    worker: Person,
    next_planned_contact: dt.date | None,
    consent_date: dt.date | None = None,
) -> CaseloadEntry:
    """Accept onto `worker`'s caseload: opens a new episode, so any earlier one keeps its history.

    Only with the person's consent to peer support: already recorded, or given now as
    `consent_date` (the PSW often hears it at the first conversation), in which case it is
    recorded on the person in the same transaction. A PSW accepts onto their own caseload; a
    senior PSW may allocate to any PSW of the team.
    """
    _check_decidable(referral, expected_version)
    service_user = referral.service_user
    if consent_date is not None and consent_date > timezone.localdate():
        raise ValidationError({"consent_date": "The date of consent cannot be in the future."})
    if not service_user.consented_to_peer_support and consent_date is None:
        raise ValidationError(
            f"{service_user.reference} has not consented to peer support, so the referral cannot "
            "be accepted. Record their consent first, or decline the referral.",
            code="no-consent",
        )
    today = timezone.localdate()
    errors: dict[str, str] = {}
    principal = principal_for(by)
    is_psw_of_team = Membership.objects.filter(
        current(), person=worker, team_id=referral.team_id, role__in=PSW_ROLES
    ).exists()
    if not is_psw_of_team:
        errors["worker"] = f"{worker.full_name} is not a peer support worker of this team."
    elif (
        referral.team_id not in principal.team_ids(RoleCode.SENIOR_PEER_SUPPORT_WORKER)
        and worker.pk != principal.person_id
    ):
        errors["worker"] = (
            "You can accept a referral onto your own caseload only; a senior peer support "
            "worker can allocate it to a colleague."
        )
    if next_planned_contact is not None and next_planned_contact < today:
        errors["next_planned_contact"] = "The next planned contact cannot be in the past."
    if errors:
        raise ValidationError(errors)
    if CaseloadEntry.objects.filter(service_user=service_user, end__isnull=True).exists():
        raise ValidationError(
            f"{service_user.reference} is already on a caseload. End that episode before "
            "accepting a new referral."
        )
    with transaction.atomic(), rollups.tracking(referral):
        if not service_user.consented_to_peer_support:
            update_versioned(
                service_user,
                by=by,
                expected_version=service_user.version,
                changes={"consented_to_peer_support": True, "consent_date": consent_date},
            )
        update_versioned(
            referral,
            by=by,
            expected_version=expected_version,
            changes={
                "status": ReferralStatus.ACCEPTED,
                "decided_on": today,
                "decided_by": _decider(by),
                "allocated_to": worker,
                "decline_reason": "",
                "decline_detail": "",
            },
        )
        episode = save_audited(
            CaseloadEntry(
                service_user=service_user,
                worker=worker,
                referral=referral,
                status=CaseloadStatus.ACTIVE,
                start=today,
                next_planned_contact=next_planned_contact,
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=[
                "service_user",
                "worker",
                "referral",
                "status",
                "start",
                "next_planned_contact",
            ],
        )
        _notify_referrer(by=by, referral=referral, outcome="accepted")
    return episode


def decline_referral(
    *,
    by: AnyUser,
    referral: Referral,
    expected_version: int,
    reason: str,
    detail: str,
) -> Referral:
    """Decline with a reason from the list; "not appropriate" (and "other") must say why."""
    _check_decidable(referral, expected_version)
    detail = detail.strip()
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": "Choose a reason from the list."})
    why_needed = REASONS_NEEDING_WHY.get(DeclineReason(reason))
    if why_needed and not detail:
        raise ValidationError({"detail": why_needed})
    label = DeclineReason(reason).label
    with transaction.atomic(), rollups.tracking(referral):
        update_versioned(
            referral,
            by=by,
            expected_version=expected_version,
            changes={
                "status": ReferralStatus.DECLINED,
                "decided_on": timezone.localdate(),
                "decided_by": _decider(by),
                "allocated_to": None,
                "decline_reason": reason,
                "decline_detail": detail,
            },
        )
        _notify_referrer(
            by=by, referral=referral, outcome=f"declined: {label[0].lower()}{label[1:]}"
        )
    return referral


def put_on_waiting_list(*, by: AnyUser, referral: Referral, expected_version: int) -> Referral:
    """Not declined, not yet accepted: the team has no room now and will come back to it."""
    _check_decidable(referral, expected_version)
    if referral.status == ReferralStatus.WAITING_LIST:
        raise ValidationError("This referral is already on the waiting list.")
    with transaction.atomic(), rollups.tracking(referral):
        update_versioned(
            referral,
            by=by,
            expected_version=expected_version,
            changes={"status": ReferralStatus.WAITING_LIST},
        )
        _notify_referrer(by=by, referral=referral, outcome="put on the waiting list")
    return referral
