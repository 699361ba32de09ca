"""After a demo load commits, PostgreSQL's tables are vacuumed at once (`loader._vacuum`), so
the first reports and pages do not pay for setting hint bits row by row."""

from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from alongside.demo.loader import load_programme
from alongside.demo.scales import SEED, SEED_REGIONS
from alongside.measures.definitions import shipped_definition_paths
from tests.conftest import restore_default_activities

# The personas' teams are in the second region.
SMALL = replace(SEED, name="small", regions=SEED_REGIONS[:2], service_users_per_psw=(2, 3))


def _last_vacuum(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_committed_load_is_vacuumed_on_postgresql_only():
    # Another test's flush may have emptied what the data migrations seed.
    restore_default_activities()
    call_command("instrument", "load", *map(str, shipped_definition_paths()), stdout=StringIO())
    lines: list[str] = []
    load_programme(scale=SMALL, seed=2019, today=timezone.localdate(), report=lines.append)
    stages = [line.split()[0] for line in lines if not line.startswith("    ")]
    if connection.vendor == "postgresql":
        assert stages[-2:] == ["vacuum", "total"]
        assert _last_vacuum("practice_contact") is not None
    else:
        assert "vacuum" not in stages


@pytest.mark.django_db
def test_a_load_inside_a_larger_transaction_leaves_vacuum_to_autovacuum():
    lines: list[str] = []
    load_programme(scale=SMALL, seed=2019, today=timezone.localdate(), report=lines.append)
    assert not [line for line in lines if line.split()[0] == "vacuum"]
