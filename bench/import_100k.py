"""Benchmark: `alongside study import` of 100,000 response rows (issue 5's quality bar).

Not a test: run it by hand (see bench/README.md). Each run sets up a throwaway SQLite data
directory (ALONGSIDE_DATA_DIR), migrates, loads examples/psw-impact (study and participants),
then times two imports of the same generated file: the first into an empty study (every row a
new participant and response) and a re-import (the idempotent path: nothing changes). Each
import runs in its own process, whose peak resident memory (ru_maxrss) is reported. The median
of the runs is printed and merged into bench/results.json under "import_100k".
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "psw-impact"
RESULTS = Path(__file__).resolve().parent / "results.json"
ALONGSIDE = Path(sys.executable).with_name("alongside")
SITES = ("CHO1", "CHO2", "CHO3", "CHO4")  # CHO5 has no service-user approval
METHODS = ("online-survey", "paper-survey", "interview", "focus-group")
ITEMS = (
    "valued", "services", "recovery", "lead_recovery", "control",
    "hope", "understood", "community", "find_way", "heard",
)  # fmt: skip
LABELS = ("Not at all", "A little", "Quite a lot", "Very much")


def generate(path: Path, rows: int, seed: int = 5) -> None:
    """A response file for the service-users cohort (su-experience): values, labels, gaps."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["participant", "site", "method", *ITEMS])
        for n in range(1, rows + 1):
            cells = []
            for _ in ITEMS:
                roll = rng.random()
                if roll < 0.05:
                    cells.append("")
                elif roll < 0.2:
                    cells.append(rng.choice(LABELS))
                else:
                    cells.append(str(rng.randint(0, 4)))
            writer.writerow([f"BENCH-{n:06d}", rng.choice(SITES), rng.choice(METHODS), *cells])


def run(args: list[str], env: dict[str, str]) -> None:
    """Run `alongside ARGS` for set-up; fails loudly."""
    done = subprocess.run(  # noqa: S603 (our own console script)
        [str(ALONGSIDE), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"alongside {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def run_measured(
    args: list[str], env: dict[str, str], profile: Path | None = None
) -> tuple[float, float, float, str]:
    """Like run, but reads the child's own peak RSS (ru_maxrss, KB on Linux) via wait4.

    With PROFILE, the command runs under pyinstrument, which writes its text report there.
    """
    launcher = [str(ALONGSIDE)]
    if profile is not None:
        launcher = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(profile)]
        launcher.append(str(ALONGSIDE))
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(  # noqa: S603 (our own console script)
            [*launcher, *args], env=env, cwd=ROOT, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, problems = out.read(), err.read()
    if child.returncode != 0:
        raise SystemExit(f"alongside {' '.join(args)} failed:\n{text}\n{problems}")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / scale, text.strip()


def one_run(
    data: Path, tiny: Path, pycache: Path | None, profile: Path | None = None
) -> dict[str, dict[str, float | str]]:
    workdir = Path(tempfile.mkdtemp(prefix="alongside-bench-"))
    try:
        env = {**os.environ, "ALONGSIDE_DATA_DIR": str(workdir), "ALONGSIDE_ENV": "development"}
        if pycache is not None:
            # Compiled modules are kept, as in any installed copy, but outside the source tree.
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(pycache)
        run(["migrate", "--verbosity", "0"], env)
        run(["study", "load", str(EXAMPLE / "study.yaml")], env)
        run(["study", "participants", "psw-impact", str(EXAMPLE / "participants.csv")], env)
        command = [
            "study", "import", "psw-impact", str(data),
            "--cohort", "service-users", "--instrument", "su-experience",
        ]  # fmt: skip
        measured = {}
        phases = (("first", data), ("reimport", data), ("startup", tiny))
        for phase, file in phases[:1] if profile is not None else phases:
            seconds, cpu, peak, text = run_measured(
                [*command[:3], str(file), *command[4:]],
                env,
                profile if phase == "first" else None,
            )
            print(
                f"  {phase:9} {seconds:7.2f} s  cpu {cpu:7.2f} s  {peak:7.1f} MB   {text}",
                flush=True,
            )
            measured[phase] = {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_mb": peak,
                "output": text,
            }
        return measured
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--label", default="", help="A note stored with the result.")
    parser.add_argument(
        "--cold-bytecode",
        action="store_true",
        help="Keep the environment's PYTHONDONTWRITEBYTECODE: every process compiles every "
        "module again (seconds of start-up on a slow machine). By default compiled modules "
        "are cached in a temporary folder, as an installed copy would have them.",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="Profile the first import of each run with pyinstrument into this text file; "
        "nothing is written to results.json (a profiled run is slower).",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alongside-bench-data-") as folder:
        data = Path(folder) / f"responses-{options.rows}.csv"
        generate(data, options.rows)
        tiny = Path(folder) / "responses-1.csv"
        generate(tiny, 1)
        pycache = None if options.cold_bytecode else Path(folder) / "pycache"
        size_mb = data.stat().st_size / 1e6
        print(f"{options.rows} rows, {size_mb:.1f} MB: {options.runs} run(s)", flush=True)
        runs = []
        for number in range(1, options.runs + 1):
            print(f"run {number}", flush=True)
            runs.append(one_run(data, tiny, pycache, options.profile))
    summary: dict[str, dict[str, float]] = {}
    print(f"\n{'phase':10} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>7} {'peak MB':>8}")
    for phase in runs[0]:  # with --profile, only the first import was run
        seconds = [float(r[phase]["seconds"]) for r in runs]
        cpu = [float(r[phase]["cpu_seconds"]) for r in runs]
        peaks = [float(r[phase]["peak_mb"]) for r in runs]
        summary[phase] = {
            "median_seconds": round(statistics.median(seconds), 2),
            "min_seconds": round(min(seconds), 2),
            "max_seconds": round(max(seconds), 2),
            "median_cpu_seconds": round(statistics.median(cpu), 2),
            "peak_mb": round(max(peaks), 1),
        }
        s = summary[phase]
        print(
            f"{phase:10} {s['median_seconds']:9.2f} {s['min_seconds']:7.2f} "
            f"{s['max_seconds']:7.2f} {s['median_cpu_seconds']:7.2f} {s['peak_mb']:8.1f}"
        )
    print("(startup: the same command on a one-row file, for the fixed cost of starting Django)")
    if options.profile is not None:
        print(f"\nprofile of the first import written to {options.profile}")
        return
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results["import_100k"] = {
        "rows": options.rows,
        "file_mb": round(size_mb, 1),
        "runs": options.runs,
        "label": options.label,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU(s)",
        "target_seconds": 20,
        "bytecode": "cold (PYTHONDONTWRITEBYTECODE kept)" if options.cold_bytecode else "cached",
        "load_average": os.getloadavg(),
        **summary,
        "raw": runs,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)} (key import_100k)")


if __name__ == "__main__":
    main()
