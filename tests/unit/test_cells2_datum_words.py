"""The datum words offices write in a 坐标系 column or a header, and the projected (plane)
systems and coordinates an import refuses, saying how to convert them."""

from __future__ import annotations

import pytest

from stationmap.geo.datum import parse_datum
from stationmap.station_fields import InvalidStation, parse_station
from stationmap.tabular.layout import datum_header


@pytest.mark.parametrize(
    ("word", "datum"),
    [
        ("84坐标", "wgs84"),
        ("WGS84坐标", "wgs84"),
        ("GPS坐标", "wgs84"),
        ("天地图坐标", "wgs84"),
        ("2000坐标", "wgs84"),
        ("CGCS2000", "wgs84"),
        ("国家2000", "wgs84"),
        ("火星坐标", "gcj02"),
        ("国测局坐标", "gcj02"),
        ("高德坐标", "gcj02"),
        ("腾讯坐标", "gcj02"),
        ("谷歌中国", "gcj02"),
        ("百度坐标", "bd09"),
        ("百度经纬度", "bd09"),
        ("百度地图坐标系", "bd09"),
    ],
)
def test_datum_words_offices_write(word: str, datum: str) -> None:
    assert parse_datum(word) == datum


@pytest.mark.parametrize(
    ("header", "axis", "datum"),
    [("84经度", "lon", "wgs84"), ("天地图坐标纬度", "lat", "wgs84"), ("百度经度", "lon", "bd09")],
)
def test_datum_words_in_headers(header: str, axis: str, datum: str) -> None:
    assert datum_header(header) == (axis, datum)


def _errors(**cells: object) -> dict[str, str]:
    raw = {"name": "甲驿站", "lat": 40.85, "lon": 111.69} | cells
    with pytest.raises(InvalidStation) as caught:
        parse_station(raw, office_file=True)
    return {e.field: e.message_zh + " | " + e.message for e in caught.value.errors}


@pytest.mark.parametrize(
    "word", ["西安80", "北京54", "西安1980坐标系", "CGCS2000 3度带", "6度带", "投影坐标"]
)
def test_projected_datum_is_refused_saying_how_to_convert(word: str) -> None:
    text = _errors(datum=word)["datum"]
    assert f"坐标系“{word}”是投影（平面）坐标" in text
    assert "CGCS2000 经纬度" in text
    assert "WGS-84" in text and "GCJ-02" in text and "BD-09" in text
    assert "in your GIS" in text


@pytest.mark.parametrize(("field", "value"), [("lon", 38512345.12), ("lat", "4512345.6")])
def test_plane_coordinates_are_refused_as_metres(field: str, value: object) -> None:
    text = _errors(**{field: value})[field]
    name = "经度" if field == "lon" else "纬度"
    assert f"{name}“{value}”不是度数，像是以米为单位的投影（平面）坐标" in text
    assert "CGCS2000 经纬度" in text
    assert "projected (plane) coordinate in metres" in text


def test_degrees_out_of_range_keep_their_own_message() -> None:
    assert "经度应为 -180 到 180 之间的度数" in _errors(lon=211.6)["lon"]


@pytest.mark.parametrize("value", [10**400, -(10**400), "1e400", "1" + "0" * 400, 1e12, "inf"])
def test_numbers_no_plane_system_reaches_keep_the_range_message(value: object) -> None:
    # An int past float's range (a JSON body's 10**400) raised OverflowError here (a 500
    # in the API); infinite or astronomically large numbers are no plane coordinate.
    text = _errors(lat=value)["lat"]
    assert text.startswith("纬度应为")  # out of range, or not degrees as written
    assert "投影" not in text
