"""The v1 API contract, against the demo data."""

from __future__ import annotations

import json
import math
from urllib.parse import parse_qs, urlsplit

import pytest
from pyproj import Geod

from stationmap.app_state import state
from stationmap.geo import datum
from stationmap.geo.hours import parse_hours

GEOD = Geod(ellps="WGS84")
MANAS = (44.305, 86.214)
HOHHOT = (40.81, 111.66)


def _strict(response):
    """Parse as strict JSON: NaN and Infinity are not JSON."""

    def reject(name):
        raise AssertionError(f"{name} in response")

    return json.loads(response.get_data(as_text=True), parse_constant=reject)


def _nearest(client, **params):
    response = client.get("/api/v1/stations/nearest", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    return _strict(response)


def test_nearest_is_sorted_by_geodesic_distance_from_the_query(client):
    body = _nearest(client, lat=MANAS[0], lon=MANAS[1], k=8)
    features = body["features"]
    assert len(features) == 8
    distances = [f["properties"]["distance_m"] for f in features]
    assert distances == sorted(distances)
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        expected = GEOD.inv(MANAS[1], MANAS[0], lon, lat)[2]
        assert feature["properties"]["distance_m"] == pytest.approx(expected, abs=0.1)


def test_nearest_matches_a_brute_force_ranking_of_all_active_stations(client):
    body = _nearest(client, lat=HOHHOT[0], lon=HOHHOT[1], k=10)
    listed = _strict(client.get("/api/v1/stations", query_string={"limit": 1000}))["features"]
    active = [f for f in listed if f["properties"]["status"] == "active"]
    ranked = sorted(
        active,
        key=lambda f: (
            GEOD.inv(HOHHOT[1], HOHHOT[0], *f["geometry"]["coordinates"])[2],
            f["properties"]["id"],
        ),
    )
    assert [f["properties"]["id"] for f in body["features"]] == [
        f["properties"]["id"] for f in ranked[:10]
    ]


def test_nearest_feature_has_the_documented_properties(client):
    feature = _nearest(client, lat=MANAS[0], lon=MANAS[1], k=1)["features"][0]
    props = feature["properties"]
    assert set(props) >= {
        "id",
        "code",
        "name",
        "address",
        "district_code",
        "host_type",
        "amenities",
        "opening_hours",
        "open_now",
        "phone",
        "distance_m",
        "demo",
        "links",
    }
    assert props["demo"] is True
    assert props["district_code"] == "652324"
    assert props["code"].startswith("652324-")
    assert feature["geometry"]["type"] == "Point"


@pytest.mark.parametrize("given", ["gcj02", "bd09"])
def test_query_point_in_another_datum_is_converted(client, given):
    wgs = _nearest(client, lat=HOHHOT[0], lon=HOHHOT[1], k=5)
    lat, lon = datum.from_wgs84(HOHHOT[0], HOHHOT[1], given)
    other = _nearest(client, lat=lat, lon=lon, k=5, datum=given)
    assert [f["id"] for f in other["features"]] == [f["id"] for f in wgs["features"]]
    for a, b in zip(other["features"], wgs["features"], strict=True):
        assert a["properties"]["distance_m"] == pytest.approx(
            b["properties"]["distance_m"], abs=0.2
        )


def test_a_query_point_with_no_wgs84_point_is_a_422_naming_lat(client):
    # Found by the schema fuzzer: BD-09's inverse at the pole gave a latitude past -90
    # and a NaN distance, which failed as a 500.
    response = client.get(
        "/api/v1/stations/nearest", query_string={"lat": -90, "lon": -90, "datum": "bd09"}
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["field"], error["code"]) == ("lat", "out_of_range")


def test_navigation_links_carry_each_apps_datum(client):
    feature = _nearest(client, lat=MANAS[0], lon=MANAS[1], k=1)["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    links = feature["properties"]["links"]
    g_lat, g_lon = datum.wgs84_to_gcj02(lat, lon)
    b_lat, b_lon = datum.wgs84_to_bd09(lat, lon)

    amap = parse_qs(urlsplit(links["amap"]["web"]).query)
    to_lon, to_lat, name = amap["to"][0].split(",", 2)
    assert (float(to_lat), float(to_lon)) == pytest.approx((g_lat, g_lon), abs=2e-6)
    assert name == feature["properties"]["name"]
    android = parse_qs(urlsplit(links["amap"]["android"]).query)
    assert android["dev"] == ["0"]
    assert float(android["dlat"][0]) == pytest.approx(g_lat, abs=2e-6)

    baidu = parse_qs(urlsplit(links["baidu"]["app"]).query)
    assert baidu["coord_type"] == ["bd09ll"]
    latlng = baidu["destination"][0].split("latlng:")[1]
    assert tuple(map(float, latlng.split(","))) == pytest.approx((b_lat, b_lon), abs=2e-6)

    tencent = parse_qs(urlsplit(links["tencent"]["web"]).query)
    assert tencent["coord_type"] == ["2"]
    assert tuple(map(float, tencent["tocoord"][0].split(","))) == pytest.approx(
        (g_lat, g_lon), abs=2e-6
    )
    # The GCJ-02 point is hundreds of metres from the WGS-84 one: the conversion happened.
    assert GEOD.inv(lon, lat, g_lon, g_lat)[2] > 200


def test_amenity_filter_requires_every_amenity(client):
    body = _nearest(client, lat=HOHHOT[0], lon=HOHHOT[1], k=20, amenity="toilet,microwave")
    assert body["features"]
    for feature in body["features"]:
        assert {"toilet", "microwave"} <= set(feature["properties"]["amenities"])


def test_open_now_at_a_given_time(client, app):
    at = "2026-11-23T03:00:00+08:00"  # a Monday, 3 in the morning
    body = _nearest(client, lat=HOHHOT[0], lon=HOHHOT[1], k=10, open_now="true", at=at)
    tz = state(app).settings.tz
    from datetime import datetime

    moment = datetime.fromisoformat(at)
    for feature in body["features"]:
        props = feature["properties"]
        assert props["open_now"] is True
        assert parse_hours(props["opening_hours"]).is_open(moment, tz) is True


def test_radius_limits_results(client):
    body = _nearest(client, lat=MANAS[0], lon=MANAS[1], k=50, radius_m=1500)
    assert body["features"]
    assert all(f["properties"]["distance_m"] <= 1500 for f in body["features"])


def test_query_far_from_every_station_returns_the_nearest_anyway(client):
    body = _nearest(client, lat=30.0, lon=120.0, k=2)
    assert len(body["features"]) == 2
    body = _nearest(client, lat=30.0, lon=120.0, k=2, radius_m=10_000)
    assert body["features"] == []


def test_bbox_listing_equals_a_plain_filter_of_every_station(client):
    """Boxes of every size, edges on stations, and one across the antimeridian: the
    spatial index never loses or adds a station."""
    import random

    listed = _strict(client.get("/api/v1/stations", query_string={"limit": 1000}))["features"]
    points = {f["id"]: f["geometry"]["coordinates"] for f in listed}
    rng = random.Random(3)
    boxes = [(-170.0, -10.0, 170.0, 80.0), (170.0, -10.0, -170.0, 80.0), (73.0, 18.0, 135.0, 54.0)]
    for lon, lat in rng.sample(sorted(points.values()), 12):
        half_lon, half_lat = rng.choice([0.001, 0.02, 0.3]), rng.choice([0.001, 0.02, 0.3])
        boxes.append((lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat))
        boxes.append((lon, lat, lon + half_lon, lat + half_lat))  # a station on the corner
    for west, south, east, north in boxes:
        bbox = ",".join(repr(v) for v in (west, south, east, north))
        body = _strict(client.get("/api/v1/stations", query_string={"bbox": bbox, "limit": 1000}))
        if west <= east:
            inside = {
                i for i, (x, y) in points.items() if west <= x <= east and south <= y <= north
            }
        else:
            inside = {
                i
                for i, (x, y) in points.items()
                if (x >= west or x <= east) and south <= y <= north
            }
        assert {f["id"] for f in body["features"]} == inside, bbox


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"lon": 86}, 400, "lat"),
        ({"lat": 44}, 400, "lon"),
        ({"lat": "abc", "lon": 86}, 400, "lat"),
        ({"lat": "NaN", "lon": 86}, 400, "lat"),
        ({"lat": "Infinity", "lon": 86}, 400, "lat"),
        ({"lat": "-inf", "lon": 86}, 400, "lat"),
        ({"lat": "0x1p3", "lon": 86}, 400, "lat"),
        ({"lat": 91, "lon": 86}, 422, "lat"),
        ({"lat": 44, "lon": -181}, 422, "lon"),
        ({"lat": 44, "lon": 86, "k": 0}, 422, "k"),
        ({"lat": 44, "lon": 86, "k": 51}, 422, "k"),
        ({"lat": 44, "lon": 86, "k": "five"}, 400, "k"),
        ({"lat": 44, "lon": 86, "radius_m": 0}, 422, "radius_m"),
        ({"lat": 44, "lon": 86, "radius_m": 1e9}, 422, "radius_m"),
        ({"lat": 44, "lon": 86, "radius_m": "nan"}, 400, "radius_m"),
        ({"lat": 44, "lon": 86, "amenity": "water,teleporter"}, 422, "amenity"),
        ({"lat": 44, "lon": 86, "datum": "utm"}, 422, "datum"),
        ({"lat": 44, "lon": 86, "at": "tomorrow"}, 400, "at"),
        ({"lat": 44, "lon": 86, "open_now": "maybe"}, 400, "open_now"),
        ({"lat": 44, "lon": 86, "colour": "red"}, 400, "colour"),
    ],
)
def test_bad_nearest_input_is_a_4xx_naming_the_field(client, query, status, field):
    response = client.get("/api/v1/stations/nearest", query_string=query)
    assert response.status_code == status
    error = _strict(response)["error"]
    assert error["field"] == field
    assert error["message"]
    assert error["code"]


