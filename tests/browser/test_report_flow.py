"""A courier reports a closed station on a phone (360x640, touch, headless Chromium;
issue 14): from a list card's 报告问题 to the form, 已关门 chosen, sent, the tracking
code shown, and /r/<code> opened, where the district's reply then appears. Fails on a
console error, a page error, a dialog or a request leaving 127.0.0.1 (conftest.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import PHONE, LiveServer
from test_map_page import _wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.integration.report_support import reply_to

pytestmark = pytest.mark.browser

# 玛纳斯县, where the courier page tests' rider stands.
MANAS = {"latitude": 44.3050, "longitude": 86.2170}
CODE_RE = re.compile(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}")
MIN_TARGET_PX = 44


def test_a_courier_reports_a_closed_station_and_follows_it(
    live_server: LiveServer, phone: Any, artifacts: Path
) -> None:
    session = phone(geolocation=MANAS)
    page = session.new_page()
    page.goto(live_server.url + "/")
    _wait_for(page, "document.body.dataset.listState === 'ready'")
    # "a station is needed here" starts its pin where the list is sorted from.
    demand = page.locator("#demand-link").get_attribute("href")
    # To 3 decimals (about 100 m): an address may be passed on (test_courier2_position).
    assert demand == "/demand?lat=44.305&lon=86.217"
    first = page.locator("#list > li").first
    name = first.locator(".item-toggle .name").inner_text()
    first.locator(".item-toggle").tap()
    report = first.locator("a.report")
    assert report.inner_text().strip() == "报告问题"
    report.tap()
    page.wait_for_url(re.compile(r"/s/[^/]+/report$"))
    assert name in page.locator(".about").inner_text()
    # The kinds are big targets for a thumb, on a page no wider than the phone.
    closed = page.locator("label.kind", has=page.locator("input[value=closed]"))
    box = closed.bounding_box()
    assert box is not None and box["height"] >= MIN_TARGET_PX
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "已关门" in closed.inner_text()
    # Only what the chosen kind needs is shown.
    assert not page.locator("#pin-map").is_visible()
    closed.tap()
    assert page.locator("input[value=closed]").is_checked()
    assert not page.locator("#amenity").is_visible()
    page.locator("#text").fill("下午两点来，门锁着")
    page.screenshot(path=str(artifacts / "report-form-phone.png"))
    page.locator("button.send").tap()
    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    assert CODE_RE.fullmatch(code)
    page.screenshot(path=str(artifacts / "report-receipt-phone.png"))
    page.locator("#tracking-link").tap()
    page.wait_for_url(re.compile(rf"/r/{code}$"))
    assert page.locator("#report-status").inner_text() == "已收到，等待处理"
    assert page.locator("#no-replies").is_visible()
    # The district answers (written directly, as the admin queue will): the courier sees it.
    reply_to(live_server.app, code, "已联系驿站，<b>明天</b>恢复开放", "resolved")
    page.reload()
    assert page.locator("#report-status").inner_text() == "已解决"
    assert page.locator("#replies .reply").inner_text() == "已联系驿站，<b>明天</b>恢复开放"
    assert page.locator("#replies b").count() == 0
    page.screenshot(path=str(artifacts / "report-status-phone.png"))


def test_a_wrong_location_pin_moves_from_the_station(live_server: LiveServer, phone: Any) -> None:
    session = phone(geolocation=MANAS)
    page = session.new_page()
    feature = live_server.api("/api/v1/stations?district=652324&limit=1")["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    page.goto(live_server.url + f"/s/{feature['properties']['code']}/report")
    page.locator("label.kind", has=page.locator("input[value=location]")).tap()
    assert page.locator("#pin-map").is_visible()
    _wait_for(page, "document.getElementById('pin-map').dataset.placed === '1'")
    # A tap up and right of the station (the map's centre) moves the pin there.
    box = page.locator("#pin-map").bounding_box()
    assert box is not None
    page.touchscreen.tap(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2 - 60)
    _wait_for(page, f"parseFloat(document.getElementById('pin-lat').value) > {lat}")
    new_lat = float(page.locator("#pin-lat").input_value())
    new_lon = float(page.locator("#pin-lon").input_value())
    assert new_lat > lat and new_lon > lon  # moved up and right: north and east
    page.locator("button.send").tap()
    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    got = live_server.api(f"/api/v1/reports/{code}")
    assert got["kind"] == "location" and got["status"] == "new"


def test_a_station_is_needed_here_from_the_riders_position(
    live_server: LiveServer, phone: Any
) -> None:
    session = phone(geolocation=MANAS)
    page = session.new_page()
    page.goto(live_server.url + "/")
    _wait_for(page, "document.body.dataset.listState === 'ready'")
    page.locator("#demand-link").tap()
    page.wait_for_url(re.compile(r"/demand\?lat="))
    _wait_for(page, "document.getElementById('pin-map').dataset.placed === '1'")
    assert float(page.locator("#pin-lat").input_value()) == pytest.approx(MANAS["latitude"])
    page.locator("label.need", has=page.locator("input[value=water]")).tap()
    page.locator("label.need", has=page.locator("input[value=toilet]")).tap()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("button.send").tap()
    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    got = live_server.api(f"/api/v1/reports/{code}")
    assert (got["kind"], got["needs"], got["station"]) == ("demand", ["water", "toilet"], None)


@pytest.mark.parametrize(
    "path", ["/s/652324-900001/report?kind=amenity", "/demand?lat=44.3&lon=86.2"]
)
def test_report_forms_have_finger_sized_targets_and_readable_text(
    live_server: LiveServer, phone: Any, path: str
) -> None:
    from test_accessibility import _CONTRAST_JS

    page = phone(geolocation=MANAS).new_page()
    page.goto(live_server.url + path)
    _wait_for(page, "document.getElementById('pin-map') !== null")
    boxes = page.eval_on_selector_all(
        "main label.kind, main label.need, main select, main textarea, main input[type=tel], "
        "main button, main a",
        """els => els.filter(e => e.getClientRects().length).map(e => {
             const r = e.getBoundingClientRect();
             return {what: e.tagName + ' ' + e.textContent.trim().slice(0, 20),
                     w: r.width, h: r.height}; })""",
    )
    assert len(boxes) >= 5
    assert [b for b in boxes if b["h"] < MIN_TARGET_PX - 0.5] == []
    measured = page.evaluate(_CONTRAST_JS)
    failing = [m for m in measured if m["ratio"] < (3.0 if m["large"] else 4.5)]
    assert failing == []
    # The honeypot is out of sight and out of the tab order.
    assert page.locator("#website").get_attribute("tabindex") == "-1"
    box = page.locator("#website").bounding_box()
    assert box is None or box["x"] + box["width"] < 0
