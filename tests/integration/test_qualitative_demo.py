"""The demo's qualitative project: invented sources, coded by two evaluators, with quotes."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.demo.loader import load_programme
from alongside.demo.qualitative import SECOND_EVALUATOR, SLUG
from alongside.demo.scales import SEED
from alongside.organisation.models import Person
from alongside.qualitative.models import Code, Coding, Project
from alongside.qualitative.quotes import quote_bank

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    _, counts = load_programme(scale=SEED, seed=2019, today=timezone.localdate())
    return counts


def test_the_demo_study_is_partly_coded_by_two_evaluators(demo):
    project = Project.objects.get(study__slug=SLUG)
    assert demo["qualitative_sources"] == 5
    coders = set(
        Coding.objects.filter(source__project=project).values_list("coder__username", flat=True)
    )
    assert coders == {"evaluator", SECOND_EVALUATOR}
    themes = Code.objects.filter(project=project, parent=None, is_codable=False).count()
    assert themes == 4
    uncoded = project.sources.get(name="What would you change about peer support?").segments.filter(
        codings__isnull=True
    )
    assert uncoded.exists()


def test_the_demo_quote_bank_shows_redacted_quotes(demo):
    project = Project.objects.get(study__slug=SLUG)
    bank = quote_bank(project)
    assert len(bank.quotes) >= 4
    texts = " ".join(q.text for q in bank.quotes)
    psw = Person.objects.get(user__username="psw")
    assert psw.given_name not in texts
    assert "[person]" in texts or "[peer support worker]" in texts
    assert {q.attribution for q in bank.quotes} >= {"Service users", "Nurse"}
    # PR-02 and SU-05 did not agree to be quoted; nothing of theirs is marked, nothing leaks.
    assert bank.left_out["no consent or withdrawn"] == 0


def test_both_demo_evaluators_can_open_the_project(demo):
    for username in ("evaluator", SECOND_EVALUATOR):
        client = Client()
        assert client.login(username=username, password="alongside-demo")
        response = client.get(reverse("qualitative:quotes", args=(SLUG,)))
        assert response.status_code == 200


def test_the_demo_is_deterministic(demo):
    project = Project.objects.get(study__slug=SLUG)
    rows = list(
        Coding.objects.filter(source__project=project)
        .order_by("source__name", "start", "code__name", "coder__username")
        .values_list("source__name", "start", "end", "code__name", "coder__username")
    )
    assert rows[0][0] == "Focus group, peer support workers"
    assert len(rows) == demo["qualitative_codings"]
