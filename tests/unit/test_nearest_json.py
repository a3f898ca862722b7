"""The hand-written nearest answer is exactly the JSON of the same objects, for any
station text, and never serves a stale or invalid feature."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from stationmap.geo.datum import gcj02_to_bd09, wgs84_to_gcj02
from stationmap.geo.freshness import Marks, notice
from stationmap.geo.hours import UNKNOWN, hours_state
from stationmap.geo.navigation import NavTarget, navigation_links
from stationmap.services.nearest import VECTOR_MIN, NearestResult, StationRow, station_rows
from stationmap.web import nearest_json

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 11:00 in Shanghai

NASTY = [
    "普通驿站",
    'quote " and backslash \\ and slash /',
    "</script><script>alert(1)</script>",
    "${alert(1)} `tick`",
    "line\nbreak\ttab\x01control",
    "\u2028\u2029 separators",
    "emoji 🚴 and \ud7ff",
]


def _row(station_id: int, name: str, hours: str | None = "Mo-Fr 08:00-20:00") -> StationRow:
    (row,) = station_rows(
        [
            (
                station_id,
                f"150105-{station_id:04d}",
                name,
                f"{name} 路 {station_id} 号",
                "150105",
                "pharmacy",
                ("toilet", "water_hot"),
                ("courier",),
                hours,
                "0471-1234567",
                station_id % 2 == 0,
                40.8123456789,
                111.7123456789,
            )
        ]
    )
    return row


def _expected(result: NearestResult) -> dict:
    row = result.station
    return {
        "type": "Feature",
        "id": row.id,
        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        "properties": {
            "id": row.id,
            "code": row.code,
            "name": row.name,
            "address": row.address,
            "district_code": row.district_code,
            "host_type": row.host_type,
            "amenities": list(row.amenities),
            "worker_groups": list(row.worker_groups),
            "opening_hours": row.opening_hours,
            "phone": row.phone,
            "demo": row.is_demo,
            "links": {
                "self": f"/root/api/v1/stations/{row.id}",
                "page": f"/root/s/{row.code}",
                **navigation_links(NavTarget(row.lat, row.lon, row.name), "App", "KEY"),
            },
            **_marks(result),
            "open_now": result.hours.open,
            "next_change_at": result.hours.change_at_iso(),
            "distance_m": round(result.distance_m, 1),
        },
    }


def _marks(result: NearestResult) -> dict:
    """The temporary-state members; notices in UTC, the answer's default zone."""
    marks = result.marks
    until = marks.temporarily_closed_until
    names = {"zh": {"water": "饮用水（冷热）"}, "en": {"water": "Drinking water, hot and cold"}}
    return {
        "temporarily_closed_until": until.astimezone(UTC).isoformat(timespec="seconds")
        if until
        else None,
        "unavailable_amenities": list(marks.unavailable_amenities),
        "reported_closed": marks.reported_closed,
        "stale": marks.stale,
        "notice_zh": notice(marks, ZoneInfo("UTC"), "zh", names["zh"].__getitem__),
        "notice_en": notice(marks, ZoneInfo("UTC"), "en", names["en"].__getitem__),
    }


def test_marks_are_written_with_each_feature():
    nearest_json.clear_cache()
    until = AT + timedelta(hours=5)
    marks = Marks(until, ("water",), True, False)
    result = NearestResult(_row(1, "驿站"), 10.0, hours_state("24/7", AT, SHANGHAI), marks)
    props = _answer([result], {})["features"][0]["properties"]
    assert props["temporarily_closed_until"] == "2026-11-23T08:00:00+00:00"
    assert props["unavailable_amenities"] == ["water"]
    assert props["reported_closed"] is True and props["stale"] is False
    assert props["notice_en"] == (
        "temporarily closed until 2026-11-23 08:00; reported closed by couriers, not yet "
        "confirmed; unavailable for now: Drinking water, hot and cold."
    )
    assert props == _expected(result)["properties"]


def _answer(results: list[NearestResult], query: dict) -> dict:
    text = nearest_json.nearest_collection(
        results, query, script_root="/root", app_name="App", tencent_key="KEY"
    )
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in output"))


