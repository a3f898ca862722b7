"""The PostGIS nearest statement as the database runs it: prepared once per connection
and then executed by its generic plan (no planning per request), its LIMITs written in
from integers only, and driver errors raised as SQLAlchemy's, with a broken connection
replaced as before."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy.exc as sa_exc
from flask import Flask
from sqlalchemy import Connection, create_engine, text

from stationmap.app_state import state
from stationmap.db import fetch_prepared
from stationmap.geo.nearest import Filters
from stationmap.services import postgis
from stationmap.services.postgis import sql_limit
from tests.conftest import POSTGRES_URL

needs_postgis = pytest.mark.skipif(
    not POSTGRES_URL, reason="set STATIONMAP_TEST_POSTGRES_URL to run against PostGIS"
)


@pytest.mark.parametrize("count", [1, 13, 4 * 50 + 12, 10**9])
def test_a_limit_is_the_integer_written_out(count: int) -> None:
    assert sql_limit(count) == str(count)
    assert int(sql_limit(count)) == count


@pytest.mark.parametrize(
    "count", [0, -5, True, False, 5.0, "5", "5; DROP TABLE station", None, 2**0.5]
)
def test_a_limit_refuses_anything_but_a_positive_int(count: object) -> None:
    with pytest.raises(ValueError):
        sql_limit(count)  # type: ignore[arg-type]


def _plans(conn: Connection) -> dict[str, tuple[int, int, list[str]]]:
    rows = fetch_prepared(
        conn,
        "SELECT statement, generic_plans, custom_plans, parameter_types::text[] "
        "FROM pg_prepared_statements",
        {},
    )
    return {statement: (generic, custom, types) for statement, generic, custom, types in rows}


@needs_postgis
@pytest.mark.parametrize("extra", [{}, {"amenity": "toilet"}])
def test_nearest_runs_on_a_generic_plan(pg_app: Flask, extra: dict[str, str]) -> None:
    """The quick pool forces generic plans (left to choose, PostgreSQL planned every
    request again when it costed the generic plan above the custom ones: with a bound
    LIMIT, as a sort of every station; with the capped scan, 10,948 against 10,275), so
    the one nearest statement is planned once per connection. This small database
    cannot show that cost, so the statement's parameters are checked too: coordinates,
    the moment and the codes, no count."""
    assert state(pg_app).nearest.uses_database()
    client = pg_app.test_client()
    for i in range(12):
        reply = client.get(
            "/api/v1/stations/nearest",
            query_string={"lat": 40.81 + i * 0.001, "lon": 111.66, "k": 5, **extra},
        )
        assert reply.status_code == 200, reply.get_data(as_text=True)
        assert len(reply.get_json()["features"]) == 5
    plans = state(pg_app).db.read(_plans)
    nearest = [counts for statement, counts in plans.items() if "geog <->" in statement]
    assert len(nearest) == 1, plans
    generic, custom, types = nearest[0]
    assert generic >= 6 and custom <= 6, plans
    assert set(types) <= {
        "double precision",
        "timestamp with time zone",
        "text",
        "unknown",
        "text[]",
        "character varying[]",
    }
    assert not {"smallint", "integer", "bigint", "numeric"} & set(types), types


@needs_postgis
def test_a_refused_statement_is_sqlalchemys_error(pg_app: Flask) -> None:
    database = state(pg_app).db
    with pytest.raises(sa_exc.DataError) as raised:
        database.read(lambda conn: fetch_prepared(conn, "SELECT 1 / %(zero)s", {"zero": 0}))
    assert not raised.value.connection_invalidated
    with pytest.raises(sa_exc.ProgrammingError):
        database.read(lambda conn: fetch_prepared(conn, "SELECT nothing FROM nowhere", {}))
    # The connection is still good for the next statement.
    assert database.read(lambda conn: fetch_prepared(conn, "SELECT 2", {})) == [(2,)]


@needs_postgis
def test_rows_fetched_in_binary_are_the_values_sqlalchemy_reads_as_text(pg_app: Flask) -> None:
    """The nearest statement's rows come in binary: the same ids, names, floats to the
    bit, times with their zone and code arrays as SQLAlchemy's own (text) execution
    gives them, with a temporary closure and an outage among them."""
    database = state(pg_app).db
    at = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    with database.write_engine.begin() as conn:
        first = conn.execute(
            text("SELECT min(id) FROM station WHERE status = 'active' AND deleted_at IS NULL")
        ).scalar_one()
        conn.execute(
            text("UPDATE station SET closed_until = :t, verified_at = :t WHERE id = :i"),
            {"t": datetime(2026, 11, 24, 1, 2, 3, 456789, tzinfo=UTC), "i": first},
        )
        conn.execute(
            text("INSERT INTO station_outage VALUES (:i, 'water', :t)"),
            {"i": first, "t": datetime(2026, 11, 25, tzinfo=UTC)},
        )
        lat, lon = conn.execute(
            text("SELECT lat, lon FROM station WHERE id = :i"), {"i": first}
        ).one()
    params: dict[str, object] = {"lat": lat, "lon": lon, "at": at}
    nothing = Filters()
    near = postgis._near_scope_sql(nothing, params)
    sql = postgis._nearest_sql(postgis._near_filter_sql(nothing, params), 13, 5, near, 64)
    binary = database.read(lambda conn: fetch_prepared(conn, sql, params))
    with database.engine.connect() as conn:
        as_text = [tuple(row) for row in conn.exec_driver_sql(sql, params)]
    assert binary == as_text
    assert binary[0][0] == first
    assert [type(value) for value in binary[0]] == [type(value) for value in as_text[0]]
    assert binary[0][11] == datetime(2026, 11, 24, 1, 2, 3, 456789, tzinfo=UTC)
    assert binary[0][-1] == ["water"]


@needs_postgis
def test_a_connection_lost_mid_statement_is_replaced(pg_app: Flask) -> None:
    """The server ends the pooled connection's backend: the statement fails as a
    disconnect, the pool drops that connection, and ``read`` runs it once more on a new
    one (as it did when the statement went through SQLAlchemy)."""
    database = state(pg_app).db
    first = database.read(lambda conn: fetch_prepared(conn, "SELECT pg_backend_pid()", {}))[0][0]
    attempts: list[int] = []

    def ends_its_own_backend(conn: Connection) -> list[tuple[object, ...]]:
        attempts.append(1)
        if len(attempts) == 1:
            return fetch_prepared(conn, "SELECT pg_terminate_backend(pg_backend_pid())", {})
        return fetch_prepared(conn, "SELECT pg_backend_pid()", {})

    second = database.read(ends_its_own_backend)[0][0]
    assert len(attempts) == 2
    assert second != first

    def lost(conn: Connection) -> list[tuple[object, ...]]:
        return fetch_prepared(conn, "SELECT pg_terminate_backend(pg_backend_pid())", {})

    with pytest.raises(sa_exc.OperationalError) as raised:
        database.read(lost)
    assert raised.value.connection_invalidated


@needs_postgis
def test_every_connection_the_server_ended_is_replaced(pg_app: Flask) -> None:
    """A restart ends every pooled connection at once: after the first statement fails
    as a disconnect, the retry must not be handed another dead connection from the
    pool (SQLAlchemy recycles every connection opened before the failure)."""
    database = state(pg_app).db
    engine = database.quick_engine
    held = [engine.connect(), engine.connect()]
    pids = [fetch_prepared(conn, "SELECT pg_backend_pid()", {})[0][0] for conn in held]
    for conn in held:
        conn.close()  # both back in the pool, both alive
    assert engine.pool.checkedin() == 2
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        ended = conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) AS pid"),
            {"pids": pids},
        ).scalars()
        assert list(ended) == [True, True]
    admin.dispose()
    now = database.read(lambda conn: fetch_prepared(conn, "SELECT pg_backend_pid()", {}))[0][0]
    assert now not in pids


def _geog_index_reads(conn: Connection) -> int:
    """Index entries that scans of the station's geography index have returned, as the
    server's statistics count them (this backend's own counts flushed first)."""
    conn.execute(text("SELECT pg_stat_force_next_flush()"))
    conn.execute(text("SELECT pg_stat_clear_snapshot()"))
    reads = conn.execute(
        text("SELECT idx_tup_read FROM pg_stat_user_indexes WHERE indexrelname = 'ix_station_geog'")
    ).scalar_one()
    return int(reads)


@needs_postgis
def test_filters_no_station_passes_do_not_walk_the_whole_index(
    pg_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the generic plan that a prepared statement settles on, the KNN scan once
    tested every station in distance order when no station passed the filters (0.6 to
    1.5 s at 200,000 stations). Now it looks at no more than ``NEAR_CAP`` stations and
    the filters go first: the geography index returns at most the cap twice (the
    capped scan, then its reach), however many stations there are."""
    monkeypatch.setattr(postgis, "NEAR_CAP", 64)
    engine = state(pg_app).db.quick_engine
    at = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    with engine.connect() as conn:
        stations = conn.execute(text("SELECT count(*) FROM station")).scalar_one()
        assert stations > 2 * 64
        # The plan the old statement got at 200,000 stations, on this small table:
        # generic, by the indexes, nested loops, no sort where an index gives the order.
        for setting in (
            "plan_cache_mode = force_generic_plan",
            "enable_seqscan = off",
            "enable_bitmapscan = off",
            "enable_hashjoin = off",
            "enable_mergejoin = off",
            "enable_sort = off",
        ):
            conn.execute(text(f"SET {setting}"))
        before = _geog_index_reads(conn)
        nothing = Filters(amenities=frozenset({"none"}))
        assert postgis.nearest(conn, 40.81, 111.66, 5, nothing, at, ZoneInfo("UTC")) == []
        read = _geog_index_reads(conn) - before
    # Each capped scan may read a few entries past its LIMIT (5 rows read 6 here).
    assert 0 < read <= 2 * (64 + 4), (read, stations)


