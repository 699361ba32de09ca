"""Benchmark: assisted-coding suggestions for 10,000 segments (issue 6: under 60 s on this CPU).

Each run is a fresh Python process, so the timed call to ``assist.suggest`` includes loading
the embedding model (imports of torch and sentence-transformers, about 12 s) as in real use.
The synthetic corpus: 250 invented interviews of 40 turns, four themes and twelve codes, a
third of the turns coded; suggestions are made for the other two thirds. Accuracy (top-1,
top-3, 5-fold, held-out coded segments) is measured apart, untimed, on the first 2,000 segments.

    .venv/bin/python bench/suggest_10k.py                   # both methods, median of 3 runs
    .venv/bin/python bench/suggest_10k.py --runs 1 --method tfidf

Merges the figures into bench/results.json under the key ``suggest_10k``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
TARGET_SECONDS = 60
SEGMENTS = 10_000
EVALUATED = 2_000

THEMES = {
    "Recovery Role Model": {
        "Hope": [
            "seeing her well again gave me hope",
            "if he could get better then so could I",
            "she was living proof that things can improve",
        ],
        "Shared experience": [
            "he told me he had been sectioned as well",
            "she had been through exactly the same thing",
            "they knew what it is like from the inside",
        ],
        "Disclosure": [
            "deciding how much of my own story to tell",
            "I shared a bit about my own time on the ward",
            "telling people about my diagnosis at work",
        ],
    },
    "Making Connections": {
        "Community groups": [
            "she came with me to the walking group",
            "we went down to the allotment together",
            "I joined the choir at the community centre",
        ],
        "Family and friends": [
            "I started phoning my sister again",
            "my mum noticed I was much calmer",
            "I met my old friends for a coffee",
        ],
        "Practical help": [
            "sorting out the housing forms together",
            "she helped me with the benefits letters",
            "we looked at bus routes so I could get to college",
        ],
    },
    "Person-Centred Ways of Working": {
        "Listening": [
            "she just listened and did not judge me",
            "nobody rushed me or talked over me",
            "I felt properly heard for the first time",
        ],
        "Choice": [
            "it was my choice what we worked on",
            "I set the goals myself",
            "they asked what mattered to me",
        ],
        "Flexibility": [
            "we met wherever suited me that week",
            "the sessions moved around my shifts",
            "texting between visits when I needed it",
        ],
    },
    "Facilitators and Barriers": {
        "Staffing": [
            "the ward was short staffed most days",
            "the team kept changing so nobody knew us",
            "there was simply no time on shifts",
        ],
        "Role clarity": [
            "nurses did not know what the peer workers do",
            "the role was never explained to the team",
            "some staff treated them as an extra pair of hands",
        ],
        "Supervision": [
            "regular supervision kept me going",
            "I had nobody to debrief with after a hard visit",
            "reflective practice sessions every fortnight",
        ],
    },
}
FILLERS = [
    "you know",
    "honestly",
    "to be fair",
    "I mean",
    "at the time",
    "looking back",
    "if I am honest",
    "sort of",
]
ASIDES = [
    "it was a Tuesday I think",
    "the weather was awful",
    "after the review meeting",
    "before Christmas",
    "when things were bad",
    "in the first few weeks",
]
REPLIES = ["Yes, exactly.", "Mm, definitely that.", "That was it really.", "Same for me."]
ROLES = ["Service user", "Nurse", "Peer support worker", "Manager", "Carer"]


def codebook() -> list:
    from alongside.qualitative.assist import CodeInfo

    return [
        CodeInfo(
            key=f"{theme}/{code}",
            name=code,
            path=f"{theme}/{code}",
            definition=f"{code}: part of the theme {theme}.",
            examples=(phrases[0],),
        )
        for theme, codes in THEMES.items()
        for code, phrases in codes.items()
    ]


def corpus(count: int, seed: int = 6) -> list:
    """Invented turns: a code's phrase, paraphrased with fillers and asides; roles lean.

    Made hard on purpose, like real coding: one turn in ten is a short reply ("Yes, exactly.")
    coded like the turn before it, and one coded turn in seven carries another coder's
    different reading (a random code).
    """
    from alongside.qualitative.assist import Segment

    rnd = random.Random(seed)
    paths = [f"{t}/{c}" for t, codes in THEMES.items() for c in codes]
    phrases = {f"{t}/{c}": p for t, codes in THEMES.items() for c, p in codes.items()}
    segments = []
    previous = paths[0]
    for i in range(count):
        interview, turn = divmod(i, 40)
        role = ROLES[interview % len(ROLES)]
        staff = role in ("Nurse", "Manager")
        path = rnd.choice(paths[9:] if staff and rnd.random() < 0.5 else paths)
        words = rnd.choice(phrases[path]).split()
        for _ in range(rnd.randint(0, 2)):
            words.insert(rnd.randrange(len(words) + 1), rnd.choice(FILLERS))
        if rnd.random() < 0.4:
            words += ["and", *rnd.choice(ASIDES).split()]
        text = " ".join(words).capitalize() + "."
        if turn and rnd.random() < 0.1:
            path, text = previous, rnd.choice(REPLIES)
        previous = path
        if rnd.random() < 1 / 7:
            path = rnd.choice(paths)
        start = turn * 160
        segments.append(
            Segment(
                key=f"s{i}",
                source=f"Interview {interview + 1:03d}",
                start=start,
                end=start + len(text),
                text=text,
                role=role,
                cohort=f"Cohort {interview % 3 + 1}",
                codes=(path,) if rnd.random() < 1 / 3 else (),
            )
        )
    return segments


def child(method: str, evaluate: bool) -> None:
    """One timed run in this fresh process; prints a JSON line."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from alongside.qualitative import assist

    codes, segments = codebook(), corpus(SEGMENTS)
    updates = []
    wall, cpu = time.perf_counter(), time.process_time()
    run = assist.suggest(
        codes, segments, method=method, progress=lambda done, total: updates.append(done)
    )
    figures = {
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        "suggested": len(run.results),
        "trained_on": run.trained_on,
        "model": run.model,
        "progress_updates": len(updates),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if evaluate:
        result = assist.evaluate(codes, segments[:EVALUATED], method=method)
        figures |= {"top1": result.top1, "top3": result.top3, "tested": result.tested}
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--method", choices=["embedding", "tfidf", "both"], default="both")
    parser.add_argument("--label", default="")
    parser.add_argument("--child", choices=["embedding", "tfidf"], help=argparse.SUPPRESS)
    parser.add_argument("--evaluate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        type=Path,
        help="Profile one run of each method with pyinstrument into this text file (the "
        "method's name is added when both run); nothing is written to results.json.",
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.evaluate)
        return
    if args.profile is not None:
        for method in ["embedding", "tfidf"] if args.method == "both" else [args.method]:
            target = args.profile
            if args.method == "both":
                target = target.with_name(f"{target.stem}-{method}{target.suffix}")
            command = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(target)]
            subprocess.run(  # noqa: S603 (this script, in a fresh process)
                [*command, __file__, "--child", method], check=True, capture_output=True
            )
            print(f"profile of one {method} run written to {target}")
        return
    methods = ["embedding", "tfidf"] if args.method == "both" else [args.method]
    summary: dict[str, object] = {
        "segments": SEGMENTS,
        "runs": args.runs,
        "label": args.label,
        "when": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU(s)",
        "target_seconds": TARGET_SECONDS,
        "load_average": list(os.getloadavg()),
    }
    for method in methods:
        raw = []
        for index in range(args.runs):
            command = [sys.executable, __file__, "--child", method]
            if index == 0:
                command.append("--evaluate")
            done = subprocess.run(  # noqa: S603 (this script, in a fresh process)
                command, check=True, capture_output=True, text=True
            )
            output = done.stdout
            figures = json.loads(output.strip().splitlines()[-1])
            raw.append(figures)
            print(f"{method} run {index + 1}: {figures['seconds']:.1f} s", flush=True)
        seconds = [r["seconds"] for r in raw]
        summary[method] = {
            "model": raw[0]["model"],
            "median_seconds": round(statistics.median(seconds), 2),
            "min_seconds": round(min(seconds), 2),
            "max_seconds": round(max(seconds), 2),
            "median_cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in raw), 2),
            "peak_mb": round(max(r["peak_mb"] for r in raw), 1),
            "suggested": raw[0]["suggested"],
            "trained_on": raw[0]["trained_on"],
            "held_out_top1": round(raw[0]["top1"], 3),
            "held_out_top3": round(raw[0]["top3"], 3),
            "held_out_tested": raw[0]["tested"],
            "raw": raw,
        }
        print(
            f"{method}: median {summary[method]['median_seconds']} s "
            f"(target {TARGET_SECONDS} s); top-1 {raw[0]['top1']:.3f}, top-3 {raw[0]['top3']:.3f}"
        )
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["suggest_10k"] = summary
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
