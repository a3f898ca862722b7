"""Many rows into one table in the caller's transaction, at the speed of the database's
own bulk path: PostgreSQL's ``COPY ... FROM STDIN`` (psycopg), one DBAPI
``executemany`` per batch elsewhere (SQLite).

Each value goes through its column's bind processor, as a Core ``insert()`` would send
it, so what is stored is the same; a value shared by every row (``constants``: the
import's time, its actor) is processed once. JSON is written by :func:`json_text`, the
same text as ``json.dumps`` (the engines' serializer) for less work; a caller that
already has a column's JSON text names the column in ``encoded``. SQLAlchemy's own
executemany spends more time building and processing parameters than SQLite spends
storing them (bench/import.py).

New ids are taken before the rows are written (:func:`next_ids`), so nothing has to
be read back: a block of the table's sequence on PostgreSQL, after the highest id on
SQLite, both under the lock that serialises the table's inserts (see
:func:`~stationmap.services.stations.lock_writes`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import JSON, Connection, String, Table, any_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement

BATCH = 5000
#: SQLite's page cache, in KiB, while a bulk write runs (its default is 2,000). The
#: station table's indexes take rows in no order of theirs (lat, lon); with the default
#: cache their pages went out to the WAL and back many times: 100,000 stations with
#: their revisions wrote 451 MB, with 16 MB or more 205-211 MB (bench/import.py).
BULK_CACHE_KIB = 32 * 1024

Processor = Callable[[Any], Any]

_string = json.encoder.encode_basestring_ascii  # what json.dumps writes for a str
_float = float.__repr__  # and for a finite float


def json_text(value: Any) -> str:
    """``json.dumps(value)``, with its default settings (ASCII only, ``", "`` and
    ``": "``), the same text for less work on the values rows hold: strings, None,
    finite floats and lists of them; anything else is left to ``json.dumps``."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if value is None:
        return "null"
    if kind is list:
        return "[" + ", ".join([json_text(item) for item in value]) + "]" if value else "[]"
    if kind is float and value - value == 0.0:  # finite: json.dumps writes NaN, Infinity
        return _float(value)
    return json.dumps(value)


def next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` ids for new rows of ``table`` (an integer primary key ``id``), in
    increasing order, that no other row has or will be given. The caller holds the
    lock that serialises inserts into ``table`` (for stations
    :func:`~stationmap.services.stations.lock_writes`).

    On PostgreSQL one statement moves the table's sequence (a serial's: step 1) past
    the block: ``nextval`` gives its first id, ``setval`` its last. Asking ``nextval``
    once per row cost the server about 3 µs a row (0.3 s for 100,000) before the first
    row could be written. Ids are never handed out twice: a ``nextval`` slipping
    between the two calls would need an insert that does not hold the lock."""
    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        last = connection.scalar(
            text(
                "SELECT setval(s.seq, nextval(s.seq) + :count - 1) FROM (SELECT "
                "CAST(pg_get_serial_sequence(:table, 'id') AS regclass) AS seq) AS s"
            ),
            {"table": table.name, "count": count},
        )
    else:
        last = (connection.scalar(select(func.max(table.c.id))) or 0) + count
    return list(range(int(last) - count + 1, int(last) + 1))


def one_of(
    connection: Connection,
    column: ColumnElement[str] | InstrumentedAttribute[str],
    values: Sequence[str],
) -> ColumnElement[bool]:
    """``column IN values`` for many text values, sent as one parameter (a PostgreSQL
    array; a JSON array read by SQLite's ``json_each``): one query however many values,
    where ``in_`` sends a parameter per value and a long list takes a query per chunk."""
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    listed = select(text("value")).select_from(
        func.json_each(bindparam(None, json.dumps(list(values)), type_=String))
    )
    return column.in_(listed.scalar_subquery())


def _processors(connection: Connection, table: Table, names: Sequence[str]) -> list[Processor]:
    """Each column's bind processor; JSON as the engine's serializer writes it (COPY
    takes text, where psycopg's own JSON wrapper is for parameters)."""
    dialect = connection.dialect
    serializer: Processor = _json_serializer(connection) or json_text
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


def _json_serializer(connection: Connection) -> Processor | None:
    """The engine's own JSON serializer, if it was given one (None: ``json.dumps``)."""
    serializer = getattr(connection.dialect, "_json_serializer", None)
    return None if serializer in (None, json.dumps) else serializer


def _same(value: Any) -> Any:
    return value


def insert_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
    done: Callable[[int], None] | None = None,
    encoded: Collection[str] = (),
) -> int:
    """Insert ``rows`` (values in the order of ``columns``), each with ``constants``
    (column -> the value every row has); returns how many. ``done`` is called with
    the number written so far after each batch. The JSON columns named in ``encoded``
    are given as their text, as ``json.dumps`` writes it (:func:`json_text`)."""
    if encoded and _json_serializer(connection) is not None:
        raise ValueError("encoded JSON needs the engine's default JSON serializer")
    constants = dict(constants or {})
    names = [*columns, *constants]
    shared = tuple(
        processor(value) if value is not None else None
        for processor, value in zip(
            _processors(connection, table, list(constants)), constants.values(), strict=True
        )
    )
    processors = [
        (i, p)
        for i, p in enumerate(_processors(connection, table, columns))
        if p is not _same and columns[i] not in encoded
    ]

    def prepared(row: Sequence[Any]) -> Sequence[Any]:
        if not processors:
            return (*row, *shared) if shared else row
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


@contextmanager
def bulk_page_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, a page cache of at least :data:`BULK_CACHE_KIB` for this connection
    while the block runs, then its size before (a pooled connection goes back as it
    came, whatever the block raised); elsewhere nothing. Grown as pages are read,
    the cache takes that memory only for a write that needs it."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    page = int(connection.exec_driver_sql("PRAGMA page_size").scalar_one())
    kib = -before if before < 0 else before * page // 1024
    if kib >= BULK_CACHE_KIB:
        yield
        return
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")
