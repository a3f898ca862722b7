"""The station editor at 1366×768: the text a map's coordinate picker copies, pasted into
one of the 纬度/经度 fields, is split into both, the marker goes to the point it means
and the station is stored there (within 1 m of tests/datum_reference.py's point)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from tests.browser.conftest import ensure_admin, open_editor
from tests.datum_reference import bd09_from_gcj02, gcj02_from_wgs84, metres_apart
from tests.integration.admin_support import free_point

USERNAME = "paste-admin"
PASSWORD = "a long pasting password"
DISTRICT = "150102"  # 新城区


@pytest.fixture(scope="module")
def account(live_server: Any) -> str:
    return ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)


@pytest.mark.parametrize(
    ("picker", "field", "datum", "name"),
    [
        ("amap", "#lat", "gcj02", "高德粘贴测试站"),
        ("baidu", "#lon", "bd09", "百度坐标拾取站"),
        ("tencent", "#lon", "gcj02", "腾讯位置服务点"),
    ],
)
def test_a_pasted_pickers_pair_fills_both_fields_and_places_the_marker(
    live_server, desktop, account, picker, field, datum, name
) -> None:
    lat, lon = free_point(live_server.app, DISTRICT)
    g_lat, g_lon = gcj02_from_wgs84(lat, lon)
    b_lat, b_lon = bd09_from_gcj02(g_lat, g_lon)
    pasted, fields = {
        "amap": (f"{g_lon:.6f},{g_lat:.6f}", (f"{g_lat:.6f}", f"{g_lon:.6f}")),
        "baidu": (f"{b_lon:.6f},{b_lat:.6f}", (f"{b_lat:.6f}", f"{b_lon:.6f}")),
        "tencent": (f"{g_lat:.6f}，{g_lon:.6f}", (f"{g_lat:.6f}", f"{g_lon:.6f}")),
    }[picker]
    page = open_editor(live_server, desktop(), USERNAME, PASSWORD)
    page.select_option("#datum", datum)
    page.fill(field, pasted)
    page.dispatch_event(field, "change")
    page.wait_for_function(
        "([lat, lon]) => document.getElementById('lat').value === lat"
        " && document.getElementById('lon').value === lon",
        arg=list(fields),
    )
    page.wait_for_selector("#picker[data-marker]")
    marker = tuple(float(v) for v in page.get_attribute("#picker", "data-marker").split(","))
    assert metres_apart(marker, (lat, lon)) < 1.0  # no base map: the map is WGS-84
    page.fill("#name", name)
    page.click("#save")
    page.wait_for_url(re.compile(r"/admin/stations/\d+$"))
    with state(live_server.app).db.session() as session:
        station = session.scalars(select(Station).where(Station.name == name)).one()
    assert metres_apart((station.lat, station.lon), (lat, lon)) < 1.0


def test_moving_a_station_by_pasting_a_pair_over_its_old_latitude(
    live_server, desktop, account
) -> None:
    lat, lon = free_point(live_server.app, DISTRICT)
    page = open_editor(live_server, desktop(), USERNAME, PASSWORD)
    page.fill("#name", "挪位测试驿站")
    page.fill("#lat", f"{lat:.7f}")
    page.fill("#lon", f"{lon:.7f}")
    page.click("#save")
    page.wait_for_url(re.compile(r"/admin/stations/\d+$"))
    page.wait_for_selector("#picker[data-marker]")
    meant = (lat + 0.0011, lon + 0.0013)
    g_lat, g_lon = gcj02_from_wgs84(*meant)
    page.select_option("#datum", "gcj02")
    page.fill("#lat", f"{g_lon:.6f},{g_lat:.6f}")  # AMap's text over the old 纬度
    page.dispatch_event("#lat", "change")
    page.wait_for_function(
        "([lat, lon]) => document.getElementById('lat').value === lat"
        " && document.getElementById('lon').value === lon",
        arg=[f"{g_lat:.6f}", f"{g_lon:.6f}"],
    )
    page.wait_for_function(
        "([lat, lon]) => { const m = document.getElementById('picker')"
        ".getAttribute('data-marker').split(',').map(Number);"
        " return Math.abs(m[0] - lat) < 1e-5 && Math.abs(m[1] - lon) < 1e-5; }",
        arg=list(meant),
    )
    page.click("#save")
    page.wait_for_url(re.compile(r"/admin/stations/\d+$"))
    with state(live_server.app).db.session() as session:
        station = session.scalars(select(Station).where(Station.name == "挪位测试驿站")).one()
    assert metres_apart((station.lat, station.lon), meant) < 1.0
