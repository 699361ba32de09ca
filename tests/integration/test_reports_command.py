"""`alongside report` builds the example study's report in every format, the same every time."""

import json
import re
import subprocess
import zipfile
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alongside.core.models import AuditAction, AuditEvent
from tests.integration.url_rules.evaluation import load_example

NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?%?")


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def example(db):
    return load_example()


def test_json_keeps_the_evaluation_contract_and_adds_the_report(example, tmp_path):
    out = tmp_path / "report.json"
    message = _run("report", "psw-impact", "--format", "json", "--out", str(out))
    assert message.startswith("Report data for psw-impact written to")
    data = json.loads(out.read_text())
    for key in (
        "study",
        "format_version",
        "suppression",
        "participants",
        "participant_totals",
        "items",
        "items_by_site",
        "items_by_team_type",
    ):
        assert key in data
    assert data["format_version"] == 1
    ids = [s["id"] for s in data["report"]["sections"]]
    assert ids[0] == "summary"
    assert {
        "background",
        "participants",
        "service-users",
        "providers",
        "psws",
        "practice",
        "outcomes",
        "recommendations",
        "appendix",
    } <= set(ids)
    assert len(data["report"]["digest"]) == 64


def test_json_is_byte_identical_when_built_twice(example, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    _run("report", "psw-impact", "--out", str(first))
    _run("report", "psw-impact", "--out", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_every_format_is_written_and_audited(example, tmp_path):
    for fmt in ("html", "pdf", "docx", "text"):
        out = tmp_path / f"report.{fmt}"
        _run("report", "psw-impact", "--format", fmt, "--out", str(out))
        assert out.stat().st_size > 500, fmt
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    with zipfile.ZipFile(tmp_path / "report.docx") as docx:
        names = docx.namelist()
        body = docx.read("word/document.xml").decode()
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in names)
    assert 'descr="' in body  # charts carry their text alternative
    assert "<!doctype html>" in (tmp_path / "report.html").read_text()
    formats = sorted(
        e.detail["format"]
        for e in AuditEvent.objects.filter(
            action=AuditAction.EXPORT, object_type="evaluation.study"
        )
    )
    assert formats == ["report-docx", "report-html", "report-pdf", "report-text"]


def test_the_pdf_text_carries_the_numbers_of_the_json(example, tmp_path):
    _run("report", "psw-impact", "--format", "json", "--out", str(tmp_path / "r.json"))
    _run("report", "psw-impact", "--format", "pdf", "--out", str(tmp_path / "r.pdf"))
    data = json.loads((tmp_path / "r.json").read_text())
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # Words broken at a hyphen at the end of a line are joined again.
    flat = re.sub(r"- (?=\w)", "-", " ".join(text.split()))
    assert data["report"]["digest"] in "".join(text.split())
    expected_numbers: Counter[str] = Counter()
    for section in data["report"]["sections"]:
        for figure in section["figures"]:
            assert f"{figure['label']} {figure['value']}" in flat
        for table in [*section["tables"], *section["charts"]]:
            for row in table["rows"]:
                for cell in row:
                    if table["id"] not in {"instrument-versions", "provenance"}:
                        assert re.sub(r"- (?=\w)", "-", " ".join(cell.split())) in flat, cell
                    expected_numbers.update(NUMBER.findall(cell))
    found = Counter(NUMBER.findall(text))
    missing = {n: c - found[n] for n, c in expected_numbers.items() if found[n] < c}
    assert not missing, missing


def test_binary_formats_need_a_file(example):
    with pytest.raises(CommandError, match="cannot go to the screen"):
        _run("report", "psw-impact", "--format", "pdf", "--out", "-")
