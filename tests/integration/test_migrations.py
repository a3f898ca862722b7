"""Models against migrations, and migrations down and up again, on each backend.

After ``upgrade head`` the database must hold exactly what ``stationmap/models.py``
declares (Alembic's ``compare_metadata``), apart from what the migrations add on purpose
outside the models and the models cannot declare:

- SQLite: the R*Tree of station positions (``station_box`` and the shadow tables SQLite
  keeps for it: ``station_box_node``, ``_rowid``, ``_parent``), migration 0004;
- PostgreSQL with PostGIS: the generated ``station.geog`` and ``district.geom`` columns
  and their GiST indexes (``ix_station_geog``, ``ix_station_point``,
  ``ix_district_geom``), migrations 0002 and 0004 (``stationmap.db.SPATIAL_DDL``), and
  PostGIS's own ``spatial_ref_sys`` table;
- PostgreSQL: each station's codes on its row (``station.amenity_codes``,
  ``station.worker_group_codes``), kept by triggers, and their GIN indexes
  (``ix_station_amenity_codes``, ``ix_station_worker_group_codes``), migration 0013.

Everything else must match; the test filters those names out and asserts the rest empty.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import Session

from stationmap.db import Database, alembic_config, connect, upgrade
from stationmap.models import Base, Report, ReportEvent
from stationmap.report_fields import ReportInput
from stationmap.services import reports as report_service
from tests.conftest import POSTGRES_URL, _drop_postgres, _postgres_database

# What the migrations create on purpose outside the models (see the module docstring).
DOCUMENTED_TABLES = {
    "sqlite": {"station_box", "station_box_node", "station_box_rowid", "station_box_parent"},
    "postgresql": {"spatial_ref_sys"},
}
DOCUMENTED_COLUMNS = {
    "postgresql": {
        ("station", "geog"),
        ("district", "geom"),
        ("station", "amenity_codes"),
        ("station", "worker_group_codes"),
    }
}
DOCUMENTED_INDEXES = {
    "postgresql": {
        "ix_station_geog",
        "ix_station_point",
        "ix_district_geom",
        "ix_station_amenity_codes",
        "ix_station_worker_group_codes",
    }
}


@pytest.fixture
def fresh(backend: str, tmp_path: Path) -> Iterator[Database]:
    """An empty database: no tables, no revision."""
    if backend == "sqlite":
        database = connect(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
        yield database
        database.dispose()
    else:
        url = _postgres_database()
        database = connect(url)
        yield database
        database.dispose()
        _drop_postgres(url)


def _flatten(diffs: list[Any]) -> list[tuple[Any, ...]]:
    """compare_metadata gives column changes grouped in lists; one flat list of tuples."""
    out: list[tuple[Any, ...]] = []
    for diff in diffs:
        if isinstance(diff, list):
            out.extend(_flatten(diff))
        else:
            out.append(diff)
    return out


def _documented(dialect: str, diff: tuple[Any, ...]) -> bool:
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        return diff[1].name in DOCUMENTED_TABLES.get(dialect, set())
    if kind in ("add_column", "remove_column"):
        return (diff[2], diff[3].name) in DOCUMENTED_COLUMNS.get(dialect, set())
    if kind in ("add_index", "remove_index"):
        index = diff[1]
        return index.name in DOCUMENTED_INDEXES.get(dialect, set()) or (
            index.table.name in DOCUMENTED_TABLES.get(dialect, set())
        )
    return False


def _differences(database: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(documented, undocumented) differences between the models and the database."""
    with database.engine.connect() as conn, warnings.catch_warnings():
        # SQLAlchemy has no PostGIS types: reflecting geog and geom warns, and they are
        # among the documented differences anyway.
        warnings.filterwarnings(
            "ignore", r"Did not recognize type '(geometry|geography)'", SAWarning
        )
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = _flatten(compare_metadata(context, Base.metadata))
    dialect = database.engine.dialect.name
    documented = [d for d in diffs if _documented(dialect, d)]
    return documented, [d for d in diffs if not _documented(dialect, d)]


def _tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def test_models_match_the_migrations_after_upgrade_head(fresh: Database) -> None:
    upgrade(fresh)
    documented, rest = _differences(fresh)
    assert rest == []
    # The documented differences are really there (else this list is stale).
    if fresh.is_sqlite:
        assert {d[1].name for d in documented if d[0] == "remove_table"} >= {"station_box"}
    elif fresh.has_postgis():
        columns = {(d[2], d[3].name) for d in documented if d[0] == "remove_column"}
        assert columns == DOCUMENTED_COLUMNS["postgresql"]


def test_downgrade_to_base_and_upgrade_again(fresh: Database) -> None:
    upgrade(fresh)
    tables = _tables(fresh)
    assert set(Base.metadata.tables) <= tables
    command.downgrade(alembic_config(fresh), "base")
    left = _tables(fresh) - {"alembic_version", *DOCUMENTED_TABLES["postgresql"]}
    assert left == set(), "downgrade to base left tables behind"
    upgrade(fresh)
    assert _tables(fresh) == tables
    _documented_diffs, rest = _differences(fresh)
    assert rest == []
    with fresh.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None


def test_each_migration_downgrades_and_upgrades_again(fresh: Database) -> None:
    """The stairway: for every revision in order, upgrade to it, go one step down and up
    again. A downgrade that leaves a table or index behind makes the second upgrade fail
    (a downgrade to base alone would hide it behind an earlier drop of the table)."""
    from alembic.script import ScriptDirectory

    config = alembic_config(fresh)
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    assert len(revisions) >= 8
    for script in revisions:
        command.upgrade(config, script.revision)
        command.downgrade(config, "-1" if script.down_revision else "base")
        command.upgrade(config, script.revision)
    _documented_diffs, rest = _differences(fresh)
    assert rest == []


