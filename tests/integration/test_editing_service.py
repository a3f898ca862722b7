"""The editing service itself (services/editing.py), below the editor and the API: what
a create, an update, a delete, an undelete and a verification write, what they refuse
and leave unchanged, and which stations the duplicate check finds. Expected values are
the inputs written here, read back from the tables, and distances placed with pyproj's
geodesic (tests/mutation.md: these tests answer the survivors of the mutation run)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from pyproj import Geod
from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.app_state import state
from stationmap.models import DatasetState, Station, StationChange, StationRevision
from stationmap.services import editing
from stationmap.services.revisions import Actor
from stationmap.services.stations import CodesExhausted
from stationmap.station_fields import StationInput
from tests.integration.admin_support import SAIHAN, XINCHENG, bare_station, free_point
from tests.integration.unchanged import assert_unchanged, snapshot

ACTOR = Actor(None, "测试员")
GEOD = Geod(ellps="WGS84")
# Near Heihe (Heilongjiang), outside every shipped district: at this latitude a degree of
# longitude is 0.64 of a degree of latitude, so the duplicate search's east-west reach
# must widen by 1/cos(lat) (and 50.27 rad has a cosine of 1, so degrees taken for
# radians would not widen it).
NORTH = (50.27, 127.5)


def _at(lat: float, lon: float, azimuth: float, distance_m: float) -> tuple[float, float]:
    lon2, lat2, _back = GEOD.fwd(lon, lat, azimuth, distance_m)
    return round(lat2, 7), round(lon2, 7)


def _input(lat: float, lon: float, name: str = "测试驿站", **fields: Any) -> StationInput:
    return StationInput(name=name, lat=lat, lon=lon, **fields)


def _row(session: Session, station_id: int) -> dict[str, Any]:
    row = session.execute(select(*Station.__table__.columns).where(Station.id == station_id)).one()
    return dict(row._mapping)


def _revisions(session: Session, station_id: int) -> list[StationRevision]:
    return list(
        session.scalars(
            select(StationRevision)
            .where(StationRevision.station_id == station_id)
            .order_by(StationRevision.number)
        )
    )


def _version(session: Session) -> int:
    return int(session.scalar(select(DatasetState.data_version)) or 0)


def _changed(session: Session, data_version: int) -> list[tuple[int | None, bool]]:
    """The station-change rows of one data version, read plainly from the table."""
    rows = session.execute(
        select(StationChange.station_id, StationChange.every_station).where(
            StationChange.data_version == data_version
        )
    )
    return [(station_id, every) for station_id, every in rows]


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    yield state(app).db


def _create(db: Any, data: StationInput, codes: frozenset[str] | None = None) -> int:
    with db.write_session() as session:
        return int(editing.create_station(session, data, codes, ACTOR).id)


# -- create -------------------------------------------------------------------------------
def test_create_writes_every_field_given_and_locates_the_district(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    data = _input(
        lat,
        lon,
        name="青城 测试驿站",
        entered_datum="gcj02",
        address="新城区 某路 1 号",
        host_type="union",
        amenities=("water", "seating"),
        worker_groups=("courier", "food_delivery"),
        opening_hours="Mo-Fr 08:00-18:00",
        opening_hours_text="周一至周五 8:00-18:00",
        phone="0471-1234567",
        contact="张三",
        services=("热水", "充电"),
        status="suspended",
    )
    with db.session() as session:
        before = _version(session)
        taken = set(session.scalars(select(Station.code)))
    before_create = datetime.now(UTC)
    station_id = _create(db, data, frozenset({XINCHENG}))
    with db.session() as session:
        row = _row(session, station_id)
        station = session.get(Station, station_id)
        assert station is not None
        expected = {
            "name": "青城 测试驿站",
            "address": "新城区 某路 1 号",
            "lat": lat,
            "lon": lon,
            "entered_datum": "gcj02",
            "district_code": XINCHENG,
            "host_type": "union",
            "opening_hours": "Mo-Fr 08:00-18:00",
            "opening_hours_text": "周一至周五 8:00-18:00",
            "phone": "0471-1234567",
            "contact": "张三",
            "services": ["热水", "充电"],
            "status": "suspended",
            "is_demo": False,
            "deleted_at": None,
            "verified_at": None,
            "version": 1,
        }
        assert {k: row[k] for k in expected} == expected
        assert sorted(station.amenities) == ["seating", "water"]
        assert sorted(station.worker_groups) == ["courier", "food_delivery"]
        # A new code of its district, never one already taken.
        prefix, serial = row["code"].split("-")
        assert prefix == XINCHENG and len(serial) == 4 and row["code"] not in taken
        created = row["created_at"].replace(tzinfo=row["created_at"].tzinfo or UTC)
        assert row["created_at"] == row["updated_at"]
        assert before_create - timedelta(seconds=1) <= created <= datetime.now(UTC)
        history = _revisions(session, station_id)
        assert [(r.number, r.action, r.actor, r.user_id) for r in history] == [
            (1, "create", "测试员", None)
        ]
        assert history[0].snapshot["name"] == "青城 测试驿站"
        assert _version(session) == before + 1
        assert _changed(session, before + 1) == [(station_id, False)]


def test_two_creates_in_a_district_get_two_codes(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    first = _create(db, _input(lat, lon, name="甲站"))
    second = _create(db, _input(*_at(lat, lon, 90, 120), name="乙站"))
    with db.session() as session:
        codes = [_row(session, i)["code"] for i in (first, second)]
    assert codes[0] != codes[1]
    assert all(code.startswith(f"{XINCHENG}-") for code in codes)


def test_create_outside_the_editors_districts_is_refused_and_writes_nothing(
    app: Flask, db: Any
) -> None:
    lat, lon = free_point(app, XINCHENG)
    before = snapshot(app)
    with pytest.raises(editing.OutOfScope) as refused:
        _create(db, _input(lat, lon), frozenset({SAIHAN}))
    assert refused.value.district_code == XINCHENG
    assert_unchanged(before, app)


def test_a_station_outside_every_district_gets_the_no_district_prefix(app: Flask, db: Any) -> None:
    before = snapshot(app)
    with pytest.raises(editing.OutOfScope) as refused:
        _create(db, _input(*NORTH), frozenset({XINCHENG}))
    assert refused.value.district_code is None
    assert_unchanged(before, app)
    station_id = _create(db, _input(*NORTH))
    with db.session() as session:
        row = _row(session, station_id)
    assert row["district_code"] is None
    assert row["code"].startswith("000000-")


# -- update -------------------------------------------------------------------------------
def _station(db: Any, station_id: int) -> Station:
    with db.session() as session:
        station = session.get(Station, station_id)
        assert station is not None
        return station


def _update(
    db: Any, station_id: int, data: StationInput, codes: frozenset[str] | None, **kw: Any
) -> dict[str, tuple[Any, Any]]:
    with db.write_session() as session:
        station = session.get(Station, station_id)
        assert station is not None
        expected = kw.pop("expected_version", station.version)
        return editing.update_station(session, station, data, codes, ACTOR, expected, **kw)


def test_update_writes_the_changes_and_records_them(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon, phone="0471-1234567"))
    with db.session() as session:
        before = _version(session)
    changes = _update(
        db,
        station_id,
        _input(lat, lon, phone="0471-7654321", address="新地址"),
        frozenset({XINCHENG}),
        action="restore",
        restored_from=1,
    )
    assert changes == {
        "phone": ("0471-1234567", "0471-7654321"),
        "address": ("", "新地址"),
    }
    with db.session() as session:
        row = _row(session, station_id)
        assert (row["phone"], row["address"], row["version"]) == ("0471-7654321", "新地址", 2)
        assert row["updated_at"] > row["created_at"]
        last = _revisions(session, station_id)[-1]
        assert (last.number, last.action, last.restored_from) == (2, "restore", 1)
        assert last.changes == {
            "phone": ["0471-1234567", "0471-7654321"],
            "address": ["", "新地址"],
        }
        assert _version(session) == before + 1
        assert _changed(session, before + 1) == [(station_id, False)]


def test_an_update_that_changes_nothing_writes_nothing(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    before = snapshot(app)
    assert _update(db, station_id, _input(lat, lon), None) == {}
    assert_unchanged(before, app)


def test_update_of_a_stale_version_is_refused_and_writes_nothing(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    before = snapshot(app)
    code = _station(db, station_id).code
    with pytest.raises(editing.VersionConflict) as refused:
        _update(db, station_id, _input(lat, lon, name="新名"), None, expected_version=7)
    assert refused.value.expected == 7
    assert str(refused.value) == f"station {code} is at version 1, not 7"
    assert_unchanged(before, app)


def test_update_outside_the_scope_is_refused_and_writes_nothing(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    before = snapshot(app)
    with pytest.raises(editing.OutOfScope) as refused:
        _update(db, station_id, _input(lat, lon, name="新名"), frozenset({SAIHAN}))
    assert refused.value.district_code == XINCHENG
    assert_unchanged(before, app)


def test_a_move_into_another_district_of_the_scope_keeps_the_code(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    code = _station(db, station_id).code
    to_lat, to_lon = free_point(app, SAIHAN)
    changes = _update(db, station_id, _input(to_lat, to_lon), frozenset({XINCHENG, SAIHAN}))
    assert changes["district_code"] == (XINCHENG, SAIHAN)
    assert changes["lat"] == (lat, to_lat) and changes["lon"] == (lon, to_lon)
    with db.session() as session:
        row = _row(session, station_id)
        assert (row["district_code"], row["code"], row["lat"]) == (SAIHAN, code, to_lat)
        assert _revisions(session, station_id)[-1].changes["district_code"] == [XINCHENG, SAIHAN]


def test_a_move_within_the_district_changes_no_district(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    to = _at(lat, lon, 0, 30)
    changes = _update(db, station_id, _input(*to), frozenset({XINCHENG}))
    assert set(changes) == {"lat", "lon"}
    assert _station(db, station_id).district_code == XINCHENG
    # An edit without a named action is recorded as an update, restored from nothing.
    with db.session() as session:
        last = _revisions(session, station_id)[-1]
        assert (last.number, last.action, last.restored_from) == (2, "update", None)


def test_a_move_out_of_the_scope_is_refused_and_writes_nothing(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    before = snapshot(app)
    with pytest.raises(editing.OutOfScope) as refused:
        _update(db, station_id, _input(*free_point(app, SAIHAN)), frozenset({XINCHENG}))
    assert refused.value.district_code == SAIHAN
    assert_unchanged(before, app)


def test_an_update_of_a_deleted_station_leaves_it_deleted(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    with db.write_session() as session:
        station = session.get(Station, station_id)
        assert station is not None
        editing.soft_delete(session, station, None, ACTOR)
    changes = _update(db, station_id, _input(lat, lon, name="改名"), None)
    assert changes == {"name": ("测试驿站", "改名")}
    row = _station(db, station_id)
    assert row.deleted_at is not None and row.name == "改名"


# -- delete, undelete, verify -------------------------------------------------------------
def _set(db: Any, station_id: int, action: str, codes: frozenset[str] | None, **kw: Any) -> None:
    with db.write_session() as session:
        station = session.get(Station, station_id)
        assert station is not None
        getattr(editing, action)(session, station, codes, ACTOR, **kw)


def test_delete_undelete_and_verify_write_their_field_and_history(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    with db.write_session() as session:
        station = session.get(Station, station_id)
        assert station is not None
        station.reported_closed_at = datetime.now(UTC)
    scope = frozenset({XINCHENG})
    steps = (("soft_delete", "delete"), ("undelete", "undelete"), ("mark_verified", "verify"))
    for function, action in steps:
        with db.session() as session:
            version, data_version = _station(db, station_id).version, _version(session)
        start = datetime.now(UTC)
        _set(db, station_id, function, scope)
        with db.session() as session:
            row = _row(session, station_id)
            last = _revisions(session, station_id)[-1]
            assert last.action == action and last.actor == "测试员"
            assert _version(session) == data_version + 1
            # Other processes refresh this one station, not the whole index.
            assert _changed(session, data_version + 1) == [(station_id, False)]
        # One version per change, the one its revision records.
        assert row["version"] == version + 1 == last.station_version
        updated = row["updated_at"].replace(tzinfo=row["updated_at"].tzinfo or UTC)
        assert updated >= start - timedelta(seconds=1)
        name = "verified_at" if action == "verify" else "deleted_at"
        assert list(last.changes) == [name]
        if action == "delete":
            assert row["deleted_at"] is not None
            assert last.changes[name][0] is None and last.changes[name][1] is not None
        elif action == "undelete":
            assert row["deleted_at"] is None
            assert last.changes[name][1] is None and last.changes[name][0] is not None
        else:
            assert row["verified_at"] is not None and row["deleted_at"] is None
            # A confirmation answers couriers' "closed" reports.
            assert row["reported_closed_at"] is None


@pytest.mark.parametrize("function", ["soft_delete", "undelete", "mark_verified"])
def test_state_changes_outside_the_scope_are_refused(app: Flask, db: Any, function: str) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    before = snapshot(app)
    with pytest.raises(editing.OutOfScope) as refused:
        _set(db, station_id, function, frozenset({SAIHAN}))
    assert refused.value.district_code == XINCHENG
    assert_unchanged(before, app)


def test_a_delete_of_a_stale_version_is_refused(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    before = snapshot(app)
    with pytest.raises(editing.VersionConflict):
        _set(db, station_id, "soft_delete", None, expected_version=2)
    assert_unchanged(before, app)
    _set(db, station_id, "soft_delete", None, expected_version=1)
    assert _station(db, station_id).deleted_at is not None


def test_get_scoped_hides_other_districts_and_deleted_stations(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    station_id = _create(db, _input(lat, lon))
    with db.session() as session:
        assert editing.get_scoped(session, station_id, None) is not None
        assert editing.get_scoped(session, station_id, frozenset({XINCHENG})) is not None
        assert editing.get_scoped(session, station_id, frozenset({SAIHAN})) is None
        assert editing.get_scoped(session, 10**9, None) is None
    _set(db, station_id, "soft_delete", None)
    with db.session() as session:
        assert editing.get_scoped(session, station_id, None) is None
        found = editing.get_scoped(session, station_id, None, deleted=True)
        assert found is not None and found.id == station_id
        assert editing.get_scoped(session, station_id, frozenset({SAIHAN}), deleted=True) is None


# -- duplicates ---------------------------------------------------------------------------
def test_duplicates_are_the_similar_names_within_50_m_in_every_direction(
    app: Flask, db: Any
) -> None:
    lat, lon = NORTH
    near = {
        "east": _at(lat, lon, 90, 49.5),
        "west": _at(lat, lon, 270, 49.5),
        "north": _at(lat, lon, 0, 49.5),
        "south": _at(lat, lon, 180, 49.5),
    }
    ids = {where: _create(db, _input(*point, name="黑河驿站")) for where, point in near.items()}
    far = _create(db, _input(*_at(lat, lon, 90, 51.0), name="黑河驿站"))
    other_name = _create(db, _input(*_at(lat, lon, 45, 5.0), name="爱辉加油站"))
    deleted = _create(db, _input(*_at(lat, lon, 135, 5.0), name="黑河驿站"))
    _set(db, deleted, "soft_delete", None)
    with db.session() as session:
        found = {s.id for s in editing.find_duplicates(session, "黑河驿站", lat, lon)}
        assert found == set(ids.values())
        assert far not in found and other_name not in found and deleted not in found
        without = editing.find_duplicates(session, "黑河驿站", lat, lon, exclude_id=ids["east"])
        assert {s.id for s in without} == set(ids.values()) - {ids["east"]}


def test_duplicates_in_scope_nearest_first_and_the_rest_counted(app: Flask, db: Any) -> None:
    lat, lon = NORTH
    for distance_m in (30.0, 10.0, 20.0):
        _create(db, _input(*_at(lat, lon, 90, distance_m), name="黑河驿站"))
    with db.session() as session:
        mine, elsewhere = editing.duplicates_in_scope(session, "黑河驿站", lat, lon, None)
        assert [round(d, 1) for _s, d in mine] == [10.0, 20.0, 30.0]
        assert elsewhere == 0
        # These stations lie in no district: an editor of Xincheng sees none of them.
        mine, elsewhere = editing.duplicates_in_scope(
            session, "黑河驿站", lat, lon, frozenset({XINCHENG})
        )
        assert (mine, elsewhere) == ([], 3)


def test_duplicates_in_scope_leaves_out_the_station_being_edited(app: Flask, db: Any) -> None:
    lat, lon = NORTH
    first = _create(db, _input(lat, lon, name="黑河驿站"))
    second = _create(db, _input(*_at(lat, lon, 0, 10.0), name="黑河驿站"))
    with db.session() as session:
        mine, elsewhere = editing.duplicates_in_scope(
            session, "黑河驿站", lat, lon, None, exclude_id=first
        )
    assert [s.id for s, _d in mine] == [second] and elsewhere == 0


def test_a_locate_gives_the_district_of_a_point(app: Flask, db: Any) -> None:
    with db.session() as session:
        assert editing.locate(session, *free_point(app, SAIHAN)) == SAIHAN
        assert editing.locate(session, *NORTH) is None


# -- the admin lists ----------------------------------------------------------------------
def test_the_admin_list_is_in_code_order_not_entry_order(app: Flask, db: Any) -> None:
    # A real code (serial 0001) sorts before the demo stations' codes entered earlier.
    station_id = _create(db, _input(*free_point(app, XINCHENG), name="后来的驿站"))
    with db.session() as session:
        codes = [s.code for s in editing.scoped_stations(session, frozenset({XINCHENG}))]
        assert codes == sorted(codes) and len(codes) >= 2
        assert codes[0] == _row(session, station_id)["code"]


def test_the_admin_search_takes_underscore_and_percent_literally(app: Flask, db: Any) -> None:
    lat, lon = free_point(app, XINCHENG)
    plain = _create(db, _input(lat, lon, name="驿站AB"))
    underscore = _create(db, _input(*_at(lat, lon, 90, 300), name="驿站A_B"))
    percent = _create(db, _input(*_at(lat, lon, 0, 300), name="驿站100%"))
    with db.session() as session:
        for text, expected in (("A_B", {underscore}), ("_", {underscore}), ("0%", {percent})):
            found = {s.id for s in editing.scoped_stations(session, None, text=text)}
            assert found == expected, text
            assert plain not in found


def _bare(code: str, name: str, lat: float, lon: float) -> Station:
    """A station row of Xincheng written directly, without the editing service."""
    return bare_station(code, name, lat, lon)


def test_the_admin_list_stops_at_500_stations_in_code_order(app: Flask, db: Any) -> None:
    """The list page's cost is bounded whatever the table holds: 501 more stations than
    the demo's, and the list is the first 500 codes of them all, by a plain sort."""
    with db.write_session() as session:
        session.add_all(
            _bare(f"{XINCHENG}-{9000 - i:04d}", f"批量驿站{i}", 40.8 + i * 1e-4, 111.7)
            for i in range(501)
        )
    with db.session() as session:
        every = sorted(session.scalars(select(Station.code).where(Station.deleted_at.is_(None))))
        assert len(every) > 501
        assert [s.code for s in editing.scoped_stations(session, None)] == every[:500]


def test_the_last_free_code_of_a_district_is_given_then_creates_are_refused(
    app: Flask, db: Any
) -> None:
    """Real serials run to 899999 (900000 and above are the demo stations'): with
    899998 taken, a create gets 899999, and the next is refused and writes nothing."""
    lat, lon = free_point(app, XINCHENG)
    with db.write_session() as session:
        session.add(_bare(f"{XINCHENG}-899998", "倒数第二", lat, lon))
    last = _create(db, _input(*_at(lat, lon, 90, 300), name="最后一个"))
    with db.session() as session:
        assert _row(session, last)["code"] == f"{XINCHENG}-899999"
    before = snapshot(app)
    with pytest.raises(CodesExhausted):
        _create(db, _input(*_at(lat, lon, 0, 300), name="没有编号了"))
    assert_unchanged(before, app)
