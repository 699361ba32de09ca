"""Changes to a service user's own record."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from alongside.core.access import AnyUser
from alongside.core.records import update_versioned
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
