"""A large import stores exactly what importing its rows one file at a time stores, and
one bad row among thousands refuses the whole file, naming that row."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.app_state import state
from stationmap.models import Station, StationRevision
from stationmap.services import districts as district_service
from stationmap.services import transfer
from stationmap.services.revisions import Actor
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
