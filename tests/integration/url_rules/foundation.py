"""Accounts, the audit trail, organisation pages and the first practice pages."""

from tests.integration.url_rules import ALL, Rule, roles


def _region(p):
    return {"pk": p.team_a.area.region_id}


def _team(p):
    return {"pk": p.team_a.pk}


_PSW_RECORD = Rule(
    allowed=roles("admin"), kwargs=lambda p: {"pk": p.psw.pk}, secret=lambda p: p.psw.full_name
)

RULES: dict[str, Rule] = {
    "home": Rule(allowed=ALL),
    "login": Rule(allowed=ALL, public=True, ok_status=(200, 302)),
    "logout": Rule(allowed=ALL, method="post", public=True, ok_status=(302,)),
    "password_change": Rule(allowed=ALL),
    "password_change_done": Rule(allowed=ALL),
    "password_reset": Rule(allowed=ALL, public=True),
    "password_reset_done": Rule(allowed=ALL, public=True),
    "password_reset_confirm": Rule(
        allowed=ALL, public=True, kwargs=lambda p: {"uidb64": "x", "token": "y"}
    ),
    "password_reset_complete": Rule(allowed=ALL, public=True),
    "core:audit": Rule(allowed=roles("admin")),
    "core:audit-verify": Rule(allowed=roles("admin"), method="post"),
    "practice:caseload": Rule(
        allowed=roles("psw", "psw_b", "senior"),
        secret=lambda p: p.su_a.preferred_name,
        sees_secret=roles("psw"),
    ),
    "practice:service-user": Rule(
        allowed=roles("psw", "supervisor"),
        kwargs=lambda p: {"pk": p.su_a.pk},
        secret=lambda p: p.su_a.preferred_name,
    ),
    "practice:service-user-edit": Rule(
        allowed=roles("psw"),
        kwargs=lambda p: {"pk": p.su_a.pk},
        secret=lambda p: p.su_a.preferred_name,
    ),
    "practice:service-user-login": Rule(
        allowed=roles("psw"),
        kwargs=lambda p: {"pk": p.su_a.pk},
        secret=lambda p: p.su_a.preferred_name,
    ),
    "practice:supervisees": Rule(
        allowed=roles("supervisor", "senior"),
        secret=lambda p: p.psw.full_name,
        sees_secret=roles("supervisor"),
    ),
    "practice:supervisee-caseload": Rule(
        allowed=roles("supervisor"),
        kwargs=lambda p: {"person_pk": p.psw.pk},
        secret=lambda p: p.su_a.preferred_name,
    ),
    "practice:referrals": Rule(
        allowed=roles("clinician", "senior", "psw", "psw_b", "supervisor"),
        secret=lambda p: p.su_a.reference,
        sees_secret=roles("clinician", "senior", "psw", "supervisor"),
    ),
    "practice:referral": Rule(
        allowed=roles("clinician", "senior", "psw", "supervisor"),
        kwargs=lambda p: {"pk": p.referral_a.pk},
        secret=lambda p: p.referral_a.reason,
    ),
    "practice:programme": Rule(allowed=roles("lead")),
    "organisation:regions": Rule(allowed=roles("lead", "evaluator", "admin")),
    "organisation:region": Rule(allowed=roles("lead", "evaluator", "admin"), kwargs=_region),
    "organisation:region-create": Rule(allowed=roles("admin")),
    "organisation:region-edit": Rule(allowed=roles("admin"), kwargs=_region),
    "organisation:area-create": Rule(allowed=roles("admin"), kwargs=_region),
    "organisation:area-edit": Rule(
        allowed=roles("admin"), kwargs=lambda p: {"pk": p.team_a.area_id}
    ),
    "organisation:teams": Rule(allowed=roles("lead", "evaluator", "admin")),
    "organisation:team": Rule(allowed=roles("lead", "evaluator", "admin"), kwargs=_team),
    "organisation:team-create": Rule(allowed=roles("admin")),
    "organisation:team-edit": Rule(allowed=roles("admin"), kwargs=_team),
    "organisation:people": Rule(allowed=roles("admin"), secret=lambda p: p.psw.family_name),
    "organisation:person-create": Rule(allowed=roles("admin")),
    "organisation:person": _PSW_RECORD,
    "organisation:person-edit": _PSW_RECORD,
    "organisation:membership-add": _PSW_RECORD,
    "organisation:supervision-add": _PSW_RECORD,
    "organisation:login-create": _PSW_RECORD,
    "organisation:membership-end": Rule(
        allowed=roles("admin"),
        kwargs=lambda p: {"pk": p.psw.pk, "membership_pk": p.psw.memberships.get().pk},
        secret=lambda p: p.psw.full_name,
    ),
}