def test_repeated_parameter_is_refused(client):
    response = client.get("/api/v1/stations/nearest?lat=44&lat=45&lon=86")
    assert response.status_code == 400
    assert _strict(response)["error"]["field"] == "lat"


def test_list_by_district_includes_child_districts(client):
    city = _strict(
        client.get("/api/v1/stations", query_string={"district": "150100", "limit": 1000})
    )
    codes = {f["properties"]["district_code"] for f in city["features"]}
    assert codes == {"150102", "150103", "150104", "150105"}
    county = _strict(
        client.get("/api/v1/stations", query_string={"district": "150102", "limit": 1000})
    )
    assert 0 < len(county["features"]) < len(city["features"])


def test_paging_with_cursor_visits_every_station_once(client):
    seen: list[int] = []
    params = {"limit": 37}
    for _ in range(100):
        body = _strict(client.get("/api/v1/stations", query_string=params))
        seen.extend(f["id"] for f in body["features"])
        if body["next_cursor"] is None:
            break
        params = {"limit": 37, "cursor": body["next_cursor"]}
    everything = _strict(client.get("/api/v1/stations", query_string={"limit": 1000}))
    assert seen == [f["id"] for f in everything["features"]]
    assert len(seen) == len(set(seen)) > 37


def test_bbox_amenity_and_text_filters(client):
    bbox = "111.6,40.7,111.8,40.9"
    body = _strict(client.get("/api/v1/stations", query_string={"bbox": bbox, "limit": 1000}))
    assert body["features"]
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 111.6 <= lon <= 111.8 and 40.7 <= lat <= 40.9
    water = _strict(client.get("/api/v1/stations", query_string={"amenity": "aed", "limit": 1000}))
    assert all("aed" in f["properties"]["amenities"] for f in water["features"])
    one = body["features"][0]["properties"]
    found = _strict(client.get("/api/v1/stations", query_string={"q": one["name"][:6]}))
    assert one["id"] in [f["id"] for f in found["features"]]
    literal = _strict(client.get("/api/v1/stations", query_string={"q": "%"}))
    assert literal["features"] == []  # LIKE wildcards are searched literally


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"bbox": "1,2,3"}, 400, "bbox"),
        ({"bbox": "1,2,3,nan"}, 400, "bbox"),
        ({"bbox": "100,50,110,40"}, 422, "bbox"),
        ({"district": "abc"}, 400, "district"),
        ({"district": "999999"}, 404, "district"),
        ({"limit": 0}, 422, "limit"),
        ({"limit": 5000}, 422, "limit"),
        ({"cursor": "not-a-cursor"}, 400, "cursor"),
        ({"amenity": "gold"}, 422, "amenity"),
    ],
)
def test_bad_list_input_is_a_4xx_naming_the_field(client, query, status, field):
    response = client.get("/api/v1/stations", query_string=query)
    assert response.status_code == status
    assert _strict(response)["error"]["field"] == field


