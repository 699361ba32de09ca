"""Assisted coding in the browser: a run in short steps with progress, then a person decides."""

import pytest
from django.urls import reverse

from alongside.core.access import RoleCode
from alongside.core.models import AuditEvent
from alongside.qualitative import actions, assist
from alongside.qualitative.interchange import assist_inputs
from alongside.qualitative.models import (
    Code,
    Coding,
    RunStatus,
    Segment,
    StoredSuggestion,
    SuggestionDecision,
    SuggestionRun,
)
from alongside.qualitative.views import assist as assist_views
from tests import factories
from tests.integration.url_rules.qualitative import SLUG, qual_project

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TURNS = [
    ("SU-2", "We walked by the river every week with the group.", "Groups"),
    ("SU-2", "She really listened to me and heard what I said.", "Being listened to"),
    ("SU-2", "The Tuesday group gave me somewhere to go.", "Groups"),
    ("SU-2", "For once someone listened without rushing me.", "Being listened to"),
    ("SU-2", "Meeting the others in the group helped a lot.", "Groups"),
    ("SU-2", "I felt heard and listened to, properly.", "Being listened to"),
    ("SU-2", "The walking group is the best part of my week.", None),
    ("SU-2", "She listened when nobody else did.", None),
]


@pytest.fixture(autouse=True)
def word_counts(monkeypatch):
    """The light method: the embedding model takes seconds to load, the tests need speed."""
    monkeypatch.setattr(assist, "embedding_available", lambda: False)


@pytest.fixture
def project(personas):
    project = qual_project(personas)
    text = "".join(f"Interviewer: Go on.\n{who}: {words}\n" for who, words, _ in TURNS)
    source = actions.add_transcript(
        by=None, project=project, data=text.encode(), filename="interview-2.txt"
    )
    codes = {c.name: c for c in Code.objects.filter(project=project)}
    evaluator = personas.user("evaluator")
    for order, (_, _, code) in enumerate(TURNS):
        if code:
            segment = source.segments.get(order=2 * order + 1)
            actions.code_segment(by=evaluator, segment=segment, codes=[codes[code]])
    return project


@pytest.fixture
def client(client_for):
    return client_for("evaluator")


def url(name, *args):
    return reverse(f"qualitative:{name}", args=(SLUG, *args))


def _uncoded(project):
    return set(
        Segment.objects.filter(source__project=project, codings__isnull=True).values_list(
            "pk", flat=True
        )
    )


def _run_to_the_end(client, project, steps=50):
    response = client.post(url("assist-run"), **HTMX)
    assert response.status_code == 200
    run = SuggestionRun.objects.get(project=project)
    for _ in range(steps):
        response = client.post(url("assist-step", run.pk), **HTMX)
        run.refresh_from_db()
        if run.status == RunStatus.FINISHED:
            return run, response
    raise AssertionError("the run did not finish")


def test_a_run_suggests_for_every_uncoded_passage_and_codes_nothing(project, client):
    codings_before = Coding.objects.count()
    uncoded = _uncoded(project)
    run, last = _run_to_the_end(client, project)
    assert last["HX-Trigger"] == "suggestions-ready"
    assert "Finished: suggestions for" in last.content.decode()
    assert run.total == len(uncoded)
    assert run.done == run.total
    suggested = set(StoredSuggestion.objects.filter(run=run).values_list("segment_id", flat=True))
    assert suggested == uncoded
    assert Coding.objects.count() == codings_before
    assert run.method == "tfidf"
    assert run.model_name == assist.FALLBACK_MODEL
    assert run.model_version.startswith("scikit-learn ")


def test_the_page_shows_the_measured_accuracy_and_its_method(project, client):
    run, _ = _run_to_the_end(client, project)
    codes, segments = assist_inputs(project)
    expected = assist.evaluate(codes, segments, method="tfidf")
    assert run.tested == expected.tested == 7
    assert run.trained_on == 7
    assert run.top1 == pytest.approx(expected.top1)
    assert run.top3 == pytest.approx(expected.top3)
    page = client.get(url("assist")).content.decode()
    assert f"Top 1: {round(expected.top1 * 100)}%" in page
    assert f"Top 3: {round(expected.top3 * 100)}%" in page
    assert assist.FALLBACK_MODEL in page
    assert "learned from 7 coded passages" in page


def test_each_step_does_one_small_batch(project, client, monkeypatch):
    monkeypatch.setattr(assist_views, "BATCH", 2)
    client.post(url("assist-run"))
    run = SuggestionRun.objects.get(project=project)
    first = client.post(url("assist-step", run.pk), **HTMX)
    run.refresh_from_db()
    assert run.measured
    assert run.done == 0
    assert 'hx-trigger="load delay:50ms"' in first.content.decode()
    client.post(url("assist-step", run.pk), **HTMX)
    run.refresh_from_db()
    assert run.done == 2
    assert StoredSuggestion.objects.filter(run=run).values("segment").distinct().count() == 2
    page = client.post(url("assist-step", run.pk), **HTMX).content.decode()
    assert f'<progress max="{run.total + 1}" value="5"' in page
    assert f"Suggesting: 4 of {run.total} passages done" in page


