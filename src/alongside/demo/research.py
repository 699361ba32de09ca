"""The national demo's programme-wide evaluation: a survey study with hundreds of thousands of
responses, and a qualitative project with hundreds of interviews.

Only at the scales that ask for it (`Scale.survey_responses`, `Scale.transcript_segments`). It
goes in through the apps' own actions, the way an evaluator's files would: the study file
(`load_study`), the interviewees (`import_participants`), one transcript per interview
(`add_transcript`), then each cohort's survey export (`import_responses`), which registers each
respondent as a participant. The transcripts come before the survey so that matching speakers to
participants looks through a few hundred interviewees, not the whole survey.

The files are the same for the same seed; survey answers lean as the demo study's do
(`demo/surveys.py`). Participants' pseudonyms are drawn by the import itself, at random, so they
differ from one load to the next. Everything here is invented.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Sequence

import yaml
from django.contrib.auth import get_user_model

from alongside.demo import surveys
from alongside.demo.progress import Stages
from alongside.demo.scales import Scale
from alongside.evaluation import actions as evaluation_actions
from alongside.evaluation.models import Study
from alongside.evaluation.studyfile import parse_study
from alongside.organisation.models import Region
from alongside.qualitative import actions as qualitative_actions

SLUG = "programme-wide-survey"
TITLE = "Peer support across the programme"
TURNS_PER_INTERVIEW = 50
INTERVIEWER = "Interviewer"
COHORTS: tuple[tuple[str, str], ...] = (
    ("service-users", "Service users"),
    ("providers", "Service providers"),
    ("psws", "Peer support workers"),
)
SURVEY_SHARES: dict[str, float] = {"service-users": 0.9, "providers": 0.08, "psws": 0.02}
"""Share of the survey's responses from each cohort; service users take what is left."""
INTERVIEW_COHORTS = ("service-users", "service-users", "psws", "providers")

QUESTIONS: tuple[str, ...] = (
    "How did peer support first come up for you?",
    "What was it like at the start?",
    "What did a usual week look like?",
    "Was there a point when things began to shift?",
    "How did the rest of the team take to the role?",
    "What got in the way?",
    "What helped most, looking back?",
    "Can you say a bit more about that?",
    "What would you say to someone who has just been offered it?",
    "Where are things now?",
)
ANSWERS: dict[str, tuple[str, ...]] = {
    "service-users": (
        "My key worker mentioned it and I agreed to one meeting. I nearly did not go.",
        "We met in a cafe the first time. It felt less like an appointment.",
        "She told me a little about her own time in hospital and I stopped feeling like the odd "
        "one out.",
        "Mostly we walked and talked. Some weeks we went to the library or looked at courses.",
        "My goal was getting the bus on my own again, and we broke it into small steps.",
        "Some weeks I cancelled, and he never once made me feel bad about it.",
        "When I could not say things at the team meeting, she said them for me, the way I wanted.",
        "It was harder when her hours were cut; I saw her every other week after that.",
        "I joined the Tuesday group, and now I help set up the room.",
        "I am doing a course now. A year ago I would not have left the house.",
        "We planned the last few meetings together, so the ending did not come as a shock.",
        "The forms at the start put me off a bit, to be honest.",
        "Being believed. That is the main thing.",
        "Give it three meetings before you decide.",
    ),
    "psws": (
        "For the first months I was not sure the team knew what I was there for.",
        "Supervision from someone who understands peer work made a real difference.",
        "Part-time hours mean I am always choosing who I cannot see this week.",
        "My story is a tool; I think about when sharing it helps and when it does not.",
        "Some referrals were really for a befriender or a lift, and I had to say so.",
        "The peer group on a Thursday is where I get my energy back.",
        "I would like the same access to training as the rest of the team.",
        "When someone I work with starts a job, that is the best day of the month.",
        "Most days I have no desk, so my notes get written in the car.",
        "I came to this work because someone did it for me.",
    ),
    "providers": (
        "At first I was not sure what a peer worker would add to the team.",
        "People tell him things they would never tell us.",
        "It has changed how we talk about people at the team meeting.",
        "Nobody explained the role to us before she started, and it showed.",
        "I refer people who are stuck, or who have stopped coming to appointments.",
        "The line between peer support and befriending is not always clear to us.",
        "It has made me think about the words I use in my notes.",
        "Our referrals got better once we sat down together about who it is for.",
        "I would want more peer workers, and on full-time contracts.",
        "Some colleagues still see it as an extra rather than part of care.",
    ),
}


