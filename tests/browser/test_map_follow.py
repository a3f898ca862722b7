"""The nearest list follows the map when the courier moves it by hand (and only then),
in headless Chromium at 360x640 against the live app (see conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import LiveServer
from test_map_page import HOHHOT, _list_ids, _map_ids, _nearest_ids, _wait_for, _wait_ready

pytestmark = pytest.mark.browser

# Inside 玉泉区 (150104), south of the courier's 新城区.
YUQUAN = (40.7197, 111.6743)
DRAG_PX = 120

_MAP = "window[JSON.parse(document.getElementById('sm-config').textContent).map]"


def _centre(page: Any) -> tuple[float, float]:
    # STATIONMAP_TILES=none in the live server: the map's datum is WGS-84.
    lat, lon = page.evaluate(
        f"(() => {{ const c = {_MAP}.getCenter(); return [c.lat, c.lng]; }})()"
    )
    return lat, lon


def _drag_map(page: Any, dx: float, dy: float) -> None:
    box = page.locator(".folium-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + dx * step / 10, y + dy * step / 10)
    page.mouse.up()


def test_panning_by_hand_lists_the_nearest_to_the_map_centre(
    live_server: LiveServer, phone: Any
) -> None:
    page = phone(geolocation=HOHHOT).new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    mine = _nearest_ids(live_server, HOHHOT["latitude"], HOHHOT["longitude"])
    assert _list_ids(page) == mine
    assert page.locator("#back-to-me").is_hidden()

    # A move made by a script is not the courier's: the list stays where it was.
    page.evaluate(
        f"""([lat, lon, px]) => {{
              const m = {_MAP};
              m.setView([lat, lon], 13, {{animate: false}});
              m.panBy([-px, -px], {{animate: false}});
           }}""",
        [YUQUAN[0], YUQUAN[1], DRAG_PX],
    )
    page.wait_for_timeout(900)
    _wait_ready(page)
    assert page.evaluate("document.body.dataset.listOrigin") == "gps"
    assert _list_ids(page) == mine

    # The courier drags the map to 玉泉区: after the move ends, the list is the nearest
    # to the map centre, labelled so, with a way back.
    _drag_map(page, -DRAG_PX, -DRAG_PX)
    _wait_for(page, "document.body.dataset.listOrigin === 'centre'")
    _wait_ready(page)
    lat, lon = _centre(page)
    assert abs(lat - YUQUAN[0]) < 0.01 and abs(lon - YUQUAN[1]) < 0.01
    listed = _list_ids(page)
    assert listed == _nearest_ids(live_server, lat, lon)
    assert listed != mine
    first = live_server.api(f"/api/v1/stations/{listed[0]}")["properties"]
    assert first["district_code"] == "150104"
    assert page.locator("#list-title").inner_text() == "离地图中心最近的驿站"
    assert page.locator("#back-to-me").is_visible()

    # Filters still apply to both the list and the map.
    page.locator("label.chip", has=page.locator("input[value='toilet']")).click()
    page.wait_for_timeout(200)
    _wait_ready(page)
    filtered = _list_ids(page)
    assert filtered == _nearest_ids(live_server, lat, lon, "&amenity=toilet")
    shown = _map_ids(page)
    assert shown
    for station_id in set(filtered[:3]) | set(shown):
        assert (
            "toilet" in live_server.api(f"/api/v1/stations/{station_id}")["properties"]["amenities"]
        )
    # Every listed station inside the map's view is among the map's markers.
    south, west, north, east = page.evaluate(
        f"(() => {{ const b = {_MAP}.getBounds(); "
        "return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; })()"
    )
    in_view = []
    for station_id in filtered:
        lon_s, lat_s = live_server.api(f"/api/v1/stations/{station_id}")["geometry"]["coordinates"]
        if south <= lat_s <= north and west <= lon_s <= east:
            in_view.append(station_id)
    assert in_view, "the nearest stations to the centre are in view"
    assert set(in_view) <= set(shown)

    # One tap goes back to the courier's own position.
    page.locator("#back-to-me").click()
    _wait_for(page, "document.body.dataset.listOrigin === 'gps'")
    _wait_ready(page)
    assert _list_ids(page) == _nearest_ids(
        live_server, HOHHOT["latitude"], HOHHOT["longitude"], "&amenity=toilet"
    )
    assert page.locator("#back-to-me").is_hidden()


def test_quick_moves_send_one_list_request_and_zoomed_out_keeps_the_list(
    live_server: LiveServer, phone: Any
) -> None:
    session = phone(geolocation=HOHHOT)
    page = session.new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    before = len([r for r in session.watch.responses if "/stations/nearest" in r.url])
    # Three drags in quick succession: the list asks once, for where the map stopped.
    for _ in range(3):
        _drag_map(page, 40, 0)
    _wait_for(page, "document.body.dataset.listOrigin === 'centre'")
    _wait_ready(page)
    page.wait_for_timeout(600)
    after = len([r for r in session.watch.responses if "/stations/nearest" in r.url])
    assert after - before == 1
    lat, lon = _centre(page)
    assert _list_ids(page) == _nearest_ids(live_server, lat, lon)
    # Zoomed out past where stations are drawn, a move leaves the list alone (it would
    # no longer match the map) and the map says to zoom in.
    listed = _list_ids(page)
    page.evaluate(f"{_MAP}.setZoom(6, {{animate: false}})")
    page.wait_for_timeout(400)
    _drag_map(page, 60, 0)
    page.wait_for_timeout(900)
    assert _list_ids(page) == listed
    assert page.locator("#map-hint").is_visible()
