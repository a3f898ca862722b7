"""The courier's page without a network: installable, a service worker keeps the page,
the last list comes back for the courier's current position, marked as offline, and
the page refreshes itself when the network returns.

Fails on console errors (conftest.py), except the network failures that going offline
causes on purpose.
"""

from __future__ import annotations

import json
import math
import re
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import LiveServer

pytestmark = pytest.mark.browser

HOHHOT = {"latitude": 40.8420, "longitude": 111.7000}
# Later, a couple of kilometres away: the stored stations come back in another order.
MOVED = {"latitude": 40.8100, "longitude": 111.6500}
OFFLINE_NOTE = re.compile(r"^离线数据，更新于 \d\d:\d\d$")
CST = timezone(timedelta(hours=8))


def _wait_for(page: Any, expression: str, timeout_s: float = 15.0) -> None:
    """Poll ``expression`` until true, across the page reloading itself."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if page.evaluate(expression):
                return
        except Error as exc:  # the page navigated while it was asked
            if "context was destroyed" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def _list_ids(page: Any) -> list[int]:
    return [
        int(x) for x in page.eval_on_selector_all("#list > li", "els => els.map(e => e.dataset.id)")
    ]


def _forget_offline_failures(session: Any) -> None:
    """Requests that fail because the test took the network away are expected (those
    the service worker passes on fail as ERR_FAILED)."""
    expected = ("net::ERR_INTERNET_DISCONNECTED", "net::ERR_FAILED")
    session.watch.console_errors[:] = [
        e for e in session.watch.console_errors if not e.endswith(expected)
    ]


def test_page_is_installable(live_server: LiveServer, phone: Any) -> None:
    page = phone(geolocation=HOHHOT).new_page()
    page.goto(live_server.url + "/")
    href = page.get_attribute("link[rel=manifest]", "href")
    manifest = page.request.get(live_server.url + href)
    assert manifest.ok
    data = json.loads(manifest.text())
    assert data["start_url"] == "/" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert page.request.get(live_server.url + "/static/" + icon["src"]).ok
    worker = page.request.get(live_server.url + "/sw.js")
    assert worker.ok and "javascript" in worker.headers["content-type"]


def test_offline_reload_shows_the_last_list_then_refreshes_online(
    live_server: LiveServer, phone: Any
) -> None:
    session = phone(geolocation=HOHHOT)
    try:
        page = session.new_page()
        page.goto(live_server.url + "/")
        _wait_for(page, "document.body.dataset.listState === 'ready'")
        _wait_for(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)")
        online_ids = _list_ids(page)
        assert online_ids
        answer = live_server.api(
            f"/api/v1/stations/nearest?lat={HOHHOT['latitude']:.6f}&lon={HOHHOT['longitude']:.6f}&k=10"
        )
        assert [f["id"] for f in answer["features"]] == online_ids

        # The courier rides on, the network drops, the page is opened again.
        session.context.set_geolocation(MOVED)
        session.context.set_offline(True)
        page.reload()
        _wait_for(page, "document.body.dataset.offline === 'stored'")
        _wait_for(page, "document.body.dataset.listState === 'ready'")
        note = page.text_content("#list-note") or ""
        assert OFFLINE_NOTE.match(note.strip()), note
        expected = sorted(
            answer["features"],
            key=lambda f: _haversine_m(
                MOVED["latitude"],
                MOVED["longitude"],
                f["geometry"]["coordinates"][1],
                f["geometry"]["coordinates"][0],
            ),
        )
        assert [f["id"] for f in expected] != online_ids, "the move must change the order"
        assert _list_ids(page) == [f["id"] for f in expected]
        first_m = _haversine_m(
            MOVED["latitude"],
            MOVED["longitude"],
            expected[0]["geometry"]["coordinates"][1],
            expected[0]["geometry"]["coordinates"][0],
        )
        shown = page.text_content("#list > li:first-child .dist") or ""
        value = float(shown.split()[0]) * (1000 if shown.endswith("km") else 1)
        assert abs(value - first_m) <= max(10, first_m * 0.06), (shown, first_m)
        for href in page.eval_on_selector_all(
            "#list > li .nav-amap", "els => els.map(e => e.getAttribute('href'))"
        ):
            assert href.startswith("https://uri.amap.com/navigation?"), href
        # The stored stations are on the map too.
        assert int(page.evaluate("document.body.dataset.mapCount")) == len(expected)

        # The network returns: the page refreshes by itself, from the API.
        session.context.set_offline(False)
        _wait_for(
            page,
            "document.readyState === 'complete' && document.body.dataset.offline === undefined",
            timeout_s=30,
        )
        _wait_for(page, "document.body.dataset.listState === 'ready'")
        assert "离线" not in (page.text_content("#list-note") or "")
        fresh = live_server.api(
            f"/api/v1/stations/nearest?lat={MOVED['latitude']:.6f}&lon={MOVED['longitude']:.6f}&k=10"
        )
        assert _list_ids(page) == [f["id"] for f in fresh["features"]]
    finally:
        _forget_offline_failures(session)


@pytest.mark.parametrize(
    ("hours", "at", "open_now", "next_change"),
    [
        # Friday 4 December 2026, China Standard Time.
        ("Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00", "2026-12-04T19:30", True, "2026-12-04T20:00"),
        ("Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00", "2026-12-04T21:00", False, "2026-12-05T10:00"),
        ("Mo-Fr 08:00-20:00; Sa,Su off", "2026-12-05T12:00", False, "2026-12-07T08:00"),
        ("Mo-Su 09:00-12:00,14:30-18:00", "2026-12-04T13:00", False, "2026-12-04T14:30"),
        ("Mo-Su 22:00-06:00", "2026-12-05T02:00", True, "2026-12-05T06:00"),
        ("24/7", "2026-12-04T03:00", True, None),
        ("Mo-Fr 08:00-20:00; PH off", "2026-12-04T12:00", None, None),
    ],
)
def test_offline_hours_are_re_derived_from_the_stored_text(
    live_server: LiveServer,
    phone: Any,
    hours: str,
    at: str,
    open_now: bool | None,
    next_change: str | None,
) -> None:
    """A stored state whose next change has passed is worked out again from the hours
    (a simple subset; the rest becomes unknown)."""
    page = phone().new_page()
    page.goto(live_server.url + "/?district=150102")
    now_ms = datetime.fromisoformat(at).replace(tzinfo=CST).timestamp() * 1000

    def rederive(stored_open: bool, stored_next: str) -> Any:
        props = {"opening_hours": hours, "open_now": stored_open, "next_change_at": stored_next}
        script = "([p, now]) => window.smOffline._test.rederive(p, now, 480)"
        return page.evaluate(script, [props, now_ms])

    got = rederive(True, "2026-01-01T00:00:00+08:00")
    assert got["open_now"] == open_now
    expected = None if next_change is None else next_change + ":00+08:00"
    assert got["next_change_at"] == expected
    # A stored state still valid is kept as the API gave it.
    kept = rederive(False, "2099-01-01T00:00:00+08:00")
    assert kept == {"open_now": False, "next_change_at": "2099-01-01T00:00:00+08:00"}
