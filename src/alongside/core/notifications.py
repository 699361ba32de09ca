"""Notifications: a message for one user in the app, and by email when that is turned on.

`notify` runs inside the caller's transaction, so a notification exists only if the change it
reports was saved; the email goes after commit, and says only that there is news and where to
read it (the message itself, even with pseudonymous references, stays in the app).
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from alongside.core.models import AuditAction, Notification
from alongside.core.records import save_audited

AnyUser = AbstractBaseUser | AnonymousUser
logger = logging.getLogger(__name__)

EMAIL_SUBJECT = "Alongside: you have a new notification"


def _email_body() -> str:
    return (
        "There is news for you in Alongside.\n\n"
        f"Sign in and open your notifications ({reverse('core:notifications')}) to read it.\n\n"
        "This email holds no details on purpose: they stay in Alongside."
    )


def _send_email(address: str) -> None:
    try:
        send_mail(EMAIL_SUBJECT, _email_body(), None, [address])
    except (smtplib.SMTPException, OSError):
        # The notification is saved and shown in the app; a mail server being down must not
        # turn a saved decision into an error page.
        logger.exception("A notification email could not be sent.")


def notify(*, recipient: User, message: str, url: str, by: AnyUser | None = None) -> Notification:
    """Leave `message` for `recipient`, linking to `url`; email them too when configured.

    Messages name records by their pseudonymous reference, never by a person's name. A message
    too long to store (a team with a very long name, say) is shortened rather than refused: the
    change it reports must not fail for it.
    """
    max_length = Notification._meta.get_field("message").max_length or 300
    message = Truncator(message).chars(max_length)
    with transaction.atomic():
        notification = save_audited(
            Notification(recipient=recipient, message=message, url=url),
            by=by,
            action=AuditAction.CREATE,
            fields=["recipient", "message", "url"],
        )
    address = getattr(recipient, "email", "")
    if getattr(settings, "ALONGSIDE_NOTIFY_BY_EMAIL", False) and address:
        transaction.on_commit(lambda: _send_email(address))
    return notification


def mark_read(*, by: AnyUser, notification: Notification) -> Notification:
    """Mark the recipient's notification read (once: the first reading is what counts)."""
    if notification.read_at is not None:
        return notification
    notification.read_at = timezone.now()
    with transaction.atomic():
        return save_audited(
            notification,
            by=by,
            action=AuditAction.UPDATE,
            fields=["read_at"],
            update_fields=["read_at"],
        )


def unread_count(user: AnyUser) -> int:
    """How many of the user's notifications they have not opened: for the navigation bar."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
