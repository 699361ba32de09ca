"""`make bench`: every benchmark of issue 10, each printing a table of medians and merging its
figures into bench/results.json.

    report       the impact report's JSON build on the largest scale asked for (national by
                 default), and its floor: the same figures from a DuckDB aggregate over the same
                 rows exported to Parquet; the ratio build/floor, target at most 3
    pages        the dashboard (as `lead`) and the caseload page (as `psw`) through Django's test
                 client at each scale; target at most 150 ms median at national scale
    import_100k  bench/import_100k.py: 100,000 survey rows; target at most 20 s
    suggest_10k  bench/suggest_10k.py: suggestions for 10,000 segments; target at most 60 s
    load         bench/load.sh: locust against `alongside serve` on the largest scale's
                 database; p50/p95 per page; target no failed request

Settings, from the environment (all optional):

    BENCH_ONLY=report,pages   run only these benchmarks
    BENCH_SCALES=seed,region  only these scales (seed, region, national)
    BENCH_REBUILD=1           reload the scale databases even when their demo is there
    BENCH_RUNS=3              timed runs of the report, the floor, import_100k and suggest_10k
    BENCH_PAGE_RUNS=15        timed requests of each page at each scale (after one warm-up)
    BENCH_LOAD_USERS=20, BENCH_LOAD_TIME=60s   the load run
    BENCH_NATIONAL_URL        a national database made elsewhere, used when its demo is national
    BENCH_STUDY=slug          the study the report is built for (default: most participants)
    BENCH_RESULTS=path        merge into this file instead of bench/results.json (a trial run)

The report and pages run in a child process per scale (`--child`), with DATABASE_URL set to that
scale's database (bench/scaledb.py); the child prints its figures as one JSON line. A benchmark
that misses its target is profiled with pyinstrument into bench/profiles/NAME.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import benchlib  # noqa: E402 (bench/ is not a package)

# BENCH_RESULTS writes elsewhere, for a trial run that must leave the recorded figures alone
# (the import and suggestion scripts always write bench/results.json).
RESULTS = Path(os.environ.get("BENCH_RESULTS", HERE / "results.json")).resolve()
SCRIPT_RESULTS = HERE / "results.json"
PROFILES = HERE / "profiles"
WORK = ROOT / "var" / "bench"
BENCHMARKS = ("report", "pages", "import_100k", "suggest_10k", "load")
SCALES = ("seed", "region", "national")
REPORT_RATIO_TARGET = 3.0
PAGE_TARGET_SECONDS = 0.150
PAGE_TARGET_SCALE = "national"
IMPORT_TARGET_SECONDS = 20.0
SUGGEST_TARGET_SECONDS = 60.0
PROFILE_PREFIXES = {
    "report": "report",
    "pages": "page-",
    "import_100k": "import_100k",
    "suggest_10k": "suggest_10k",
    "load": "load",
}
PAGES = {
    # name: (URL name, persona)
    "dashboard": ("reports:dashboard", "lead"),
    "caseload": ("practice:caseload", "psw"),
}


def _int_setting(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {text!r}.") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, not {value}.")
    return value


# --- children: one process per scale, Django set up on that scale's database -----------------


def _django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    import django

    django.setup()


def _profile(path: Path, work: Any) -> None:
    from pyinstrument import Profiler

    # 5 ms: the coarse clock, cheap to read on a virtual machine (finer ones cost 5 µs a read).
    profiler = Profiler(interval=0.005)
    profiler.start()
    try:
        work()
    finally:
        profiler.stop()
    PROFILES.mkdir(exist_ok=True)
    path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))


def child_report(scale: str, runs: int) -> dict[str, Any]:
    _django()
    import floor
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from alongside.evaluation.models import Study
    from alongside.reports import queries
    from alongside.reports.assembly import assemble
    from alongside.reports.render import render

    # The study with the most participants, unless BENCH_STUDY names one: at national scale
    # that is the study with 200,000 survey responses.
    slug = os.environ.get("BENCH_STUDY", "")
    studies = Study.objects.annotate(people=Count("participants")).order_by("-people", "pk")
    study = studies.filter(slug=slug).first() if slug else studies.first()
    if study is None:
        raise SystemExit(f"No study {slug!r} in the {scale} database." if slug else "No study.")

    def build() -> tuple[dict[str, float], Any, bytes]:
        marks = [time.perf_counter()]
        report_input = queries.report_input(study, suppress=True)
        marks.append(time.perf_counter())
        document = assemble(report_input)
        marks.append(time.perf_counter())
        content = render(document, "json", built_at=timezone.localtime())
        marks.append(time.perf_counter())
        phases = {
            "read": marks[1] - marks[0],
            "assemble": marks[2] - marks[1],
            "render_json": marks[3] - marks[2],
            "seconds": marks[3] - marks[0],
        }
        return phases, report_input, content

    raw_build, raw_qualitative = [], []
    report_input, content = None, b""
    for number in range(1, runs + 1):
        phases, report_input, content = build()
        raw_build.append(phases)
        # The qualitative section (themes, redacted quotes) is in the build but not the floor:
        # timed again on its own, so that the ratio without it can be given too.
        started = time.perf_counter()
        queries.qualitative_input(study)
        raw_qualitative.append(time.perf_counter() - started)
        print(f"  report build {number}: {phases['seconds']:.2f} s", file=sys.stderr, flush=True)

    folder = WORK / "parquet" / scale
    started = time.perf_counter()
    rows = floor.export(study, folder)
    export_seconds = time.perf_counter() - started
    print(f"  exported to Parquet in {export_seconds:.1f} s: {rows}", file=sys.stderr, flush=True)
    raw_floor, figures = [], {}
    for number in range(1, runs + 1):
        seconds, figures = floor.timed_floor(folder, study.period_start, study.period_end)
        raw_floor.append(seconds)
        print(f"  floor {number}: {seconds:.3f} s", file=sys.stderr, flush=True)
    checks = floor.compare(report_input, figures)

    build_summary = benchlib.summarise([r["seconds"] for r in raw_build])
    floor_summary = benchlib.summarise(raw_floor)
    ratio = build_summary["median_seconds"] / floor_summary["median_seconds"]
    qualitative = benchlib.summarise(raw_qualitative)["median_seconds"]
    profile = None
    if ratio > REPORT_RATIO_TARGET:
        profile = PROFILES / "report.txt"
        _profile(profile, build)
    return {
        "scale": scale,
        "study": study.slug,
        "period": [
            study.period_start.isoformat() if study.period_start else None,
            study.period_end.isoformat() if study.period_end else None,
        ],
        "postgresql": connection.pg_version if connection.vendor == "postgresql" else None,
        "report_bytes": len(content),
        "build": build_summary,
        "phases_median_seconds": {
            phase: benchlib.summarise([r[phase] for r in raw_build])["median_seconds"]
            for phase in ("read", "assemble", "render_json")
        },
        "floor": floor_summary,
        "ratio": ratio,
        "qualitative_median_seconds": qualitative,
        "ratio_without_qualitative": (build_summary["median_seconds"] - qualitative)
        / floor_summary["median_seconds"],
        "target_ratio": REPORT_RATIO_TARGET,
        "met": benchlib.met(ratio, REPORT_RATIO_TARGET),
        "floor_matches_report": all(check["same"] is not False for check in checks.values()),
        "checks": checks,
        "export_seconds": export_seconds,
        "exported_rows": rows,
        "floor_leaves_out": (
            "the statistics the assembly computes from the counts (intervals, tests, reliable "
            "change), disclosure control, the qualitative section and writing the JSON"
        ),
        "profile": None if profile is None else str(profile.relative_to(ROOT)),
        "raw": {"build": raw_build, "qualitative": raw_qualitative, "floor": raw_floor},
    }


def child_pages(scale: str, runs: int) -> dict[str, Any]:
    _django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from alongside.practice.models import CaseloadEntry

    results: dict[str, Any] = {"scale": scale}
    for name, (url_name, persona) in PAGES.items():
        user = get_user_model().objects.get(username=persona)
        client = Client()
        client.force_login(user)
        url = reverse(url_name)

        def get(client: Client = client, url: str = url, persona: str = persona) -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} as {persona}: {response.status_code}")

        get()  # warm-up: templates compiled, connection open, caches filled
        with CaptureQueriesContext(connection) as captured:
            get()
        # Read now: every request that follows empties the connection's query log.
        query_count = len(captured.captured_queries)
        raw = []
        for _ in range(runs):
            started = time.perf_counter()
            get()
            raw.append(time.perf_counter() - started)
        summary = benchlib.summarise(raw)
        entry: dict[str, Any] = {
            "url": url,
            "persona": persona,
            **summary,
            "queries": query_count,
            "raw": raw,
        }
        if name == "caseload":
            entry["caseload_size"] = CaseloadEntry.objects.filter(
                worker__user=user, end__isnull=True
            ).count()
        target = PAGE_TARGET_SECONDS if scale == PAGE_TARGET_SCALE else None
        entry["target_seconds"] = target
        entry["met"] = benchlib.met(summary["median_seconds"], target)
        # Below national scale there is no target, but a page already over it at the largest
        # scale of this run is profiled too: that is where the time goes at national.
        largest = os.environ.get("BENCH_LARGEST_SCALE") == scale
        slow = summary["median_seconds"] > PAGE_TARGET_SECONDS
        if entry["met"] is False or (largest and slow):
            profile = PROFILES / f"page-{name}-{scale}.txt"
            _profile(profile, lambda get=get: [get() for _ in range(5)])
            entry["profile"] = str(profile.relative_to(ROOT))
        results[name] = entry
        print(
            f"  {scale} {name}: median {summary['median_seconds'] * 1000:.0f} ms "
            f"({query_count} queries)",
            file=sys.stderr,
            flush=True,
        )
    results["postgresql"] = connection.pg_version if connection.vendor == "postgresql" else None
    return results


CHILDREN = {"report": child_report, "pages": child_pages}


# --- the orchestrator ----------------------------------------------------------------------


class Run:
    """One `make bench`: its settings, the databases it has made ready and the table rows."""

    def __init__(self) -> None:
        try:
            self.only = benchlib.parse_names(os.environ.get("BENCH_ONLY"), BENCHMARKS, "benchmark")
            self.scales = benchlib.parse_names(os.environ.get("BENCH_SCALES"), SCALES, "scale")
        except ValueError as error:
            raise SystemExit(str(error)) from None
        self.rebuild = os.environ.get("BENCH_REBUILD", "") == "1"
        self.runs = _int_setting("BENCH_RUNS", 3)
        self.page_runs = _int_setting("BENCH_PAGE_RUNS", 15)
        self.load_users = _int_setting("BENCH_LOAD_USERS", 20)
        self.load_time = os.environ.get("BENCH_LOAD_TIME", "60s")
        self.databases: dict[str, tuple[str, dict[str, object]]] = {}
        self.rows: list[tuple[str, ...]] = []
        self.failed: list[str] = []
        self.records: dict[str, dict[str, Any]] = {}
        self.postgresql = ""

    def database(self, scale: str) -> str:
        if scale not in self.databases:
            import scaledb

            scaledb.ensure_server()
            self.databases[scale] = scaledb.ensure(scale, rebuild=self.rebuild)
            self.postgresql = scaledb.server_version(self.databases[scale][0])
        return self.databases[scale][0]

    def child(self, benchmark: str, scale: str, runs: int) -> dict[str, Any]:
        url = self.database(scale)
        env = {
            **os.environ,
            "BENCH_LARGEST_SCALE": self.scales[-1],
            "DATABASE_URL": url,
            "ALONGSIDE_ENV": "development",
            "DEBUG": "0",  # as in production: no query log, cached templates
        }
        done = subprocess.run(  # noqa: S603 (this script, in a fresh process)
            [sys.executable, __file__, "--child", benchmark, "--scale", scale, "--runs", str(runs)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the {benchmark} child at {scale} scale failed")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def envelope(self, **extra: Any) -> dict[str, Any]:
        return {**benchlib.machine(), "postgresql": self.postgresql or None, **extra}

    def record(self, key: str, value: dict[str, Any]) -> None:
        self.records[key] = value
        benchlib.merge_results(RESULTS, key, value)

    # Each benchmark: run it, merge its results, print its table, add its rows.

    def report(self) -> list[tuple[str, ...]]:
        scale = self.scales[-1]
        print(f"== report: the impact report JSON and its floor, {scale} scale", flush=True)
        figures = self.child("report", scale, self.runs)
        self.record("report", self.envelope(database=self.databases[scale][1], **figures))
        note = f"{scale}; {figures['study']}"
        ratio = float(figures["ratio"])
        floor_note = "DuckDB over Parquet"
        if not figures["floor_matches_report"]:
            different = [k for k, v in figures["checks"].items() if v["same"] is False]
            floor_note += f"; DIFFERS from the report on {', '.join(different)}"
        ratio_note = f"{figures['ratio_without_qualitative']:.1f}x without the qualitative part"
        if figures["profile"]:
            ratio_note += f"; profile: {figures['profile']}"
        return [
            benchlib.table_row(f"report JSON build ({scale})", figures["build"], note=note),
            benchlib.table_row(f"report floor ({scale})", figures["floor"], note=floor_note),
            (
                "report build / floor",
                benchlib.format_value(ratio, "x"),
                "-",
                "-",
                str(figures["build"]["runs"]),
                benchlib.format_target(REPORT_RATIO_TARGET, "x"),
                benchlib.format_met(figures["met"]),
                ratio_note,
            ),
        ]

    def pages(self) -> list[tuple[str, ...]]:
        rows, per_scale = [], {}
        for scale in self.scales:
            print(f"== pages at {scale} scale", flush=True)
            figures = self.child("pages", scale, self.page_runs)
            per_scale[scale] = {"database": self.databases[scale][1], **figures}
            for name in PAGES:
                entry = figures[name]
                target = PAGE_TARGET_SECONDS if scale == PAGE_TARGET_SCALE else None
                note = f"{entry['queries']} queries"
                if name == "caseload":
                    note += f", {entry['caseload_size']} people"
                if entry.get("profile"):
                    note += f"; profile: {entry['profile']}"
                rows.append(
                    benchlib.table_row(
                        f"{name} page ({scale})", entry, unit="ms", target=target, note=note
                    )
                )
        self.record(
            "pages",
            self.envelope(
                target_seconds=PAGE_TARGET_SECONDS, target_scale=PAGE_TARGET_SCALE, **per_scale
            ),
        )
        return rows

    def import_100k(self) -> list[tuple[str, ...]]:
        print("== import_100k: bench/import_100k.py", flush=True)
        self.script(["import_100k.py", "--runs", str(self.runs), "--label", "make bench"])
        figures = json.loads(SCRIPT_RESULTS.read_text(encoding="utf-8"))["import_100k"]
        self.records["import_100k"] = figures
        first = figures["first"]
        note = (
            f"CPU {first['median_cpu_seconds']:.1f} s; "
            f"re-import {figures['reimport']['median_seconds']:.1f} s"
        )
        if first["median_seconds"] > IMPORT_TARGET_SECONDS:
            profile = PROFILES / "import_100k.txt"
            self.script(["import_100k.py", "--runs", "1", "--profile", str(profile)])
            note += f"; profile: {profile.relative_to(ROOT)}"
        summary = {**first, "runs": figures["runs"]}
        return [
            benchlib.table_row(
                "import 100,000 rows", summary, target=IMPORT_TARGET_SECONDS, note=note
            )
        ]

    def suggest_10k(self) -> list[tuple[str, ...]]:
        print("== suggest_10k: bench/suggest_10k.py", flush=True)
        self.script(["suggest_10k.py", "--runs", str(self.runs), "--label", "make bench"])
        figures = json.loads(SCRIPT_RESULTS.read_text(encoding="utf-8"))["suggest_10k"]
        self.records["suggest_10k"] = figures
        rows = []
        for method in ("embedding", "tfidf"):
            entry = figures.get(method)
            if entry is None:
                continue
            note = f"CPU {entry['median_cpu_seconds']:.1f} s; top-1 {entry['held_out_top1']:.3f}"
            if entry["median_seconds"] > SUGGEST_TARGET_SECONDS:
                profile = PROFILES / f"suggest_10k-{method}.txt"
                self.script(["suggest_10k.py", "--method", method, "--profile", str(profile)])
                note += f"; profile: {profile.relative_to(ROOT)}"
            summary = {**entry, "runs": figures["runs"]}
            rows.append(
                benchlib.table_row(
                    f"suggest 10,000 segments ({method})",
                    summary,
                    target=SUGGEST_TARGET_SECONDS,
                    note=note,
                )
            )
        return rows

    def load(self) -> list[tuple[str, ...]]:
        scale = self.scales[-1]
        url = self.database(scale)
        out = WORK / "load"
        print(
            f"== load: {self.load_users} users for {self.load_time} on the {scale} database",
            flush=True,
        )
        env = {
            **os.environ,
            "LOAD_USERS": str(self.load_users),
            "LOAD_TIME": self.load_time,
            "LOAD_OUT": str(out),
            "LOAD_DATABASE_URL": url,
        }
        done = subprocess.run(  # noqa: S603
            [str(HERE / "load.sh")], env=env, cwd=ROOT, check=False
        )
        summary_path = out / "summary.json"
        if not summary_path.exists():
            raise RuntimeError("bench/load.sh wrote no summary")
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        self.record(
            "load",
            self.envelope(
                scale=scale, database=self.databases[scale][1], exit_code=done.returncode, **summary
            ),
        )
        headers = ("page", "requests", "failed", "p50", "p95", "max")
        table = [
            (
                page,
                str(entry["requests"]),
                str(entry["failures"]),
                f"{entry['p50_ms']:,.0f} ms",
                f"{entry['p95_ms']:,.0f} ms",
                f"{entry['max_ms']:,.0f} ms",
            )
            for page, entry in summary["pages"].items()
        ]
        print(benchlib.format_table(table, headers), flush=True)
        failures = int(summary["failures"])
        p95 = summary["p95_ms"]
        return [
            (
                f"load, all pages ({scale})",
                f"{summary['p50_ms']:,.0f} ms",
                "-",
                f"{p95:,.0f} ms p95",
                "-",
                "no failure",
                benchlib.format_met(failures == 0),
                f"{self.load_users} users, {self.load_time}: {summary['requests']} requests, "
                f"{failures} failed, {summary['requests_per_second']} a second",
            )
        ]

    def script(self, args: list[str]) -> None:
        done = subprocess.run(  # noqa: S603 (our own benchmark scripts)
            [sys.executable, str(HERE / args[0]), *args[1:]], cwd=ROOT, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"bench/{args[0]} failed")

    def main(self) -> int:
        started = time.perf_counter()
        print(
            f"make bench: {', '.join(self.only)}; scales {', '.join(self.scales)}; "
            f"{self.runs} runs ({self.page_runs} per page)",
            flush=True,
        )
        for benchmark in self.only:
            # A profile left by an earlier run would describe code that may have changed since.
            for stale in PROFILES.glob(f"{PROFILE_PREFIXES[benchmark]}*.txt"):
                stale.unlink()
            try:
                rows = getattr(self, benchmark)()
            except (RuntimeError, SystemExit) as error:
                print(f"!! {benchmark} did not run: {error}", file=sys.stderr, flush=True)
                self.failed.append(benchmark)
                rows = [(benchmark, "-", "-", "-", "0", "-", "-", f"failed: {error}")]
            print(benchlib.format_table(rows), flush=True)
            self.rows.extend(rows)
        table = benchlib.format_table(self.rows)
        print(f"\n== all benchmarks ({time.perf_counter() - started:.0f} s)\n{table}")
        self.record(
            "bench",
            self.envelope(
                benchmarks=self.only,
                scales=self.scales,
                databases={scale: info for scale, (_, info) in self.databases.items()},
                failed=self.failed,
                table=table.splitlines(),
            ),
        )
        # Merged again at the end: results.json is a shared file that someone else's run of one
        # benchmark script may have rewritten from an older copy while this run went on.
        for key, value in self.records.items():
            benchlib.merge_results(RESULTS, key, value)
        print(f"\nwritten to {RESULTS}")
        return 1 if self.failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--scale", choices=SCALES, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = CHILDREN[args.child](args.scale, args.runs)
        print(json.dumps(figures, default=str))
        return
    sys.exit(Run().main())


if __name__ == "__main__":
    main()
