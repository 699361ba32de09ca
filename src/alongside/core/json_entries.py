"""Counting the entries of JSON object columns in the database, in SQL that PostgreSQL and
SQLite both run.

Answers are stored as one JSON object per questionnaire (item code to value). A report wants
them counted by item and value; reading every object into Python to count them took seconds at
national scale. `count_entries` expands each object into (key, value) rows with the database's
own JSON function (`jsonb_each` on PostgreSQL, `json_each` on SQLite) and counts them with one
GROUP BY. Values come back as Python values decoded from their JSON text, so a JSON string
"3" stays the string "3" and never passes for the number 3.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection

# The (key, value) rows of the object in the column `{column}` of each row, and each value as
# JSON text (SQLite's json_each gives the bare value; json_quote writes it back as JSON).
_EACH = {
    "postgresql": ("CROSS JOIN LATERAL jsonb_each({column}) AS entry", "entry.value::text"),
    "sqlite": ("CROSS JOIN json_each({column}) AS entry", "json_quote(entry.value)"),
}


def count_entries(
    from_sql: str,
    params: Sequence[Any],
    column: str,
    *,
    group_by: Sequence[str] = (),
    keys: Sequence[str] | None = None,
) -> list[tuple[Any, ...]]:
    """Rows of (*group_by, key, value, count): how many times each key held each value.

    `from_sql` is a table or a parenthesised subquery, with an alias, whose rows hold a JSON
    object in `column` (with `params` for its placeholders); `group_by` are further SQL
    expressions to count by. With `keys`, only those keys are counted. Alongside runs on
    PostgreSQL and SQLite; any other database gets a RuntimeError saying so.
    """
    if connection.vendor not in _EACH:
        raise RuntimeError(f"JSON entries cannot be counted on {connection.vendor}")
    each, value = _EACH[connection.vendor]
    groups = [*group_by, "entry.key", value]
    where, extra = "", []
    if keys is not None:
        if not keys:
            return []
        where = f"WHERE entry.key IN ({', '.join(['%s'] * len(keys))})"
        extra = list(keys)
    sql = (
        f"SELECT {', '.join(groups)}, COUNT(*) FROM {from_sql} "  # noqa: S608 - SQL of our own
        f"{each.format(column=column)} {where} GROUP BY {', '.join(groups)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *extra])
        rows = cursor.fetchall()
    return [(*row[:-3], row[-3], _decoded(row[-2]), row[-1]) for row in rows]


def _decoded(text: str | None) -> Any:
    return None if text is None else json.loads(text)
