"""The demo scales: the seed scale reproduces the seed programme's placements exactly."""

from dataclasses import fields

import pytest

from alongside.demo.models import DemoLoad
from alongside.demo.scales import NATIONAL, REGION, SCALES, SEED
from alongside.organisation.models import TeamType


def test_seed_scale_has_26_psws_and_one_senior():
    assert SEED.psws == 26
    assert SEED.senior_psws == 1


def test_seed_scale_places_psws_by_region():
    assert SEED.psws_by_region() == {"cho1": 3, "cho2": 11, "cho4": 6, "cho5": 4, "cho9": 2}


def test_seed_scale_places_psws_by_area():
    assert SEED.psws_by_area() == {
        "Cavan": 1,
        "Monaghan": 2,
        "Mayo": 8,
        "Galway": 2,
        "Roscommon": 1,
        "Cork": 3,
        "Kerry": 3,
        "Carlow": 2,
        "Kilkenny": 1,
        "South Tipperary": 1,
        "Dublin North": 2,
    }


def test_seed_scale_places_psws_by_team_type():
    assert SEED.psws_by_team_type() == {
        TeamType.CMHT: 13,
        TeamType.REHAB_RECOVERY: 11,
        TeamType.EARLY_INTERVENTION: 1,
        TeamType.ACUTE_INPATIENT: 1,
    }


def test_seed_scale_regions_are_the_five_chos():
    assert [(r.code, r.name) for r in SEED.layout()] == [
        ("cho1", "Community Healthcare Organisation Area 1"),
        ("cho2", "Community Healthcare West"),
        ("cho4", "Cork Kerry Community Healthcare"),
        ("cho5", "South East Community Healthcare"),
        ("cho9", "Community Healthcare Organisation Dublin North City & County"),
    ]


def test_the_senior_psw_is_on_a_mayo_team():
    seniors = [
        area.name
        for region in SEED.layout()
        for area in region.areas
        for team in area.teams
        if team.senior_psws
    ]
    assert seniors == ["Mayo"]


@pytest.mark.parametrize(
    ("scale", "low", "high"),
    [(REGION, 280, 320), (NATIONAL, 2900, 3100)],
    ids=["region", "national"],
)
def test_larger_scales_have_roughly_the_promised_psws(scale, low, high):
    assert low <= scale.psws <= high


def test_national_scale_has_about_150000_service_users_on_caseloads():
    assert 145_000 <= NATIONAL.expected_service_users_on_caseloads <= 155_000


@pytest.mark.parametrize("scale", [REGION, NATIONAL], ids=["region", "national"])
def test_larger_scales_keep_the_seed_proportions(scale):
    copies = scale.region_copies * scale.team_copies
    assert scale.psws == SEED.psws * copies
    assert scale.psws_by_team_type() == {
        team_type: count * copies for team_type, count in SEED.psws_by_team_type().items()
    }


@pytest.mark.parametrize("scale", list(SCALES.values()), ids=list(SCALES))
def test_every_copy_has_unique_names(scale):
    regions = scale.layout()
    assert len({r.code for r in regions}) == len({r.name for r in regions}) == len(regions)
    for region in regions:
        area_names = [area.name for area in region.areas]
        assert len(set(area_names)) == len(area_names)
        for area in region.areas:
            team_names = [team.name for team in area.teams]
            assert len(set(team_names)) == len(team_names)


def test_copies_after_the_first_are_numbered():
    names = [r.name for r in NATIONAL.layout()]
    assert "Community Healthcare West" in names
    assert "Community Healthcare West 5" in names
    # Team copies stay in their area, so the region scale still has one Mayo.
    mayo = [area for region in REGION.layout() for area in region.areas if area.name == "Mayo"]
    assert len(mayo) == 1
    assert "Castlebar North CMHT" in [t.name for t in mayo[0].teams]
    assert "Castlebar North CMHT 12" in [t.name for t in mayo[0].teams]


@pytest.mark.parametrize("scale", list(SCALES.values()), ids=list(SCALES))
def test_scale_names_fit_the_demo_load_marker(scale):
    assert len(scale.name) <= DemoLoad._meta.get_field("scale").max_length


@pytest.mark.parametrize("scale", list(SCALES.values()), ids=list(SCALES))
def test_every_range_and_share_makes_sense(scale):
    ranges = {
        f.name: getattr(scale, f.name)
        for f in fields(scale)
        if isinstance(getattr(scale, f.name), tuple) and f.name != "regions"
    }
    assert "contact_gap_days" in ranges
    assert all(0 <= low <= high for low, high in ranges.values()), ranges
    shares = {f.name: getattr(scale, f.name) for f in fields(scale) if f.name.endswith("_share")}
    assert all(0 <= share <= 1 for share in shares.values()), shares
    # Roughly weekly to fortnightly, and a group session has room for 2-8 of its members.
    assert 7 <= scale.contact_gap_days[0] <= scale.contact_gap_days[1] <= 14
    assert scale.group_members[0] >= 2
    assert scale.groups_per_region[0] >= 1
    # Some teams send no inappropriate referrals, the least prepared send several.
    assert scale.not_appropriate_declines_per_team[1] > scale.not_appropriate_declines_per_team[0]