def test_without_javascript_each_step_redirects_back(project, client):
    response = client.post(url("assist-run"))
    assert response.status_code == 302
    run = SuggestionRun.objects.get(project=project)
    step = client.post(url("assist-step", run.pk))
    assert step.status_code == 302
    assert step.url.endswith("#progress")


def test_accepting_codes_the_passage_as_the_person_and_records_the_model(project, client, personas):
    run, _ = _run_to_the_end(client, project)
    page = client.get(url("assist"))
    card = page.context["cards"][0]
    offer = card.offers[0]
    response = client.post(
        url("assist-decide", offer.suggestion.pk), {"decision": "accept"}, **HTMX
    )
    assert response.status_code == 200
    assert f"Coded with {offer.label}." in response.content.decode()
    coding = Coding.objects.get(segment=card.segment)
    assert coding.code_id == offer.suggestion.code_id
    assert coding.coder == personas.user("evaluator")
    decision = SuggestionDecision.objects.get(segment=card.segment)
    assert decision.accepted
    assert (decision.model_name, decision.model_version) == (run.model_name, run.model_version)
    assert decision.decided_by == personas.user("evaluator")
    assert card.segment.pk not in {c.segment.pk for c in client.get(url("assist")).context["cards"]}


def test_rejecting_records_it_codes_nothing_and_hides_that_suggestion(project, client):
    _run_to_the_end(client, project)
    card = client.get(url("assist")).context["cards"][0]
    offer = card.offers[0]
    response = client.post(url("assist-decide", offer.suggestion.pk), {"decision": "reject"})
    assert response.status_code == 302
    assert not Coding.objects.filter(segment=card.segment).exists()
    assert SuggestionDecision.objects.get(segment=card.segment).accepted is False
    after = {c.segment.pk: c for c in client.get(url("assist")).context["cards"]}
    left = after.get(card.segment.pk)
    assert left is None or offer.suggestion.pk not in [o.suggestion.pk for o in left.offers]


def test_the_shown_passages_are_audited(project, client):
    _run_to_the_end(client, project)
    client.get(url("assist"))
    assert AuditEvent.objects.filter(
        object_type="qualitative.segment", detail__list="assisted coding"
    ).exists()


def test_a_batch_already_stored_is_not_stored_twice(project, personas):
    run = actions.start_suggestion_run(
        by=personas.user("evaluator"),
        project=project,
        method="tfidf",
        model_name="m",
        model_version="1",
        total=3,
    )
    segment = Segment.objects.filter(source__project=project, codings__isnull=True).first()
    code = Code.objects.get(project=project, name="Groups")
    batch = {segment.pk: [(code.pk, 0.5)]}
    assert actions.store_suggestions(by=None, run=run, expected_done=0, suggested=batch)
    assert not actions.store_suggestions(by=None, run=run, expected_done=0, suggested=batch)
    assert StoredSuggestion.objects.filter(run=run).count() == 1


def test_without_codes_there_is_nothing_to_suggest(personas, client):
    study_project = qual_project(personas)
    Code.objects.filter(project=study_project).update(is_codable=False)
    response = client.post(url("assist-run"))
    assert response.status_code == 302
    assert not SuggestionRun.objects.exists()


@pytest.mark.parametrize("persona", ["lead", "psw"])
def test_other_roles_are_refused(project, client_for, persona):
    assert client_for(persona).get(url("assist")).status_code in (403, 404)
    assert client_for(persona).post(url("assist-run")).status_code in (403, 404)


def test_an_evaluator_who_is_not_a_member_gets_404(project, client):
    person = factories.PersonFactory()
    factories.MembershipFactory(person=person, team=None, role=RoleCode.EVALUATOR)
    client.force_login(person.user)
    assert client.get(url("assist")).status_code == 404
    assert client.post(url("assist-run")).status_code == 404
    assert not SuggestionRun.objects.exists()


def test_a_non_member_cannot_step_or_decide(project, client):
    run, _ = _run_to_the_end(client, project)
    suggestion = StoredSuggestion.objects.filter(run=run).first()
    person = factories.PersonFactory()
    factories.MembershipFactory(person=person, team=None, role=RoleCode.EVALUATOR)
    client.force_login(person.user)
    assert (
        client.post(url("assist-decide", suggestion.pk), {"decision": "accept"}).status_code == 404
    )
    assert not SuggestionDecision.objects.exists()


def test_a_non_member_cannot_step_a_run(project, client):
    client.post(url("assist-run"))
    run = SuggestionRun.objects.get(project=project)
    person = factories.PersonFactory()
    factories.MembershipFactory(person=person, team=None, role=RoleCode.EVALUATOR)
    client.force_login(person.user)
    assert client.post(url("assist-step", run.pk)).status_code == 404
    run.refresh_from_db()
    assert not run.measured