@pytest.mark.skipif(not POSTGRES_URL, reason="set STATIONMAP_TEST_POSTGRES_URL")
def test_0013_fills_the_codes_of_existing_stations_and_its_downgrade_removes_them(
    tmp_path: Path,
) -> None:
    """Stations written before 0013 get their codes (code-point order) on upgrade; the
    triggers then keep them; the downgrade leaves the tables as 0012 had them, and
    writes to them work again without the triggers."""
    url = _postgres_database()
    database = connect(url)
    config = alembic_config(database)
    try:
        command.upgrade(config, "0012_coverage")
        with database.write_engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO station (id, code, name, address, lat, lon, entered_datum, "
                    "host_type, phone, contact, services, status, is_demo, created_at, "
                    "updated_at, version) VALUES (1, 'A', 'a', '', 40.8, 111.6, 'wgs84', "
                    "'other', '', '', '[]', 'active', false, now(), now(), 1), "
                    "(2, 'B', 'b', '', 40.9, 111.7, 'wgs84', 'other', '', '', '[]', "
                    "'active', false, now(), now(), 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO station_amenity VALUES (1, 'wifi'), (1, 'ebike_charging'), "
                    "(1, 'water')"
                )
            )
            conn.execute(
                text("INSERT INTO station_worker_group VALUES (1, 'taxi'), (1, 'courier')")
            )
        command.upgrade(config, "0013_station_codes")
        codes = "SELECT id, amenity_codes, worker_group_codes FROM station ORDER BY id"
        with database.write_engine.begin() as conn:
            assert [tuple(r) for r in conn.execute(text(codes))] == [
                (1, ["ebike_charging", "water", "wifi"], ["courier", "taxi"]),
                (2, [], []),
            ]
            conn.execute(text("INSERT INTO station_amenity VALUES (2, 'aed')"))
            assert [tuple(r) for r in conn.execute(text(codes))][1] == (2, ["aed"], [])
        command.downgrade(config, "0012_coverage")
        with database.write_engine.begin() as conn:
            columns = conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'station' AND column_name LIKE '%codes'"
                )
            ).all()
            assert columns == []
            conn.execute(text("INSERT INTO station_amenity VALUES (2, 'water')"))
            conn.execute(text("DELETE FROM station_worker_group"))
            triggers = conn.execute(
                text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%codes%'")
            ).scalar()
            assert triggers == 0
    finally:
        database.dispose()
        _drop_postgres(url)


def _keys(database: Database, table: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """A table's plain (non-unique) B-tree indexes on columns, and its unique keys
    (primary key, unique constraints and indexes), each as its columns in order;
    indexes on expressions or of another kind (the GiST indexes) are left out."""
    inspector = inspect(database.engine)
    plain: list[tuple[str, ...]] = []
    primary = inspector.get_pk_constraint(table)["constrained_columns"]
    unique: list[tuple[str, ...]] = [tuple(primary)]
    unique.extend(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table))
    for index in inspector.get_indexes(table):
        columns = index["column_names"]
        method = index.get("dialect_options", {}).get("postgresql_using", "btree")
        if None in columns or method != "btree":
            continue
        (unique if index["unique"] else plain).append(tuple(str(c) for c in columns))
    return plain, unique


def test_no_plain_index_repeats_the_first_columns_of_a_unique_one(fresh: Database) -> None:
    """An index on columns that begin a unique index (or key) of the same table answers
    nothing that one does not, and costs a B-tree insert for every row written (a bulk
    import's revisions, issue 17)."""
    upgrade(fresh)
    redundant = []
    for table in Base.metadata.tables:
        plain, unique = _keys(fresh, table)
        redundant.extend(
            (table, columns)
            for columns in plain
            for key in unique
            if len(key) > len(columns) and key[: len(columns)] == columns
        )
    assert redundant == []


def test_0016_keeps_the_sends_made_before_it_answered_as_before(fresh: Database) -> None:
    """A form key stored before 0016 has no content: after the upgrade it still leads
    to its report, and a later send with it (whatever it says) answers the first
    receipt and adds no note, as before; the downgrade keeps the key's row."""
    upgrade(fresh, "0015_report_request")
    now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    with Session(fresh.write_engine) as session, session.begin():
        report = Report(
            tracking_code="ABCDEFGH",
            kind="demand",
            needs=["water"],
            lat=44.305,
            lon=86.217,
            status="new",
            created_at=now,
            updated_at=now,
        )
        report.events.append(ReportEvent(created_at=now, from_status=None, to_status="new"))
        session.add(report)
    key = "k" * 22
    a_send = "INSERT INTO report_request (key, report_id, merged, created_at) VALUES "
    with fresh.write_engine.begin() as conn:
        conn.execute(
            text(a_send + "(:key, (SELECT id FROM report), false, :now)"), {"key": key, "now": now}
        )
    upgrade(fresh)
    with fresh.write_engine.begin() as conn:
        row = conn.execute(text("SELECT content, edits FROM report_request")).one()
    assert tuple(row) == (None, 0)
    edited = ReportInput("demand", ("toilet",), 44.31, 86.217, "另外写的", "", "zh")
    with Session(fresh.write_engine) as session, session.begin():
        done = report_service.submit_report(session, edited, None, "c", now, request_key=key)
    assert (done.tracking_code, done.edited) == ("ABCDEFGH", False)
    with fresh.write_engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM report_event")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM report")).scalar() == 1
    command.downgrade(alembic_config(fresh), "0015_report_request")
    with fresh.write_engine.begin() as conn:
        assert conn.execute(text("SELECT key FROM report_request")).scalar() == key
