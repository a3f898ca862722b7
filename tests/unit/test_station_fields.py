"""One check for every source of station data: what is accepted, what is refused."""

from __future__ import annotations

import pytest

from stationmap.geo import datum
from stationmap.station_fields import InvalidStation, parse_station

GOOD = {"name": "人民路社区驿站", "lat": "44.305", "lon": "86.214"}


def _fields(raw):
    with pytest.raises(InvalidStation) as info:
        parse_station(raw)
    return {e.field for e in info.value.errors}


def test_minimal_station_gets_defaults():
    station = parse_station(GOOD)
    assert station.lat == 44.305 and station.lon == 86.214
    assert station.entered_datum == "wgs84"
    assert station.status == "active"
    assert station.host_type == "other"
    assert station.amenities == ()


def test_chinese_names_and_aliases_map_to_codes():
    station = parse_station(
        {
            **GOOD,
            "host_type": "药店",
            "amenities": "卫生间、饮用水；WiFi",
            "worker_groups": "外卖骑手,快递员",
            "status": "暂停",
        }
    )
    assert station.host_type == "pharmacy"
    assert station.amenities == ("water", "toilet", "wifi")
    assert station.worker_groups == ("food_delivery", "courier")
    assert station.status == "suspended"


@pytest.mark.parametrize("given", ["gcj02", "GCJ-02", "bd09", "BD-09"])
def test_coordinates_in_other_datums_are_stored_as_wgs84(given):
    canonical = datum.parse_datum(given)
    lat, lon = datum.from_wgs84(40.81, 111.66, canonical)
    station = parse_station({**GOOD, "lat": lat, "lon": lon, "datum": given})
    assert station.entered_datum == canonical
    assert (station.lat, station.lon) == pytest.approx((40.81, 111.66), abs=2e-7)


def test_a_bd09_point_off_the_globe_is_a_field_error_not_a_bad_row():
    with pytest.raises(InvalidStation) as info:
        parse_station({**GOOD, "lat": -90, "lon": -90, "datum": "bd09"})
    (error,) = info.value.errors
    assert error.field == "lat" and "WGS-84" in error.message


def test_every_problem_is_reported_at_once():
    fields = _fields(
        {
            "name": "",
            "lat": "north",
            "lon": "inf",
            "datum": "utm",
            "amenities": "water;gold",
            "opening_hours": "sometimes",
            "phone": "call me",
            "status": "gone",
            "colour": "red",
        }
    )
    assert fields == {
        "name",
        "lat",
        "lon",
        "datum",
        "amenities",
        "opening_hours",
        "phone",
        "status",
        "colour",
    }


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"lat": "95"}, "lat"),
        ({"lon": "-181"}, "lon"),
        ({"lat": "nan"}, "lat"),
        ({"lat": None}, "lat"),
        ({"lat": True}, "lat"),
        ({"code": "12-3"}, "code"),
        ({"name": "x" * 201}, "name"),
        ({"name": "驿站\x00"}, "name"),
        ({"services": ["好" * 201]}, "services"),
    ],
)
def test_single_bad_fields(raw, field):
    assert field in _fields({**GOOD, **raw})


def test_service_lines():
    assert parse_station({**GOOD, "services": "免费饮水;手机充电"}).services == (
        "免费饮水",
        "手机充电",
    )
    assert parse_station({**GOOD, "services": "饮水；充电\n如厕"}).services == (
        "饮水；充电",
        "如厕",
    )
    assert parse_station({**GOOD, "services": ["a", " ", "b "]}).services == ("a", "b")


def test_phone_read_from_a_spreadsheet_as_a_number():
    assert parse_station({**GOOD, "phone": 13812345678.0}).phone == "13812345678"


@pytest.mark.parametrize(
    "code",
    ["５３０１１２-０７７７", "٥٣٠١١٢-٠٧٧٧", "530112-０７７７", "530112-07", "530112-1000000"],
)
def test_a_code_is_ascii_digits_only(code):
    with pytest.raises(InvalidStation) as caught:
        parse_station({"name": "甲", "lat": 44.3, "lon": 86.2, "code": code})
    (error,) = caught.value.errors
    assert error.field == "code" and "半角数字" in error.text("zh") and "ASCII" in error.text("en")


def test_an_ascii_code_passes():
    assert parse_station({"name": "甲", "lat": 44.3, "lon": 86.2, "code": "530112-0777"}).code == (
        "530112-0777"
    )