def _study(sites: Sequence[tuple[str, str]]) -> Study:
    document = {
        "slug": SLUG,
        "title": TITLE,
        "period": {"start": "2025-09-01", "end": "2026-08-28"},
        "methods": [surveys.METHOD, "interview"],
        "sites": [{"code": code, "name": name} for code, name in sites],
        "cohorts": [{"code": code, "name": name} for code, name in COHORTS],
        "approvals": [
            {"site": code, "cohort": cohort, "status": "approved"}
            for code, _ in sites
            for cohort, _ in COHORTS
        ],
        "instruments": surveys.COHORT_INSTRUMENTS,
    }
    text = yaml.safe_dump(document, sort_keys=False)
    definition = parse_study(
        document, source="demo", text=text, available=surveys.loaded_instruments()
    )
    study, _ = evaluation_actions.load_study(by=None, definition=definition)
    return study


def interview_lengths(segments: int) -> list[int]:
    """Turns per interview: as many interviews of about 50 turns as make `segments` exactly."""
    if segments <= 0:
        return []
    interviews = math.ceil(segments / TURNS_PER_INTERVIEW)
    base, extra = divmod(segments, interviews)
    return [base + (number < extra) for number in range(interviews)]


def interview_text(rng: random.Random, label: str, cohort: str, turns: int) -> str:
    """An interview transcript, one turn a line, the interviewer first."""
    lines = []
    for turn in range(turns):
        if turn % 2 == 0:
            question = QUESTIONS[0] if turn == 0 else rng.choice(QUESTIONS[1:])
            lines.append(f"{INTERVIEWER}: {question}")
        else:
            lines.append(f"{label}: {rng.choice(ANSWERS[cohort])}")
    return "\n".join(lines) + "\n"


def survey_counts(responses: int) -> dict[str, int]:
    """Responses per cohort, adding up to `responses`."""
    counts = {
        cohort: round(responses * share)
        for cohort, share in SURVEY_SHARES.items()
        if cohort != "service-users"
    }
    return {"service-users": responses - sum(counts.values()), **counts}


def survey_file(
    rng: random.Random, cohort: str, responses: int, site_codes: Sequence[str]
) -> bytes:
    """One cohort's responses, as evaluation imports them: one row a respondent."""
    code, version = next((c, v) for name, _, _, c, v in surveys.COHORTS if name == cohort)
    items = surveys.choice_items(code, version)
    prefix = {"service-users": "NSU", "providers": "NPR", "psws": "NPW"}[cohort]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["participant", "site", "method", *items])
    for number in range(1, responses + 1):
        answers = surveys.respondent_answers(rng, cohort, items)
        writer.writerow(
            [f"{prefix}-{number:06d}", rng.choice(site_codes), surveys.METHOD, *answers]
        )
    return out.getvalue().encode()


def load_research(*, scale: Scale, seed: int, stages: Stages) -> dict[str, int]:
    """Add the programme-wide study, its interviews and its survey; returns counts."""
    rng = random.Random(f"alongside-demo-research-{seed}")
    sites = list(Region.objects.order_by("pk").values_list("code", "name"))
    site_codes = [code for code, _ in sites]
    counts: dict[str, int] = {}
    with stages.stage("research study"):
        study = _study(sites)
        evaluator = get_user_model()._default_manager.get(username="evaluator")
        evaluation_actions.add_study_member(by=None, study=study, user=evaluator)

    lengths = interview_lengths(scale.transcript_segments)
    with stages.stage("interview transcripts") as stage:
        interviewees = [
            (f"INT-{number:04d}", INTERVIEW_COHORTS[number % len(INTERVIEW_COHORTS)])
            for number in range(1, len(lengths) + 1)
        ]
        rows = ["participant,cohort,site,method,team_type"] + [
            f"{label},{cohort},{rng.choice(site_codes)},interview,"
            for label, cohort in interviewees
        ]
        if interviewees:
            evaluation_actions.import_participants(
                by=None,
                study=study,
                data="\n".join(rows).encode(),
                filename="programme-interviewees.csv",
            )
        project = qualitative_actions.start_project(by=None, study=study)
        segments = 0
        for done, ((label, cohort), turns) in enumerate(
            zip(interviewees, lengths, strict=True), start=1
        ):
            source = qualitative_actions.add_transcript(
                by=None,
                project=project,
                data=interview_text(rng, label, cohort, turns).encode(),
                filename=f"Interview {label}.txt",
                method="interview",
            )
            made = source.segments.count()
            segments += made
            stage.count(made)
            stage.progress(done, len(lengths), "interviews")
        counts["research_interviews"] = len(lengths)
        counts["research_transcript_segments"] = segments

    with stages.stage("survey responses") as stage:
        responses = participants = 0
        for cohort, number in survey_counts(scale.survey_responses).items():
            if not number:
                continue
            code = next(c for name, _, _, c, _ in surveys.COHORTS if name == cohort)
            result = evaluation_actions.import_responses(
                by=None,
                study=study,
                cohort_code=cohort,
                instrument_code=code,
                data=survey_file(rng, cohort, number, site_codes),
                filename=f"programme-{cohort}-survey.csv",
            )
            responses += result.responses_created
            participants += result.participants_created
            stage.count(result.responses_created)
        counts["research_survey_responses"] = responses
        counts["research_survey_participants"] = participants
    return counts
