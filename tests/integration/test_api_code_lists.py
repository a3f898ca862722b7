"""Several codes for one filter: ``amenity=water,toilet`` (the documented form) and the
repeated form ``amenity=water&amenity=toilet`` mean the same list; other parameters
given twice are still refused.

Expected answers come from the unfiltered listing, filtered and ranked here in plain
Python with pyproj's geodesic distance."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
MANAS = (44.3050, 86.2170)
HOHHOT = (40.8420, 111.7000)


def _json(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


def _all_stations(client: Any) -> list[dict[str, Any]]:
    return _json(client.get("/api/v1/stations?limit=1000"))["features"]


def _expected_nearest(
    client: Any, lat: float, lon: float, amenities: set[str], k: int
) -> list[int]:
    kept = [
        f
        for f in _all_stations(client)
        if f["properties"]["status"] == "active" and amenities <= set(f["properties"]["amenities"])
    ]
    kept.sort(key=lambda f: (GEOD.inv(lon, lat, *f["geometry"]["coordinates"])[2], f["id"]))
    return [f["id"] for f in kept[:k]]


@pytest.mark.parametrize("point", [MANAS, HOHHOT])
def test_nearest_with_two_amenities_in_either_form_keeps_stations_having_both(
    client: Any, point: tuple[float, float]
) -> None:
    lat, lon = point
    base = f"/api/v1/stations/nearest?lat={lat}&lon={lon}&k=10"
    comma = _json(client.get(base + "&amenity=water,toilet"))["features"]
    repeated = _json(client.get(base + "&amenity=water&amenity=toilet"))["features"]
    expected = _expected_nearest(client, lat, lon, {"water", "toilet"}, 10)
    assert expected, "the demo data has stations with water and a toilet here"
    assert [f["id"] for f in comma] == expected
    assert [f["id"] for f in repeated] == expected
    # The filter narrows: without it some of the ten nearest lack one of the two.
    plain = _json(client.get(base))["features"]
    assert any(not {"water", "toilet"} <= set(f["properties"]["amenities"]) for f in plain), (
        "a point where the filter changes the answer"
    )


def test_repeats_and_commas_combine_into_one_list(client: Any) -> None:
    lat, lon = HOHHOT
    base = f"/api/v1/stations/nearest?lat={lat}&lon={lon}&k=10"
    mixed = _json(client.get(base + "&amenity=water,toilet&amenity=phone_charging"))
    expected = _expected_nearest(client, lat, lon, {"water", "toilet", "phone_charging"}, 10)
    assert [f["id"] for f in mixed["features"]] == expected
    assert mixed["query"]["amenity"] == ["water", "toilet", "phone_charging"]


def test_listing_with_two_amenities_in_either_form(client: Any) -> None:
    bbox = "111.5,40.7,111.9,41.0"
    everything = _json(client.get(f"/api/v1/stations?bbox={bbox}&limit=1000"))["features"]
    expected = sorted(
        f["id"] for f in everything if {"water", "toilet"} <= set(f["properties"]["amenities"])
    )
    assert 0 < len(expected) < len(everything)
    for query in ("amenity=water,toilet", "amenity=water&amenity=toilet"):
        got = _json(client.get(f"/api/v1/stations?bbox={bbox}&limit=1000&{query}"))["features"]
        assert sorted(f["id"] for f in got) == expected


def test_worker_group_may_be_repeated_too(client: Any) -> None:
    lat, lon = HOHHOT
    base = f"/api/v1/stations/nearest?lat={lat}&lon={lon}&k=10"
    comma = _json(client.get(base + "&worker_group=courier,food_delivery"))
    repeated = _json(client.get(base + "&worker_group=courier&worker_group=food_delivery"))
    assert [f["id"] for f in comma["features"]] == [f["id"] for f in repeated["features"]]


def test_unknown_code_among_repeats_is_a_422_naming_the_field(client: Any) -> None:
    response = client.get("/api/v1/stations/nearest?lat=44&lon=86&amenity=water&amenity=wifi2")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "amenity" and "wifi2" in error["message"]


@pytest.mark.parametrize(
    "query",
    ["lat=44&lat=45&lon=86", "lat=44&lon=86&k=3&k=4", "lat=44&lon=86&datum=wgs84&datum=bd09"],
)
def test_a_single_valued_parameter_given_twice_is_still_refused(client: Any, query: str) -> None:
    response = client.get("/api/v1/stations/nearest?" + query)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "repeated_parameter"


def test_openapi_documents_both_forms(client: Any) -> None:
    spec = _json(client.get("/api/openapi.json"))
    params = {p["name"]: p for p in spec["paths"]["/api/v1/stations/nearest"]["get"]["parameters"]}
    for name in ("amenity", "worker_group", "host_type"):
        assert "repeated" in params[name]["description"], name
    assert "amenity=water,toilet" in params["amenity"]["description"]
