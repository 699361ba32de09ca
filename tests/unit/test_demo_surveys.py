"""The demo study's invented survey answers: the same every time, on each survey's scale, and
enough respondents per site and cohort for the report to show their answers."""

import csv
import io
from collections import Counter

import pytest

from alongside.demo.outcomes import shipped_instrument
from alongside.demo.qualitative import PARTICIPANTS
from alongside.demo.surveys import COHORT_INSTRUMENTS, COHORTS, survey_files
from alongside.measures.definitions import ItemKind

SITES = ("cho1", "cho2")


def _rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_the_same_seed_gives_the_same_files_and_another_seed_others():
    assert survey_files(SITES) == survey_files(SITES)
    assert survey_files(SITES) != survey_files(SITES, seed=7)


@pytest.mark.parametrize(("cohort", "prefix", "sizes", "code", "version"), COHORTS)
def test_each_cohort_answers_its_survey_on_its_scales(cohort, prefix, sizes, code, version):
    rows = _rows(survey_files(SITES)[cohort])
    instrument = shipped_instrument(code, version)
    choice_items = [i.code for i in instrument.items if i.kind is ItemKind.CHOICE]
    assert list(rows[0]) == ["participant", "site", "method", *choice_items]
    per_site = Counter(row["site"] for row in rows)
    assert set(per_site) == set(SITES)
    assert sizes[0] >= 5
    assert all(sizes[0] <= n <= sizes[1] for n in per_site.values())
    codes = [row["participant"] for row in rows]
    assert len(set(codes)) == len(codes)
    assert all(c.startswith(f"{prefix}-") for c in codes)
    assert not set(codes) & {code for code, *_ in PARTICIPANTS}
    blanks = 0
    for item in choice_items:
        allowed = {str(o.value) for o in instrument.item_scale(instrument.item(item)).options}
        answers = [row[item] for row in rows]
        blanks += answers.count("")
        assert set(answers) - {""} <= allowed, item
        assert len(set(answers) - {""}) >= 2, item  # answers vary
    assert 0 < blanks < len(rows) * len(choice_items) * 0.1


def test_the_study_document_links_each_cohort_to_its_survey():
    assert COHORT_INSTRUMENTS == {
        "service-users": [{"code": "su-experience", "version": "1.0"}],
        "providers": [{"code": "provider-survey", "version": "1.0"}],
        "psws": [{"code": "psw-survey", "version": "1.0"}],
    }
