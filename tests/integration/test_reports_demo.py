"""The demo programme with the example study makes a full report: practice figures, the CHIME
chart and reliable change are filled from the programme's records, in every format."""

import datetime as dt
import json
import time
from io import StringIO

import pytest
from django.core.management import call_command

from alongside.demo.generator import DEFAULT_SEED
from alongside.demo.loader import load_programme
from alongside.demo.qualitative import PARTICIPANTS, SLUG
from alongside.demo.scales import SEED
from alongside.demo.surveys import survey_files
from tests.integration.url_rules.evaluation import load_example

# The example study ran in the first half of 2025; the demo's records end on its last day.
STUDY_END = dt.date(2025, 6, 30)


@pytest.fixture
def demo(db):
    load_programme(scale=SEED, seed=DEFAULT_SEED, today=STUDY_END)
    return load_example()


def _section(data, ident):
    return next(s for s in data["report"]["sections"] if s["id"] == ident)


def test_the_demo_report_is_full_in_every_format(demo, tmp_path):
    seconds = {}
    for fmt in ("json", "html", "pdf", "docx"):
        started = time.perf_counter()
        call_command(
            "report",
            "psw-impact",
            "--format",
            fmt,
            "--out",
            str(tmp_path / f"r.{fmt}"),
            stdout=StringIO(),
            stderr=StringIO(),
        )
        seconds[fmt] = time.perf_counter() - started
        assert (tmp_path / f"r.{fmt}").stat().st_size > 1000
    data = json.loads((tmp_path / "r.json").read_text())
    practice = _section(data, "practice")
    figures = {f["id"]: f["value"] for f in practice["figures"]}
    assert int(figures["referrals-received"]) > 0
    assert int(figures["referrals-accepted"]) > 0
    assert "chime-support" in [c["id"] for c in practice["charts"]]
    outcomes = _section(data, "outcomes")
    # The demo's CHIME check publishes no reliability: its scores are charted, not classified.
    assert any(c["id"].startswith("outcome-chime-support-") for c in outcomes["charts"])
    assert "No one had two scores on a measure with published reliability" in " ".join(
        outcomes["paragraphs"]
    )
    print(
        "build seconds",
        {k: round(v, 2) for k, v in seconds.items()},
        "pdf bytes",
        (tmp_path / "r.pdf").stat().st_size,
    )


def test_the_demo_qualitative_study_reports_its_themes_and_quotes(demo, tmp_path):
    out = tmp_path / "voices.json"
    call_command("report", SLUG, "--out", str(out), stdout=StringIO(), stderr=StringIO())
    themes = _section(json.loads(out.read_text()), "themes")
    support = next(t for t in themes["tables"] if t["id"] == "theme-support")
    assert len(support["rows"]) == 4
    assert themes["quotes"]
    assert all(q["attribution"] for q in themes["quotes"])
    assert "Aoife" not in out.read_text()  # quotes come redacted from the quote bank


def test_the_demo_qualitative_study_reports_all_three_surveys(demo, tmp_path):
    out = tmp_path / "voices.json"
    call_command("report", SLUG, "--out", str(out), stdout=StringIO(), stderr=StringIO())
    data = json.loads(out.read_text())
    # Interviewees and focus-group members plus the survey respondents: at least five of every
    # cohort at each site, so that no participant cell is hidden.
    cells = data["participants"]
    assert len(cells) == 6
    assert all(c["n"] >= 10 and not c["suppressed"] for c in cells)
    assert sum(c["n"] for c in cells) == len(PARTICIPANTS) + sum(
        len(body.splitlines()) - 1
        for body in survey_files(sorted({c["site"] for c in cells})).values()
    )
    for ident, instrument in (
        ("service-users", "su-experience"),
        ("providers", "provider-survey"),
        ("psws", "psw-survey"),
    ):
        section = _section(data, ident)
        assert section["charts"], ident
        rows = section["tables"][0]["rows"]
        assert rows, ident
        assert all(int(row[2]) >= 5 for row in rows), ident
        # Some combined figure is shown, not every one hidden.
        assert any("%" in row[4] for row in rows), ident
        assert {e["instrument"] for e in data["items"] if e["cohort"] == ident} == {instrument}
