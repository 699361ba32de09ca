"""How big the synthetic programme is, and what shape it has.

The `seed` scale mirrors the programme the seed evaluation describes: five regions, eleven areas
and 26 peer support workers placed 3/11/6/4/2 by region, 13 on community mental health teams,
11 on rehab and recovery teams, one in early intervention and one on an acute ward. Region and
team names are the real CHO and county names (facts about the health service); team names are
invented.

Larger scales copy the same pattern rather than inventing a different one, so that the generator
has one code path and a bigger demo looks like the seed programme grown: `team_copies` repeats
every team within its area, `region_copies` repeats the whole set of regions. Copies after the
first carry a number ("Castlebar North CMHT 2", "Community Healthcare West 3").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from alongside.organisation.models import TeamType

IntRange = tuple[int, int]
"""An inclusive (low, high) range that the generator draws from."""


@dataclass(frozen=True)
class TeamShape:
    name: str
    team_type: TeamType
    psws: int
    senior_psws: int = 0


@dataclass(frozen=True)
class AreaShape:
    name: str
    teams: tuple[TeamShape, ...]


@dataclass(frozen=True)
class RegionShape:
    code: str
    name: str
    areas: tuple[AreaShape, ...]


def _cmht(name: str, psws: int) -> TeamShape:
    return TeamShape(name, TeamType.CMHT, psws)


def _rehab(name: str, psws: int, *, senior_psws: int = 0) -> TeamShape:
    return TeamShape(name, TeamType.REHAB_RECOVERY, psws, senior_psws)


SEED_REGIONS: tuple[RegionShape, ...] = (
    RegionShape(
        "cho1",
        "Community Healthcare Organisation Area 1",
        (
            AreaShape("Cavan", (_cmht("Cavan Lakeside CMHT", 1),)),
            AreaShape(
                "Monaghan",
                (
                    _rehab("Monaghan Rehab and Recovery Team", 1),
                    _cmht("Carrickmacross Hillside CMHT", 1),
                ),
            ),
        ),
    ),
    RegionShape(
        "cho2",
        "Community Healthcare West",
        (
            AreaShape(
                "Mayo",
                (
                    _cmht("Castlebar North CMHT", 2),
                    _cmht("Ballina Moyview CMHT", 2),
                    _cmht("Westport Clew CMHT", 1),
                    _rehab("Mayo Rehab and Recovery Team", 2, senior_psws=1),
                    TeamShape("Mayo Early Intervention Service", TeamType.EARLY_INTERVENTION, 1),
                ),
            ),
            AreaShape(
                "Galway",
                (
                    _rehab("Galway Bayside Rehab and Recovery Team", 1),
                    TeamShape("Galway Acute Admissions Unit", TeamType.ACUTE_INPATIENT, 1),
                ),
            ),
            AreaShape("Roscommon", (_rehab("Roscommon Shannonside Rehab Team", 1),)),
        ),
    ),
    RegionShape(
        "cho4",
        "Cork Kerry Community Healthcare",
        (
            AreaShape(
                "Cork",
                (
                    _cmht("Cork Northside CMHT", 2),
                    _rehab("Cork Harbour Rehab and Recovery Team", 1),
                ),
            ),
            AreaShape(
                "Kerry",
                (
                    _cmht("Tralee Greenway CMHT", 1),
                    _rehab("Kerry Rehab and Recovery Team", 2),
                ),
            ),
        ),
    ),
    RegionShape(
        "cho5",
        "South East Community Healthcare",
        (
            AreaShape(
                "Carlow",
                (
                    _cmht("Carlow Barrowside CMHT", 1),
                    _rehab("Carlow Rehab and Recovery Team", 1),
                ),
            ),
            AreaShape("Kilkenny", (_cmht("Kilkenny Nore CMHT", 1),)),
            AreaShape("South Tipperary", (_rehab("Clonmel Suirside Rehab Team", 1),)),
        ),
    ),
    RegionShape(
        "cho9",
        "Community Healthcare Organisation Dublin North City & County",
        (
            AreaShape(
                "Dublin North",
                (
                    _cmht("Northbank CMHT", 1),
                    _rehab("Dublin North Rehab and Recovery Team", 1),
                ),
            ),
        ),
    ),
)


def _numbered(name: str, copy: int, separator: str = " ") -> str:
    return name if copy == 1 else f"{name}{separator}{copy}"


@dataclass(frozen=True)
class Scale:
    """Every number the generator needs to decide the size of a demo programme."""

    name: str
    regions: tuple[RegionShape, ...]
    region_copies: int
    team_copies: int
    service_users_per_psw: IntRange
    clinicians_per_team: IntRange
    supervisees_per_supervisor: IntRange
    pending_referrals_per_team: IntRange
    waiting_list_referrals_per_team: IntRange
    declined_referrals_per_team: IntRange
    """Declined for reasons other than the referral being inappropriate."""
    not_appropriate_declines_per_team: IntRange
    """Declined as not appropriate: the high end for the least prepared team, the low end for
    the best prepared. Teams that did not understand the role sent the wrong referrals."""
    self_referral_share: float
    """Share of accepted referrals that people made themselves."""
    ended_episodes_per_psw: IntRange
    """Past episodes that ended, whose service users have no current one."""
    returning_per_psw: IntRange
    """Service users on a current caseload who had an earlier episode and were re-referred."""
    contact_gap_days: IntRange
    """Days between one-to-one contacts: roughly weekly to fortnightly."""
    goals_per_episode: IntRange
    advocacy_share: float
    """Share of episodes with something the person wants raised at the team meeting."""
    groups_per_region: IntRange
    group_weeks: IntRange
    """Weekly sessions each group programme has run so far."""
    group_members: IntRange
    """Service users who come to a group at some point; 2-8 of them come to any one session."""
    part_time_share: float
    """Share of (non-senior) PSWs on part-time contracts; most were, in the seed programme."""
    social_work_supervisor_share: float
    """Share of supervisors who are social workers; nurses and OTs supervise the rest."""
    survey_responses: int = 0
    """Responses to the programme-wide survey study (`demo/research.py`): none below national."""
    transcript_segments: int = 0
    """Segments of that study's interview transcripts, about 50 to an interview."""

    def layout(self) -> tuple[RegionShape, ...]:
        """The regions, areas and teams with copies expanded and numbered: what gets created."""
        return tuple(
            RegionShape(
                _numbered(region.code, region_copy, "-"),
                _numbered(region.name, region_copy),
                tuple(
                    AreaShape(
                        _numbered(area.name, region_copy),
                        tuple(
                            TeamShape(
                                _numbered(team.name, team_copy),
                                team.team_type,
                                team.psws,
                                team.senior_psws,
                            )
                            for team_copy in range(1, self.team_copies + 1)
                            for team in area.teams
                        ),
                    )
                    for area in region.areas
                ),
            )
            for region_copy in range(1, self.region_copies + 1)
            for region in self.regions
        )

    def _teams(self) -> list[tuple[RegionShape, AreaShape, TeamShape]]:
        return [
            (region, area, team)
            for region in self.layout()
            for area in region.areas
            for team in area.teams
        ]

    @property
    def psws(self) -> int:
        """Peer support workers, not counting senior PSWs."""
        return sum(team.psws for _, _, team in self._teams())

    @property
    def senior_psws(self) -> int:
        return sum(team.senior_psws for _, _, team in self._teams())

    @property
    def expected_service_users_on_caseloads(self) -> int:
        """The mean caseload times the workers who carry one (senior PSWs carry one too)."""
        low, high = self.service_users_per_psw
        return round((self.psws + self.senior_psws) * (low + high) / 2)

    def psws_by_region(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for region, _, team in self._teams():
            counts[region.code] += team.psws
        return dict(counts)

    def psws_by_area(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for _, area, team in self._teams():
            counts[area.name] += team.psws
        return dict(counts)

    def psws_by_team_type(self) -> dict[TeamType, int]:
        counts: Counter[TeamType] = Counter()
        for _, _, team in self._teams():
            counts[team.team_type] += team.psws
        return dict(counts)


SEED = Scale(
    name="seed",
    regions=SEED_REGIONS,
    region_copies=1,
    team_copies=1,
    service_users_per_psw=(4, 10),
    clinicians_per_team=(3, 6),
    supervisees_per_supervisor=(1, 4),
    pending_referrals_per_team=(1, 3),
    waiting_list_referrals_per_team=(0, 2),
    declined_referrals_per_team=(0, 2),
    not_appropriate_declines_per_team=(0, 3),
    self_referral_share=0.12,
    ended_episodes_per_psw=(1, 3),
    returning_per_psw=(0, 1),
    contact_gap_days=(7, 14),
    goals_per_episode=(1, 3),
    advocacy_share=0.3,
    groups_per_region=(1, 2),
    group_weeks=(11, 14),
    group_members=(3, 10),
    part_time_share=20 / 26,
    social_work_supervisor_share=0.7,
)

# About 300 PSWs: the five regions with twelve of each team. A region has twelve times the
# teams, so it runs more groups.
REGION = replace(
    SEED,
    name="region",
    team_copies=12,
    service_users_per_psw=(8, 16),
    groups_per_region=(8, 14),
)

# About 3,000 PSWs and 150,000 service users: five copies of the regions, 23 of each team.
# Contacts a little closer together (weekly to every eleven days) make about 5,000,000 of
# them. Also a programme-wide evaluation: 200,000 survey responses and 400 interviews.
NATIONAL = replace(
    SEED,
    name="national",
    region_copies=5,
    team_copies=23,
    service_users_per_psw=(38, 58),
    # Three to six past episodes a worker, so that the record reaches the 5,000,000
    # contacts and 600,000 measure administrations (5.02 million and 602,000 with the default
    # seed) while current caseloads stay at about 150,000 people.
    ended_episodes_per_psw=(3, 6),
    contact_gap_days=(7, 11),
    groups_per_region=(15, 25),
    survey_responses=200_000,
    transcript_segments=20_000,
)

SCALES: dict[str, Scale] = {scale.name: scale for scale in (SEED, REGION, NATIONAL)}
