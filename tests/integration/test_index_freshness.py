"""The in-process nearest index between processes, at its real default interval.

The suite runs with ``STATIONMAP_INDEX_CHECK_S=0`` (every request checks the data
version). In production a process checks at most every 0.5 s: an edit made by another
process, or written straight into the database, is seen once the interval has passed,
and within the interval the index is not rebuilt or re-checked. The clock is a fake
one the test moves, not a sleep.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask

from stationmap import create_app
from stationmap.app_state import state
from stationmap.services import nearest as nearest_service
from stationmap.services.stations import bump_data_version
from tests.conftest import _copy_sqlite
from tests.integration.admin_support import XINCHENG, bare_station, free_point

DEFAULT_INTERVAL_S = 0.5  # documented in stationmap/config.py and services/nearest.py


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def _app(path: Path, folder: Path) -> Flask:
    # No STATIONMAP_INDEX_CHECK_S: the default a deployment gets.
    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{path}",
            "STATIONMAP_ENV": "testing",
            "INSTANCE_PATH": str(folder),
        }
    )


@pytest.fixture
def two_processes(
    sqlite_templates: dict[bool, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Flask, Flask, FakeClock, Path]]:
    """Two apps on one SQLite file (each with its own engine and index, as two workers
    are), and the fake clock the nearest service reads."""
    monkeypatch.delenv("STATIONMAP_INDEX_CHECK_S", raising=False)
    path = tmp_path / "stationmap.sqlite3"
    _copy_sqlite(sqlite_templates[True], path)
    clock = FakeClock()
    monkeypatch.setattr(nearest_service, "time", SimpleNamespace(monotonic=clock.monotonic))
    reader = _app(path, tmp_path)
    writer = _app(path, tmp_path)
    yield reader, writer, clock, path
    state(reader).db.dispose()
    state(writer).db.dispose()


def _nearest_id(app: Flask, lat: float, lon: float) -> int:
    response = app.test_client().get(
        "/api/v1/stations/nearest", query_string={"lat": lat, "lon": lon, "k": 1}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.get_json()["features"][0]["id"])


def test_the_default_interval_is_half_a_second(two_processes) -> None:
    reader, _writer, _clock, _path = two_processes
    assert state(reader).nearest.check_interval_s == DEFAULT_INTERVAL_S


def test_an_edit_by_another_process_is_seen_after_the_interval(two_processes) -> None:
    reader, writer, clock, _path = two_processes
    lat, lon = free_point(reader, XINCHENG)
    before = _nearest_id(reader, lat, lon)
    builds = state(reader).nearest.builds
    with state(writer).db.write_session() as session:
        station = bare_station("150102-8888", "另一进程新建的驿站", lat, lon)
        session.add(station)
        session.flush()
        new_id = station.id
        bump_data_version(session)
    # Within the interval the reader neither checks nor rebuilds: the old answer.
    clock.now += DEFAULT_INTERVAL_S * 0.8
    assert _nearest_id(reader, lat, lon) == before
    assert state(reader).nearest.builds == builds
    # Once the interval has passed, the next request sees the new station.
    clock.now += DEFAULT_INTERVAL_S * 0.4
    assert _nearest_id(reader, lat, lon) == new_id
    assert state(reader).nearest.builds == builds + 1
    # And with nothing written since, passing intervals do not rebuild it again.
    clock.now += DEFAULT_INTERVAL_S * 3
    assert _nearest_id(reader, lat, lon) == new_id
    assert state(reader).nearest.builds == builds + 1


def test_a_direct_database_write_is_seen_after_the_interval(two_processes) -> None:
    """A change written with plain SQL (an operator's script, another program) that
    bumps the data version as every writer must."""
    reader, _writer, clock, path = two_processes
    lat, lon = free_point(reader, XINCHENG)
    first = _nearest_id(reader, lat, lon)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE station SET status = 'closed' WHERE id = ?", (first,))
        conn.execute("UPDATE dataset_state SET data_version = data_version + 1")
    conn.close()
    clock.now += DEFAULT_INTERVAL_S / 2
    assert _nearest_id(reader, lat, lon) == first
    clock.now += DEFAULT_INTERVAL_S
    assert _nearest_id(reader, lat, lon) != first
