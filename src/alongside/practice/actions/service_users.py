"""Changes to a service user's own record."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alongside.core.access import AnyUser, RoleCode
from alongside.core.models import AuditAction
from alongside.core.records import save_audited, update_versioned
from alongside.organisation import actions as organisation_actions
from alongside.practice.models import ServiceUser


def update_service_user(
    *,
    by: AnyUser,
    service_user: ServiceUser,
    expected_version: int,
    preferred_name: str,
    contact_preferences: str,
    consented_to_peer_support: bool,
    consent_date: dt.date | None,
    shares_notes_with_team: bool,
) -> ServiceUser:
    """Correct the record: the name they like, how to reach them, consent and note sharing."""
    if consented_to_peer_support and consent_date is None:
        raise ValidationError({"consent_date": "Give the date the person consented."})
    if not consented_to_peer_support:
        consent_date = None
    with transaction.atomic():
        return update_versioned(
            service_user,
            by=by,
            expected_version=expected_version,
            changes={
                "preferred_name": preferred_name,
                "contact_preferences": contact_preferences,
                "consented_to_peer_support": consented_to_peer_support,
                "consent_date": consent_date,
                "shares_notes_with_team": shares_notes_with_team,
            },
        )


def give_own_login(
    *, by: AnyUser, service_user: ServiceUser, username: str, email: str
) -> ServiceUser:
    """Give a service user their own login, to see their goals and measures and add progress.

    They become a person with the service-user role on their team, and set their password
    through "Forgotten your password" at the address given. Nothing is sent from here.
    """
    if service_user.person_id is not None:
        raise ValidationError(f"{service_user.reference} already has their own login.")
    if not email:
        raise ValidationError({"email": "Give their email address: the password link goes there."})
    with transaction.atomic():
        person = organisation_actions.create_person(
            by=by,
            given_name=service_user.preferred_name,
            family_name=service_user.reference,
            email=email,
        )
        organisation_actions.create_login(by=by, person=person, username=username)
        organisation_actions.add_membership(
            by=by,
            person=person,
            team=service_user.team,
            role=RoleCode.SERVICE_USER,
            start=timezone.localdate(),
        )
        service_user.person = person
        return save_audited(
            service_user,
            by=by,
            action=AuditAction.UPDATE,
            fields=["person"],
            update_fields=["person"],
        )
