"""The codes a PostgreSQL station row holds (``station.amenity_codes``,
``station.worker_group_codes``, migration 0013), which the PostGIS nearest statement
reads and filters on instead of looking each station up in ``station_amenity`` and
``station_worker_group``. They must equal those tables' rows, in code-point order, after
every kind of write: the bulk load (COPY), an import that changes stations, the editor's
create and update, a station deleted, and statements written by hand. The expected codes
are read from the two tables and sorted here, in Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import Connection, select, text

from stationmap.app_state import state
from stationmap.db import Database
from stationmap.models import Station
from stationmap.services import editing, stations
from stationmap.services.revisions import Actor
from stationmap.station_fields import StationInput
from tests.conftest import POSTGRES_URL
from tests.integration.admin_support import XINCHENG, free_point

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="set STATIONMAP_TEST_POSTGRES_URL to run against PostgreSQL"
)

ACTOR = Actor(None, "测试员")
Codes = tuple[tuple[str, ...], tuple[str, ...]]


def _expected(conn: Connection) -> dict[int, Codes]:
    """Each station's codes as its rows in the two tables give them, sorted here."""
    amenities: dict[int, list[str]] = defaultdict(list)
    groups: dict[int, list[str]] = defaultdict(list)
    for station_id, code in conn.execute(text("SELECT station_id, amenity FROM station_amenity")):
        amenities[station_id].append(code)
    for station_id, code in conn.execute(
        text('SELECT station_id, "group" FROM station_worker_group')
    ):
        groups[station_id].append(code)
    ids = conn.execute(text("SELECT id FROM station")).scalars()
    return {i: (tuple(sorted(amenities[i])), tuple(sorted(groups[i]))) for i in ids}


def _stored(conn: Connection) -> dict[int, Codes]:
    rows = conn.execute(text("SELECT id, amenity_codes, worker_group_codes FROM station"))
    return {i: (tuple(a), tuple(g)) for i, a, g in rows}


def _assert_codes_agree(database: Database) -> dict[int, Codes]:
    with database.engine.connect() as conn:
        expected, stored = _expected(conn), _stored(conn)
    assert stored == expected
    return stored


def test_the_bulk_load_gives_every_station_its_codes(pg_app: Flask) -> None:
    """The demo data goes in by COPY (the bulk path of an import)."""
    stored = _assert_codes_agree(state(pg_app).db)
    assert len(stored) > 100
    assert sum(1 for amenities, _groups in stored.values() if len(amenities) > 1) > 10


def test_create_and_update_in_the_editor_keep_the_codes(pg_app: Flask) -> None:
    database = state(pg_app).db
    lat, lon = free_point(pg_app, XINCHENG)
    data = StationInput(
        name="代码测试驿站",
        lat=lat,
        lon=lon,
        amenities=("wifi", "toilet", "ebike_charging"),
        worker_groups=("taxi", "courier"),
    )
    with database.write_session() as session:
        station_id = editing.create_station(session, data, None, ACTOR).id
    stored = _assert_codes_agree(database)
    assert stored[station_id] == (("ebike_charging", "toilet", "wifi"), ("courier", "taxi"))

    changed = StationInput(
        name="代码测试驿站", lat=lat, lon=lon, amenities=("water",), worker_groups=()
    )
    with database.write_session() as session:
        station = session.get(Station, station_id)
        assert station is not None
        editing.update_station(session, station, changed, None, ACTOR, station.version)
    stored = _assert_codes_agree(database)
    assert stored[station_id] == (("water",), ())


def test_an_import_that_changes_stations_keeps_the_codes(pg_app: Flask) -> None:
    database = state(pg_app).db
    with database.session() as session:
        station = session.scalars(
            select(Station).where(Station.is_demo.is_(True)).order_by(Station.id).limit(1)
        ).one()
        station_id, code, name = station.id, station.code, station.name
        lat, lon = station.lat, station.lon
    data = StationInput(
        name=name,
        lat=lat,
        lon=lon,
        code=code,
        amenities=("aed", "lockers"),
        worker_groups=("truck",),
    )
    with database.write_session() as session:
        result = stations.save_inputs(session, [data], actor=ACTOR)
    assert result.updated == [code]
    stored = _assert_codes_agree(database)
    assert stored[station_id] == (("aed", "lockers"), ("truck",))