def _reads(conn: Connection) -> tuple[int, int]:
    """Rows of station_amenity read (by any scan), and scans of the amenity codes' GIN
    index, as the server's statistics count them."""
    conn.execute(text("SELECT pg_stat_force_next_flush()"))
    conn.execute(text("SELECT pg_stat_clear_snapshot()"))
    rows, scans = conn.execute(
        text(
            "SELECT (SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
            "FROM pg_stat_user_tables WHERE relname = 'station_amenity'), "
            "(SELECT idx_scan FROM pg_stat_user_indexes "
            "WHERE indexrelname = 'ix_station_amenity_codes')"
        )
    ).one()
    return int(rows), int(scans)


@needs_postgis
def test_amenity_filters_read_the_codes_on_the_station_row(
    pg_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two amenities that many stations have each but none has both: neither the capped
    statement nor the filters-first one reads station_amenity (each station's codes are
    on its row), and the filters-first one finds the stations by the codes' GIN index.
    Joined with station_amenity, it read every station having the rarer amenity under
    the generic plan (250-400 ms for four rare amenities at 200,000 stations)."""
    monkeypatch.setattr(postgis, "NEAR_CAP", 64)
    database = state(pg_app).db
    with database.write_engine.begin() as conn:
        # The two commonest amenities, taken off the stations having the first from the
        # second: then each is had by many, both by none.
        first, second = conn.execute(
            text("SELECT amenity FROM station_amenity GROUP BY 1 ORDER BY count(*) DESC LIMIT 2")
        ).scalars()
        conn.execute(
            text(
                "DELETE FROM station_amenity WHERE amenity = :second AND station_id IN "
                "(SELECT station_id FROM station_amenity WHERE amenity = :first)"
            ),
            {"first": first, "second": second},
        )
    at = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    with database.quick_engine.connect() as conn:
        for setting in ("plan_cache_mode = force_generic_plan", "enable_seqscan = off"):
            conn.execute(text(f"SET {setting}"))
        rows_before, scans_before = _reads(conn)
        both = Filters(amenities=frozenset({first, second}))
        assert postgis.nearest(conn, 40.81, 111.66, 5, both, at, ZoneInfo("UTC")) == []
        rows_after, scans_after = _reads(conn)
    assert rows_after - rows_before == 0
    assert scans_after - scans_before >= 1


@needs_postgis
def test_open_now_when_no_station_is_open_does_not_read_them_all(
    pg_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 03:00 with every station open 08:00-20:00, nothing is open. The filters-first
    statement once handed back candidates four times as many at a time until it had
    read every station (17 s at 200,000); from its second round on it keeps only the
    hours texts open at that moment, so the rows handed back stay within its first
    round's."""
    monkeypatch.setattr(postgis, "NEAR_CAP", 64)
    handed: list[int] = []
    fetch = postgis.fetch_prepared

    def counting(conn: Connection, sql: str, params: dict[str, object]) -> list[tuple[object, ...]]:
        rows = fetch(conn, sql, params)
        if "kept AS" in sql:
            handed.append(len(rows))
        return rows

    monkeypatch.setattr(postgis, "fetch_prepared", counting)
    night = datetime(2026, 11, 23, 3, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with state(pg_app).db.engine.connect() as conn:
        stations = conn.execute(text("SELECT count(*) FROM station")).scalar_one()
        conn.execute(text("UPDATE station SET opening_hours = 'Mo-Su 08:00-20:00'"))
        found = postgis.nearest(
            conn, 40.81, 111.66, 10, Filters(open_at=night), night, ZoneInfo("Asia/Shanghai")
        )
        conn.rollback()
    assert found == []
    first_round = 4 * 10 + 12
    assert stations > 3 * first_round
    assert sum(handed) <= first_round, handed
