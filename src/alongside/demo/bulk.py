"""Bulk writes for the demo loader: COPY on PostgreSQL, `executemany` on SQLite.

A `BulkWriter` takes a model, the names of the fields a row gives and rows as tuples of plain
values (numbers, text, booleans, dates, decimals, None, and dicts or `JsonText` for JSON fields),
in that order. It writes them in batches, in the caller's transaction, as `bulk_create` would
but without building a model instance per row: at a national scale's tens of millions of rows,
building and saving instances is most of the time. Fields a row does not give get what
`bulk_create` would give them: the time now for `auto_now`/`auto_now_add`, their default, or
NULL. Like `bulk_create`, it sends no signals and runs no `save()`.

Child rows need their parent's key before the parent is written, so a writer can hand out keys
itself (`keys=True`, then `add_keyed`): on PostgreSQL it reserves blocks of them from the
table's sequence (`setval`), on SQLite it counts on from the largest in use. Either way the
sequence ends where the rows end, so later inserts carry on after them.

On PostgreSQL, writers can share a `Sender`, which runs their COPY statements in order on a
second thread: the server takes in one batch while Python makes the next, on two cores at once.

`defer_checks_and_indexes` is the other half of a fast PostgreSQL load, as PostgreSQL's own
advice for populating a database has it: drop a table's foreign keys, unique constraints and
secondary indexes, load, then build them again in one pass each. Everything happens in the
caller's transaction, so a failed load leaves the schema as it was.
"""

from __future__ import annotations

import contextlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

CHUNK_ROWS = 20_000
"""Rows buffered per table before they are written: one COPY or `executemany` each."""

T = TypeVar("T")


class Sender:
    """Runs the writes of one PostgreSQL connection in order, on a second thread.

    Everything that talks to the database while writes are queued goes through the sender too
    (`call`), so statements reach the server in the order they were made. psycopg connections
    may be shared between threads; Django's wrapper may not, so the raw connection is used. At
    most `AHEAD` writes wait their turn, so memory stays flat. A failed write is raised in the
    caller's thread, at its next write or when the sender closes. Use it as a context manager:
    leaving waits for every write, so the connection is the caller's alone again.
    """

    AHEAD = 2

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        connection = connections[using]
        if connection.vendor != "postgresql":
            raise ValueError("A sender is for PostgreSQL: elsewhere writers write as they go.")
        connection.ensure_connection()
        self.connection = connection
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-bulk")
        self.waiting: deque[Future[Any]] = deque()

    def run(self, job: Callable[[], T]) -> Future[T]:
        """Queue `job`; wait first if too many are queued already."""
        future = self.pool.submit(job)
        self.waiting.append(future)
        while len(self.waiting) > self.AHEAD:
            self.waiting.popleft().result()
        return future

    def call(self, job: Callable[[], T]) -> T:
        """Run `job` after everything queued, and return what it returns."""
        return self.run(job).result()

    def wait(self) -> None:
        while self.waiting:
            self.waiting.popleft().result()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        try:
            if kind is None:
                self.wait()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=kind is not None)


class JsonText(str):
    """A JSON field's value already encoded, for values that repeat: written as it is."""

    __slots__ = ()