def test_station_detail_and_missing_station(client):
    first = _strict(client.get("/api/v1/stations", query_string={"limit": 1}))["features"][0]
    detail = _strict(client.get(f"/api/v1/stations/{first['id']}"))
    props = detail["properties"]
    assert props["code"] == first["properties"]["code"]
    assert isinstance(props["services"], list) and props["services"]
    assert props["version"] == 1
    assert props["links"]["amap"]["web"].startswith("https://uri.amap.com/navigation?")
    missing = client.get("/api/v1/stations/987654")
    assert missing.status_code == 404
    assert _strict(missing)["error"]["code"] == "not_found"


def test_districts_and_district_detail(client):
    districts = _strict(client.get("/api/v1/districts"))["districts"]
    codes = {d["code"] for d in districts}
    assert {"652324", "652323", "652301", "150102", "150621", "530112", "230521", "141033"} <= codes
    assert {"650000", "652300", "150000", "150100"} <= codes  # parents
    manas = _strict(client.get("/api/v1/districts/652324"))
    assert manas["properties"]["name"] == "玛纳斯县"
    assert manas["properties"]["parent_code"] == "652300"
    assert manas["geometry"]["type"] in ("Polygon", "MultiPolygon")
    listed = _strict(
        client.get("/api/v1/stations", query_string={"district": "652324", "limit": 1000})
    )
    assert manas["properties"]["station_count"] == len(listed["features"])
    assert client.get("/api/v1/districts/000001").status_code == 404


