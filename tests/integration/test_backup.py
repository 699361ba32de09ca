"""`alongside backup` and `alongside restore`: back up, destroy, restore, compare."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from alongside.core.models import AuditEvent
from alongside.practice.models import ServiceUser

AUDIT_TABLES = {"core_auditevent", "core_auditchainhead"}


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _snapshot():
    """Every row of every table but the audit trail, which a restore appends to."""
    tables = sorted(set(connection.introspection.table_names()) - AUDIT_TABLES)
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


def _events():
    return list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "hash"))


@pytest.mark.django_db(transaction=True)
def test_back_up_destroy_restore_and_compare(personas, tmp_path):
    backup = tmp_path / "alongside.backup"
    printed = _run("backup", "--out", str(backup))
    assert "Backed up the" in printed
    before, events = _snapshot(), _events()
    assert ServiceUser.objects.count() == 2

    call_command("flush", interactive=False)
    assert ServiceUser.objects.count() == 0
    assert _snapshot() != before

    printed = _run("restore", str(backup), "--yes")
    assert "audit trail intact" in printed
    assert _snapshot() == before
    after = _events()
    assert after[: len(events)] == events
    assert len(after) == len(events) + 1  # the restore's own record


@pytest.mark.django_db(transaction=True)
def test_a_file_that_is_not_a_backup_restores_nothing(personas, tmp_path):
    before = _snapshot()
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all")
    with pytest.raises(CommandError, match="not an Alongside backup"):
        _run("restore", str(junk), "--yes")
    with pytest.raises(CommandError, match="no such file"):
        _run("restore", str(tmp_path / "missing.backup"), "--yes")
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_other_kind_is_refused(personas, tmp_path):
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP" + b"\0" * 100)
        expected = "is a postgresql backup but the configured database is sqlite"
    else:
        other.write_bytes(b"SQLite format 3\x00" + b"\0" * 100)
        expected = "is a sqlite backup but the configured database is postgresql"
    with pytest.raises(CommandError, match=expected):
        _run("restore", str(other), "--yes")