def _fixed_value(field: models.Field[Any, Any]) -> tuple[bool, Any]:
    """(True, value) for a field a row does not give, as `bulk_create` would fill it in; (False,
    None) when the database fills it in itself."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        now = timezone.now()
        return True, now if isinstance(field, models.DateTimeField) else timezone.localdate(now)
    if field.db_default is not models.NOT_PROVIDED:
        return False, None
    value = field.get_default()  # as a new instance has it: the default, "" or None
    if value is None and not field.null:
        raise ValueError(
            f"{field.model._meta.label}.{field.name} has no default: name it in the writer's "
            "fields."
        )
    return True, value


class BulkWriter:
    """Writes one model's rows in batches; see the module's docstring.

    Use it as a context manager, or call `close()` when done: either writes what is buffered
    and leaves the table's key sequence after the last row. On an exception nothing more is
    written (the caller's transaction is failing anyway).
    """

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        *,
        keys: bool = False,
        using: str = DEFAULT_DB_ALIAS,
        chunk_rows: int = CHUNK_ROWS,
        on_write: Callable[[int], None] | None = None,
        sender: Sender | None = None,
    ) -> None:
        self.model = model
        self.connection = connections[using]
        self.chunk_rows = chunk_rows
        self.on_write = on_write
        self.sender = sender
        self.written = 0
        opts = model._meta
        by_name: dict[str, models.Field[Any, Any]] = {}
        for field in opts.concrete_fields:
            by_name[field.name] = field
            by_name[field.attname] = field
        unknown = [name for name in fields if name not in by_name]
        if unknown:
            raise ValueError(f"{opts.label} has no field {', '.join(unknown)}.")
        named = [by_name[name] for name in fields]
        pk = opts.pk
        assert pk is not None
        if pk in named:
            raise ValueError(f"{opts.label}: let the writer give keys (keys=True) instead.")
        given = [pk, *named] if keys else named
        fixed_fields: list[models.Field[Any, Any]] = []
        fixed_values: list[Any] = []
        for field in opts.concrete_fields:
            if field in given or field.primary_key:
                continue
            write, value = _fixed_value(field)
            if write:
                fixed_fields.append(field)
                fixed_values.append(field.get_db_prep_save(value, self.connection))
        self.fixed = tuple(fixed_values)
        self.json = tuple(
            (position, field)
            for position, field in enumerate(given)
            if isinstance(field, models.JSONField)
        )
        quote = self.connection.ops.quote_name
        self.table = quote(opts.db_table)
        columns = ", ".join(quote(str(field.column)) for field in (*given, *fixed_fields))
        self.copy_types = self._binary_types([*given, *fixed_fields])
        if self.connection.vendor == "postgresql":
            binary = " (FORMAT BINARY)" if self.copy_types else ""
            self.statement = f"COPY {self.table} ({columns}) FROM STDIN{binary}"
        else:
            placeholders = ", ".join(["%s"] * (len(given) + len(fixed_fields)))
            # Only names from the model's own metadata are formatted in; values are parameters.
            self.statement = f"INSERT INTO {self.table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.rows: list[tuple[Any, ...]] = []
        self.keys = _Keys(self.connection, opts.db_table, str(pk.column), sender) if keys else None

    def _binary_types(self, fields: Sequence[models.Field[Any, Any]]) -> list[str]:
        """PostgreSQL's names for the columns' types, for a binary COPY (which the server reads
        faster than text: dates and numbers need no parsing); none if a type is one psycopg
        cannot write in binary from plain values (JSON, or one it does not know)."""
        if self.connection.vendor != "postgresql":
            return []
        self.connection.ensure_connection()
        known = self.connection.connection.adapters.types
        names = []
        for field in fields:
            name = (field.db_type(self.connection) or "").split("(")[0].strip()
            if not name or name in ("json", "jsonb") or known.get(name) is None:
                return []
            names.append(name)
        return names

    def add(self, row: tuple[Any, ...]) -> None:
        """Buffer a row of the named fields (with a new key, if the writer gives keys); written
        when the batch is full."""
        self.rows.append(row if self.keys is None else (self.keys.next(), *row))
        if len(self.rows) >= self.chunk_rows:
            self.flush()

    def add_keyed(self, row: tuple[Any, ...]) -> int:
        """Buffer a row with a new key, and return the key."""
        if self.keys is None:
            raise TypeError("This writer was made without keys=True.")
        key = self.keys.next()
        self.rows.append((key, *row))
        if len(self.rows) >= self.chunk_rows:
            self.flush()
        return key

    def flush(self) -> None:
        """Write the buffered rows now (or queue them, with a sender)."""
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        if self.sender is None:
            self._write(rows)
        else:
            self.sender.run(lambda: self._write(rows))

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        if self.json:
            rows = [self._encode_json(row) for row in rows]
        fixed = self.fixed
        if self.connection.vendor == "postgresql":
            # The raw connection: this may run on a sender's thread, where Django's is not ours.
            # Its errors are raised as Django's, as a query's would be.
            raw = self.connection.connection
            with (
                self.connection.wrap_database_errors,
                raw.cursor() as cursor,
                cursor.copy(self.statement) as copy,
            ):
                if self.copy_types:
                    copy.set_types(self.copy_types)
                write = copy.write_row
                for row in rows:
                    write(row + fixed)
        else:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.statement, [row + fixed for row in rows])
        self.written += len(rows)
        if self.on_write is not None:
            self.on_write(len(rows))

    def _encode_json(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for position, field in self.json:
            value = values[position]
            if type(value) is not JsonText:
                values[position] = field.get_db_prep_save(value, self.connection)
        return tuple(values)

    def close(self) -> int:
        """Write what is buffered, leave the key sequence after the last row; rows written."""
        self.flush()
        if self.keys is not None:
            self.keys.close()
        return self.written

    @property
    def pending(self) -> int:
        """Rows buffered and not yet written."""
        return len(self.rows)

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if kind is None:
            self.close()


class _Keys:
    """New primary keys for one table, handed out in order.

    PostgreSQL: keys come from the table's own sequence, a block at a time (`setval` moves it
    past the block), with the table locked against other writers so the blocks follow on; at the
    end the sequence is set back to the last key used. SQLite: the write transaction already
    holds the database, and AUTOINCREMENT's counter follows the largest key inserted.
    """

    BLOCK = 1_000_000
    """Keys reserved at a time: each reservation waits for the writes queued before it."""

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        table: str,
        column: str,
        sender: Sender | None = None,
    ) -> None:
        self.connection = connection
        self.sender = sender
        self.table = connection.ops.quote_name(table)
        self.column = connection.ops.quote_name(column)
        self.sequence = ""
        # PostgreSQL: the first key asked for reserves the first block. SQLite: no blocks.
        self.next_key = 1
        self.block_end: int | None = 0
        if connection.vendor == "postgresql":
            self.sequence = self._query(
                "SELECT pg_get_serial_sequence(%s, %s)",
                [self.table, column],
                first=f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE",
            )
            return
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX({self.column}), 0) FROM {self.table}")  # noqa: S608
            largest = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            counter = cursor.fetchone()
        self.next_key = max(largest, counter[0] if counter else 0) + 1
        self.block_end = None

    def next(self) -> int:
        if self.block_end is not None and self.next_key > self.block_end:
            self._reserve()
        key = self.next_key
        self.next_key += 1
        return key

    def _reserve(self) -> None:
        """Move the sequence past a new block (never below a key already in the table)."""
        block_end: int = self._query(
            f"SELECT setval(%s, GREATEST(nextval(%s), "  # noqa: S608
            f"(SELECT COALESCE(MAX({self.column}), 0) + 1 FROM {self.table})) + %s - 1)",
            [self.sequence, self.sequence, self.BLOCK],
        )
        self.block_end = block_end
        self.next_key = block_end - self.BLOCK + 1

    def close(self) -> None:
        if self.block_end is None or not self.sequence or self.next_key > self.block_end:
            return
        if self.next_key > 1:
            self._query("SELECT setval(%s, %s)", [self.sequence, self.next_key - 1])
        else:
            self._query("SELECT setval(%s, 1, false)", [self.sequence])

    def _query(self, sql: str, params: list[Any], first: str = "") -> Any:
        """One value from PostgreSQL (after running `first`, if given), in turn with the
        sender's writes if there is one."""

        def query() -> Any:
            with (
                self.connection.wrap_database_errors,
                self.connection.connection.cursor() as cursor,
            ):
                if first:
                    cursor.execute(first)
                cursor.execute(sql, params)
                return cursor.fetchone()[0]

        return query() if self.sender is None else self.sender.call(query)