def test_amenity_vocabulary_has_chinese_and_english_names(client):
    amenities = _strict(client.get("/api/v1/amenities"))["amenities"]
    by_code = {a["code"]: a for a in amenities}
    assert by_code["toilet"]["zh"] == "卫生间"
    assert by_code["toilet"]["en"] == "Toilet"
    assert len(amenities) >= 19


def test_openapi_document_and_docs_page(client):
    spec = _strict(client.get("/api/openapi.json"))
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/stations/nearest" in spec["paths"]
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/stations/nearest" in html
    assert "cdn" not in html.lower()


def test_no_response_contains_nan(client):
    for url in (
        "/api/v1/stations?limit=1000",
        "/api/v1/districts",
        "/api/v1/stations/nearest?lat=40.8&lon=111.6&k=50",
    ):
        _strict(client.get(url))


def test_distances_are_finite_numbers(client):
    body = _nearest(client, lat=-89.9, lon=179.9, k=3)
    assert all(math.isfinite(f["properties"]["distance_m"]) for f in body["features"])


def test_next_change_is_given_in_local_time(client):
    at = "2026-11-23T12:00:00+08:00"  # Monday noon
    body = _nearest(client, lat=HOHHOT[0], lon=HOHHOT[1], k=20, at=at)
    seen = 0
    for feature in body["features"]:
        props = feature["properties"]
        if props["opening_hours"] in (None, "24/7"):
            assert props["next_change_at"] is None
            continue
        seen += 1
        from datetime import datetime

        change = datetime.fromisoformat(props["next_change_at"])
        assert change.utcoffset().total_seconds() == 8 * 3600
        assert change > datetime.fromisoformat(at)
    assert seen


def test_districts_by_parent(client):
    children = _strict(client.get("/api/v1/districts", query_string={"parent": "150100"}))
    assert {d["code"] for d in children["districts"]} == {"150102", "150103", "150104", "150105"}
    assert client.get("/api/v1/districts?parent=15").status_code == 400