def test_deleting_stations_and_writing_by_hand_keep_the_codes(pg_app: Flask) -> None:
    database = state(pg_app).db
    lat, lon = free_point(pg_app, XINCHENG)
    with database.write_session() as session:
        removed = stations.delete_demo(session)
    assert removed > 0
    assert _assert_codes_agree(database) == {}
    with database.write_session() as session:
        first = editing.create_station(
            session, StationInput(name="甲", lat=lat, lon=lon, amenities=("water",)), None, ACTOR
        ).id
        second = editing.create_station(
            session,
            StationInput(name="乙", lat=lat + 0.01, lon=lon, amenities=("seating",)),
            None,
            ACTOR,
        ).id
    with database.write_engine.begin() as conn:
        # Several stations in one statement of each kind, as an operator might write them.
        conn.execute(
            text(
                "INSERT INTO station_amenity (station_id, amenity) "
                "VALUES (:a, 'toilet'), (:b, 'toilet'), (:b, 'aed')"
            ),
            {"a": first, "b": second},
        )
        conn.execute(
            text(
                "UPDATE station_amenity SET amenity = 'wifi' "
                "WHERE amenity = 'toilet' AND station_id IN (:a, :b)"
            ),
            {"a": first, "b": second},
        )
        conn.execute(
            text("INSERT INTO station_worker_group (station_id, \"group\") VALUES (:a, 'taxi')"),
            {"a": first},
        )
    assert _assert_codes_agree(database) == {
        first: (("water", "wifi"), ("taxi",)),
        second: (("aed", "seating", "wifi"), ()),
    }
    with database.write_engine.begin() as conn:
        conn.execute(text("DELETE FROM station_amenity WHERE amenity IN ('wifi', 'aed')"))
        conn.execute(text("DELETE FROM station_worker_group"))
        conn.execute(text("DELETE FROM station WHERE id = :a"), {"a": first})
    assert _assert_codes_agree(database) == {second: (("seating",), ())}


def test_a_statement_that_changes_no_codes_rewrites_no_station(pg_app: Flask) -> None:
    """A write that leaves a station's codes as they were (an amenity row deleted and
    written again) does not rewrite the station's row: its tuple stays where it was."""
    database = state(pg_app).db
    with database.engine.connect() as conn:
        station_id, place = conn.execute(
            text(
                "SELECT s.id, s.ctid::text FROM station s "
                "WHERE cardinality(s.amenity_codes) > 0 ORDER BY s.id LIMIT 1"
            )
        ).one()
    with database.write_engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE station_amenity SET amenity = amenity WHERE station_id = :s",
            ),
            {"s": station_id},
        )
    with database.engine.connect() as conn:
        after = conn.execute(
            text("SELECT ctid::text FROM station WHERE id = :s"), {"s": station_id}
        ).scalar_one()
    assert after == place
    _assert_codes_agree(database)


def test_nearest_on_postgis_follows_an_edit_of_the_amenities(pg_app: Flask) -> None:
    """The amenity filter reads the station's codes: a station that no longer offers a
    toilet is no longer among the nearest with one, at once."""
    database = state(pg_app).db
    client = pg_app.test_client()
    at = datetime(2026, 12, 7, 4, 0, tzinfo=UTC).isoformat()
    query = {"lat": 40.81, "lon": 111.66, "k": 3, "amenity": "toilet", "at": at}
    before = client.get("/api/v1/stations/nearest", query_string=query).get_json()
    first_id = before["features"][0]["id"]
    assert "toilet" in before["features"][0]["properties"]["amenities"]
    with database.write_session() as session:
        station = session.get(Station, first_id)
        assert station is not None
        data = StationInput(
            name=station.name,
            lat=station.lat,
            lon=station.lon,
            amenities=tuple(a for a in station.amenities if a != "toilet"),
            worker_groups=tuple(station.worker_groups),
            opening_hours=station.opening_hours,
            host_type=station.host_type,
            address=station.address,
            phone=station.phone,
        )
        editing.update_station(session, station, data, None, ACTOR, station.version)
    after = client.get("/api/v1/stations/nearest", query_string=query).get_json()
    assert first_id not in [f["id"] for f in after["features"]]
    unfiltered = {k: v for k, v in query.items() if k != "amenity"}
    plain = client.get("/api/v1/stations/nearest", query_string={**unfiltered, "k": 50})
    feature = next(f for f in plain.get_json()["features"] if f["id"] == first_id)
    assert "toilet" not in feature["properties"]["amenities"]
    assert feature["properties"]["amenities"] == sorted(feature["properties"]["amenities"])


def test_a_bulk_insert_writes_each_new_station_once(pg_app: Flask) -> None:
    """New stations go in by COPY with their codes, so the triggers after the COPY of
    their amenities and worker groups change nothing: no station row is written a
    second time (which doubled a 200,000-station import's time and size)."""
    database = state(pg_app).db
    lat, lon = free_point(pg_app, XINCHENG)
    inputs = [
        StationInput(
            name=f"批量 {i}",
            lat=lat + 0.0005 * i,
            lon=lon,
            amenities=("water", "toilet")[: i % 3],
            worker_groups=("courier",) if i % 2 else (),
        )
        for i in range(12)
    ]
    with database.write_session() as session:
        result = stations.save_inputs(session, inputs)
        inserted, updated = session.execute(
            text(
                "SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables "
                "WHERE relname = 'station'"
            )
        ).one()
    assert len(result.created) == 12
    assert (inserted, updated) == (12, 0)
    _assert_codes_agree(database)
