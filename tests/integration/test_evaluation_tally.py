"""Participants and answers counted in the database give the same tables and report as the
same data read row by row (on SQLite and PostgreSQL alike: CI runs this file on both); the CSV
exports streamed a batch of participants at a time are the files built whole."""

from collections import Counter

import pytest
from django.utils import timezone

from alongside.evaluation import queries, summaries
from alongside.evaluation.downloads import EXPORT_FORMATS
from alongside.evaluation.models import Method, Participant, Response, ResponseSource
from alongside.evaluation.study_data import report_for, study_data
from tests.integration.url_rules.evaluation import load_example


@pytest.fixture
def example(db):
    study = load_example()
    # Variety the example lacks: someone who withdrew and someone on no team.
    answered = Participant.objects.filter(study=study, responses__isnull=False).order_by("pk")
    withdrawn, teamless = answered.distinct()[:2]
    Participant.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    Participant.objects.filter(pk=teamless.pk).update(team_type="")
    return study


def test_answers_counted_in_the_database_are_the_answers_read_one_by_one(example):
    data = study_data(example)
    team_types = {p.pseudonym: p.team_type for p in data.participants}
    by_rows = Counter(
        (a.instrument, a.item, a.cohort, a.site, team_types[a.pseudonym], a.value)
        for a in data.answers
    )
    by_database = {
        (c.instrument, c.item, c.cohort, c.site, c.team_type, c.value): c.n
        for c in data.answer_counts
    }
    assert by_database == dict(by_rows)
    assert any(value is None for *_, value in by_database), "the example has missing answers"
    assert any(team_type is None for _, _, _, _, team_type, _ in by_database)


def test_participants_counted_in_the_database_make_the_same_tables(example):
    data = study_data(example)
    assert sum(c.n for c in data.participant_counts) == len(data.participants)
    options = {"sites": data.sites, "cohorts": data.cohorts, "approvals": data.approvals}
    assert summaries.participant_table(
        data.participant_counts, **options
    ) == summaries.participant_table(data.participants, **options)
    methods = tuple(Method.values)
    assert summaries.method_table(
        data.participant_counts, methods=methods, **options
    ) == summaries.method_table(data.participants, methods=methods, **options)


@pytest.mark.parametrize("suppress", [True, False])
def test_the_report_from_counts_is_the_report_from_rows(example, suppress):
    data = study_data(example)
    from_counts = report_for(data, suppress=suppress)
    assert from_counts["items"], "the example's report has item summaries"
    assert from_counts == report_for(data, suppress=suppress, from_rows=True)


def test_someone_who_withdrew_is_not_counted(example):
    before = sum(c.n for c in queries.answer_tally(example))
    leaving = Participant.objects.filter(
        study=example, withdrawn_at__isnull=True, responses__isnull=False
    ).first()
    theirs = sum(len(r.answers) for r in leaving.responses.all())
    Participant.objects.filter(pk=leaving.pk).update(withdrawn_at=timezone.now())
    assert sum(c.n for c in queries.answer_tally(example)) == before - theirs > 0


def test_two_answers_to_one_item_are_refused_naming_the_person(example):
    first = Response.objects.filter(participant__study=example, participant__withdrawn_at=None)
    response = first.select_related("participant").order_by("pk").first()
    Response.objects.create(
        participant=response.participant,
        instrument_version=response.instrument_version,
        source=ResponseSource.ONLINE,
        answers=response.answers,
    )
    with pytest.raises(ValueError, match=f"{response.participant.pseudonym} has more than one"):
        queries.answer_tally(example)


def test_a_second_response_to_other_items_is_counted(example):
    response = (
        Response.objects.filter(participant__study=example, participant__withdrawn_at=None)
        .select_related("participant", "instrument_version")
        .order_by("pk")
        .first()
    )
    item, value = next(iter(response.answers.items()))
    rest = {k: v for k, v in response.answers.items() if k != item}
    Response.objects.filter(pk=response.pk).update(answers=rest)
    Response.objects.create(
        participant=response.participant,
        instrument_version=response.instrument_version,
        source=ResponseSource.PAPER,
        answers={item: value},
    )
    data = study_data(example)
    assert report_for(data, suppress=False) == report_for(data, suppress=False, from_rows=True)


@pytest.mark.parametrize("format", ["long-csv", "wide-csv"])
def test_a_streamed_csv_is_the_file_built_whole(example, format, monkeypatch):
    # Batches of 3 participants, so the example's file comes in many parts.
    monkeypatch.setattr(queries, "ANSWER_BATCH", 3)
    data = study_data(example)
    chosen = EXPORT_FORMATS[format]
    parts = list(chosen.stream(data, None))
    assert len(parts) > 3
    assert b"".join(parts) == chosen.build(data, None)


def test_a_streamed_export_refuses_an_unknown_item_before_its_first_byte(example):
    counted = Response.objects.filter(participant__study=example, participant__withdrawn_at=None)
    response = counted.order_by("pk").first()
    Response.objects.filter(pk=response.pk).update(answers={**response.answers, "no_such": 1})
    with pytest.raises(ValueError, match=r"no instrument item \S+ no_such"):
        EXPORT_FORMATS["long-csv"].stream(study_data(example), None)
