"""What the organisation views share: the permission check, form handling and PSW counts."""

from django.db.models import Count, Q
from django.http import HttpRequest

from alongside.core.access import Permission, RoleCode, require_permission
from alongside.core.forms import render_form_page, run_action  # noqa: F401  (shared)
from alongside.core.periods import current

PSW_ROLES = (RoleCode.PEER_SUPPORT_WORKER, RoleCode.SENIOR_PEER_SUPPORT_WORKER)


def require(request: HttpRequest, permission: Permission) -> None:
    require_permission(request.user, permission)


def count_current_psws(memberships: str) -> Count:
    """The number of people now in a PSW role, through the `memberships` relation path."""
    prefix = f"{memberships}__"
    return Count(
        f"{prefix}person",
        filter=current(prefix) & Q(**{f"{prefix}role__in": PSW_ROLES}),
        distinct=True,
    )


render_form = render_form_page
