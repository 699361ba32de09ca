"""Practice exchange: threads, replies, @mentions and moderation.

A post must never carry service user data. Before saving, the text is checked against the
preferred names of service users known to the system; a match stops the post with a warning,
and the author posts only after confirming that it names no one they support. Mentions
(@username) notify the people mentioned who may read the thread.
"""

from __future__ import annotations

import itertools
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from alongside.core.access import AnyUser, Permission, has_permission, visible
from alongside.core.models import AuditAction
from alongside.core.notifications import notify
from alongside.core.records import save_audited
from alongside.organisation.models import Region
from alongside.practice.models import ServiceUser
from alongside.workforce.access import exchange_regions
from alongside.workforce.actions.common import acting_person, require
from alongside.workforce.models import Reply, Thread

BODY_MAX_LENGTH = 5000
_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019-]*\w)?", re.UNICODE)
_MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")
# Names shorter than this are ordinary words too often ("Al", "Jo") to warn about.
MIN_NAME_LENGTH = 3


class NamesSomeone(ValidationError):
    """The text contains a name of a service user known to the system."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(
            "This post may name someone who uses the service: "
            f"{', '.join(names)}. The exchange must never hold service user details. "
            "Change the text, or confirm that it names no one you support.",
            code="names-someone",
        )


def candidate_names(text: str) -> set[str]:
    """Words of the text, and pairs of neighbouring words, in lower case: what a name could be."""
    words = [w.lower() for w in _WORD.findall(text)]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return {w for w in words + pairs if len(w) >= MIN_NAME_LENGTH}


def service_user_names_in(text: str) -> list[str]:
    """The words in the text that are the preferred name of a known service user."""
    candidates = candidate_names(text)
    if not candidates:
        return []
    found = (
        ServiceUser.objects.annotate(name=Lower("preferred_name"))
        .filter(name__in=candidates)
        .values_list("name", flat=True)
        .distinct()
    )
    return sorted(name.title() for name in found)


def mentioned_usernames(text: str) -> list[str]:
    return sorted({m.rstrip(".") for m in _MENTION.findall(text)})


def _check_text(text: str, *, confirmed: bool, field: str) -> tuple[str, bool]:
    text = text.strip()
    if not text:
        raise ValidationError({field: "Write something first."})
    if len(text) > BODY_MAX_LENGTH:
        raise ValidationError({field: f"Keep it to {BODY_MAX_LENGTH} characters at most."})
    names = service_user_names_in(text)
    if names and not confirmed:
        raise NamesSomeone(names)
    return text, bool(names)


def _notify_mentions(*, by: AnyUser, thread: Thread, text: str) -> None:
    usernames = mentioned_usernames(text)
    if not usernames:
        return
    users = get_user_model()._default_manager.filter(username__in=usernames, is_active=True)
    url = reverse("workforce:thread", args=[thread.pk])
    for user in users:
        if user.pk == by.pk or not has_permission(user, Permission.VIEW_EXCHANGE, thread):
            continue
        notify(
            recipient=user, message="You were mentioned in the practice exchange.", url=url, by=by
        )


def start_thread(
    *,
    by: AnyUser,
    region: Region | None,
    title: str,
    body: str,
    confirmed_no_names: bool = False,
) -> Thread:
    """Open a discussion in a region's space, or nationally (region None)."""
    require(by, Permission.POST_EXCHANGE)
    if region is not None and not exchange_regions(by).filter(pk=region.pk).exists():
        raise PermissionDenied
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Give the discussion a title."})
    body, names = _check_text(f"{title}\n{body}", confirmed=confirmed_no_names, field="body")
    body = body[len(title) :].strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    with transaction.atomic():
        thread = save_audited(
            Thread(
                region=region, title=title, body=body, author=acting_person(by), names_someone=names
            ),
            by=by,
            action=AuditAction.CREATE,
            fields=["region", "title", "body", "author", "names_someone"],
        )
        _notify_mentions(by=by, thread=thread, text=body)
        return thread


def reply_to_thread(
    *, by: AnyUser, thread: Thread, body: str, confirmed_no_names: bool = False
) -> Reply:
    if not has_permission(by, Permission.POST_EXCHANGE, thread):
        raise PermissionDenied
    body, names = _check_text(body, confirmed=confirmed_no_names, field="body")
    with transaction.atomic():
        reply = save_audited(
            Reply(thread=thread, body=body, author=acting_person(by), names_someone=names),
            by=by,
            action=AuditAction.CREATE,
            fields=["thread", "body", "author", "names_someone"],
        )
        _notify_mentions(by=by, thread=thread, text=body)
        return reply


def hide_post(*, by: AnyUser, post: Thread | Reply, reason: str) -> Thread | Reply:
    """A moderator hides a thread or reply; its author still sees it, marked hidden."""
    if not visible(type(post), by, Permission.MODERATE_EXCHANGE).filter(pk=post.pk).exists():
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why, so that the author knows."})
    with transaction.atomic():
        post.hidden = True
        post.hidden_by = acting_person(by)
        post.hidden_reason = reason[:200]
        save_audited(
            post,
            by=by,
            action=AuditAction.UPDATE,
            fields=["hidden", "hidden_by", "hidden_reason"],
            update_fields=["hidden", "hidden_by", "hidden_reason"],
        )
        if post.author.user is not None:
            thread = post if isinstance(post, Thread) else post.thread
            notify(
                recipient=post.author.user,
                message=f"A moderator hid your post on {timezone.localdate():%d %B}: {reason}"[
                    :300
                ],
                url=reverse("workforce:thread", args=[thread.pk]),
                by=by,
            )
        return post
