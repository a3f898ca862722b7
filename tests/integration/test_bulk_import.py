"""A large import stores exactly what importing its rows one file at a time stores, and
one bad row among thousands refuses the whole file, naming that row."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from stationmap.app_state import state
from stationmap.models import Station, StationRevision
from stationmap.services import bulk_rows, editing, revisions, transfer
from stationmap.services import districts as district_service
from stationmap.services import stations as stations_service
from stationmap.services.revisions import Actor
from stationmap.station_fields import FIELDS, parse_station
from tests.integration.admin_support import XINCHENG

ACTOR = Actor(None, "测试")
HEADER = ["名称", "纬度", "经度", "坐标系", "开放时间", "联系电话", "服务设施", "地址"]


def _points(app, count: int) -> list[tuple[float, float]]:
    """``count`` points inside 新城区, 6 decimals, from a fixed seed."""
    rng = random.Random(17)
    out: list[tuple[float, float]] = []
    with state(app).db.session() as session:
        row = district_service.get_district(session, XINCHENG)
        assert row is not None and row.min_lat is not None
        while len(out) < count:
            lats = [round(rng.uniform(row.min_lat, row.max_lat), 6) for _ in range(count)]
            lons = [round(rng.uniform(row.min_lon, row.max_lon), 6) for _ in range(count)]
            inside = district_service.locate_many(session, lats, lons)
            out.extend((a, b) for a, b, d in zip(lats, lons, inside, strict=True) if d == XINCHENG)
    return out[:count]


def _rows(points: list[tuple[float, float]]) -> list[list[str]]:
    hours = ["", "24/7", "Mo-Fr 08:00-18:00", "08:00-20:00"]
    amenities = ["", "饮水", "饮水、充电", "卫生间、休息座椅"]
    return [
        [
            f"批量站{i}",
            str(lat),
            str(lon),
            "wgs84",
            hours[i % 4],
            f"0471-{6000000 + i}" if i % 3 else "",
            amenities[i % 4],
            f"新城区第{i}号" if i % 2 else "",
        ]
        for i, (lat, lon) in enumerate(points)
    ]


def _csv(rows: list[list[str]]) -> bytes:
    """The values hold no comma, quote or line break: joined as they are."""
    return "\n".join(",".join(row) for row in [HEADER, *rows]).encode("utf-8")


def _stored(session: Session) -> tuple[list[tuple], int]:
    """Every station's stored values (not ids or times), and the revision count."""
    stations = [
        (
            s.code,
            s.name,
            s.lat,
            s.lon,
            s.district_code,
            s.opening_hours,
            s.phone,
            s.address,
            sorted(s.amenities),
            s.version,
        )
        for s in session.scalars(select(Station).order_by(Station.code))
    ]
    return stations, len(list(session.scalars(select(StationRevision.id))))


def _import(session: Session, data: bytes) -> transfer.ImportReport:
    return transfer.import_stations(session, data, "批量.csv", actor=ACTOR)


def test_a_large_import_equals_the_rows_imported_one_by_one(empty_app):
    rows = _rows(_points(empty_app, 1200))
    engine = state(empty_app).db.write_engine
    with Session(engine) as session:
        before, revisions_before = _stored(session)
        # one row per file, in order (never committed): the same codes in the same order
        for row in rows[:150]:
            assert _import(session, _csv([row])).ok
            session.flush()
        one_by_one, revisions_one = _stored(session)
        session.rollback()
    with Session(engine) as session:
        assert _stored(session) == (before, revisions_before)
        report = _import(session, _csv(rows))
        assert report.ok and report.applied, report.errors[:3]
        assert report.result is not None and len(report.result.created) == 1200
        bulk, revisions_bulk = _stored(session)
        session.rollback()
    assert len(one_by_one) == len(before) + 150
    assert bulk[: len(one_by_one)] == one_by_one
    assert len(bulk) == len(before) + 1200
    assert revisions_one - revisions_before == 150
    assert revisions_bulk - revisions_before == 1200


