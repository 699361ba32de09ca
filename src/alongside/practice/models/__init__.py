"""Peer support practice: who is supported, how they came, what happened, and how it ended."""

from alongside.practice.models.advocacy import AdvocacyItem, AdvocacyOutcome
from alongside.practice.models.chime import Chime
from alongside.practice.models.contacts import (
    Activity,
    Contact,
    ContactChimeTag,
    ContactFormat,
    ContactMode,
    ContactSetting,
)
from alongside.practice.models.endings import Ending, EndingReason
from alongside.practice.models.goals import Goal, GoalProgress, GoalSetBy, GoalStatus, GoalStep
from alongside.practice.models.groups import GroupProgramme, GroupSession
from alongside.practice.models.people import (
    CaseloadEntry,
    CaseloadStatus,
    DeclineReason,
    Referral,
    ReferralStatus,
    ServiceUser,
    Urgency,
)
from alongside.practice.models.rollups import CaseloadCount, FigureChange, Grain, PracticeCount

__all__ = [
    "Activity",
    "AdvocacyItem",
    "AdvocacyOutcome",
    "CaseloadCount",
    "CaseloadEntry",
    "CaseloadStatus",
    "Chime",
    "Contact",
    "ContactChimeTag",
    "ContactFormat",
    "ContactMode",
    "ContactSetting",
    "DeclineReason",
    "Ending",
    "EndingReason",
    "FigureChange",
    "Goal",
    "GoalProgress",
    "GoalSetBy",
    "GoalStatus",
    "GoalStep",
    "Grain",
    "GroupProgramme",
    "GroupSession",
    "PracticeCount",
    "Referral",
    "ReferralStatus",
    "ServiceUser",
    "Urgency",
]
