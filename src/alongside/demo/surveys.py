"""The demo study's survey answers: invented, plausible, and the same on every load.

At each of the study's sites, service users answer the shipped experience survey
(`su-experience`), staff on the teams answer `provider-survey` and peer support workers answer
`psw-survey`. The answers go in as one file per cohort through evaluation's import action, the
way an online survey's export would, which also registers each respondent as a participant.

How the invented answers lean, so that the report has something to say:

* Service users mostly value peer support: each person has an overall feeling (from "a little"
  to "very much"), and their answers sit around it. Finding a way around services and being
  heard by the team lean a little lower than hope and being understood.
* Staff see the difference for service users more readily than they say the role is
  understood or that their team was prepared for it; some do not know whether it was, or
  what it did for the service.
* Peer support workers are mostly satisfied with supervision and meet each other, but all
  have met barriers at least somewhat, and equipment and CPD are patchy.

A few answers are left blank (people skip questions). Codes are invented and cannot collide
with the interview and focus-group participants (SU-01, PR-01, PW-01 ...): site one's service
users are SU-101, SU-102 ..., site two's SU-201 ...
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Mapping, Sequence

from alongside.demo.outcomes import shipped_instrument
from alongside.evaluation import actions as evaluation_actions
from alongside.evaluation.models import Study
from alongside.measures.definitions import ItemKind, version_key
from alongside.measures.models import InstrumentVersion

SEED = 2025
METHOD = "online-survey"
SKIP_SHARE = 0.03
"""How often a respondent leaves a question blank."""

# Cohort -> (code prefix, respondents per site (fewest, most), instrument code, version).
COHORTS: tuple[tuple[str, str, tuple[int, int], str, str], ...] = (
    ("service-users", "SU", (24, 36), "su-experience", "1.0"),
    ("providers", "PR", (11, 15), "provider-survey", "1.0"),
    ("psws", "PW", (10, 12), "psw-survey", "1.0"),
)
COHORT_INSTRUMENTS: dict[str, list[dict[str, str]]] = {
    cohort: [{"code": code, "version": version}] for cohort, _, _, code, version in COHORTS
}
"""The study document's `instruments`: which survey each cohort answers."""

# Service users: how a person feels overall (0-4 on the survey's scale), and each item's lean
# (the share of answers moved one step up, or down when negative).
OVERALL_WEIGHTS: tuple[tuple[int, int], ...] = ((1, 3), (2, 27), (3, 42), (4, 28))
EXPERIENCE_LEAN: dict[str, float] = {
    "valued": 0.4,
    "services": -0.1,
    "recovery": 0.0,
    "lead_recovery": -0.2,
    "control": -0.3,
    "hope": 0.3,
    "understood": 0.5,
    "community": -0.2,
    "find_way": -0.5,
    "heard": -0.6,
}

# Staff and peer support workers: weights of Yes (2), Somewhat (1), No (0), Don't know (9).
# An answer few would give has no weight rather than a small one: in cohorts of about twenty,
# a small weight makes a count of 1 to 4, which the report must hide with its whole row.
PROVIDER_WEIGHTS: dict[str, tuple[int, int, int, int]] = {
    "role_understood": (40, 40, 20, 0),
    "su_experience": (62, 38, 0, 0),
    "su_difference": (70, 30, 0, 0),
    "service_effect": (55, 30, 0, 15),
    "colleague_effect": (40, 36, 24, 0),
    "recovery_knowledge": (30, 40, 30, 0),
    "prepared": (25, 25, 30, 20),
    "referral_clear": (50, 30, 20, 0),
}
DISCIPLINE_WEIGHTS: tuple[tuple[int, int], ...] = (
    (1, 38),  # nurse
    (2, 14),  # social worker
    (3, 14),  # occupational therapist
    (4, 8),  # psychologist
    (5, 10),  # psychiatrist or other doctor
    (6, 8),  # manager
    (7, 8),  # other
)
PSW_WEIGHTS: dict[str, tuple[int, int, int, int]] = {
    "role_understood": (40, 40, 20, 0),
    "included": (50, 28, 22, 0),
    "supports": (45, 35, 20, 0),
    "barriers_met": (62, 38, 0, 0),
    "supervision": (70, 30, 0, 0),
    "peer_contact": (60, 40, 0, 0),
    "training_ready": (35, 40, 25, 0),
    "cpd_access": (30, 40, 30, 0),
    "equipment": (40, 25, 35, 0),
}
YES_SOMEWHAT_NO = (2, 1, 0, 9)


