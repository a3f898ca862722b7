"""After an edit, a process holding the stations in memory reads only the stations the
edit changed (the data version records which), and answers exactly as a plain ranking
of what the database now holds.

The reader is an index of its own (as another worker's is) over the same database; the
writer goes through the services an administrator's edit uses. The reference reads
every active station with plain SQL and ranks them by pyproj's ``Geod`` distance, then
id.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from pyproj import Geod
from sqlalchemy import text

from stationmap.app_state import state
from stationmap.geo.nearest import Filters
from stationmap.models import Station
from stationmap.services import editing
from stationmap.services.dataset import bump_data_version
from stationmap.services.nearest import IndexNearest
from stationmap.services.revisions import Actor
from tests.integration.admin_support import XINCHENG, bare_station, free_point

GEOD = Geod(ellps="WGS84")
TOOL = Actor(None, "test")


def _reader(app: Flask) -> IndexNearest:
    settings = state(app)
    reader = IndexNearest(settings.db.session, settings.nearest.tz, check_interval_s=0)
    reader.warm()
    return reader


def _reference(app: Flask, lat: float, lon: float, k: int) -> list[int]:
    with state(app).db.session() as session:
        rows = session.execute(
            text("SELECT id, lat, lon FROM station WHERE deleted_at IS NULL AND status = 'active'")
        ).all()
    ranked = sorted((GEOD.inv(lon, lat, r.lon, r.lat)[2], r.id) for r in rows)
    return [i for _, i in ranked[:k]]


def _answer(reader: IndexNearest, lat: float, lon: float, k: int) -> list[int]:
    found = reader.nearest(lat, lon, k, Filters(), datetime.now(UTC))
    return [r.station.id for r in found]


def _add(app: Flask, name: str, lat: float, lon: float) -> int:
    with state(app).db.write_session() as session:
        station = bare_station(f"{XINCHENG}-{abs(hash(name)) % 9000 + 1000}", name, lat, lon)
        session.add(station)
        session.flush()
        bump_data_version(session, [station.id])
        return station.id


def test_an_added_station_is_answered_without_a_full_rebuild(app: Flask) -> None:
    reader = _reader(app)
    lat, lon = free_point(app, XINCHENG)
    full = reader.full_builds
    new_id = _add(app, "增量新增驿站", lat, lon)
    assert _answer(reader, lat, lon, 5) == _reference(app, lat, lon, 5)
    assert _answer(reader, lat, lon, 1) == [new_id]
    assert reader.full_builds == full


def test_an_edit_and_a_delete_are_answered_as_the_database_now_holds(app: Flask) -> None:
    reader = _reader(app)
    lat, lon = free_point(app, XINCHENG)
    first, second = _answer(reader, lat, lon, 2)
    full = reader.full_builds
    with state(app).db.write_session() as session:
        station = session.get(Station, first)
        assert station is not None
        editing.soft_delete(session, station, None, TOOL)
    assert first not in _answer(reader, lat, lon, 10)
    assert _answer(reader, lat, lon, 5) == _reference(app, lat, lon, 5)
    with state(app).db.write_session() as session:
        station = session.get(Station, second)
        assert station is not None
        station.name = "改名后的驿站"
        station.lat, station.lon = lat + 0.3, lon + 0.3  # moved far away
        bump_data_version(session, [second])
    after = reader.nearest(lat + 0.3, lon + 0.3, 1, Filters(), datetime.now(UTC))
    assert [r.station.id for r in after] == [second]
    assert after[0].station.name == "改名后的驿站"
    for point in [(lat, lon), (lat + 0.3, lon + 0.3), (lat - 0.05, lon + 0.02)]:
        assert _answer(reader, *point, 8) == _reference(app, *point, 8)
    with state(app).db.write_session() as session:
        station = session.get(Station, first)
        assert station is not None
        editing.undelete(session, station, None, TOOL)
    assert _answer(reader, lat, lon, 5) == _reference(app, lat, lon, 5)
    assert reader.full_builds == full


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_version_without_recorded_changes_rebuilds_everything(app: Flask) -> None:
    """A write by plain SQL raises the version but records no station: the reader
    cannot know what changed and reads every station again."""
    reader = _reader(app)
    lat, lon = free_point(app, XINCHENG)
    first = _answer(reader, lat, lon, 1)[0]
    full = reader.full_builds
    with state(app).db.write_session() as session:
        session.execute(text("UPDATE station SET status = 'closed' WHERE id = :i"), {"i": first})
        session.execute(text("UPDATE dataset_state SET data_version = data_version + 1"))
    assert first not in _answer(reader, lat, lon, 5)
    assert reader.full_builds == full + 1
