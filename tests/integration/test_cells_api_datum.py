"""The nearest API's error for a query point whose datum has no WGS-84 point is worded
as the API words other field errors: English naming the fields, Chinese beside it."""

from __future__ import annotations


def test_a_point_with_no_wgs84_point_names_lat_lon_datum_in_english_and_chinese(client):
    response = client.get(
        "/api/v1/stations/nearest", query_string={"lat": -90, "lon": -90, "datum": "bd09"}
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["field"], error["code"]) == ("lat", "out_of_range")
    assert error["message"].startswith("lat: ")
    for word in ("lat -90", "lon -90", "datum bd09", "check lat, lon and datum"):
        assert word in error["message"]
    (detail,) = error["details"]
    assert detail["field"] == "lat"
    assert detail["message_zh"] == (
        "纬度 -90、经度 -90 按坐标系 bd09 换算成 WGS-84 后超出经纬度范围"
        "（纬度须在 -90 到 90 之间，经度须在 -180 到 180 之间）：请检查纬度、经度和坐标系"
    )
