"""Many rows into one table in the caller's transaction, at the speed of the database's
own bulk path: PostgreSQL's ``COPY ... FROM STDIN`` (psycopg), one DBAPI
``executemany`` per batch elsewhere (SQLite).

Each value goes through its column's bind processor, as a Core ``insert()`` would send
it, so what is stored is the same; a value shared by every row (``constants``: the
import's time, its actor) is processed once. SQLAlchemy's own executemany spends more
time building and processing parameters than SQLite spends storing them
(bench/import.py).

New ids are taken before the rows are written (:func:`next_ids`), so nothing has to
be read back: from the table's sequence on PostgreSQL, after the highest id on SQLite
(whose write sessions hold the database's write lock, see
:func:`~stationmap.services.stations.lock_writes`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import JSON, Connection, Table, func, select, text
from sqlalchemy.exc import DBAPIError

BATCH = 5000

Processor = Callable[[Any], Any]


def next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` ids for new rows of ``table`` (an integer primary key ``id``), in
    increasing order, that no other row has or will be given."""
    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"table": table.name, "count": count},
        )
        return sorted(int(value) for (value,) in rows)
    last = connection.scalar(select(func.max(table.c.id))) or 0
    return list(range(int(last) + 1, int(last) + 1 + count))


def _processors(connection: Connection, table: Table, names: Sequence[str]) -> list[Processor]:
    """Each column's bind processor; JSON as the engine's serializer writes it (COPY
    takes text, where psycopg's own JSON wrapper is for parameters)."""
    dialect = connection.dialect
    serializer: Processor = getattr(dialect, "_json_serializer", None) or json.dumps
    out: list[Processor] = []
    for name in names:
        kind = table.c[name].type
        # dialect_impl: the dialect's own type (SQLite's DATETIME writes its format; the
        # generic type would leave the value to sqlite3's adapter), as Core uses it
        processor = (
            serializer
            if isinstance(kind, JSON)
            else kind.dialect_impl(dialect).bind_processor(dialect)
        )
        out.append(processor if processor is not None else _same)
    return out


def _same(value: Any) -> Any:
    return value


def insert_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
    done: Callable[[int], None] | None = None,
) -> int:
    """Insert ``rows`` (values in the order of ``columns``), each with ``constants``
    (column -> the value every row has); returns how many. ``done`` is called with
    the number written so far after each batch."""
    constants = dict(constants or {})
    names = [*columns, *constants]
    shared = tuple(
        processor(value) if value is not None else None
        for processor, value in zip(
            _processors(connection, table, list(constants)), constants.values(), strict=True
        )
    )
    processors = list(enumerate(_processors(connection, table, columns)))
    processors = [(i, p) for i, p in processors if p is not _same]

    def prepared(row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for i, processor in processors:
            if values[i] is not None:
                values[i] = processor(values[i])
        return (*values, *shared)

    preparer = connection.dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(name) for name in names)
    target = preparer.format_table(table)
    driver = connection.connection.driver_connection
    assert driver is not None
    dbapi_error: type[Exception] = connection.dialect.loaded_dbapi.Error
    cursor = driver.cursor()
    written = 0
    source = iter(rows)
    if connection.dialect.name == "postgresql":
        sql = f"COPY {target} ({quoted}) FROM STDIN"
    else:
        marks = ", ".join("?" for _ in names)
        sql = f"INSERT INTO {target} ({quoted}) VALUES ({marks})"  # noqa: S608 - quoted names
    try:
        if connection.dialect.name == "postgresql":
            with cursor.copy(sql) as copy:
                while batch := list(islice(source, BATCH)):
                    for row in batch:
                        copy.write_row(prepared(row))
                    written += len(batch)
                    if done is not None:
                        done(written)
        else:
            while batch := list(islice(source, BATCH)):
                cursor.executemany(sql, [prepared(row) for row in batch])
                written += len(batch)
                if done is not None:
                    done(written)
    except dbapi_error as exc:  # as SQLAlchemy raises it, for the callers' error handling
        raise DBAPIError.instance(sql, None, exc, dbapi_error) from exc
    finally:
        cursor.close()
    return written
