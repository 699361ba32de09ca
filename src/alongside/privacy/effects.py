"""What erasing or anonymising does to reports, in plain words, from the counts of records."""

from __future__ import annotations

from collections.abc import Mapping


def _n(counts: Mapping[str, int], label: str) -> int:
    return counts.get(label, 0)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def anonymise_effects(counts: Mapping[str, int]) -> list[str]:
    contacts = _n(counts, "practice.contact")
    episodes = _n(counts, "practice.caseloadentry")
    referrals = _n(counts, "practice.referral")
    goals = _n(counts, "practice.goal")
    measures = _n(counts, "measures.administration")
    advocacy = _n(counts, "practice.advocacyitem")
    return [
        f"{_plural(contacts, 'contact stays', 'contacts stay')} counted in programme figures "
        "(numbers, time spent, activities, CHIME), under the month it happened; the notes are "
        "removed.",
        f"{_plural(referrals, 'referral', 'referrals')} and "
        f"{_plural(episodes, 'episode', 'episodes')} stay counted, with their outcomes and "
        "endings; reasons, hopes and what the person is doing now are removed.",
        f"{_plural(goals, 'goal stays', 'goals stay')} counted by CHIME process and status; "
        "the goal's words, its steps and progress notes are removed.",
        f"{_plural(advocacy, 'advocacy request stays', 'advocacy requests stay')} counted by "
        "outcome; what was asked and the team's answer are removed.",
        f"{_plural(measures, 'questionnaire', 'questionnaires')}: the answers and scores are "
        "removed, so they no longer count in outcome figures.",
        'The name becomes "Erased", the reference is replaced, and their own login, if they '
        "have one, is closed.",
        "The audit trail keeps what was done, with record numbers and counts only.",
    ]


def erase_effects(counts: Mapping[str, int]) -> list[str]:
    total = sum(counts.values())
    contacts = _n(counts, "practice.contact")
    measures = _n(counts, "measures.administration")
    return [
        f"All {_plural(total, 'record', 'records')} listed are deleted, for good. This cannot "
        "be undone.",
        f"Programme figures count {_plural(contacts, 'contact', 'contacts')} fewer, and the "
        "person no longer appears in referral, caseload, goal or advocacy figures; group "
        "sessions they attended count one attendee fewer.",
        f"Outcome figures lose {_plural(measures, 'questionnaire', 'questionnaires')}.",
        "Their own login, if they have one, is deleted.",
        "The audit trail keeps what was done, with record numbers and counts only.",
    ]


def participant_effects(counts: Mapping[str, int]) -> list[str]:
    responses = _n(counts, "evaluation.response")
    segments = _n(counts, "qualitative.segment")
    return [
        f"{_plural(responses, 'questionnaire response is', 'questionnaire responses are')} "
        "deleted, with their consent answers, personal survey links and paper forms: study "
        "results and response rates no longer include them.",
        f"What they said in {_plural(segments, 'passage', 'passages')} of transcripts is "
        'replaced with "[erased]", of the same length, so everyone else\'s words, codings '
        "and quotes stay exactly where they were; codings and quotes of their words are "
        "removed.",
        "They stay in the study as withdrawn, under their pseudonym only (the code that "
        "linked them to the study's files is removed), so the count of withdrawals stays true.",
        "Withdrawing instead leaves them out of every analysis from now on, with or without "
        "the answers already given.",
    ]
