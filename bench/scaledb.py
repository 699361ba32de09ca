"""The benchmarks' PostgreSQL databases: one per demo scale, loaded once and kept.

`alongside_bench_seed`, `alongside_bench_region` and `alongside_bench_national` belong to the
role `alongside_bench`, made as .ci/run makes its database (as root, through `su postgres`).
A database is loaded with `alongside demo --scale X --no-serve` only when its DemoLoad row for
that scale is missing (or BENCH_REBUILD=1); otherwise it is only migrated, so that indexes and
schema changes made since it was loaded are there when it is measured.

A national database made elsewhere (BENCH_NATIONAL_URL, by default the one the national
generator's author keeps) is used as it is when its DemoLoad row says national.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ALONGSIDE = Path(sys.executable).with_name("alongside")
HOST, PORT = "127.0.0.1", 5432
ROLE = "alongside_bench"
NATIONAL_URL = os.environ.get(
    "BENCH_NATIONAL_URL",
    "postgres://alongside_national:alongside_national@127.0.0.1:5432/alongside_national",
)


def url_for(scale: str) -> str:
    return f"postgres://{ROLE}:{ROLE}@{HOST}:{PORT}/{ROLE}_{scale}"


def _as_postgres(command: str) -> None:
    """Run a shell command as the postgres superuser (su when root, as .ci/run does)."""
    args = ["su", "postgres", "-c", command] if os.geteuid() == 0 else ["sh", "-c", command]
    done = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"{command} failed:\n{done.stdout}{done.stderr}")


def ensure_server() -> None:
    """Start the machine's PostgreSQL cluster if it is down (as bench/load.sh does)."""
    if _ready():
        return
    clusters = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").exists() else []
    if not clusters or shutil.which("pg_ctlcluster") is None:
        raise SystemExit("PostgreSQL is not running on 127.0.0.1:5432 and cannot be started here.")
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"],  # noqa: S607
        check=True,
    )
    for _ in range(30):
        if _ready():
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL did not start within 30 s.")


def _ready() -> bool:
    return (
        subprocess.run(  # noqa: S603
            ["pg_isready", "-q", "-h", HOST, "-p", str(PORT)],  # noqa: S607
            check=False,
        ).returncode
        == 0
    )


def loaded_scale(url: str) -> str | None:
    """The scale a database's demo programme was loaded at; None when none was (or no DB)."""
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            exists = connection.execute("SELECT to_regclass('demo_demoload')").fetchone()
            if exists is None or exists[0] is None:
                return None
            row = connection.execute(
                "SELECT scale FROM demo_demoload ORDER BY loaded_at DESC LIMIT 1"
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return None if row is None else str(row[0])


def server_version(url: str) -> str:
    with psycopg.connect(url, connect_timeout=5) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return "" if row is None else str(row[0])


def _environment(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "ALONGSIDE_ENV": "development"}


def _alongside(args: list[str], url: str) -> None:
    done = subprocess.run(  # noqa: S603 (our own console script)
        [str(ALONGSIDE), *args], env=_environment(url), cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"alongside {' '.join(args)} failed on {urlparse(url).path[1:]}")


def _recreate(name: str) -> None:
    _as_postgres(
        f'psql -q -v ON_ERROR_STOP=1 -c "DO \\$\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles '
        f"WHERE rolname = '{ROLE}') THEN CREATE ROLE {ROLE} LOGIN PASSWORD '{ROLE}'; END IF; "
        f'END \\$\\$;"'
    )
    _as_postgres(f"dropdb --if-exists {name}")
    _as_postgres(f"createdb -O {ROLE} {name}")


def ensure(scale: str, *, rebuild: bool) -> tuple[str, dict[str, object]]:
    """The URL of a database holding the SCALE demo, loading it first if it must be; and what
    was done (reused, loaded and how long it took)."""
    if scale == "national" and not rebuild and loaded_scale(NATIONAL_URL) == "national":
        _alongside(["migrate", "-v0"], NATIONAL_URL)
        return NATIONAL_URL, {"database": urlparse(NATIONAL_URL).path[1:], "reused": True}
    url = url_for(scale)
    name = urlparse(url).path[1:]
    if not rebuild and loaded_scale(url) == scale:
        _alongside(["migrate", "-v0"], url)
        return url, {"database": name, "reused": True}
    print(f"== loading the {scale} demo into {name} (alongside demo --scale {scale})", flush=True)
    _recreate(name)
    started = time.perf_counter()
    _alongside(["demo", "--scale", scale, "--no-serve"], url)
    seconds = time.perf_counter() - started
    if loaded_scale(url) != scale:
        raise SystemExit(f"alongside demo did not leave a {scale} DemoLoad row in {name}.")
    return url, {"database": name, "reused": False, "load_seconds": round(seconds, 1)}
