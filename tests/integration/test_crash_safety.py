"""Killed mid-way, nothing is half done: a large import and a report build under SIGKILL.

Each test runs the real `alongside` command in a child process against its own SQLite file,
kills it with SIGKILL (no clean-up code runs) while it works, then checks that the database is
sound (`PRAGMA integrity_check`), that the import wrote all of its rows or none, that the audit
chain still verifies, that no half-written report sits at the destination, and that running the
same command again simply works.
"""

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "psw-impact"
ROWS = 50_000
SITES = ("CHO1", "CHO2", "CHO3", "CHO4")  # CHO5 has no approval for service users
METHODS = ("online-survey", "paper-survey", "interview", "focus-group")
LABELS = ("Not at all", "A little", "Quite a lot", "Very much")
IMPORT = ("--cohort", "service-users", "--instrument", "su-experience")


def _env(folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "ALONGSIDE_ENV": "development",
        "ALONGSIDE_DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'alongside.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _alongside(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "alongside", *args],
        env=_env(folder),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def _start(folder: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    """Start `alongside ARGS` with its error output going to a file we can watch."""
    stderr = folder / "stderr.txt"
    with stderr.open("w") as handle:  # the child keeps its own copy of the file
        child = subprocess.Popen(
            [sys.executable, "-m", "alongside", *args],
            env=_env(folder),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=handle,
        )
    return child, stderr


def _wait_until(child: subprocess.Popen, ready, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert child.poll() is None, f"the command ended before {what}: nothing to interrupt"
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def _kill(child: subprocess.Popen) -> None:
    assert child.poll() is None, "the command had already finished: the kill came too late"
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL


def _query(database: Path, sql: str):
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def _generate(path: Path, rows: int) -> None:
    """Answers from the service-users cohort, in the columns of the example's file."""
    with (EXAMPLE / "service-users.csv").open(encoding="utf-8") as example:
        header = next(csv.reader(example))
    items = header[3:]
    rng = random.Random(9)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for n in range(1, rows + 1):
            answers = [
                "" if roll < 0.05 else rng.choice(LABELS) if roll < 0.2 else str(rng.randint(0, 4))
                for roll in (rng.random() for _ in items)
            ]
            writer.writerow([f"CRASH-{n:06d}", rng.choice(SITES), rng.choice(METHODS), *answers])


@pytest.fixture(scope="module")
def loaded_study(tmp_path_factory):
    """A migrated database with the example study and its participants, and a big file."""
    folder = tmp_path_factory.mktemp("crash-template")
    _alongside(folder, "migrate", "-v0")
    _alongside(folder, "study", "load", str(EXAMPLE / "study.yaml"))
    _alongside(folder, "study", "participants", "psw-impact", str(EXAMPLE / "participants.csv"))
    database = folder / "alongside.sqlite3"
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    responses = folder / "responses.csv"
    _generate(responses, ROWS)
    return database, responses


@pytest.fixture
def workdir(loaded_study, tmp_path):
    """A private copy of the loaded database, with the pseudonym key its codes were sealed with."""
    shutil.copy(loaded_study[0], tmp_path / "alongside.sqlite3")
    shutil.copytree(loaded_study[0].parent / "keys", tmp_path / "keys")
    return tmp_path


def _assert_consistent(folder: Path) -> None:
    database = folder / "alongside.sqlite3"
    assert _query(database, "PRAGMA integrity_check") == "ok"
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()
    verified = _alongside(folder, "audit", "verify")
    assert "Audit trail intact" in verified.stdout


def test_a_killed_import_leaves_all_or_nothing_and_can_be_run_again(workdir, loaded_study):
    database, responses = workdir / "alongside.sqlite3", loaded_study[1]
    participants_before = _query(database, "SELECT count(*) FROM evaluation_participant")
    child, stderr = _start(workdir, "study", "import", "psw-impact", str(responses), *IMPORT)
    # The file is checked in full first (the progress bar), then written in one transaction:
    # kill once the write-ahead log shows the writing well under way.
    _wait_until(child, lambda: f"{ROWS}/{ROWS} rows" in stderr.read_text(), "the check to end")
    wal = workdir / "alongside.sqlite3-wal"
    _wait_until(
        child, lambda: wal.exists() and wal.stat().st_size > 1_000_000, "rows to be written"
    )
    _kill(child)

    responses_after = _query(database, "SELECT count(*) FROM evaluation_response")
    participants_after = _query(database, "SELECT count(*) FROM evaluation_participant")
    assert (responses_after, participants_after) in {
        (0, participants_before),
        (ROWS, participants_before + ROWS),
    }, "a partial import survived the crash"
    _assert_consistent(workdir)

    again = _alongside(workdir, "study", "import", "psw-impact", str(responses), *IMPORT)
    assert f"{ROWS} row(s)" in again.stdout
    assert _query(database, "SELECT count(*) FROM evaluation_response") == ROWS
    assert _query(database, "SELECT count(*) FROM evaluation_participant") == (
        participants_before + ROWS
    )
    _assert_consistent(workdir)


def test_a_killed_report_build_leaves_no_partial_file(workdir):
    out = workdir / "report.pdf"
    earlier = b"%PDF-1.7 an earlier report, to be replaced whole or not at all\n%%EOF\n"
    out.write_bytes(earlier)
    args = ("report", "psw-impact", "--format", "pdf", "--out", str(out), "--verbosity", "2")
    child, stderr = _start(workdir, *args)
    # WeasyPrint logs its steps at verbosity 2; step 6 makes the PDF itself, just before the
    # file is written.
    _wait_until(child, lambda: "Step 6 - Creating PDF" in stderr.read_text(), "the PDF step")
    _kill(child)

    assert out.read_bytes() == earlier, "the killed build touched the destination"
    _assert_consistent(workdir)

    _alongside(workdir, *args)
    written = out.read_bytes()
    assert written.startswith(b"%PDF-")
    assert written.rstrip().endswith(b"%%EOF")
    assert written != earlier
    assert [p.name for p in workdir.iterdir() if p.name.startswith(".report.pdf")] == []


def test_file_databases_use_wal_and_wait_for_locks(tmp_path):
    shown = _alongside(
        tmp_path,
        "shell",
        "-c",
        "from django.db import connection\n"
        "cursor = connection.cursor()\n"
        "mode = cursor.execute('PRAGMA journal_mode').fetchone()[0]\n"
        "wait = cursor.execute('PRAGMA busy_timeout').fetchone()[0]\n"
        "print('pragmas', mode, wait)\n",
    )
    line = next(line for line in shown.stdout.splitlines() if line.startswith("pragmas "))
    _, mode, timeout_ms = line.split()
    assert mode == "wal"
    assert int(timeout_ms) >= 5000


def test_a_report_interrupted_before_the_rename_leaves_the_old_file(tmp_path, monkeypatch):
    from alongside.reports.management.commands import report

    out = tmp_path / "report.pdf"
    out.write_bytes(b"earlier")

    def die(*args):
        raise KeyboardInterrupt  # stands in for the process dying between write and rename

    monkeypatch.setattr(report.os, "replace", die)
    with pytest.raises(KeyboardInterrupt):
        report.write_whole(out, b"new content that never arrives")
    assert out.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]

    monkeypatch.undo()
    report.write_whole(out, b"new")
    assert out.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]
