"""Making and deciding referrals, and each user's notifications.

The decision URLs are swept on a fresh referral waiting for a decision on team A. Personas are
tried in name order, so every denied role before "psw" posts to the untouched referral; that the
PSW's decision then succeeds at version 1 proves their posts changed nothing.
"""

from alongside.core.notifications import notify
from tests import factories
from tests.integration.url_rules import ALL, Rule, roles

SECRET_REASON = "Would like company at the allotment on Saturdays"


def _pending_referral(p):
    service_user = factories.ServiceUserFactory(team=p.team_a)
    referral = factories.ReferralFactory(
        service_user=service_user, referrer=p.clinician, reason=SECRET_REASON
    )
    return {"pk": referral.pk}


def _clinicians_notification(p):
    notification = notify(
        recipient=p.clinician.user,
        message=f"Referral {p.su_a.reference} to {p.team_a.name} was accepted.",
        url=f"/practice/referrals/{p.referral_a.pk}/",
    )
    return {"pk": notification.pk}


_DECIDERS = roles("psw", "senior")

RULES: dict[str, Rule] = {
    "practice:referral-create": Rule(allowed=roles("psw", "psw_b", "senior", "clinician")),
    # Without data the form is refused, with the page shown again: the deciders see the reason.
    "practice:referral-accept": Rule(
        allowed=_DECIDERS,
        kwargs=_pending_referral,
        method="post",
        secret=lambda p: SECRET_REASON,
    ),
    # The PSW declines (302); the senior PSW, after them, is told it was already decided (302).
    "practice:referral-decline": Rule(
        allowed=_DECIDERS,
        kwargs=_pending_referral,
        method="post",
        ok_status=(302,),
        data={"decline-version": "1", "decline-reason": "no-capacity"},
    ),
    # The PSW puts it on the waiting list (302); the senior PSW, posting the same stale version
    # after them, gets the page again with a conflict message (200).
    "practice:referral-waiting-list": Rule(
        allowed=_DECIDERS,
        kwargs=_pending_referral,
        method="post",
        ok_status=(200, 302),
        data={"waiting-version": "1"},
    ),
    "core:notifications": Rule(allowed=ALL),
    "core:notification-read": Rule(
        allowed=roles("clinician"),
        kwargs=_clinicians_notification,
        method="post",
        ok_status=(302,),
    ),
}
