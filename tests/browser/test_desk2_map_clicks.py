"""Placing and moving a station by clicking the editor's map, on each base map an
operator can choose (STATIONMAP_TILES=none|osm|tianditu|amap), at 1366×768 in headless
Chromium. Tile requests are answered here with a blank tile (nothing leaves the
machine). On AMap's tiles the map is drawn in GCJ-02, so a click there is a GCJ-02 point
and must be stored as the WGS-84 point under it; the expected point is computed from
Leaflet's own reading of the clicked pixel with tests/datum_reference.py."""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.models import Station
from stationmap.services import demo as demo_service
from stationmap.services import districts as district_service
from tests.browser.conftest import DESKTOP, LiveServer, ensure_admin, log_in
from tests.datum_reference import gcj02_from_wgs84, metres_apart, wgs84_from_gcj02

USERNAME = "click-admin"
PASSWORD = "a long clicking password"
DISTRICT = "150102"  # 新城区
# A 1×1 transparent PNG, answered for every tile.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module", params=["none", "osm", "tianditu", "amap"])
def tiled_server(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[LiveServer]:
    from werkzeug.serving import make_server

    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path_factory.mktemp(f"tiles-{request.param}")),
            "STATIONMAP_ENV": "testing",
            "STATIONMAP_TILES": request.param,
            "STATIONMAP_TIANDITU_KEY": "0123456789abcdef",
            "STATIONMAP_LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    database = state(app).db
    upgrade(database)
    with database.write_session() as session:
        district_service.load_shipped(session)
        demo_service.load_demo(session)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ensure_admin(LiveServer("", app), USERNAME, PASSWORD, DISTRICT)
    live = LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    live.tiles = request.param  # type: ignore[attr-defined]
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=5)
        database.engine.dispose()


@pytest.fixture
def page(browser: Any, tiled_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    errors: list[str] = []
    outside: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        elif route.request.resource_type == "image":  # a tile: answered here
            route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(tab, tiled_server, USERNAME, PASSWORD)
    tab.goto(f"{tiled_server.url}/admin/stations/new")
    tab.wait_for_selector("#picker[data-ready='1']")
    yield tab
    context.close()
    assert outside == [] and errors == []


def _marker(page: Any) -> tuple[float, float]:
    lat, lon = page.get_attribute("#picker", "data-marker").split(",")
    return float(lat), float(lon)


def _under(tiles: str, point: tuple[float, float]) -> tuple[float, float]:
    """The WGS-84 point under ``point`` of the map (GCJ-02 on AMap's tiles)."""
    return wgs84_from_gcj02(*point) if tiles == "amap" else point


def _free_point(server: LiveServer) -> tuple[float, float]:
    from tests.integration.admin_support import free_point

    return free_point(server.app, DISTRICT)


def _stored(server: LiveServer, name: str) -> Station:
    with state(server.app).db.session() as session:
        return session.scalars(select(Station).where(Station.name == name)).one()


def _wait_marker_moved(page: Any, old: str | None) -> None:
    page.wait_for_function(
        "(old) => { const p = document.getElementById('picker');"
        " return p.getAttribute('data-marker') !== old; }",
        arg=old,
    )


@pytest.mark.parametrize("datum", ["wgs84", "gcj02"])
def test_a_click_on_the_map_is_stored_as_the_wgs84_point_under_it(
    page: Any, tiled_server: LiveServer, datum: str
) -> None:
    tiles = "amap" if page.get_attribute("#picker", "data-tile-datum") == "gcj02" else "wgs"
    assert (tiles == "amap") == (tiled_server.tiles == "amap")
    lat, lon = _free_point(tiled_server)
    page.select_option("#datum", datum)
    shown = gcj02_from_wgs84(lat, lon) if datum == "gcj02" else (lat, lon)
    page.fill("#lat", f"{shown[0]:.7f}")
    page.fill("#lon", f"{shown[1]:.7f}")
    page.dispatch_event("#lon", "change")
    page.wait_for_selector("#picker .leaflet-marker-icon")
    # The typed point is drawn where the map's tiles put it.
    page.wait_for_function("() => document.getElementById('picker').getAttribute('data-marker')")
    assert metres_apart(_under(tiles, _marker(page)), (lat, lon)) < 1.0
    before = page.get_attribute("#picker", "data-marker")

    box = page.locator("#picker").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 37, box["y"] + box["height"] / 2 - 23)
    _wait_marker_moved(page, before)
    clicked = _marker(page)  # Leaflet's reading of the pixel, in the map's datum
    meant = _under(tiles, clicked)
    assert 50 < metres_apart(meant, (lat, lon)) < 1000  # the click moved it, not far
    expected_fields = gcj02_from_wgs84(*meant) if datum == "gcj02" else meant
    page.wait_for_function(
        "([lat, lon]) => Math.abs(Number(document.getElementById('lat').value) - lat) < 2e-7"
        " && Math.abs(Number(document.getElementById('lon').value) - lon) < 2e-7",
        arg=list(expected_fields),
    )
    name = {"wgs84": "北门快递之家", "gcj02": "南湖骑手休息点"}[datum]  # not alike
    page.fill("#name", name)
    page.click("#save")
    page.wait_for_url(re.compile(r"/admin/stations/\d+$"))
    station = _stored(tiled_server, name)
    assert metres_apart((station.lat, station.lon), meant) < 1.0
    # After the save, the marker stands where it was clicked.
    page.wait_for_selector("#picker[data-marker]")
    assert metres_apart(_marker(page), clicked) < 1.0


def test_dragging_the_marker_stores_the_point_it_was_dropped_on(
    page: Any, tiled_server: LiveServer
) -> None:
    tiles = "amap" if page.get_attribute("#picker", "data-tile-datum") == "gcj02" else "wgs"
    lat, lon = _free_point(tiled_server)
    page.fill("#lat", f"{lat:.7f}")
    page.fill("#lon", f"{lon:.7f}")
    page.dispatch_event("#lon", "change")
    page.wait_for_selector("#picker .leaflet-marker-icon")
    page.wait_for_function("() => document.getElementById('picker').getAttribute('data-marker')")
    before = page.get_attribute("#picker", "data-marker")
    icon = page.locator("#picker .leaflet-marker-icon").bounding_box()
    x, y = icon["x"] + icon["width"] / 2, icon["y"] + icon["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 45, y + 30, steps=6)
    page.mouse.up()
    _wait_marker_moved(page, before)
    dropped = _under(tiles, _marker(page))
    page.wait_for_function(
        "([lat, lon]) => Math.abs(Number(document.getElementById('lat').value) - lat) < 2e-7"
        " && Math.abs(Number(document.getElementById('lon').value) - lon) < 2e-7",
        arg=list(dropped),
    )
    name = "西山爱心加油站"
    page.fill("#name", name)
    page.click("#save")
    page.wait_for_url(re.compile(r"/admin/stations/\d+$"))
    station = _stored(tiled_server, name)
    assert metres_apart((station.lat, station.lon), dropped) < 1.0
