"""A bulk save on SQLite runs with a page cache of 32 MB (SQLite's default is 2 MB: the
station table's indexes, taking rows in no order of theirs, went out to the WAL and back,
451 MB written for 100,000 stations against 205 MB), and the pooled connection goes back
with the cache it had, after a failed write too. PostgreSQL is left as it is."""

from __future__ import annotations

import pytest

from stationmap.app_state import state
from stationmap.services import stations
from stationmap.services.revisions import Actor
from stationmap.station_fields import StationInput

SQLITE_DEFAULT = -2000  # KiB: SQLite's own default, which the app does not change
BULK = -32 * 1024


def _cache(session) -> int:
    return int(session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one())


def _inputs() -> list[StationInput]:
    return [StationInput(name=f"站{i}", lat=40.8 + i * 0.01, lon=111.7) for i in range(3)]


# SQLite's page cache: PostgreSQL has none to set, so these run on SQLite alone.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
def sqlite_app(empty_app):
    assert state(empty_app).db.engine.dialect.name == "sqlite"
    return empty_app


@sqlite_only
def test_a_bulk_save_writes_with_a_larger_page_cache_and_restores_it(sqlite_app, monkeypatch):
    seen: list[int] = []
    insert_rows = stations.insert_rows

    def spy(connection, *args, **kwargs):
        seen.append(int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one()))
        return insert_rows(connection, *args, **kwargs)

    monkeypatch.setattr(stations, "insert_rows", spy)
    with state(sqlite_app).db.write_session() as session:
        before = _cache(session)
        result = stations.save_inputs(session, _inputs(), actor=Actor(None, "test"))
        after = _cache(session)
        session.commit()
    assert len(result.created) == 3
    assert before == SQLITE_DEFAULT
    assert seen and set(seen) == {BULK}
    assert after == SQLITE_DEFAULT


@sqlite_only
def test_a_failed_bulk_save_gives_the_cache_back_too(sqlite_app, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(stations, "insert_rows", broken)
    with state(sqlite_app).db.write_session() as session:
        with pytest.raises(RuntimeError):
            stations.save_inputs(session, _inputs(), actor=Actor(None, "test"))
        assert _cache(session) == SQLITE_DEFAULT
        session.rollback()
