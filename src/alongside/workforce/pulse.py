"""The role-understanding pulse, on the measures engine: its definition and its scoring.

The questions are an instrument definition in the measures format (instruments/role-pulse-1.0.yaml
beside this file), checked by the measures validator and scored by the measures scoring
functions. Only the storage differs: pulse answers are staff's, not a service user's.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alongside.measures.definitions import Instrument, load_definition_file
from alongside.measures.scoring import ScoreSheet, score_answers

PULSE_DIR = Path(__file__).resolve().parent / "instruments"
PULSE_CODE = "role-pulse"
PULSE_VERSION = "1.0"
SCORE = "understanding"
# The answer values of the yes/somewhat/no scale.
YES, SOMEWHAT, NO = 4, 2, 0


@cache
def pulse_instrument(version: str = PULSE_VERSION) -> Instrument:
    return load_definition_file(PULSE_DIR / f"{PULSE_CODE}-{version}.yaml")


def score_pulse(answers: dict[str, int | None], version: str = PULSE_VERSION) -> ScoreSheet:
    """Score one person's answers; raises measures.scoring.AnswerError if they do not fit."""
    return score_answers(pulse_instrument(version), answers)
