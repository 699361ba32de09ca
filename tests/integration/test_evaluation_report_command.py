"""The example study loads in a few commands, reports as JSON and exports in every format."""

import json
from io import StringIO
from pathlib import Path

import pyreadstat
import pytest
from django.core.management import CommandError, call_command

from alongside.core.models import AuditAction, AuditEvent
from alongside.evaluation.models import Study
from tests.pseudonyms import make_administrator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "psw-impact"
IMPORTS = [
    ("service-users", "su-experience", "service-users.csv"),
    ("providers", "provider-survey", "providers.csv"),
    ("psws", "psw-survey", "psws.csv"),
]


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def example(db):
    _run("study", "load", str(EXAMPLE / "study.yaml"))
    _run("study", "participants", "psw-impact", str(EXAMPLE / "participants.csv"))
    for cohort, instrument, name in IMPORTS:
        _run(
            "study",
            "import",
            "psw-impact",
            str(EXAMPLE / name),
            "--cohort",
            cohort,
            "--instrument",
            instrument,
        )


def test_the_report_keeps_the_json_contract(example, tmp_path):
    out = tmp_path / "report.json"
    _run("report", "psw-impact", "--format", "json", "--out", str(out))
    report = json.loads(out.read_text())
    assert report["study"] == "psw-impact"
    for row in report["participants"]:
        assert {"site", "cohort", "n", "status"} <= set(row)
        if row["status"] != "approved":
            assert row["n"] is None
    item = report["items"][0]
    assert {"instrument", "item", "cohort", "n", "missing", "options"} <= set(item)
    assert {"value", "label", "count", "percent"} <= set(item["options"][0])
    assert (
        AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="evaluation.study").count()
        == 1
    )


def test_exact_counts_need_someone_allowed_to_see_them(example, tmp_path, personas):
    out = tmp_path / "report.json"
    with pytest.raises(CommandError, match="--no-suppression"):
        _run("report", "psw-impact", "--out", str(out), "--no-suppression")
    with pytest.raises(CommandError, match="--no-suppression"):
        _run(
            "report",
            "psw-impact",
            "--out",
            str(out),
            "--no-suppression",
            "--as",
            personas.lead.user.username,
        )
    evaluator = personas.evaluator.user.username
    with pytest.raises(CommandError, match="--no-suppression"):
        _run("report", "psw-impact", "--out", str(out), "--no-suppression", "--as", evaluator)
    _run("study", "members", "psw-impact", "--add", evaluator)
    _run(
        "report",
        "psw-impact",
        "--out",
        str(out),
        "--no-suppression",
        "--as",
        personas.evaluator.user.username,
    )
    exact = json.loads(out.read_text())
    assert all(row["n"] is not None for row in exact["participants"] if row["status"] == "approved")


def test_every_export_format_is_written_de_identified_and_audited(example, tmp_path):
    for fmt in ("long-csv", "wide-csv", "xlsx", "sav", "dictionary"):
        _run("study", "export", "psw-impact", "--format", fmt, "--out", str(tmp_path / fmt))
    wide = (tmp_path / "wide-csv").read_text()
    assert "P-0" in wide
    assert "SU-001" not in wide  # participant codes from the files never leave
    frame, meta = pyreadstat.read_sav(str(tmp_path / "sav"))
    assert len(frame) > 0
    assert meta.variable_value_labels  # value labels survive
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 5


def test_the_export_command_adds_codes_only_for_an_administrator_member_allowed_them(
    example, tmp_path, personas
):
    out = tmp_path / "wide.csv"
    evaluator = personas.evaluator.user.username
    command = ["study", "export", "psw-impact", "--format", "wide-csv", "--out", str(out)]
    with pytest.raises(CommandError, match="--identifiers"):
        _run(*command, "--identifiers")
    _run("study", "members", "psw-impact", "--add", evaluator)
    with pytest.raises(CommandError, match="--identifiers"):
        _run(*command, "--identifiers", "--as", evaluator)
    assert not out.exists()
    with pytest.raises(CommandError, match="nothing was changed"):
        _run("study", "members", "psw-impact", "--add", evaluator, "--identifiers")
    make_administrator(personas.evaluator)
    _run("study", "members", "psw-impact", "--add", evaluator, "--identifiers")
    with pytest.raises(CommandError, match="never carries"):
        _run(*command[:4], "long-csv", "--out", str(out), "--identifiers", "--as", evaluator)
    _run(*command, "--identifiers", "--as", evaluator)
    assert out.read_text().startswith("participant,participant_code,")
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert event.detail["identifiers"] is True


def test_a_study_may_set_a_higher_disclosure_threshold(example, tmp_path):
    out = tmp_path / "report.json"
    _run("report", "psw-impact", "--out", str(out))
    default = json.loads(out.read_text())
    assert default["suppression"]["threshold"] == 5
    Study.objects.filter(slug="psw-impact").update(disclosure_threshold=10)
    _run("report", "psw-impact", "--out", str(out))
    stricter = json.loads(out.read_text())
    assert stricter["suppression"]["threshold"] == 10
    shown = [row["n"] for row in stricter["participants"] if row["n"] is not None]
    assert shown
    assert all(n == 0 or n >= 10 for n in shown)
    # Cells of 5 to 9 were shown under the default and are hidden now.
    assert any(row["n"] is not None and 5 <= row["n"] < 10 for row in default["participants"])