@pytest.mark.parametrize("name", NASTY)
def test_answer_is_the_json_of_the_same_objects(name):
    nearest_json.clear_cache()
    results = [
        NearestResult(row, 1234.5678 * i, hours_state(row.opening_hours, AT, SHANGHAI))
        for i, row in enumerate([_row(1, name), _row(2, name, None), _row(3, name, "24/7")], 1)
    ]
    query = {"lat": 40.8, "lon": 111.7, "amenity": [name], "open_now": False}
    answer = _answer(results, query)
    assert answer == {
        "type": "FeatureCollection",
        "features": [_expected(r) for r in results],
        "query": query,
    }
    # Served again from the cache: the same text.
    assert _answer(results, query) == answer


def test_links_use_the_positions_computed_at_load():
    row = _row(5, "驿站")
    assert (row.gcj_lat, row.gcj_lon) == wgs84_to_gcj02(row.lat, row.lon)
    assert (row.bd_lat, row.bd_lon) == gcj02_to_bd09(row.gcj_lat, row.gcj_lon)
    result = NearestResult(row, 10.0, UNKNOWN)
    links = _answer([result], {})["features"][0]["properties"]["links"]
    assert f"dlat={row.gcj_lat:.6f}&dlon={row.gcj_lon:.6f}" in links["amap"]["android"]
    assert f"latlng:{row.bd_lat:.6f},{row.bd_lon:.6f}" in links["baidu"]["app"]


def test_many_rows_are_converted_together_as_one_would_be():
    rng = np.random.default_rng(8)
    lats, lons = rng.uniform(18, 53, 500), rng.uniform(73, 135, 500)
    base = _row(1, "驿站")[:11]
    records = [(*base, lat, lon) for lat, lon in zip(lats.tolist(), lons.tolist(), strict=True)]
    assert len(records) >= VECTOR_MIN
    for row in station_rows(records):
        (alone,) = station_rows([row[:13]])
        assert row[:13] == alone[:13]
        assert row[13:] == pytest.approx(alone[13:], abs=1e-12)


def test_an_edited_station_is_never_served_from_the_cache():
    nearest_json.clear_cache()
    before = _row(7, "旧名字")
    after = before._replace(name="新名字", amenities=("wifi",))
    for row, name in ((before, "旧名字"), (after, "新名字"), (before, "旧名字")):
        props = _answer([NearestResult(row, 1.0, UNKNOWN)], {})["features"][0]["properties"]
        assert props["name"] == name


def test_hours_in_words_follow_the_day_asked():
    """The words are kept per hours text and day: the same station asked about on a
    Monday, a Saturday and a Monday again reads open, closed, open."""
    nearest_json.clear_cache()
    row = _row(11, "驿站")  # Mo-Fr 08:00-20:00
    monday = (
        "今天 08:00-20:00（周一至周五 08:00-20:00）",
        "Today 08:00-20:00 (Mon–Fri 08:00-20:00)",
    )
    saturday = ("今天 休息（周一至周五 08:00-20:00）", "Today closed (Mon–Fri 08:00-20:00)")
    for day, (zh, en) in (
        (date(2026, 11, 23), monday),
        (date(2026, 11, 28), saturday),
        (date(2026, 11, 23), monday),
    ):
        text = nearest_json.nearest_collection(
            [NearestResult(row, 1.0, UNKNOWN)],
            {},
            script_root="",
            app_name="a",
            tencent_key="",
            day=day,
        )
        props = json.loads(text)["features"][0]["properties"]
        assert (props["hours_zh"], props["hours_en"]) == (zh, en)
    # Without a day, no words at all (and none left over from the days before).
    text = nearest_json.nearest_collection(
        [NearestResult(row, 1.0, UNKNOWN)], {}, script_root="", app_name="a", tencent_key=""
    )
    assert "hours_zh" not in json.loads(text)["features"][0]["properties"]


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_numbers_are_refused_not_written(bad):
    row = _row(9, "驿站")
    with pytest.raises(ValueError):
        nearest_json.nearest_collection(
            [NearestResult(row, bad, UNKNOWN)], {}, script_root="", app_name="a", tencent_key=""
        )
    with pytest.raises(ValueError):
        nearest_json.nearest_collection(
            [NearestResult(row._replace(lat=bad), 1.0, UNKNOWN)],
            {},
            script_root="",
            app_name="a",
            tencent_key="",
        )
