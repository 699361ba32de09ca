"""Invented text for the practice records: notes, goals, advocacy, endings and groups.

All of it is written for the demo and describes no one. It is short and plain, and speaks of
what people do and want rather than what is wrong with them, the way a peer support worker
would write it up. Goals are in the first person because they are in the person's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from alongside.practice.models import (
    AdvocacyOutcome,
    Chime,
    ContactMode,
    ContactSetting,
    DeclineReason,
    EndingReason,
)

# Why a referral was not right for peer support: what a team asks for when it does not yet
# know what a peer support worker does.
NOT_APPROPRIATE_WHY: tuple[str, ...] = (
    "Asked for someone to collect prescriptions each week; not a peer support task.",
    "Request was to supervise medication at home.",
    "Wanted a lift to appointments every week rather than support to travel.",
    "Asked the peer worker to keep an eye on the person and report back to the team.",
    "Needed crisis follow-up from the clinical team first; peer support can come later.",
    "Looking for company only; linked with the local befriending service instead.",
    "Asked for a risk assessment at home.",
    "Referral was to sort out benefits paperwork; passed to the welfare officer.",
    "The person had not been asked about the referral; sent back to talk it over with them.",
    "Wanted someone to sit with the person on the ward overnight.",
)

OTHER_DECLINE_DETAIL: dict[DeclineReason, tuple[str, ...]] = {
    DeclineReason.PERSON_DECLINED: (
        "Met once; would rather lean on family for now and knows how to come back.",
        "Happy with the support already in place.",
        "Said the timing is not right; may ask again in the new year.",
    ),
    DeclineReason.NO_CONSENT: ("",),
    DeclineReason.NO_CAPACITY: (
        "Caseload full; offered a place at the recovery education course meanwhile.",
        "No space this quarter; the team will re-refer when a place opens.",
    ),
    DeclineReason.COULD_NOT_CONTACT: (
        "Tried by phone, text and letter over three weeks.",
        "Two missed first meetings; letter sent with the number to ring.",
    ),
    DeclineReason.OTHER: (
        "Moved out of the area before the first meeting.",
        "Started with a peer worker in another service.",
    ),
}

# A contact note: an opening that fits where and how it happened, and sometimes a second line.
FIRST_MEETING_NOTE = "First meeting: introductions, what peer support is, and what they hope for."

NOTES_IN_PERSON: dict[ContactSetting, tuple[str, ...]] = {
    ContactSetting.COMMUNITY: (
        "Met for coffee in town and planned the week.",
        "Walked by the river and talked about getting out more.",
        "Went to the library together to look at the courses board.",
        "Took the bus into town together; it went well.",
        "Met at the café; talked through the family visit.",
        "Visited the community garden to see about volunteering.",
        "Went to the leisure centre to ask about the quiet swim.",
        "Coffee and a chat about the week ahead.",
    ),
    ContactSetting.MENTAL_HEALTH_SERVICE: (
        "Met before the clinic appointment and wrote down questions.",
        "Went to the review together as agreed; felt heard.",
        "Chat in the day centre about the weekend.",
        "Met at the team base; talked about what helps on bad days.",
        "Prepared for the medication review together.",
    ),
    ContactSetting.HOME: (
        "Home visit; sorted post and rang the housing office together.",
        "Cup of tea at home; talked through a hard week.",
        "Planned meals and a shopping list for the week.",
        "Home visit; looked at the bus timetable together.",
    ),
    ContactSetting.RECOVERY_COLLEGE: (
        "Went along to the first class together.",
        "Met after the course session to talk it over.",
        "Looked through the new prospectus and picked two courses.",
    ),
    ContactSetting.OTHER: (
        "Met at the GP surgery to help with a form.",
        "Went to the credit union together.",
        "Met at the citizens information office about a letter.",
    ),
}

NOTES_REMOTE: dict[ContactMode, tuple[str, ...]] = {
    ContactMode.PHONE: (
        "Phone catch-up; sounded brighter.",
        "Rang to check in after the appointment.",
        "Short call to rearrange for next week.",
        "Long call about a difficult few days; agreed a plan for the weekend.",
    ),
    ContactMode.TEXT: (
        "Texted to confirm Thursday.",
        "Exchanged texts; all fine this week.",
        "Text check-in after the course started.",
    ),
    ContactMode.VIDEO: (
        "Video call; talked over the course options.",
        "Video call instead of meeting, as preferred this week.",
    ),
}

NOTE_FOLLOW_UPS: tuple[str, ...] = (
    "Proud of getting there.",
    "Next step agreed for next week.",
    "Shared a bit of my own story about starting again.",
    "Chose what to work on next.",
    "Noticed how much easier it was than last month.",
    "Wants to try it alone next time.",
    "Talked about what to say at the review.",
    "Good laugh; more relaxed than before.",
)

GROUP_NOTES: tuple[str, ...] = (
    "Came along and joined in.",
    "Chatted with others over tea after.",
    "First time in the group; stayed to the end.",
    "Brought a friend to the next one.",
    "Helped set up.",
)


@dataclass(frozen=True)
class GoalWording:
    text: str
    domain: Chime
    steps: tuple[str, ...]


GOALS: tuple[GoalWording, ...] = (
    GoalWording(
        "Get back to the pool on Tuesdays",
        Chime.CONNECTEDNESS,
        ("Find the quiet swim times", "Go along together the first time", "Go on my own"),
    ),
    GoalWording(
        "Meet my sister for lunch once a month",
        Chime.CONNECTEDNESS,
        ("Text her to pick a day", "Choose somewhere easy to get to"),
    ),
    GoalWording(
        "Keep going to the walking group",
        Chime.CONNECTEDNESS,
        ("Go three weeks in a row", "Walk the longer route"),
    ),
    GoalWording(
        "Ring an old friend I lost touch with",
        Chime.CONNECTEDNESS,
        ("Find the number", "Write down what I want to say", "Make the call"),
    ),
    GoalWording(
        "Have something to look forward to each week",
        Chime.HOPE,
        ("List things I used to enjoy", "Pick one for this week"),
    ),
    GoalWording(
        "Believe things can get better, one week at a time",
        Chime.HOPE,
        ("Write down one good thing each evening", "Look back over the month"),
    ),
    GoalWording(
        "Plan a day trip to the coast",
        Chime.HOPE,
        ("Check the train times", "Ask a friend to come", "Go"),
    ),
    GoalWording(
        "Play the guitar again",
        Chime.IDENTITY,
        ("Get the guitar restrung", "Play for ten minutes a day", "Learn one new song"),
    ),
    GoalWording(
        "Feel like myself again, not just a patient",
        Chime.IDENTITY,
        ("Talk about what I was like before", "Do one thing that is just for me"),
    ),
    GoalWording(
        "Start painting again",
        Chime.IDENTITY,
        ("Buy some paper and paints", "Go to the art group"),
    ),
    GoalWording(
        "Find a bit of voluntary work",
        Chime.MEANING,
        ("Look at the volunteer centre list", "Visit two places", "Do a trial morning"),
    ),
    GoalWording(
        "Go back to college part-time",
        Chime.MEANING,
        ("Get the prospectus", "Talk to the access officer", "Send the application"),
    ),
    GoalWording(
        "Grow vegetables in the garden this summer",
        Chime.MEANING,
        ("Clear a bed", "Buy seeds", "Plant them"),
    ),
    GoalWording(
        "Get a part-time job by the new year",
        Chime.MEANING,
        ("Update my CV", "Practise for an interview", "Apply for three jobs"),
    ),
    GoalWording(
        "Speak up for myself at my review",
        Chime.EMPOWERMENT,
        ("Write down what matters to me", "Practise saying it", "Go to the review"),
    ),
    GoalWording(
        "Manage my own money again",
        Chime.EMPOWERMENT,
        ("Open a basic account", "Set up the rent payment"),
    ),
    GoalWording(
        "Take the bus into town on my own",
        Chime.EMPOWERMENT,
        ("Learn the timetable", "Do the trip together", "Do it alone"),
    ),
    GoalWording(
        "Understand my medication well enough to ask questions",
        Chime.EMPOWERMENT,
        ("Read the leaflet together", "Write my questions down"),
    ),
    GoalWording(
        "Sleep better so my days are easier",
        Chime.EMPOWERMENT,
        ("Keep a sleep diary for two weeks", "Try a wind-down routine"),
    ),
    GoalWording(
        "Cook a proper dinner twice a week",
        Chime.IDENTITY,
        ("Pick two easy recipes", "Shop for them", "Cook them"),
    ),
)

PROGRESS_NOTES_RISING: tuple[str, ...] = (
    "Went twice this week.",
    "Feeling more sure of it.",
    "A small step, but a real one.",
    "Did it without thinking too much about it.",
    "Better than expected.",
)
PROGRESS_NOTES_FLAT: tuple[str, ...] = (
    "Not much change; still want this.",
    "Busy fortnight; will pick it up again.",
    "Steady.",
)
PROGRESS_NOTES_FALLING: tuple[str, ...] = (
    "Harder lately; agreed to slow it down.",
    "A rough couple of weeks; the goal still matters.",
    "Less sure about this one now.",
)

ADVOCACY_REQUESTS: tuple[str, ...] = (
    "Would like the review moved to the afternoon so mornings are not rushed.",
    "Wants to ask about lowering the evening medication.",
    "Would like appointment reminders by text instead of letter.",
    "Wants the team to write to the council about damp in the flat.",
    "Would like to try the recovery college instead of the day centre.",
    "Wants a say in who comes on home visits.",
    "Would like the same doctor at each review.",
    "Wants to see what is written in the care plan.",
    "Would like a family member at the next review.",
    "Wants to ask about help getting back to work.",
)

TEAM_RESPONSES: dict[AdvocacyOutcome, tuple[str, ...]] = {
    AdvocacyOutcome.AGREED: (
        "Agreed at the team meeting; change from next month.",
        "Consultant agreed and will go through it at the next appointment.",
        "Care plan shared and gone through together.",
    ),
    AdvocacyOutcome.PARTLY: (
        "Agreed to try it for three months, then look again.",
        "Part of the request agreed; the rest to be discussed at the review.",
    ),
    AdvocacyOutcome.NOT_AGREED: (
        "Not possible this year; the team explained why and will revisit.",
        "Team felt it was too soon; agreed to talk again at the next review.",
    ),
}

OUTCOME_NOTES: dict[AdvocacyOutcome, tuple[str, ...]] = {
    AdvocacyOutcome.AGREED: ("Pleased it was listened to.", "Happy with the change."),
    AdvocacyOutcome.PARTLY: ("Glad of the start; will keep asking.",),
    AdvocacyOutcome.NOT_AGREED: (
        "Disappointed, but glad it was raised.",
        "Understands the reasons; will bring it up again.",
    ),
    AdvocacyOutcome.WITHDRAWN: ("Sorted it out directly with the doctor.",),
}

PLANNED_ENDING_REASONS: tuple[EndingReason, ...] = (
    EndingReason.GOALS_ACHIEVED,
    EndingReason.PERSON_CHOSE,
    EndingReason.MOVED_ON,
    EndingReason.OTHER,
)
PLANNED_ENDING_WEIGHTS: tuple[int, ...] = (45, 20, 30, 5)
UNPLANNED_ENDING_REASONS: tuple[EndingReason, ...] = (
    EndingReason.LOST_CONTACT,
    EndingReason.MOVED_AWAY,
    EndingReason.PERSON_CHOSE,
    EndingReason.PSW_LEFT,
)
UNPLANNED_ENDING_WEIGHTS: tuple[int, ...] = (50, 25, 15, 10)

NOW_COMMUNITY: tuple[str, ...] = (
    "Walking group on Saturdays",
    "Swims on Tuesdays",
    "Helps at the community garden",
    "Meets friends for coffee on Fridays",
    "Goes to the men's shed",
    "Plays five-a-side most weeks",
    "Sings in a local choir",
)
NOW_WORK: tuple[str, ...] = (
    "volunteers two mornings a week in a charity shop",
    "started part-time work in a café",
    "back at work on reduced hours",
    "volunteers at the food bank",
)
NOW_EDUCATION: tuple[str, ...] = (
    "doing a course at the recovery college",
    "started an evening course",
    "back at college part-time",
)
NOW_OTHER_SUPPORTS: tuple[str, ...] = (
    "goes to a peer support group",
    "sees the GP and the team as needed",
    "linked with a family support service",
)
NOW_QUIET = "Taking things at their own pace at home."

INDEPENDENCE_NOTES: tuple[str, ...] = (
    "Books and goes to appointments alone now.",
    "Knows who to ring and what helps when things get hard.",
    "Uses the bus alone and plans their own week.",
    "Speaks up at reviews without needing support.",
    "Manages money and bills independently.",
    "Has a routine that works and people to lean on.",
)
UNPLANNED_INDEPENDENCE_NOTES: tuple[str, ...] = (
    "Ended without a last meeting; letter sent saying the door is open.",
    "Keeps in touch with the team; can be re-referred any time.",
)


@dataclass(frozen=True)
class GroupWording:
    name: str
    description: str
    setting: ContactSetting
    duration_minutes: int
    activities: tuple[str, ...]
    chime: tuple[Chime, ...]
    topics: tuple[str, ...]


GROUPS: tuple[GroupWording, ...] = (
    GroupWording(
        "Walking group",
        "A gentle walk and a chat. Every pace welcome.",
        ContactSetting.COMMUNITY,
        90,
        ("community-connection", "sharing-lived-experience"),
        (Chime.CONNECTEDNESS,),
        ("River path", "Woodland loop", "Around the lake", "Town park", "Old railway line"),
    ),
    GroupWording(
        "Cinema club",
        "A film at the local cinema, then tea and a chat.",
        ContactSetting.COMMUNITY,
        120,
        ("community-connection",),
        (Chime.CONNECTEDNESS,),
        ("Comedy night", "Members' choice", "Afternoon matinee"),
    ),
    GroupWording(
        "Five-a-side",
        "Friendly football; no experience needed.",
        ContactSetting.COMMUNITY,
        60,
        ("community-connection",),
        (Chime.CONNECTEDNESS, Chime.IDENTITY),
        (),
    ),
    GroupWording(
        "Recovery education course",
        "A weekly course on recovery, run with the recovery college.",
        ContactSetting.RECOVERY_COLLEGE,
        120,
        ("sharing-lived-experience", "rights-information"),
        (Chime.HOPE, Chime.EMPOWERMENT),
        (
            "What recovery means to me",
            "Understanding medication",
            "Wellness planning",
            "Sleep and routine",
            "Rights and having a say",
            "Hope and setbacks",
            "Building a support network",
            "Planning next steps",
        ),
    ),
    GroupWording(
        "Art group",
        "Drawing and painting; materials provided.",
        ContactSetting.MENTAL_HEALTH_SERVICE,
        90,
        ("community-connection", "emotional-support"),
        (Chime.IDENTITY,),
        ("Still life", "Collage", "Watercolours", "Free session"),
    ),
    GroupWording(
        "Coffee morning",
        "Drop in for a coffee and a chat.",
        ContactSetting.COMMUNITY,
        60,
        ("community-connection",),
        (Chime.CONNECTEDNESS,),
        (),
    ),
    GroupWording(
        "Gardening group",
        "Growing vegetables at the community garden.",
        ContactSetting.COMMUNITY,
        90,
        ("community-connection", "work-or-education"),
        (Chime.MEANING,),
        ("Planting", "Weeding and watering", "Harvest"),
    ),
    GroupWording(
        "Cooking on a budget",
        "Cook a simple meal together and eat it.",
        ContactSetting.OTHER,
        120,
        ("practical-support",),
        (Chime.EMPOWERMENT,),
        ("Soups", "One-pot dinners", "Baking"),
    ),
    GroupWording(
        "Peer support group",
        "A space to talk, led by peer workers.",
        ContactSetting.MENTAL_HEALTH_SERVICE,
        90,
        ("sharing-lived-experience", "emotional-support"),
        (Chime.HOPE, Chime.CONNECTEDNESS),
        (),
    ),
    GroupWording(
        "Music group",
        "Play, sing or just listen.",
        ContactSetting.COMMUNITY,
        90,
        ("community-connection",),
        (Chime.IDENTITY,),
        (),
    ),
    GroupWording(
        "Book club",
        "One short book a month, talked about over tea.",
        ContactSetting.COMMUNITY,
        60,
        ("community-connection",),
        (Chime.CONNECTEDNESS, Chime.MEANING),
        (),
    ),
    GroupWording(
        "Wellness planning course",
        "Building a personal wellness plan, a part each week.",
        ContactSetting.RECOVERY_COLLEGE,
        120,
        ("goal-work", "sharing-lived-experience"),
        (Chime.EMPOWERMENT,),
        ("What keeps me well", "Early signs", "Who helps", "My plan"),
    ),
)
