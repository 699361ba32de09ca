"""The agreement page: coders who coded the same sources, per code and pooled, at passage level."""

import pytest
from django.urls import reverse

from alongside.core.access import RoleCode
from alongside.evaluation import actions as evaluation_actions
from alongside.qualitative import actions
from alongside.qualitative.agreement import Judgement, agreement
from alongside.qualitative.models import Code, Source
from alongside.qualitative.views.agreement import judgements_for
from tests import factories
from tests.integration.url_rules.qualitative import SLUG, qual_project

pytestmark = pytest.mark.django_db


def _evaluator(project, member=True):
    person = factories.PersonFactory()
    factories.MembershipFactory(person=person, team=None, role=RoleCode.EVALUATOR)
    if member:
        evaluation_actions.add_study_member(by=None, study=project.study, user=person.user)
    return person.user


@pytest.fixture
def project(personas):
    return qual_project(personas)


@pytest.fixture
def second(project):
    """A second coder who agrees on passage 1 and adds Groups to passage 3."""
    coder = _evaluator(project)
    source = Source.objects.get(project=project)
    codes = {c.name: c for c in Code.objects.filter(project=project)}
    actions.code_segment(
        by=coder, segment=source.segments.get(order=1), codes=[codes["Being listened to"]]
    )
    actions.code_segment(by=coder, segment=source.segments.get(order=3), codes=[codes["Groups"]])
    return coder


def url():
    return reverse("qualitative:agreement", args=[SLUG])


def test_judgements_cover_every_passage_of_a_source_a_coder_coded(project, second, personas):
    judgements, coders_of = judgements_for(project, None, None)
    source = Source.objects.get(project=project)
    assert coders_of == {source.pk: {personas.user("evaluator").pk, second.pk}}
    assert len(judgements) == 2 * source.segments.count()
    groups = str(Code.objects.get(project=project, name="Groups").pk)
    by_second = {j.segment: j.codes for j in judgements if j.coder == str(second.pk)}
    assert by_second[str(source.segments.get(order=3).pk)] == frozenset({groups})
    assert by_second[str(source.segments.get(order=0).pk)] == frozenset()


def test_the_page_shows_kappa_alpha_and_percent_per_code(project, second, client_for):
    response = client_for("evaluator").get(url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Agreement per code at passage level, with 95% confidence intervals" in page
    report = response.context["report"]
    rows = {row.label: row.figures for row in response.context["rows"]}
    assert set(rows) == {"Connection / Being listened to", "Connection / Groups"}
    # Both coded passage 1 alike; only the second coder used Groups, once in four passages.
    assert rows["Connection / Being listened to"].kappa == pytest.approx(1.0)
    assert rows["Connection / Being listened to"].percent_agreement == pytest.approx(1.0)
    assert rows["Connection / Groups"].kappa == pytest.approx(0.0)
    assert rows["Connection / Groups"].percent_agreement == pytest.approx(0.75)
    assert report.segments == 4
    assert '<th scope="col" class="num">Cohen\'s kappa</th>' in page
    assert "Krippendorff's alpha" in page
    assert "Optional, and what the numbers mean" in page
    assert "interview-1" in page  # the double-coded source is named
    [double] = response.context["double"]
    assert double.segments == 4
    assert double.segments_coded_by_two == 1


def test_the_figures_match_the_agreement_module(project, second, client_for, personas):
    response = client_for("evaluator").get(url())
    judgements, _ = judgements_for(project, None, None)
    expected = agreement(judgements, resamples=1000)
    assert response.context["report"].pooled.alpha == pytest.approx(expected.pooled.alpha)
    assert response.context["report"].pooled.kappa == pytest.approx(expected.pooled.kappa)


def test_with_three_coders_kappa_waits_for_a_choice_of_two(project, second, client_for):
    third = _evaluator(project)
    source = Source.objects.get(project=project)
    actions.code_segment(
        by=third,
        segment=source.segments.get(order=1),
        codes=[Code.objects.get(project=project, name="Groups")],
    )
    client = client_for("evaluator")
    everyone = client.get(url())
    assert len(everyone.context["report"].coders) == 3
    assert everyone.context["report"].pooled.kappa is None
    assert "choose two above to see it" in everyone.content.decode()
    two = client.get(url(), {"coders": [second.pk, third.pk]})
    assert two.context["report"].coders == tuple(sorted((str(second.pk), str(third.pk))))
    assert two.context["two_coders"]
    assert two.context["report"].pooled.kappa is not None


def test_a_source_one_person_coded_shows_no_figures(project, client_for):
    response = client_for("evaluator").get(url())
    assert response.status_code == 200
    assert response.context["report"] is None
    assert "Only 1 person has coded" in response.content.decode()


def test_choosing_a_source_nobody_double_coded_gives_no_figures(project, second, client_for):
    other = actions.add_transcript(
        by=None, project=project, data=b"Ann: one.\nBob: two.\n", filename="other.txt"
    )
    response = client_for("evaluator").get(url(), {"sources": [other.pk]})
    assert response.context["report"] is None
    assert "No source has been coded by two or more" in response.content.decode()


@pytest.mark.parametrize("persona", ["lead", "psw"])
def test_other_roles_are_refused(project, second, client_for, persona):
    assert client_for(persona).get(url()).status_code in (403, 404)


def test_an_evaluator_who_is_not_a_member_gets_404(project, second, client):
    client.force_login(_evaluator(project, member=False))
    assert client.get(url()).status_code == 404


def test_the_pooled_row_uses_every_code(project, second, client_for):
    response = client_for("evaluator").get(url())
    pooled = response.context["pooled"].figures
    direct = agreement(
        [Judgement(j.segment, j.coder, j.codes) for j in judgements_for(project, None, None)[0]],
        resamples=0,
    )
    assert pooled.applied == direct.pooled.applied == 3
