"""The station editor on an office computer (1366×768), in real headless Chromium:
coordinates typed in GCJ-02 put the marker on the WGS-84 point they mean and are stored
there; "Find address" moves the marker to the geocoder's suggestion (a local fake of
AMap's service) and stores nothing until the administrator saves. Expected points come
from the test's own formulas (tests/datum_reference.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from stationmap.app_state import AppState, state
from stationmap.models import Station
from stationmap.services.geocoding import AmapGeocoder
from tests.browser.conftest import assert_marker_in_view, ensure_admin, open_editor
from tests.datum_reference import gcj02_from_wgs84, metres_apart, wgs84_from_gcj02
from tests.geocoder_fake import amap_answer, fake_geocoder

USERNAME = "desk-admin"
PASSWORD = "a long desktop password"
DISTRICT = "150102"  # 新城区: the centre of its bounding box lies inside it


@pytest.fixture(scope="module")
def account(live_server: Any) -> str:
    return ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)


def _centre(live_server: Any) -> tuple[float, float]:
    """The centre of the district's bounding box (lat, lon)."""
    feature = live_server.api(f"/api/v1/districts/{DISTRICT}")
    xs, ys = [], []

    def walk(node: Any) -> None:
        if isinstance(node[0], int | float):
            xs.append(node[0])
            ys.append(node[1])
        else:
            for child in node:
                walk(child)

    walk(feature["geometry"]["coordinates"])
    return (min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2


def _editor(live_server: Any, desktop: Any) -> Any:
    return open_editor(live_server, desktop(), USERNAME, PASSWORD)


def _marker(page: Any) -> tuple[float, float]:
    lat, lon = page.get_attribute("#picker", "data-marker").split(",")
    return float(lat), float(lon)


def _stored(live_server: Any, name: str) -> Station | None:
    with state(live_server.app).db.session() as session:
        return session.scalars(select(Station).where(Station.name == name)).first()


def test_typed_gcj02_lands_on_the_wgs84_point_meant_and_is_stored_there(
    live_server, desktop, account
):
    c_lat, c_lon = _centre(live_server)
    meant = (c_lat + 0.0021, c_lon - 0.0017)  # WGS-84, inside 新城区
    typed = gcj02_from_wgs84(*meant)  # what AMap's picker shows for it
    assert metres_apart(typed, meant) > 300
    page = _editor(live_server, desktop)
    assert "未配置底图" in page.inner_text("#no-basemap")  # the test server has no tiles
    page.select_option("#datum", "gcj02")
    page.fill("#lat", f"{typed[0]:.7f}")
    page.fill("#lon", f"{typed[1]:.7f}")
    page.dispatch_event("#lon", "change")
    page.wait_for_selector("#picker[data-marker]")
    # The base map is WGS-84 (none configured): the marker stands on the point meant,
    # converted by the server, within 0.1 m of the test's own inverse.
    expected = wgs84_from_gcj02(float(f"{typed[0]:.7f}"), float(f"{typed[1]:.7f}"))
    page.wait_for_function(
        "([lat, lon]) => { const m = document.getElementById('picker')"
        ".getAttribute('data-marker').split(',').map(Number);"
        " return Math.abs(m[0] - lat) < 1e-6 && Math.abs(m[1] - lon) < 1e-6; }",
        arg=list(expected),
    )
    assert metres_apart(_marker(page), meant) < 0.1
    assert_marker_in_view(page)
    page.wait_for_selector("#picker path.leaflet-interactive, #picker svg path")  # outline

    page.fill("#name", "桌面测试驿站（高德坐标）")
    page.click("#save")
    page.wait_for_url(re.compile(r"/admin/stations/\d+$"))
    assert "已创建" in page.text_content(".flash")
    station = _stored(live_server, "桌面测试驿站（高德坐标）")
    assert station is not None and station.entered_datum == "gcj02"
    assert metres_apart((station.lat, station.lon), meant) < 0.1
    assert station.district_code == DISTRICT


def test_find_address_moves_the_marker_and_nothing_is_stored_until_saved(
    live_server, desktop, account, monkeypatch
):
    c_lat, c_lon = _centre(live_server)
    meant = (c_lat - 0.0023, c_lon + 0.0019)
    answered = gcj02_from_wgs84(*meant)
    with fake_geocoder() as fake:
        fake.answer(amap_answer(*answered, "内蒙古自治区呼和浩特市新城区测试路8号"))
        app_state = state(live_server.app)
        geocoder = AmapGeocoder("browserkey", fake.url("/v3/geocode/geo"), 5.0)
        monkeypatch.setitem(
            live_server.app.extensions,
            "stationmap",
            AppState(
                app_state.settings,
                app_state.db,
                lambda: app_state.nearest,
                lambda: geocoder,
            ),
        )
        page = _editor(live_server, desktop)
        page.fill("#name", "桌面测试驿站（查找地址）")
        page.fill("#address", "新城区测试路8号")
        page.click("#geocode")
        page.wait_for_selector("#geocode-result.suggested")
        assert fake.requests[-1][1]["address"] == "新城区测试路8号"
    message = page.text_content("#geocode-result")
    assert "尚未保存" in message and "保存" in message
    # AMap answers six decimals of GCJ-02; the marker is on the WGS-84 point within 0.5 m.
    assert metres_apart(_marker(page), meant) < 0.5
    assert page.input_value("#datum") == "wgs84"
    assert (
        metres_apart((float(page.input_value("#lat")), float(page.input_value("#lon"))), meant)
        < 0.5
    )
    assert_marker_in_view(page)
    assert _stored(live_server, "桌面测试驿站（查找地址）") is None  # a suggestion only

    page.click("#save")  # saving is the confirmation
    page.wait_for_url(re.compile(r"/admin/stations/\d+$"))
    station = _stored(live_server, "桌面测试驿站（查找地址）")
    assert station is not None
    assert metres_apart((station.lat, station.lon), meant) < 0.5


def test_typed_degrees_minutes_seconds_move_the_marker_to_the_decimal_point(
    live_server, desktop, account
):
    c_lat, c_lon = _centre(live_server)
    degrees = [(int(v), int((v % 1) * 60)) for v in (c_lat, c_lon)]
    typed = [f"{d}°{m:02d}′30.00″" for d, m in degrees]
    meant = tuple(d + m / 60 + 30 / 3600 for d, m in degrees)
    page = _editor(live_server, desktop)
    page.fill("#lat", typed[0])
    page.fill("#lon", typed[1])
    page.dispatch_event("#lon", "change")
    page.wait_for_selector("#picker[data-marker]")
    assert metres_apart(_marker(page), meant) < 0.1
    assert_marker_in_view(page)
