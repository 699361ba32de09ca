"""The role table itself: what each role may and may not do, as plain data."""

import pytest

from alongside.core.access import ROLES, Grant, Permission, Principal, RoleCode


def principal(*roles: RoleCode) -> Principal:
    return Principal(user_id=1, person_id=1, grants=tuple(Grant(r, 1) for r in roles))


def test_every_role_code_has_a_role_class():
    assert set(ROLES) == set(RoleCode)


@pytest.mark.parametrize(
    ("role", "granted", "refused"),
    [
        (RoleCode.PEER_SUPPORT_WORKER, Permission.VIEW_OWN_CASELOAD, Permission.VIEW_AUDIT),
        (RoleCode.PEER_SUPPORT_WORKER, Permission.VIEW_SERVICE_USER, Permission.VIEW_PEOPLE),
        (RoleCode.SUPERVISOR, Permission.VIEW_SUPERVISEE_CASELOADS, Permission.VIEW_OWN_CASELOAD),
        (RoleCode.TEAM_CLINICIAN, Permission.VIEW_TEAM_REFERRALS, Permission.VIEW_SERVICE_USER),
        (RoleCode.PROGRAMME_LEAD, Permission.VIEW_PROGRAMME_SUMMARY, Permission.VIEW_SERVICE_USER),
        (RoleCode.PROGRAMME_LEAD, Permission.VIEW_ORGANISATION, Permission.VIEW_PEOPLE),
        (RoleCode.ADMINISTRATOR, Permission.MANAGE_ORGANISATION, Permission.VIEW_SERVICE_USER),
        (RoleCode.ADMINISTRATOR, Permission.VIEW_AUDIT, Permission.VIEW_REFERRAL),
        (RoleCode.SERVICE_USER, Permission.VIEW_OWN_RECORD, Permission.VIEW_SERVICE_USER),
        (RoleCode.EVALUATOR, Permission.VIEW_ORGANISATION, Permission.VIEW_REFERRAL),
    ],
)
def test_role_grants_and_refuses(role, granted, refused):
    held = principal(role).permissions
    assert granted in held
    assert refused not in held


def test_no_role_but_the_clinical_ones_reaches_clinical_records():
    clinical = {Permission.VIEW_SERVICE_USER, Permission.VIEW_REFERRAL}
    reaching = {code for code, role in ROLES.items() if role.permissions & clinical}
    assert reaching == {
        RoleCode.PEER_SUPPORT_WORKER,
        RoleCode.SENIOR_PEER_SUPPORT_WORKER,
        RoleCode.SUPERVISOR,
        RoleCode.TEAM_CLINICIAN,
    }


def test_permissions_of_several_roles_are_their_union():
    both = principal(RoleCode.PEER_SUPPORT_WORKER, RoleCode.PROGRAMME_LEAD).permissions
    assert (
        both
        == ROLES[RoleCode.PEER_SUPPORT_WORKER].permissions
        | ROLES[RoleCode.PROGRAMME_LEAD].permissions
    )


def test_team_ids_only_for_the_named_roles():
    p = Principal(
        user_id=1,
        person_id=1,
        grants=(Grant(RoleCode.TEAM_CLINICIAN, 7), Grant(RoleCode.PEER_SUPPORT_WORKER, 8)),
    )
    assert p.team_ids(RoleCode.TEAM_CLINICIAN) == {7}
    assert p.team_ids(RoleCode.PEER_SUPPORT_WORKER, RoleCode.TEAM_CLINICIAN) == {7, 8}
