"""An import locates each station's point in a district once (the placement check), and
every station is stored in the district its saved point lies in: the shipped boundaries
read here with shapely, not through the code under test."""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import Point, shape
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services import districts as district_service
from stationmap.services import transfer
from stationmap.services.revisions import Actor

GEODATA = Path(__file__).resolve().parents[2] / "geodata" / "districts.geojson"
XINCHENG, SAIHAN = "150102", "150105"
LEVELS = {"county": 0, "city": 1, "province": 2}


def _boundaries() -> list[tuple[int, str, object]]:
    features = json.loads(GEODATA.read_text(encoding="utf-8"))["features"]
    return [
        (LEVELS[f["properties"]["level"]], f["properties"]["code"], shape(f["geometry"]))
        for f in features
    ]


def _deepest(boundaries: list[tuple[int, str, object]], lat: float, lon: float) -> str | None:
    """The deepest shipped district whose boundary covers (lat, lon), ties by code."""
    point = Point(lon, lat)
    covering = sorted((level, code) for level, code, geom in boundaries if geom.covers(point))
    return covering[0][1] if covering else None


def _bd09_from_wgs84_rough(lat: float, lon: float) -> tuple[float, float]:
    """About where a Baidu picker would show (lat, lon): the test needs a BD-09 row near
    the middle of a district, not the exact forward formula."""
    return lat + 0.0075, lon + 0.0118


def test_import_stores_each_point_in_its_district_and_locates_it_once(empty_app, monkeypatch):
    boundaries = _boundaries()
    middle = {code: geom.representative_point() for _lvl, code, geom in boundaries}
    xin, sai = middle[XINCHENG], middle[SAIHAN]
    bd_lat, bd_lon = _bd09_from_wgs84_rough(sai.y + 0.01, sai.x + 0.01)
    rows = [
        ("", "新城区驿站", xin.y, xin.x, "wgs84"),
        ("", "赛罕区驿站", sai.y, sai.x, "wgs84"),
        (f"{SAIHAN}-0500", "赛罕区编号驿站", sai.y - 0.005, sai.x, "wgs84"),
        ("", "赛罕区百度驿站", bd_lat, bd_lon, "bd09"),
        ("", "杭州驿站", 30.25, 120.15, "wgs84"),  # outside every shipped district
    ]
    csv_text = "code,name,lat,lon,datum\n" + "".join(
        f"{code},{name},{lat:.7f},{lon:.7f},{datum}\n" for code, name, lat, lon, datum in rows
    )

    located: list[tuple[float, float]] = []
    real = district_service.locate_many

    def counting(session, lats, lons):
        located.extend(zip(lats, lons, strict=True))
        return real(session, lats, lons)

    monkeypatch.setattr(district_service, "locate_many", counting)
    with state(empty_app).db.write_session() as session:
        report = transfer.import_stations(
            session, csv_text.encode("utf-8"), "list.csv", actor=Actor(None, "测试")
        )
        assert report.ok, report.errors
        assert len(report.result.created) == len(rows)
    monkeypatch.undo()

    with state(empty_app).db.session() as session:
        stored = {s.name: s for s in session.scalars(select(Station))}
    assert sorted(stored) == sorted(name for _c, name, *_rest in rows)
    expected_by_name = {}
    for station in stored.values():
        expected = _deepest(boundaries, station.lat, station.lon)
        expected_by_name[station.name] = expected
        assert station.district_code == expected, station.name
        if station.name != "赛罕区编号驿站":
            assert station.code.startswith(f"{expected or '000000'}-"), station.code
    # The rows landed where they were put: two districts and none.
    assert expected_by_name == {
        "新城区驿站": XINCHENG,
        "赛罕区驿站": SAIHAN,
        "赛罕区编号驿站": SAIHAN,
        "赛罕区百度驿站": SAIHAN,
        "杭州驿站": None,
    }
    assert stored["赛罕区编号驿站"].code == f"{SAIHAN}-0500"
    # Each saved point (exactly: the point judged is the one stored) went to the locator
    # once in the whole import.
    for station in stored.values():
        hits = [p for p in located if p == (station.lat, station.lon)]
        assert len(hits) == 1, (station.name, hits)
