"""The navigation hand-off, as a rider's tap would follow it at 360x640: each link of
the list card and of the station page carries the station in the datum its map app
reads, checked against this test's own conversion (the published WGS-84 -> GCJ-02
formula with Krasovsky's constants, then Baidu's GCJ-02 -> BD-09), not the app's.

AMap's uri.amap.com takes GCJ-02 only (lon,lat); Tencent's routeplan takes GCJ-02 when
coord_type=2 (lat,lon); Baidu takes BD-09 when coord_type=bd09ll (lat,lon). A wrong
datum sends a rider 300-700 m off in these counties, which looks right on the map."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import LiveServer
from test_map_page import _wait_ready

pytestmark = pytest.mark.browser

HOHHOT = {"latitude": 40.8420, "longitude": 111.7000}
MANAS = {"latitude": 44.3050, "longitude": 86.2170}
A = 6378245.0
EE = 0.00669342162296594323
# 6 decimals in the link: half a unit of rounding, and a little for float noise.
TOLERANCE_DEG = 1.5e-6


def _wgs_to_gcj(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
        + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
        + (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2 / 3
    )  # fmt: skip
    d_lon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
        + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
        + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    )  # fmt: skip
    rad = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(rad) ** 2
    d_lat = d_lat * 180.0 / ((A * (1 - EE)) / (magic * math.sqrt(magic)) * math.pi)
    d_lon = d_lon * 180.0 / (A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return lat + d_lat, lon + d_lon


def _gcj_to_bd(lat: float, lon: float) -> tuple[float, float]:
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * math.pi * 3000.0 / 180.0)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * math.pi * 3000.0 / 180.0)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _pair(text: str) -> tuple[float, float]:
    first, second = text.split(",")[:2]
    return float(first), float(second)


def _check_links(hrefs: dict[str, str], lat: float, lon: float, name: str) -> None:
    """``hrefs``: the AMap, Baidu and Tencent web links of the station at WGS-84
    (``lat``, ``lon``) named ``name``."""
    g_lat, g_lon = _wgs_to_gcj(lat, lon)
    b_lat, b_lon = _gcj_to_bd(g_lat, g_lon)

    amap = urlsplit(hrefs["amap"])
    assert (amap.scheme, amap.netloc, amap.path) == ("https", "uri.amap.com", "/navigation")
    q = parse_qs(amap.query)
    to_lon, to_lat = _pair(q["to"][0])  # AMap: lon,lat
    assert q["to"][0].split(",", 2)[2] == name
    assert q["mode"] == ["ride"] and q["callnative"] == ["1"]
    assert abs(to_lat - g_lat) < TOLERANCE_DEG and abs(to_lon - g_lon) < TOLERANCE_DEG

    tencent = urlsplit(hrefs["tencent"])
    assert (tencent.netloc, tencent.path) == ("apis.map.qq.com", "/uri/v1/routeplan")
    q = parse_qs(tencent.query)
    assert q["coord_type"] == ["2"] and q["type"] == ["bike"] and q["to"] == [name]
    t_lat, t_lon = _pair(q["tocoord"][0])  # Tencent: lat,lon
    assert abs(t_lat - g_lat) < TOLERANCE_DEG and abs(t_lon - g_lon) < TOLERANCE_DEG

    baidu = urlsplit(hrefs["baidu"])
    assert baidu.netloc == "api.map.baidu.com"
    q = parse_qs(baidu.query)
    assert q["coord_type"] == ["bd09ll"] and q["output"] == ["html"]
    d_lat, d_lon = _pair(q["location"][0])  # Baidu: lat,lon
    assert abs(d_lat - b_lat) < TOLERANCE_DEG and abs(d_lon - b_lon) < TOLERANCE_DEG
    # Far enough from WGS-84 that a link in the wrong datum could not pass.
    assert abs(b_lat - lat) + abs(b_lon - lon) > 0.005


@pytest.mark.parametrize("where", [HOHHOT, MANAS], ids=["hohhot", "manas"])
def test_each_navigation_link_carries_its_apps_datum(
    live_server: LiveServer, phone: Any, where: dict[str, float]
) -> None:
    page = phone(geolocation=where).new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    answer = live_server.api(
        f"/api/v1/stations/nearest?lat={where['latitude']:.6f}&lon={where['longitude']:.6f}&k=3"
    )
    for index, feature in enumerate(answer["features"]):
        lon, lat = feature["geometry"]["coordinates"]
        name = feature["properties"]["name"]
        card = page.locator("#list > li").nth(index)
        card.locator(".item-toggle").tap()
        card.locator("summary").tap()
        hrefs = {
            app: card.locator(f"a.nav-{app}").get_attribute("href")
            for app in ("amap", "baidu", "tencent")
        }
        _check_links(hrefs, lat, lon, name)
        # The station page hands off the same way.
        station = page.context.new_page()
        station.goto(f"{live_server.url}/s/{feature['properties']['code']}")
        hrefs = {
            app: station.locator(f".nav-links a.nav-{app}").get_attribute("href")
            for app in ("amap", "baidu", "tencent")
        }
        _check_links(hrefs, lat, lon, name)
        station.close()
