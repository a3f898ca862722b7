"""The admin editor in real headless Chromium: log in, place a station by clicking the
map, save, edit, and restore the first revision. Any console error (a CSP violation
included), page error, dialog or request leaving 127.0.0.1 fails the test."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import assert_marker_in_view, ensure_admin, open_editor

USERNAME = "browser-admin"
PASSWORD = "a long browser password"
DISTRICT = "150102"  # 新城区: the centre of its bounding box lies inside it


@pytest.fixture(scope="module")
def admin_account(live_server: Any) -> str:
    return ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)


def test_login_place_save_edit_and_restore_first_revision(live_server, phone, admin_account):
    page = open_editor(live_server, phone(), admin_account, PASSWORD)
    page.wait_for_selector("#picker path.leaflet-interactive, #picker svg path")
    page.click("#picker")  # the centre of the map, inside the district
    page.wait_for_selector("#picker .leaflet-marker-icon")
    lat, lon = page.input_value("#lat"), page.input_value("#lon")
    assert lat and lon
    assert page.input_value("#datum") == "wgs84"

    page.fill("input[name=name]", "浏览器测试驿站")
    page.check("input[name=amenities][value=water]")
    page.fill("#opening_hours", "Mo-Su 08:00-20:00")
    page.wait_for_selector("#hours-preview.ok")
    assert page.text_content("#hours-preview")
    page.click("#save")
    page.wait_for_url(re.compile(r"/admin/stations/\d+$"))
    assert "已创建" in page.text_content(".flash")
    station_url = page.url
    assert page.input_value("#lat") == lat

    page.fill("input[name=name]", "浏览器测试驿站（改名）")
    page.click("#save")
    page.wait_for_selector(".flash")
    assert "已保存" in page.text_content(".flash")
    assert page.input_value("input[name=name]") == "浏览器测试驿站（改名）"

    page.click("#history-link")
    page.wait_for_selector("button.restore[data-number='1']")
    page.click("button.restore[data-number='1']")
    page.wait_for_selector(".flash")
    assert "已恢复到第 1 版" in page.text_content(".flash")
    page.goto(station_url)
    assert page.input_value("input[name=name]") == "浏览器测试驿站"
    assert page.is_checked("input[name=amenities][value=water]")


def _logged_in_editor(live_server: Any, phone: Any, username: str) -> Any:
    return open_editor(live_server, phone(), username, PASSWORD)


def _marker_latlng(page: Any) -> tuple[float, float]:
    """Where the marker is drawn, read back through the map's own projection."""
    return page.evaluate(
        """() => {
            const icon = document.querySelector('#picker .leaflet-marker-icon');
            return icon ? [icon.getBoundingClientRect().x, icon.getBoundingClientRect().y] : null;
        }"""
    )


def test_typed_gcj02_moves_the_marker_and_dragging_writes_the_selected_datum(
    live_server, phone, admin_account
):
    from stationmap.geo.datum import from_wgs84

    page = _logged_in_editor(live_server, phone, admin_account)
    lat, lon = 40.8151234, 111.6712345
    page.fill("#lat", f"{lat:.7f}")
    page.fill("#lon", f"{lon:.7f}")
    page.dispatch_event("#lon", "change")
    page.wait_for_selector("#picker .leaflet-marker-icon")
    at_wgs = _marker_latlng(page)
    g_lat, g_lon = from_wgs84(lat, lon, "gcj02")
    page.select_option("#datum", "gcj02")  # the same numbers now mean a GCJ-02 point
    page.fill("#lat", f"{g_lat:.7f}")
    page.fill("#lon", f"{g_lon:.7f}")
    page.dispatch_event("#lon", "change")
    page.wait_for_function(
        "([x, y]) => { const r = document.querySelector('#picker .leaflet-marker-icon')"
        ".getBoundingClientRect(); return Math.abs(r.x - x) < 1 && Math.abs(r.y - y) < 1; }",
        arg=at_wgs,
    )
    # Dragging writes the new place back in the selected datum (GCJ-02).
    box = page.locator("#picker .leaflet-marker-icon").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y, steps=5)
    page.mouse.up()
    page.wait_for_function(
        "(old) => document.getElementById('lon').value !== old", arg=f"{g_lon:.7f}"
    )
    assert page.input_value("#datum") == "gcj02"
    assert float(page.input_value("#lon")) > g_lon


def test_live_duplicate_warning_while_typing(live_server, phone, admin_account):
    existing = live_server.api(f"/api/v1/stations?district={DISTRICT}&limit=1")["features"][0]
    lon, lat = existing["geometry"]["coordinates"]
    page = _logged_in_editor(live_server, phone, admin_account)
    page.fill("#lat", f"{lat + 0.0001:.7f}")
    page.fill("#lon", f"{lon:.7f}")
    page.dispatch_event("#lon", "change")
    page.fill("#name", existing["properties"]["name"])
    page.wait_for_selector("#live-duplicates:not([hidden]) li a")
    assert existing["properties"]["code"] in page.text_content("#live-duplicates")
    page.fill("#name", "一个完全不同的名字")
    page.wait_for_selector("#live-duplicates[hidden]", state="attached")


def test_typed_coordinates_bring_the_marker_into_view_with_stations_nearby(
    live_server, phone, admin_account
):
    page = _logged_in_editor(live_server, phone, admin_account)
    assert "未配置底图" in page.inner_text("#no-basemap")  # the test server has no tiles
    # A station of the demo data in 新城区: typed, the map must show it and its neighbours.
    body = page.evaluate(
        "() => fetch('/api/v1/stations?district=150102&limit=1').then(r => r.json())"
    )
    lon, lat = body["features"][0]["geometry"]["coordinates"]
    page.fill("#lat", f"{lat + 0.002:.7f}")
    page.fill("#lon", f"{lon + 0.002:.7f}")
    page.dispatch_event("#lon", "change")
    page.wait_for_selector("#picker .leaflet-marker-icon")
    page.wait_for_selector("#picker[data-nearby]")
    assert int(page.get_attribute("#picker", "data-nearby")) >= 1
    assert_marker_in_view(page)