@contextlib.contextmanager
def sending(using: str = DEFAULT_DB_ALIAS) -> Iterator[Sender | None]:
    """A `Sender` on PostgreSQL; None elsewhere, where writers write as they go."""
    if connections[using].vendor != "postgresql":
        yield None
        return
    with Sender(using) as sender:
        yield sender


def write_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    keys: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    on_write: Callable[[int], None] | None = None,
    sender: Sender | None = None,
) -> array[int]:
    """Write every row; return the new keys in order when `keys`, else an empty array."""
    new_keys: array[int] = array("q")
    with BulkWriter(
        model, fields, keys=keys, using=using, on_write=on_write, sender=sender
    ) as writer:
        if keys:
            for row in rows:
                new_keys.append(writer.add_keyed(row))
        else:
            for row in rows:
                writer.add(row)
    return new_keys


def defer_checks_and_indexes(
    models_: Sequence[type[models.Model]], *, using: str = DEFAULT_DB_ALIAS
) -> Callable[[], None]:
    """Drop what slows a bulk load of the tables down; return the function that builds it again.

    Call the function once the tables are loaded, in the same transaction. Primary keys and
    check constraints stay.

    PostgreSQL: foreign keys, unique constraints (unless a foreign key relies on one) and
    secondary indexes go. Rebuilding checks every row at once, so a row that breaks a
    constraint fails the whole load, as it would have row by row. Pending deferred checks are
    run first (an altered table may have none), and constraints are deferred again at the end,
    as Django makes them.

    Elsewhere nothing is dropped and the function does nothing. (On SQLite, a deferred foreign
    key whose child rows come before their parent is checked by searching the child table for
    each parent row written: without its index, a national load would take hours.)
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return _nothing
    quote = connection.ops.quote_name
    saved: list[tuple[str, list[tuple[str, str]], list[str]]] = []
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in models_:
            table = quote(model._meta.db_table)
            # Unique constraints first ('u' sorts after 'f'), so that they are rebuilt before
            # the foreign keys.
            cursor.execute(
                """
                SELECT c.conname, pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.conrelid = %s::regclass
                  AND (c.contype = 'f' OR (c.contype = 'u' AND NOT EXISTS (
                      SELECT 1 FROM pg_constraint f
                      WHERE f.contype = 'f' AND f.conindid = c.conindid)))
                ORDER BY c.contype DESC, c.conname
                """,
                [table],
            )
            constraints = [(name, definition) for name, definition in cursor.fetchall()]
            cursor.execute(
                """
                SELECT ci.relname, pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
                WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
                  AND NOT EXISTS (
                      SELECT 1 FROM pg_constraint c
                      WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)
                ORDER BY ci.relname
                """,
                [table],
            )
            indexes = cursor.fetchall()
            for name, _ in constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
            saved.append((table, constraints, [definition for _, definition in indexes]))

    def rebuild() -> None:
        with connection.cursor() as cursor:
            # Memory to sort a national table's keys and to check its foreign keys in one go,
            # for this transaction only.
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            for table, constraints, indexes in saved:
                for definition in indexes:
                    cursor.execute(definition)
                for name, definition in constraints:
                    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
            for table, _, _ in saved:
                cursor.execute(f"ANALYZE {table}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    return rebuild


def _nothing() -> None:
    """Nothing to rebuild."""
