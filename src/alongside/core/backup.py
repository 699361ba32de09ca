"""Backups of the whole database, and restoring one into the configured database.

* SQLite: SQLite's online backup API copies a consistent snapshot while the app keeps running
  (readers and the writer are not stopped); the backup is itself an SQLite database file.
  Restoring copies it back page by page over the live database, in one step.
* PostgreSQL: `pg_dump --format=custom` (a consistent snapshot, taken inside one transaction)
  and `pg_restore --clean --if-exists --single-transaction`, so a failed restore changes nothing.

The kind of a backup is read from its first bytes, so a SQLite backup is never fed to
PostgreSQL or the other way round. Passwords go to the PostgreSQL tools through the
environment (`PGPASSWORD`), never on a command line that `ps` would show.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    kind: str
    size: int


def _engine(alias: str) -> str:
    engine = connections[alias].settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine == "django.db.backends.postgresql":
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")


def backup_kind(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not an Alongside backup (neither SQLite nor a pg_dump archive)")


def _sqlite_connection(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    raw: sqlite3.Connection = connection.connection
    return raw


def _pg_environment(alias: str) -> tuple[list[str], dict[str, str]]:
    settings: dict[str, Any] = connections[alias].settings_dict
    arguments = ["--dbname", str(settings["NAME"])]
    if settings.get("HOST"):
        arguments += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", str(settings["USER"])]
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install the PostgreSQL client tools")
    finished = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        command, env=environment, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()}")


def backup(out: Path, *, alias: str = "default") -> BackupResult:
    """Write a consistent copy of the database to `out` (replaced only when complete)."""
    kind = _engine(alias)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=out.parent, prefix=".backup-", delete=False) as part:
        partial = Path(part.name)
    try:
        if kind == "sqlite":
            target = sqlite3.connect(partial)
            try:
                _sqlite_connection(alias).backup(target)
            finally:
                target.close()
        else:
            arguments, environment = _pg_environment(alias)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), *arguments],
                environment,
            )
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(path=out, kind=kind, size=out.stat().st_size)


def restore(source: Path, *, alias: str = "default") -> str:
    """Replace the configured database's contents with the backup's; returns the kind."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    kind = _engine(alias)
    found = backup_kind(source)
    if found != kind:
        raise BackupError(
            f"{source} is a {found} backup but the configured database is {kind}: "
            "restore it into the same kind of database it came from"
        )
    if kind == "sqlite":
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            origin.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as error:
            origin.close()
            raise BackupError(f"{source} is damaged: {error}") from error
        try:
            origin.backup(_sqlite_connection(alias))
        finally:
            origin.close()
    else:
        connections[alias].close()
        arguments, environment = _pg_environment(alias)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *arguments,
                str(source),
            ],
            environment,
        )
    return kind
