"""The navigation bar: each entry is shown to whoever holds its permission."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from alongside.core.access import Permission, principal_for
from alongside.core.notifications import unread_count
from alongside.core.terminology import terms


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool
    count: int | None = None


_ENTRIES: tuple[tuple[str, str, Permission | None], ...] = (
    ("Home", "home", None),
    ("{caseload}", "practice:caseload", Permission.VIEW_OWN_CASELOAD),
    ("Supervisees", "practice:supervisees", Permission.VIEW_SUPERVISEE_CASELOADS),
    ("Referrals", "practice:referrals", Permission.VIEW_REFERRAL),
    ("Groups", "practice:groups", Permission.VIEW_GROUPS),
    ("Advocacy", "practice:team-advocacy", Permission.VIEW_ADVOCACY),
    ("My goals", "practice:my-goals", Permission.ADD_OWN_PROGRESS),
    ("My measures", "measures:my-measures", Permission.COMPLETE_OWN_MEASURES),
    ("Outcomes", "measures:summary", Permission.VIEW_PROGRAMME_SUMMARY),
    ("Instruments", "measures:instruments", Permission.VIEW_INSTRUMENTS),
    ("Studies", "evaluation:studies", Permission.VIEW_STUDIES),
    ("Qualitative", "qualitative:projects", Permission.VIEW_QUALITATIVE),
    ("Programme", "practice:programme", Permission.VIEW_PROGRAMME_SUMMARY),
    ("Dashboard", "reports:dashboard", Permission.VIEW_PROGRAMME_DASHBOARD),
    ("Workforce", "workforce:overview", Permission.VIEW_WORKFORCE),
    ("Supervision", "workforce:supervision", Permission.VIEW_SUPERVISION),
    ("CPD", "workforce:cpd", Permission.VIEW_CPD),
    ("Readiness", "workforce:readiness", Permission.VIEW_READINESS),
    ("Exchange", "workforce:exchange", Permission.VIEW_EXCHANGE),
    ("Guidance", "workforce:guidance", Permission.VIEW_GUIDANCE),
    ("{regions}", "organisation:regions", Permission.VIEW_ORGANISATION),
    ("{teams}", "organisation:teams", Permission.VIEW_ORGANISATION),
    ("People", "organisation:people", Permission.VIEW_PEOPLE),
    ("Audit trail", "core:audit", Permission.VIEW_AUDIT),
    ("Data requests", "privacy:requests", Permission.HANDLE_SUBJECT_REQUESTS),
)


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    held = principal_for(user).permissions
    words = {k: v.capitalize() for k, v in terms().items()}
    items = []
    for label, name, permission in _ENTRIES:
        if permission is not None and permission not in held:
            continue
        url = reverse(name)
        current = request.path == url if name == "home" else request.path.startswith(url)
        items.append(NavItem(label.format(**words), url, current))
    url = reverse("core:notifications")
    items.append(
        NavItem("Notifications", url, request.path.startswith(url), count=unread_count(user))
    )
    return items