def test_one_bad_row_among_thousands_refuses_the_file_naming_it(empty_app):
    rows = _rows(_points(empty_app, 3000))
    rows[2345][1] = "北纬"  # row 2347 of the file (the header is row 1)
    with Session(state(empty_app).db.write_engine) as session:
        before = _stored(session)
        report = _import(session, _csv(rows))
        session.commit()
        after = _stored(session)
    assert not report.ok and not report.applied
    assert [(e.row, e.field) for e in report.errors] == [(2347, "lat")]
    assert "纬度" in report.errors[0].message_zh
    assert after == before


FIELD_HEADER = [name for name in FIELDS if name != "code"]  # the fields' own names


def _field_rows(points: list[tuple[float, float]]) -> list[dict[str, str]]:
    """Rows in the fields' own words, each value one the checks keep as written."""
    amenities = ["", "water", "toilet;water", "phone_charging;seating;water"]
    hours = ["", "24/7", "Mo-Fr 08:00-18:00"]
    return [
        {
            "name": f"字段站{i}",
            "lat": str(lat),
            "lon": str(lon),
            "datum": "wgs84",
            "address": f"新城区第{i}号" if i % 2 else "",
            "host_type": ("union", "other", "community")[i % 3],
            "amenities": amenities[i % 4],
            "worker_groups": "courier" if i % 5 else "",
            "opening_hours": hours[i % 3],
            "phone": f"1391234{i:04d}" if i % 3 else "",
            "contact": f"联系人{i}" if i % 4 else "",
            "services": "饮水;充电" if i % 6 == 1 else "",
            "status": "suspended" if i % 7 == 3 else "active",
        }
        for i, (lat, lon) in enumerate(points)
    ]


def _field_csv(rows: list[dict[str, str]]) -> bytes:
    lines = [",".join(FIELD_HEADER), *(",".join(r[k] for k in FIELD_HEADER) for r in rows)]
    return "\n".join(lines).encode("utf-8")


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def _expected_snapshot(code: str, row: dict[str, str]) -> dict[str, object]:
    return {
        "code": code,
        "name": row["name"],
        "address": row["address"],
        "lat": float(row["lat"]),
        "lon": float(row["lon"]),
        "entered_datum": "wgs84",
        "district_code": XINCHENG,
        "host_type": row["host_type"],
        "amenities": sorted(a for a in row["amenities"].split(";") if a),
        "worker_groups": [row["worker_groups"]] if row["worker_groups"] else [],
        "opening_hours": row["opening_hours"] or None,
        "opening_hours_text": None,
        "phone": row["phone"],
        "contact": row["contact"],
        "services": [s for s in row["services"].split(";") if s],
        "status": row["status"],
        "verified_at": None,
        "deleted_at": None,
    }


