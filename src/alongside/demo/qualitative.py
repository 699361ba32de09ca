"""The demo's qualitative work: a small evaluation study with invented interviews, a focus group
and open answers about peer support, a four-theme codebook, and codings by two evaluators.

Everything here is written for the demo; names in the talk are filled in from the demo
programme (the `psw` persona and their team), so that the quote bank has something to redact.
Deterministic: the same programme gives the same study, texts and codings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from alongside.core.access import RoleCode
from alongside.demo import surveys
from alongside.demo.generator import DEMO_PASSWORD
from alongside.evaluation import actions as evaluation_actions
from alongside.evaluation import pseudonym_key
from alongside.evaluation.models import ConsentPurpose, Participant, Study
from alongside.evaluation.studyfile import parse_study
from alongside.organisation import actions as organisation_actions
from alongside.organisation.models import Membership, Person, Region
from alongside.qualitative import actions
from alongside.qualitative.models import Code, Project, Source

SLUG = "voices-of-peer-support"
SECOND_EVALUATOR = "evaluator2"
CONSENT_DATE = datetime.date(2025, 2, 3)
NO_QUOTE_CONSENT = frozenset({"SU-05", "PR-02"})

# Theme -> (sub-theme or None) -> code key, name and definition. Keys are used below.
CODEBOOK: tuple[
    tuple[str, str, tuple[tuple[str | None, tuple[tuple[str, str, str], ...]], ...]], ...
] = (
    (
        "Proof that recovery happens",
        "What it means to meet someone who has lived through it and is doing well.",
        (
            (
                "Hope from lived experience",
                (
                    (
                        "hope",
                        "Hope from someone who has been there",
                        "Seeing a person who got through it gives hope.",
                    ),
                    (
                        "story",
                        "Sharing their own story",
                        "The worker tells some of their own story, with care.",
                    ),
                ),
            ),
            (
                None,
                (
                    (
                        "rolemodel",
                        "Someone to look up to",
                        "The worker as an example of what is possible.",
                    ),
                ),
            ),
        ),
    ),
    (
        "Building bridges",
        "Links made between the person, the team and the community.",
        (
            (
                None,
                (
                    (
                        "community",
                        "Back into the community",
                        "Clubs, classes, walks, work: places outside services.",
                    ),
                    (
                        "bridge",
                        "Go-between with the team",
                        "Helping the person and the team understand each other.",
                    ),
                ),
            ),
        ),
    ),
    (
        "Alongside, not in charge",
        "Ways of working that put the person first.",
        (
            (
                None,
                (
                    ("listened", "Being listened to", "Feeling heard, without judgement or hurry."),
                    (
                        "pace",
                        "At the person's own pace",
                        "No pressure; things move when the person is ready.",
                    ),
                    ("goals", "Goals the person chooses", "Aims the person set for themselves."),
                ),
            ),
        ),
    ),
    (
        "What helped and what got in the way",
        "Conditions around the role: teams, supervision, hours, clarity.",
        (
            (
                "What helped",
                (
                    (
                        "understood",
                        "Team understood the role",
                        "Colleagues knew what peer support is for.",
                    ),
                    ("supervision", "Good supervision", "Regular, useful supervision and support."),
                ),
            ),
            (
                "What got in the way",
                (
                    (
                        "unclear",
                        "Role not clear",
                        "Confusion about what the worker does or does not do.",
                    ),
                    ("hours", "Too few hours", "Not enough time for the people who want support."),
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str
    first: tuple[str, ...] = ()  # codes the demo evaluator applied
    second: tuple[str, ...] = ()  # codes the second evaluator applied
    quote: bool = False


INTERVIEW_ONE = (
    Turn("Interviewer", "Can you tell me how you first met your peer support worker?"),
    Turn(
        "SU-01",
        "My nurse mentioned it and I said yes just to be polite. Then {psw} rang me and we met "
        "for a coffee. I was nervous but she told me she had been in hospital herself, years ago.",
        ("story",),
        ("story", "hope"),
        True,
    ),
    Turn("Interviewer", "What was that like, hearing that?"),
    Turn(
        "SU-01",
        "Honestly it changed things. Here was someone who had been where I was, and now she has "
        "a job and a life. I thought, maybe that could be me as well.",
        ("hope", "rolemodel"),
        ("hope",),
        True,
    ),
    Turn(
        "SU-01",
        "She never rushed me. Some weeks I just wanted to talk and that was fine. Other weeks we "
        "went for a walk by the river.",
        ("pace",),
        ("pace", "listened"),
    ),
    Turn("Interviewer", "Did anything change in your day-to-day life?"),
    Turn(
        "SU-01",
        "I joined the men's shed in town. I would never have walked in there on my own. She came "
        "with me the first two times and then I was grand.",
        ("community",),
        ("community",),
        True,
    ),
    Turn(
        "SU-01",
        "The goal was mine, not the team's. I wanted to get out of the house on a Tuesday. That "
        "was it. Nobody laughed at that.",
        ("goals",),
        ("goals", "pace"),
    ),
    Turn("Interviewer", "Is there anything that could have been better?"),
    Turn(
        "SU-01",
        "Only that she is part-time. When she was off I missed the chats. They should give her "
        "more hours.",
        ("hours",),
        ("hours",),
    ),
)

INTERVIEW_TWO = (
    Turn("Interviewer", "How has having a peer support worker on {team} worked for the team?"),
    Turn(
        "PR-01",
        "At the start some of us were not sure what the role was. Was she a care assistant, a "
        "counsellor? We had a few awkward meetings about that.",
        ("unclear",),
        ("unclear",),
        True,
    ),
    Turn(
        "PR-01",
        "Now she brings things to the team meeting that people would never tell us. She will say, "
        "he is worried about his medication but does not want to seem ungrateful.",
        ("bridge",),
        ("bridge", "listened"),
        True,
    ),
    Turn("Interviewer", "What made it work?"),
    Turn(
        "PR-01",
        "Our team lead made time to explain the role to everyone, and {psw} has supervision every "
        "month with someone who understands peer work. That matters.",
        ("understood", "supervision"),
        ("supervision",),
        True,
    ),
    Turn(
        "PR-01",
        "Service users talk to her differently. They are more open. I think because she is not "
        "writing notes about them the whole time.",
        ("listened",),
        ("listened",),
    ),
)

FOCUS_GROUP = (
    Turn("Facilitator", "Thanks for coming. What does a good week in the job look like?"),
    Turn(
        "PW-01",
        "A good week is when someone tells me they went to the class on their own. That is the "
        "whole point, that they do not need me after a while.",
        ("community",),
        ("community", "goals"),
        True,
    ),
    Turn(
        "PW-02",
        "For me it is when I get to use my own story at the right moment. Not every time, only "
        "when it helps the other person.",
        ("story",),
        ("story",),
    ),
    Turn(
        "PW-03",
        "And a bad week is when the team asks me to chase people for appointments. That is not "
        "what I am there for.",
        ("unclear",),
        ("unclear", "bridge"),
    ),
    Turn("Facilitator", "How do you handle that?"),
    Turn(
        "PW-01",
        "Supervision. I bring it to supervision and we work out how to say it to the team.",
        ("supervision",),
        ("supervision",),
    ),
    Turn(
        "PW-02",
        "Some teams really get it. Mine asked me to do a short talk at the team day so everyone "
        "knew what peer support is.",
        ("understood",),
        ("understood",),
    ),
    Turn(
        "PW-03",
        "People tell me I give them hope. I find that hard to hear some days, but I know what "
        "they mean. I was them once.",
        ("hope", "rolemodel"),
        ("rolemodel",),
        True,
    ),
    Turn(
        "PW-01",
        "The hours are the problem. Twenty hours a week and a waiting list of eleven people.",
        ("hours",),
        ("hours",),
    ),
)

# Open answers: (participant, question, answer, first coder's codes, second coder's codes).
OPEN_QUESTIONS = ("What helped you most?", "What would you change about peer support?")
OPEN_ANSWERS: tuple[tuple[str, int, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "SU-02",
        0,
        "Having someone who understood without me having to explain.",
        ("listened",),
        ("listened", "hope"),
    ),
    ("SU-03", 0, "She helped me sign up for a cookery course.", ("community",), ("community",)),
    ("SU-04", 0, "Knowing she had been through it too. It gave me hope.", ("hope",), ("hope",)),
    ("SU-05", 0, "Going at my own speed.", ("pace",), ("pace",)),
    ("SU-06", 0, "We made a plan together and it was my plan.", ("goals",), ()),
    ("SU-02", 1, "More peer workers so the waiting is shorter.", ("hours",), ("hours",)),
    ("SU-03", 1, "Nothing, it was great.", (), ()),
    ("SU-04", 1, "Tell people about it sooner. I only heard about it by chance.", (), ("unclear",)),
    ("SU-06", 1, "Evening meetings for people who work.", (), ()),
)

PARTICIPANTS = (
    ("SU-01", "service-users", 0, "interview"),
    ("SU-02", "service-users", 0, "online-survey"),
    ("SU-03", "service-users", 1, "online-survey"),
    ("SU-04", "service-users", 1, "online-survey"),
    ("SU-05", "service-users", 0, "online-survey"),
    ("SU-06", "service-users", 1, "online-survey"),
    ("PR-01", "providers", 0, "interview"),
    ("PR-02", "providers", 1, "interview"),
    ("PW-01", "psws", 0, "focus-group"),
    ("PW-02", "psws", 1, "focus-group"),
    ("PW-03", "psws", 0, "focus-group"),
)


def _second_evaluator() -> AbstractBaseUser:
    person = organisation_actions.create_person(
        by=None, given_name="Second", family_name="Coder", email="evaluator2@example.org"
    )
    organisation_actions.add_membership(
        by=None,
        person=person,
        team=None,
        role=RoleCode.EVALUATOR,
        start=datetime.date(2024, 9, 2),
    )
    user = organisation_actions.create_login(by=None, person=person, username=SECOND_EVALUATOR)
    organisation_actions.set_password(by=None, user=user, password=DEMO_PASSWORD)
    return user


def _study(sites: list[Region]) -> Study:
    cohorts = [
        ("service-users", "Service users"),
        ("providers", "Service providers"),
        ("psws", "Peer support workers"),
    ]
    document = {
        "slug": SLUG,
        "title": "Voices of peer support",
        "period": {"start": "2025-01-06", "end": "2025-06-27"},
        "methods": ["online-survey", "interview", "focus-group"],
        "sites": [{"code": r.code, "name": r.name} for r in sites],
        "cohorts": [{"code": code, "name": name} for code, name in cohorts],
        "approvals": [
            {"site": r.code, "cohort": code, "status": "approved"}
            for r in sites
            for code, _ in cohorts
        ],
        "instruments": surveys.COHORT_INSTRUMENTS,
    }
    text = yaml.safe_dump(document, sort_keys=False)
    definition = parse_study(
        document, source="demo", text=text, available=surveys.loaded_instruments()
    )
    study, _ = evaluation_actions.load_study(by=None, definition=definition)
    rows = ["participant,cohort,site,method,team_type"] + [
        f"{code},{cohort},{sites[site].code},{method},"
        for code, cohort, site, method in PARTICIPANTS
    ]
    evaluation_actions.import_participants(
        by=None, study=study, data="\n".join(rows).encode(), filename="demo-participants.csv"
    )
    # Codes are stored only as digests: the ones that declined are found by theirs.
    declined = {pseudonym_key.digest(code) for code in NO_QUOTE_CONSENT}
    for participant in Participant.objects.filter(study=study).order_by("pk"):
        evaluation_actions.record_consent(
            by=None,
            participant=participant,
            purpose=ConsentPurpose.QUOTE_ANONYMOUSLY,
            given=participant.code_digest not in declined,
            information_sheet_version="2",
            date=CONSENT_DATE,
        )
    surveys.import_survey_answers(study=study, site_codes=[r.code for r in sites])
    return study


def _codebook(project: Project) -> dict[str, Code]:
    codes: dict[str, Code] = {}
    for theme_name, theme_definition, groups in CODEBOOK:
        theme = actions.create_code(
            by=None,
            project=project,
            name=theme_name,
            definition=theme_definition,
            is_codable=False,
        )
        for sub_name, entries in groups:
            parent = theme
            if sub_name is not None:
                parent = actions.create_code(
                    by=None, project=project, name=sub_name, parent=theme, is_codable=False
                )
            for key, name, definition in entries:
                codes[key] = actions.create_code(
                    by=None, project=project, name=name, parent=parent, definition=definition
                )
    return codes


def _transcript(
    project: Project, name: str, method: str, turns: tuple[Turn, ...], words: dict[str, str]
) -> Source:
    text = "\n".join(f"{t.speaker}: {t.text.format(**words)}" for t in turns) + "\n"
    return actions.add_transcript(
        by=None, project=project, data=text.encode(), filename=f"{name}.txt", method=method
    )


def _code(
    source: Source,
    plan: list[tuple[tuple[str, ...], tuple[str, ...], bool]],
    codes: dict[str, Code],
    coders: tuple[AbstractBaseUser, AbstractBaseUser],
) -> int:
    made = 0
    segments = list(source.segments.order_by("order"))
    for segment, (first, second, quote) in zip(segments, plan, strict=True):
        for coder, keys in zip(coders, (first, second), strict=True):
            if keys:
                codings = actions.code_segment(
                    by=coder, segment=segment, codes=[codes[k] for k in keys]
                )
                made += len(codings)
                if quote and coder is coders[0]:
                    actions.mark_quote(by=coder, coding=codings[0])
    return made


def load_qualitative_demo() -> dict[str, int]:
    """Add the demo study and its coded qualitative project; returns counts for the summary."""
    evaluator = get_user_model()._default_manager.get(username="evaluator")
    second = _second_evaluator()
    sites = list(Region.objects.order_by("code")[:2])
    study = _study(sites)
    for user in (evaluator, second):
        evaluation_actions.add_study_member(by=None, study=study, user=user)
    project = actions.start_project(by=None, study=study)
    codes = _codebook(project)
    psw = Person.objects.filter(user__username="psw").first()
    team = (
        Membership.objects.filter(person=psw, team__isnull=False).select_related("team").first()
        if psw is not None
        else None
    )
    words = {
        "psw": psw.given_name if psw is not None else "Orla",
        "team": team.team.name if team is not None and team.team is not None else "the team",
    }
    coders = (evaluator, second)
    made = 0
    for name, method, turns in (
        ("Interview, service user 1", "interview", INTERVIEW_ONE),
        ("Interview, nurse", "interview", INTERVIEW_TWO),
        ("Focus group, peer support workers", "focus-group", FOCUS_GROUP),
    ):
        source = _transcript(project, name, method, turns, words)
        made += _code(source, [(t.first, t.second, t.quote) for t in turns], codes, coders)
    source = Source.objects.get(project=project, name="Interview, nurse")
    nurse = source.speakers.get(label="PR-01")
    actions.update_speaker(
        by=None,
        speaker=nurse,
        role_label="Nurse",
        participant=nurse.participant,
        cohort=nurse.cohort,
        site=nurse.site,
        is_interviewer=False,
    )
    answers = "participant,question,answer\n" + "".join(
        f'{who},"{OPEN_QUESTIONS[q]}","{answer}"\n' for who, q, answer, _, _ in OPEN_ANSWERS
    )
    for source in actions.import_open_answers(
        by=None, project=project, data=answers.encode(), filename="demo-open-answers.csv"
    ):
        index = OPEN_QUESTIONS.index(source.name)
        plan = [(a, b, False) for _, q, _, a, b in OPEN_ANSWERS if q == index]
        made += _code(source, plan, codes, coders)
    actions.set_phase(by=None, project=project, phase="3-searching")
    return {"qualitative_sources": project.sources.count(), "qualitative_codings": made}
