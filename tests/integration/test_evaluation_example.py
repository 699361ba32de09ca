"""`alongside study example`: the example study loads and reports in one command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alongside.evaluation.models import Participant, Response, Study
from tests.integration.url_rules.evaluation import EXAMPLE

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_example_loads_and_prints_its_report_in_one_command():
    printed = _run("study", "example", str(EXAMPLE))
    study = Study.objects.get(slug="psw-impact")
    assert Participant.objects.filter(study=study).count() == 90
    assert Response.objects.filter(participant__study=study).count() == 32 + 28 + 22
    assert "Participants\nSite   providers  psws  service-users       Total" in printed
    assert "CHO5   6          5     N/A — not approved  11" in printed
    assert "su-experience valued (service-users)" in printed
    assert "Quite a lot or very much" in printed
    assert "Yes or somewhat" in printed
    # The same text as the report command prints from the loaded study.
    report = _run("report", "psw-impact", "--format", "text", "--out", "-")
    assert report.strip() in printed


def test_running_the_example_twice_changes_nothing():
    _run("study", "example", str(EXAMPLE))
    before = list(Response.objects.values_list("id", "answers").order_by("id"))
    again = _run("study", "example", str(EXAMPLE))
    assert "0 added, 0 replaced, 32 unchanged" in again
    assert list(Response.objects.values_list("id", "answers").order_by("id")) == before


def test_a_broken_manifest_loads_nothing(tmp_path):
    (tmp_path / "example.yaml").write_text(
        "study: study.yaml\nparticipants: [nobody.csv]\nresponses: [{file: x.csv}]\ncolour: 1\n"
    )
    with pytest.raises(CommandError, match="nothing was loaded"):
        _run("study", "example", str(tmp_path))
    assert not Study.objects.exists()


def test_a_bad_file_in_the_example_rolls_the_whole_example_back(tmp_path):
    for name in ("study.yaml", "participants.csv", "service-users.csv"):
        (tmp_path / name).write_bytes((EXAMPLE / name).read_bytes())
    broken = (EXAMPLE / "service-users.csv").read_text().replace(",4,", ",7,", 1)
    (tmp_path / "service-users.csv").write_text(broken)
    (tmp_path / "example.yaml").write_text(
        "study: study.yaml\nparticipants: [participants.csv]\nresponses:\n"
        "  - {file: service-users.csv, cohort: service-users, instrument: su-experience}\n"
    )
    with pytest.raises(CommandError):
        _run("study", "example", str(tmp_path))
    assert not Study.objects.exists()
    assert not Participant.objects.exists()