def test_a_bulk_import_stores_each_row_and_its_first_revision_as_written(empty_app):
    """What the bulk path (COPY / executemany) stores, read back with plain SQL, equals
    the rows of the file: columns, amenities, worker groups, one ``import`` revision per
    station whose snapshot is the station and whose changes are its non-empty fields."""
    rows = _field_rows(_points(empty_app, 240))
    with state(empty_app).db.write_session() as session:
        report = _import(session, _field_csv(rows))
        assert report.ok and report.applied, report.errors[:3]
    codes = [f"{XINCHENG}-{i:04d}" for i in range(1, len(rows) + 1)]
    with state(empty_app).db.session() as session:
        stations = session.execute(
            text(
                "SELECT id, code, name, address, lat, lon, entered_datum, district_code, "
                "host_type, opening_hours, opening_hours_text, phone, contact, services, "
                "status, is_demo, version, created_at, updated_at, verified_at, deleted_at "
                "FROM station ORDER BY code"
            )
        ).all()
        amenities = session.execute(text("SELECT station_id, amenity FROM station_amenity")).all()
        groups = session.execute(text('SELECT station_id, "group" FROM station_worker_group')).all()
        history = session.execute(
            text(
                "SELECT station_id, number, action, user_id, actor, created_at, changes, "
                "snapshot, station_version, restored_from FROM station_revision"
            )
        ).all()
    assert [s.code for s in stations] == codes
    ids = {s.code: s.id for s in stations}
    stamp = stations[0].created_at
    for station, row in zip(stations, rows, strict=True):
        want = _expected_snapshot(station.code, row)
        got = {
            "code": station.code,
            "name": station.name,
            "address": station.address,
            "lat": station.lat,
            "lon": station.lon,
            "entered_datum": station.entered_datum,
            "district_code": station.district_code,
            "host_type": station.host_type,
            "opening_hours": station.opening_hours,
            "opening_hours_text": station.opening_hours_text,
            "phone": station.phone,
            "contact": station.contact,
            "services": _json(station.services),
            "status": station.status,
        }
        assert got == {k: v for k, v in want.items() if k in got}
        assert (bool(station.is_demo), station.version) == (False, 1)
        assert station.created_at == station.updated_at == stamp
        assert station.verified_at is None and station.deleted_at is None
    assert sorted(amenities) == sorted(
        (ids[code], a) for code, row in zip(codes, rows) for a in row["amenities"].split(";") if a
    )
    assert sorted(groups) == sorted(
        (ids[code], row["worker_groups"]) for code, row in zip(codes, rows) if row["worker_groups"]
    )
    assert len(history) == len(rows)
    by_station = {h.station_id: h for h in history}
    for code, row in zip(codes, rows, strict=True):
        revision = by_station[ids[code]]
        snap = _expected_snapshot(code, row)
        assert (revision.number, revision.action, revision.user_id, revision.actor) == (
            1,
            "import",
            None,
            ACTOR.name,
        )
        assert (revision.station_version, revision.restored_from) == (1, None)
        assert revision.created_at == stamp
        assert _json(revision.snapshot) == snap
        assert _json(revision.changes) == {
            k: [None, v] for k, v in snap.items() if v not in (None, "", [])
        }


def test_a_failure_late_in_the_write_of_a_big_file_stores_nothing(empty_app, monkeypatch):
    """The database refuses a station near the end of a 3,000-row file, after thousands
    of stations and their revisions went in: the whole import is rolled back."""
    rows = _rows(_points(empty_app, 3000))
    monkeypatch.setattr(bulk_rows, "BATCH", 500)
    with Session(state(empty_app).db.write_engine) as session:
        before = _stored(session)
    written: list[int] = []
    real = bulk_rows.insert_rows

    def failing_late(connection, table, columns, rows, constants=None, done=None, **options):
        """The revisions' last batch carries a station id the table does not have."""
        if table.name != "station_revision":
            return real(connection, table, columns, rows, constants, done, **options)
        listed = list(rows)
        written.append(len(listed))
        revision_id, _station_id, *rest = listed[-1]
        listed[-1] = (revision_id, 10**9, *rest)
        return real(connection, table, columns, listed, constants, done, **options)

    monkeypatch.setattr(revisions, "insert_rows", failing_late)
    with pytest.raises(DBAPIError), state(empty_app).db.write_session() as session:
        _import(session, _csv(rows))
    assert written == [3000]
    with Session(state(empty_app).db.write_engine) as session:
        assert _stored(session) == before


