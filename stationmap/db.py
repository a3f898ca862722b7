"""Engine and sessions.

SQLite (the embedded default) runs in WAL mode with a busy timeout and foreign keys on.
SQLite's default deferred transactions fail at once with "database is locked" when a
transaction that has read tries to write while another writer holds the lock, whatever
the busy timeout; so write sessions start with ``BEGIN IMMEDIATE``, which takes the
write lock up front and waits for it. Reads stay deferred and never block writers.
SQLite answers some lock waits with SQLITE_BUSY at once, without its busy handler (a
connection recovering a large WAL left by a killed writer, for one), so a busy
``BEGIN IMMEDIATE`` is retried until the busy timeout has passed. A large write leaves
a large WAL file; once it passes :data:`SQLITE_WAL_CHECKPOINT_BYTES` the next commit
(and the first connection of a process) checkpoints and truncates it, and
``journal_size_limit`` keeps later checkpoints from leaving it large.

On SQLite the R*Tree ``station_box`` (migration 0004) is kept current by triggers; a
large insert of new stations fills it in one statement instead
(:func:`station_boxes_in_bulk`).

PostgreSQL is selected by a ``postgresql+psycopg://`` URL; :meth:`Database.has_postgis` tells
whether the PostGIS extension is there.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from alembic.config import Config

T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024
_BEGIN_RETRY_S = 0.02

#: SQLite: the trigger that gives each new station its box in the R*Tree ``station_box``.
#: Migration 0004 keeps its own copy (what it made then); this is the one the code makes
#: again after a bulk insert (:func:`station_boxes_in_bulk`).
STATION_BOX_INSERT_TRIGGER = (
    "CREATE TRIGGER station_box_insert AFTER INSERT ON station BEGIN "
    "INSERT INTO station_box VALUES (new.id, new.lon, new.lon, new.lat, new.lat); END"
)
#: From this many new stations on, :func:`station_boxes_in_bulk` fills the R*Tree in one
#: statement. The trigger costs about 55 us a row more than the one statement (7.1 s
#: against 1.6 s + 0.9 s for 100,000 rows). Dropping and making it again costs 0.5 ms,
#: but it is a schema change: every other open connection (two or so per worker
#: process) then reads the schema again, about 1 ms each here, and prepares its
#: statements anew. At 500 rows the trigger would cost about 27 ms, well above that.
BULK_BOX_ROWS = 500


@dataclass(frozen=True)
class Database:
    """An engine for reads and the same pool with ``BEGIN IMMEDIATE`` for writes, and
    on PostgreSQL a small pool for the hot path's one-statement reads (see
    :meth:`read`)."""

    engine: Engine
    write_engine: Engine
    quick_engine: Engine
    _postgis: list[bool] = field(default_factory=list, compare=False, repr=False)
    sqlite_wal: Path | None = None  # the WAL file of a SQLite database

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def has_postgis(self) -> bool:
        """True when the database is PostgreSQL with PostGIS and the spatial columns.
        Decided once per process, on first use (when the database is reachable): every
        part of the app then agrees on it until the process restarts."""
        if not self._postgis:
            self._postgis.append(self.is_postgres and _spatial_ready(self.engine))
        return self._postgis[0]

    def session(self) -> Session:
        """A session for reading (and for writes that tolerate a retry)."""
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session whose transaction holds the write lock from its first statement;
        committed on success, rolled back on error."""
        session = Session(self.write_engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        if self.sqlite_wal is not None and _large_file(self.sqlite_wal):
            checkpoint(self.engine)

    def read(self, query: Callable[[Connection], T]) -> T:
        """Run ``query`` (reads needing no snapshot across statements: in practice one
        statement) on a connection of the quick pool.

        On PostgreSQL that pool is in autocommit mode and does not ping before use: no
        BEGIN, ROLLBACK or ping round trips, which are most of a nearest query's cost.
        A connection that a database restart has broken fails its statement instead;
        the pool then drops every connection it held, and the query is run once more
        on a new one. An outage that lasts still raises (the API answers 503).
        """
        for attempt in (1, 2):
            try:
                with self.quick_engine.connect() as conn:
                    return query(conn)
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
        if self.quick_engine is not self.engine:
            self.quick_engine.dispose()


def fetch_prepared(conn: Connection, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (psycopg's ``%(name)s`` placeholders), run on ``conn``'s own
    psycopg connection as a statement prepared on the server at its first use there.

    For the hot path's one statement: it skips SQLAlchemy's compilation and result
    objects, and PostgreSQL plans the statement once per connection. Rows come in
    binary (the same values; a quarter less of this process's CPU than parsing text for
    a nearest answer's numbers, times and arrays). A driver error is
    handed to SQLAlchemy's own handler for errors of ``conn``, so it is raised exactly
    as ``conn.execute`` raises it: as SQLAlchemy's class for it (``OperationalError``,
    ``DataError``...), and after a disconnect with that connection invalidated and
    every connection the pool opened before it recycled (so :meth:`Database.read`
    retries on a new one).
    """
    raw: Any = conn.connection.dbapi_connection
    cursor = raw.cursor(binary=True)
    try:
        cursor.execute(sql, params, prepare=True)
        return list(cursor.fetchall())
    except conn.dialect.loaded_dbapi.Error as exc:
        # Private to SQLAlchemy, but the one place that maps, invalidates and runs the
        # engine's handle_error hooks; tests/integration/test_postgis_statement.py and
        # tests/faults/test_postgres_restart.py hold it to that.
        conn._handle_dbapi_exception(exc, sql, dict(params), cursor, None)
        raise  # not reached: the handler raises
    finally:
        cursor.close()


def connect(url: str, **engine_kwargs: Any) -> Database:
    """Create the engines for ``url``; for SQLite, create the file's folder."""
    parsed = make_url(url)
    wal = None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            wal = Path(parsed.database + "-wal")
        engine = create_engine(url, **engine_kwargs)
        _configure_sqlite(engine, wal)
        quick = engine  # in-process: no round trips to save
    else:
        # The quick pool runs the nearest statements, each prepared once per connection
        # (fetch_prepared): planned once, not per request. Left to choose, PostgreSQL
        # went on planning the capped KNN statement at every execution, because it
        # costs its generic plan a little above the custom ones (10,948 against 10,275
        # at 200,000 stations), about half a millisecond of the server's CPU a request.
        connect_args = dict(engine_kwargs.get("connect_args", {}))
        options = connect_args.get("options", "")
        connect_args["options"] = f"{options} -c plan_cache_mode=force_generic_plan".strip()
        quick = create_engine(
            url,
            **{
                **engine_kwargs,
                "isolation_level": "AUTOCOMMIT",
                "pool_pre_ping": False,
                "connect_args": connect_args,
            },
        )
        engine_kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **engine_kwargs)
    return Database(engine, engine.execution_options(stationmap_write=True), quick, sqlite_wal=wal)


@contextmanager
def station_boxes_in_bulk(connection: Connection, ids: Sequence[int]) -> Iterator[None]:
    """Around the insert of new stations ``ids`` (increasing, consecutive): on SQLite,
    from :data:`BULK_BOX_ROWS` of them on, the per-row R*Tree trigger is dropped and
    their boxes are written in one statement afterwards, then the trigger is made again
    (:data:`STATION_BOX_INSERT_TRIGGER`). Elsewhere, for fewer rows, or without the
    trigger (a schema not made by the migrations), it does nothing.

    All of it is in the caller's transaction, and SQLite's DDL is transactional: a
    rollback brings back the trigger as it was. The transaction holds the write lock
    from the drop on, so no other connection writes a station meanwhile; readers keep
    seeing the schema with the trigger until the commit. If the insert fails the boxes
    of the rows written so far are added and the trigger made again before the error
    goes on, so even a caller that commits anyway leaves the index whole."""
    if (
        connection.dialect.name != "sqlite"
        or len(ids) < BULK_BOX_ROWS
        or ids[-1] - ids[0] + 1 != len(ids)
        or not connection.scalar(
            text("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": "station_box_insert"},
        )
    ):
        yield
        return
    connection.execute(text("DROP TRIGGER station_box_insert"))
    try:
        yield
    except BaseException:
        with suppress(DBAPIError):  # the caller's rollback undoes it all anyway
            _fill_boxes(connection, ids[0], ids[-1])
        raise
    _fill_boxes(connection, ids[0], ids[-1])


def _fill_boxes(connection: Connection, first: int, last: int) -> None:
    connection.execute(
        text(
            "INSERT INTO station_box SELECT id, lon, lon, lat, lat FROM station "
            "WHERE id BETWEEN :first AND :last"
        ),
        {"first": first, "last": last},
    )
    connection.execute(text(STATION_BOX_INSERT_TRIGGER))


def _large_file(path: Path) -> bool:
    try:
        return path.stat().st_size > SQLITE_WAL_CHECKPOINT_BYTES
    except OSError:
        return False


def checkpoint(engine: Engine) -> None:
    """On SQLite, copy the WAL into the database and truncate it (waits for readers
    within the busy timeout; a checkpoint that cannot finish now is left for later)."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()  # outside any transaction (autocommit, see below)
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    except sqlite3.Error:
        pass  # busy past the timeout: the write itself succeeded; a later one retries
    finally:
        raw.close()


def _busy(exc: sqlite3.OperationalError) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    )


def _begin_immediate(dbapi_conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, retried while SQLite answers "busy" at once (when its busy
    handler was not called), until the busy timeout has passed."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            dbapi_conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() >= deadline:
                raise OperationalError("BEGIN IMMEDIATE", {}, exc) from exc
        time.sleep(_BEGIN_RETRY_S)


def _configure_sqlite(engine: Engine, wal: Path | None) -> None:
    opened: list[bool] = []

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA journal_size_limit={SQLITE_WAL_CHECKPOINT_BYTES}")
        if not opened:
            opened.append(True)
            if wal is not None and _large_file(wal):
                # A WAL left large (an import killed mid-write): checkpoint it now,
                # once, rather than under concurrent writers.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("stationmap_write"):
            _begin_immediate(conn.connection.dbapi_connection)
        else:
            conn.exec_driver_sql("BEGIN")


def _spatial_ready(engine: Engine) -> bool:
    with engine.connect() as conn:
        return spatial_columns_exist(conn)


def spatial_columns_exist(conn: Connection) -> bool:
    return bool(
        conn.execute(
            text(
                "SELECT count(*) = 2 FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND "
                "((table_name = 'station' AND column_name = 'geog') OR "
                "(table_name = 'district' AND column_name = 'geom'))"
            )
        ).scalar()
    )


# Spatial columns on PostGIS, derived by the database from the plain columns every
# backend has, so no application code writes them: stations as geography points (GiST,
# for KNN and geodesic distances) and districts as geometries (GiST, for ST_Covers).
SPATIAL_DDL = (
    "ALTER TABLE station ADD COLUMN IF NOT EXISTS geog geography(Point, 4326) "
    "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) STORED",
    "CREATE INDEX IF NOT EXISTS ix_station_geog ON station USING gist (geog)",
    # Planar lon/lat boxes (the API's bbox) match this one exactly.
    "CREATE INDEX IF NOT EXISTS ix_station_point ON station USING gist ((geog::geometry))",
    "ALTER TABLE district ADD COLUMN IF NOT EXISTS geom geometry(MultiPolygon, 4326) "
    "GENERATED ALWAYS AS (ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(boundary_geojson), 4326))) "
    "STORED",
    "CREATE INDEX IF NOT EXISTS ix_district_geom ON district USING gist (geom)",
)


def postgis_instructions(conn: Connection) -> str:
    database = conn.execute(text("SELECT current_database()")).scalar()
    return (
        "PostGIS is not enabled in this database and this account may not enable it. "
        "An operator must install PostGIS on the server (Debian: apt-get install "
        "postgresql-15-postgis-3) and, as a superuser, run:\n"
        f'    psql -d "{database}" -c "CREATE EXTENSION IF NOT EXISTS postgis;"\n'
        "then run `stationmap init-db` again. Until then nearest queries run in the "
        "application."
    )


def ensure_spatial(conn: Connection) -> bool:
    """On PostgreSQL, enable PostGIS if this account may, and add the spatial columns
    and indexes (idempotent). Returns whether they exist afterwards; never raises for
    a missing extension or right."""
    if conn.dialect.name != "postgresql":
        return False
    installed = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).scalar()
    if not installed:
        available = conn.execute(
            text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
        ).scalar()
        if not available:
            return False
        try:
            with conn.begin_nested():
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        except DBAPIError:
            return False
    for statement in SPATIAL_DDL:
        conn.execute(text(statement))
    return True


def alembic_config(database: Database) -> Config:
    # alembic is imported here, by the commands that migrate, not by every process.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = database.write_engine
    return cfg


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the Alembic migrations."""
    from alembic import command

    command.upgrade(alembic_config(database), revision)
