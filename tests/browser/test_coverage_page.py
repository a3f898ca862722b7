"""The admin coverage page in real headless Chromium, on a phone (360×640) and an
office computer (1366×768): the map draws the district with covered and uncovered
areas, grids and proposed sites; a site's popup shows its reason as text (a grid name
with markup stays text); the page never scrolls sideways; nothing leaves 127.0.0.1
and no console error occurs (the fixtures assert it)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import shapely
from shapely.geometry import box, mapping

from stationmap.app_state import state
from stationmap.models import District
from stationmap.services import coverage as coverage_service
from tests.browser.conftest import ensure_admin, log_in

USERNAME = "coverage-admin"
PASSWORD = "a long coverage password"
DISTRICT = "150102"


@pytest.fixture(scope="module")
def account(live_server: Any) -> str:
    name = ensure_admin(live_server, USERNAME, PASSWORD, DISTRICT)
    with state(live_server.app).db.write_session() as session:
        boundary = shapely.from_geojson(session.get(District, DISTRICT).boundary_geojson)
        c = boundary.representative_point()
        cells = [
            {
                "type": "Feature",
                "geometry": mapping(box(c.x + i * 0.01, c.y, c.x + (i + 1) * 0.01, c.y + 0.01)),
                "properties": {"code": f"G{i}", "name": "<img src=x onerror=alert(1)>网格"},
            }
            for i in range(3)
        ]
        data = json.dumps({"type": "FeatureCollection", "features": cells}).encode()
        coverage_service.import_layer(session, DISTRICT, "grid", "grids.geojson", data)
    return name


def _check(page: Any, live_server: Any) -> None:
    log_in(page, live_server, USERNAME, PASSWORD)
    page.goto(f"{live_server.url}/admin/coverage/{DISTRICT}?radius_m=1000&suggest=2")
    page.wait_for_selector("#coverage-map[data-ready]", state="attached", timeout=30_000)
    assert page.get_attribute("#coverage-map", "data-ready") != "error"
    assert page.locator("path.coverage-uncovered").count() >= 1
    assert page.locator("path.coverage-grid").count() == 3
    assert page.locator("path.coverage-site").count() == 2
    box_ = page.locator("#coverage-map").bounding_box()
    width = page.evaluate("window.innerWidth")
    assert box_["width"] > 200 and box_["x"] >= 0 and box_["x"] + box_["width"] <= width + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.locator("path.coverage-site").first.click(force=True)
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert "平方公里" in popup.inner_text()
    # The cells are a few pixels wide at the district's zoom: the click is dispatched.
    page.locator("path.coverage-grid").first.dispatch_event("click")
    grid_popup = page.locator(".leaflet-popup-content", has_text="onerror")
    grid_popup.wait_for()
    text = grid_popup.inner_text()
    assert "<img src=x" in text  # shown as text, not run
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert "直线" in page.inner_text("#distance-basis")
    assert page.locator("#coverage-bands tr").count() == 4


def test_coverage_page_on_a_phone(live_server, phone, account):
    _check(phone().new_page(), live_server)


def test_coverage_page_on_a_desktop(live_server, desktop, account):
    _check(desktop().new_page(), live_server)