def test_bulk_rows_store_what_a_core_insert_stores(empty_app):
    """The same station written by a Core ``insert()`` and by ``insert_rows`` (with
    times as constants, one at a whole second) reads back as the same raw values."""
    at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    verified = datetime(2026, 3, 4, 5, 6, 7, 891, tzinfo=UTC)
    values = {
        "name": "原样站",
        "address": "路 1 号",
        "lat": 40.8123457,
        "lon": 111.6543211,
        "entered_datum": "gcj02",
        "district_code": XINCHENG,
        "host_type": "union",
        "opening_hours": "24/7",
        "opening_hours_text": None,
        "phone": "13912345678",
        "contact": "张三",
        "services": ["饮水", "充电"],
        "status": "suspended",
    }
    constants = {
        "is_demo": True,
        "version": 3,
        "created_at": at,
        "updated_at": at,
        "verified_at": verified,
    }
    table = Station.__table__
    with state(empty_app).db.write_session() as session:
        connection = session.connection()
        connection.execute(insert(table), [{"code": "150102-0001", **values, **constants}])
        bulk_rows.insert_rows(
            connection, table, ("code", *values), [("150102-0002", *values.values())], constants
        )
    columns = ", ".join(c for c in (*values, *constants))
    with state(empty_app).db.session() as session:
        core, bulk = session.execute(
            text(
                f"SELECT {columns} FROM station WHERE code IN ('150102-0001', '150102-0002') "
                "ORDER BY code"
            )
        ).all()
    assert tuple(bulk) == tuple(core)


# -- the bbox index after a large import ------------------------------------------------
# SQLite keeps an R*Tree of station positions (station_box, migration 0004), filled by a
# trigger per inserted station; a large import drops the trigger, fills the boxes of its
# new stations in one statement and makes the trigger again, in its own transaction.
# R*Tree stores 32-bit floats rounded outward: a box holds its point, within 2e-5 degrees.
BOX_SLACK = 2e-5


def _triggers(session: Session) -> list[tuple[str, str]]:
    return [
        (name, sql)
        for name, sql in session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        )
    ]


def _boxes(session: Session) -> dict[int, tuple[float, float, float, float]]:
    rows = session.execute(text("SELECT id, min_lon, max_lon, min_lat, max_lat FROM station_box"))
    out: dict[int, tuple[float, float, float, float]] = {}
    for station_id, *box in rows:
        assert station_id not in out, f"two boxes for station {station_id}"
        out[station_id] = tuple(box)
    return out


def _assert_one_box_per_station(session: Session) -> None:
    """station_box holds exactly one box per station, each around its point."""
    points = session.execute(text("SELECT id, lat, lon FROM station")).all()
    boxes = _boxes(session)
    assert sorted(boxes) == sorted(p.id for p in points)
    for station_id, lat, lon in points:
        min_lon, max_lon, min_lat, max_lat = boxes[station_id]
        assert min_lon <= lon <= max_lon and max_lon - min_lon < BOX_SLACK, station_id
        assert min_lat <= lat <= max_lat and max_lat - min_lat < BOX_SLACK, station_id


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # PostGIS indexes geog
def test_a_large_import_fills_the_bbox_index_and_keeps_its_trigger(app):
    """After 1,200 new stations (beside the demo ones) the R*Tree holds one box per
    station at its point, the insert trigger is there as before, and a station created
    afterwards in the editor gets its box from it."""
    database = state(app).db
    with database.session() as session:
        triggers = _triggers(session)
        demo = len(_boxes(session))
    assert [name for name, _sql in triggers] == [
        "station_box_delete",
        "station_box_insert",
        "station_box_update",
    ]
    assert demo > 0
    with database.write_session() as session:
        report = _import(session, _csv(_rows(_points(app, 1200))))
        assert report.ok and report.applied, report.errors[:3]
    with database.session() as session:
        assert _triggers(session) == triggers
        _assert_one_box_per_station(session)
        assert len(_boxes(session)) == demo + 1200
    with database.write_session() as session:
        station = editing.create_station(
            session, parse_station({"name": "单建站", "lat": "40.85", "lon": "111.70"}), None, ACTOR
        )
        created = station.id
    with database.session() as session:
        min_lon, max_lon, min_lat, max_lat = _boxes(session)[created]
        assert min_lon <= 111.70 <= max_lon and min_lat <= 40.85 <= max_lat
        _assert_one_box_per_station(session)


