"""`alongside qual`: transcripts from the command line, REFI-QDA export and import, suggestions."""

import json

import pytest
import yaml
from django.core.management import CommandError, call_command

from alongside.evaluation import actions as evaluation_actions
from alongside.evaluation.studyfile import parse_study
from alongside.qualitative.models import Code, Coding, Project, Source
from tests.integration.url_rules.qualitative import SLUG, STUDY, qual_project, qual_study

pytestmark = pytest.mark.django_db


def test_sources_from_the_command_line(tmp_path, capsys):
    qual_study()
    first = tmp_path / "one.txt"
    first.write_text("Interviewer: Hello?\nAnn: Hi.\n", encoding="utf-8")
    second = tmp_path / "two.srt"
    second.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\nBob: yes\n")
    call_command("qual", "sources", SLUG, str(first), str(second), "--method", "focus-group")
    names = sorted(Source.objects.values_list("name", "method"))
    assert names == [("one", "focus-group"), ("two", "focus-group")]
    assert "one.txt: 2 segments, 2 speakers" in capsys.readouterr().out


def test_one_bad_file_adds_none(tmp_path, capsys):
    qual_study()
    good = tmp_path / "good.txt"
    good.write_text("Fine.\n", encoding="utf-8")
    bad = tmp_path / "bad.vtt"
    bad.write_bytes(b"not a vtt\n")
    with pytest.raises(CommandError, match="Nothing was added"):
        call_command("qual", "sources", SLUG, str(good), str(bad))
    assert "bad.vtt: line 1: a WebVTT file must begin" in capsys.readouterr().err
    assert not Source.objects.exists()


def test_export_then_import_keeps_codes_texts_and_codings(tmp_path, personas):
    project = qual_project(personas)
    out = tmp_path / "project.qdpx"
    call_command("qual", "export", SLUG, "--out", str(out), "--codebook", str(tmp_path / "c.qdc"))
    assert out.stat().st_size > 0
    copy_yaml = STUDY.replace("qual-study", "qual-copy")
    definition = parse_study(yaml.safe_load(copy_yaml), source="t", text=copy_yaml, available={})
    evaluation_actions.load_study(by=None, definition=definition)
    call_command("qual", "import", str(out), "--study", "qual-copy")
    copy = Project.objects.get(study__slug="qual-copy")
    original_source = Source.objects.get(project=project)
    copied_source = Source.objects.get(project=copy)
    assert copied_source.text == original_source.text
    assert sorted(Code.objects.filter(project=copy).values_list("name", "is_codable")) == sorted(
        Code.objects.filter(project=project).values_list("name", "is_codable")
    )
    copied = Coding.objects.get(source=copied_source)
    original = Coding.objects.get(source=original_source)
    assert (copied.start, copied.end, copied.code.name, copied.coder) == (
        original.start,
        original.end,
        original.code.name,
        original.coder,
    )
    assert Code.objects.get(project=copy, name="Being listened to").definition == "Heard."


def test_import_of_a_broken_file_writes_nothing(tmp_path, capsys):
    qual_study()
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"nope")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("qual", "import", str(bad), "--study", SLUG)
    assert "not a ZIP archive" in capsys.readouterr().err
    assert not Project.objects.exists()


def test_suggest_writes_the_contract(tmp_path, personas):
    qual_project(personas)
    out = tmp_path / "s.json"
    call_command("qual", "suggest", SLUG, "--out", str(out), "--method", "tfidf")
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 3  # four segments, one coded
    first = rows[0]
    assert set(first) == {"source", "start", "end", "text", "suggestions"}
    assert first["source"] == "interview-1"
    assert {"code", "path", "score"} == set(first["suggestions"][0])
    assert first["suggestions"][0]["path"].startswith("Connection/")
