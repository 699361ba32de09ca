"""Evaluation studies: evaluators, programme leads and administrators see studies and counts
(leads and administrators with small counts hidden); only evaluators import or download data.
Participant codes appear on no page."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from alongside.evaluation.actions import add_study_member
from alongside.evaluation.models import Study
from tests.integration.url_rules import Rule, roles

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "psw-impact"
IMPORTS = [
    ("service-users", "su-experience", "service-users.csv"),
    ("providers", "provider-survey", "providers.csv"),
    ("psws", "psw-survey", "psws.csv"),
]
SLUG = "psw-impact"
STUDY_VIEWERS = roles("lead", "evaluator", "admin")


def load_example(personas=None) -> Study:
    """The example study with its participants and responses, loaded as the command does.

    With personas, the evaluator persona is a member of it (study data is for members only).
    """
    study = _load_example()
    if personas is not None:
        add_study_member(by=None, study=study, user=personas.user("evaluator"))
    return study


def _load_example() -> Study:
    existing = Study.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing

    def run(*args):
        call_command(*args, stdout=StringIO(), stderr=StringIO())

    run("study", "load", str(EXAMPLE / "study.yaml"))
    run("study", "participants", SLUG, str(EXAMPLE / "participants.csv"))
    for cohort, instrument, name in IMPORTS:
        run(
            "study",
            "import",
            SLUG,
            str(EXAMPLE / name),
            "--cohort",
            cohort,
            "--instrument",
            instrument,
        )
    return Study.objects.get(slug=SLUG)


def _study(p):
    return {"slug": load_example(p).slug}


def _a_participant_code(p):
    load_example(p)
    return "SU-001"


RULES: dict[str, Rule] = {
    "evaluation:studies": Rule(allowed=STUDY_VIEWERS),
    "evaluation:study": Rule(
        allowed=STUDY_VIEWERS,
        kwargs=_study,
        secret=_a_participant_code,
        sees_secret=frozenset(),
    ),
    "evaluation:items": Rule(
        allowed=STUDY_VIEWERS, kwargs=_study, secret=_a_participant_code, sees_secret=frozenset()
    ),
    "evaluation:import": Rule(allowed=roles("evaluator"), kwargs=_study),
    "evaluation:export": Rule(
        allowed=roles("evaluator"),
        kwargs=lambda p: {"slug": load_example(p).slug, "format": "wide-csv"},
        secret=_a_participant_code,
        sees_secret=frozenset(),
    ),
    "evaluation:report-json": Rule(allowed=STUDY_VIEWERS, kwargs=_study),
}