def loaded_instruments() -> dict[str, list[str]]:
    """The loaded versions of the surveys the study uses, oldest first (for `parse_study`)."""
    codes = [code for _, _, _, code, _ in COHORTS]
    available: dict[str, list[str]] = {}
    for code, version in InstrumentVersion.objects.filter(code__in=codes).values_list(
        "code", "version"
    ):
        available.setdefault(code, []).append(version)
    for versions in available.values():
        versions.sort(key=version_key)
    return available


def _weighted(rng: random.Random, choices: Sequence[tuple[int, int]]) -> int:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _experience_answer(rng: random.Random, overall: int, lean: float) -> int:
    """Around the person's overall feeling; a lean of 0.4 moves 40% of answers one step up."""
    value = overall + rng.choice((-1, 0, 0, 0, 1))
    if rng.random() < abs(lean):
        value += 1 if lean > 0 else -1
    return max(0, min(4, value))


def _answer(rng: random.Random, item: str, cohort: str, overall: int) -> int:
    if cohort == "service-users":
        return _experience_answer(rng, overall, EXPERIENCE_LEAN[item])
    if cohort == "providers" and item == "discipline":
        return _weighted(rng, DISCIPLINE_WEIGHTS)
    weights = (PROVIDER_WEIGHTS if cohort == "providers" else PSW_WEIGHTS)[item]
    return _weighted(rng, tuple(zip(YES_SOMEWHAT_NO, weights, strict=True)))


def choice_items(code: str, version: str) -> list[str]:
    """The codes of a shipped survey's multiple-choice items, in order."""
    return [
        item.code
        for item in shipped_instrument(code, version).items
        if item.kind is ItemKind.CHOICE
    ]


def respondent_answers(rng: random.Random, cohort: str, items: Sequence[str]) -> list[str]:
    """One made-up respondent's answers to `items`, as import file cells ("" when skipped)."""
    overall = _weighted(rng, OVERALL_WEIGHTS)
    return [
        "" if rng.random() < SKIP_SHARE else str(_answer(rng, item, cohort, overall))
        for item in items
    ]


def survey_files(site_codes: Sequence[str], *, seed: int = SEED) -> dict[str, bytes]:
    """Each cohort's response file (CSV, as evaluation imports it); pure and deterministic."""
    rng = random.Random(seed)
    files: dict[str, bytes] = {}
    for cohort, prefix, (fewest, most), code, version in COHORTS:
        items = choice_items(code, version)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["participant", "site", "method", *items])
        for number, site in enumerate(site_codes, start=1):
            for person in range(1, rng.randint(fewest, most) + 1):
                answers = respondent_answers(rng, cohort, items)
                writer.writerow([f"{prefix}-{number}{person:02d}", site, METHOD, *answers])
        files[cohort] = out.getvalue().encode()
    return files


def import_survey_answers(*, study: Study, site_codes: Sequence[str]) -> Mapping[str, int]:
    """Import every cohort's answers into the study; returns responses made per cohort."""
    made: dict[str, int] = {}
    files = survey_files(site_codes)
    for cohort, _, _, code, _ in COHORTS:
        result = evaluation_actions.import_responses(
            by=None,
            study=study,
            cohort_code=cohort,
            instrument_code=code,
            data=files[cohort],
            filename=f"demo-{cohort}-survey.csv",
        )
        made[cohort] = result.responses_created
    return made