def test_the_bbox_listing_finds_stations_of_a_large_import(empty_app):
    """The API's bbox listing (the R*Tree on SQLite, the GiST index on PostGIS) answers
    with exactly the imported stations whose points lie in the box."""
    points = _points(empty_app, 1200)
    with state(empty_app).db.write_session() as session:
        report = _import(session, _csv(_rows(points)))
        assert report.ok and report.applied, report.errors[:3]
    lats, lons = sorted(p[0] for p in points), sorted(p[1] for p in points)
    south, north = lats[300], lats[900]
    west, east = lons[300], lons[900]
    with state(empty_app).db.session() as session:
        stored = session.execute(text("SELECT id, lat, lon FROM station")).all()
    want = sorted(s.id for s in stored if south <= s.lat <= north and west <= s.lon <= east)
    assert 0 < len(want) < 1000
    response = empty_app.test_client().get(
        f"/api/v1/stations?bbox={west},{south},{east},{north}&limit=1000"
    )
    assert response.status_code == 200
    assert sorted(f["id"] for f in response.get_json()["features"]) == want


def test_an_import_failing_in_its_last_batch_leaves_stations_boxes_and_triggers(app, monkeypatch):
    """The database refuses the last station of a 1,200-row file's last batch (after
    two batches went in without the per-row trigger): stations, revisions, the R*Tree
    and its triggers are exactly as before."""
    database = state(app).db
    monkeypatch.setattr(bulk_rows, "BATCH", 500)
    real = bulk_rows.insert_rows
    batches: list[int] = []

    def failing_last(connection, table, columns, rows, constants=None, done=None, **options):
        if table.name != "station":
            return real(connection, table, columns, rows, constants, done, **options)
        listed = [list(row) for row in rows]
        listed[-1][list(columns).index("lat")] = 95.0  # refused by ck_station_coords
        return real(connection, table, columns, listed, constants, batches.append, **options)

    monkeypatch.setattr(stations_service, "insert_rows", failing_last)

    def everything(session: Session) -> tuple[object, ...]:
        rows = session.execute(text("SELECT * FROM station ORDER BY id")).all()
        history = session.execute(text("SELECT * FROM station_revision ORDER BY id")).all()
        if not database.is_sqlite:
            return rows, history
        return rows, history, sorted(_boxes(session).items()), _triggers(session)

    with database.session() as session:
        before = everything(session)
    with pytest.raises(DBAPIError), database.write_session() as session:
        _import(session, _csv(_rows(_points(app, 1200))))
    # two batches written before the third is refused (COPY refuses when it ends)
    assert batches[:2] == [500, 1000] and len(batches) <= 3
    with database.session() as session:
        assert everything(session) == before
        if database.is_sqlite:
            _assert_one_box_per_station(session)


def test_rows_without_a_code_find_the_station_of_their_name_within_50_m(empty_app):
    """Importing a 700-row file again changes nothing (every row finds its station by
    name and place, names with quotes, backslashes and emoji too); a row of a stored
    name 20 m from it moves that station, one 220 m away is another station."""
    rows = _rows(_points(empty_app, 700))
    for i, name in enumerate(("单引号'站", "反斜杠\\站", "表情🚲站", '双"引号', '["json"]')):
        rows[i][0] = name
    with state(empty_app).db.write_session() as session:
        first = _import(session, _csv(rows))
        assert first.ok and first.result is not None and len(first.result.created) == 700
    with state(empty_app).db.write_session() as session:
        again = _import(session, _csv(rows))
        assert again.ok and again.result is not None
        assert (again.result.created, again.result.updated) == ([], [])
        assert sorted(again.result.unchanged) == sorted(first.result.created)
    near, far = list(rows[3]), list(rows[4])
    near[1] = str(round(float(near[1]) + 0.00018, 6))  # 20 m north
    far[1] = str(round(float(far[1]) + 0.002, 6))  # 222 m north
    with state(empty_app).db.write_session() as session:
        moved = _import(session, _csv([near, far]))
        assert moved.ok and moved.result is not None
        assert moved.result.updated == [first.result.created[3]]
        assert len(moved.result.created) == 1 and moved.result.unchanged == []
