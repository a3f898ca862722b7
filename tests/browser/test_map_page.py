"""The courier's map page in headless Chromium at 360x640, against the live app.

Each test fails on a console error, a page error, a dialog, or any request that would
leave 127.0.0.1 (see conftest.py).
"""

from __future__ import annotations

import gzip
import json
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from conftest import (
    BUDGET_CENTRE,
    BUDGET_DISTRICT,
    XSS_LAT,
    XSS_LON,
    XSS_PAYLOADS,
    LiveServer,
    save_readme_screenshot,
)

from stationmap.geo.datum import wgs84_to_gcj02

pytestmark = pytest.mark.browser

# A known point in 呼和浩特市 新城区.
HOHHOT = {"latitude": 40.8420, "longitude": 111.7000}
FIRST_LOAD_BUDGET_BYTES = 300 * 1024
_WHEN = r"(?:(?:明天|周[日一二三四五六]) |\d\d-\d\d )?\d\d:\d\d"
HOURS_ZH = re.compile(
    rf"营业中，{_WHEN} 关门|未营业，{_WHEN} 开门|即将关门（{_WHEN}）|即将开门（{_WHEN}）"
    r"|24小时开放|已关闭|开放时间未知"
)


def _list_ids(page: Any) -> list[int]:
    return [
        int(x) for x in page.eval_on_selector_all("#list > li", "els => els.map(e => e.dataset.id)")
    ]


def _map_ids(page: Any) -> list[int]:
    raw = page.evaluate("document.body.dataset.mapIds || ''")
    return [int(x) for x in raw.split(",") if x]


def _wait_for(page: Any, expression: str, timeout_s: float = 10.0) -> None:
    """Poll ``expression`` until true. (``page.wait_for_function`` evaluates a string,
    which the page's CSP rightly forbids.)"""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


def _wait_ready(page: Any) -> None:
    _wait_for(
        page,
        "document.body.dataset.listState === 'ready' && document.body.dataset.mapState === 'ready'",
    )


def _nearest_ids(server: LiveServer, lat: float, lon: float, extra: str = "") -> list[int]:
    data = server.api(f"/api/v1/stations/nearest?lat={lat:.6f}&lon={lon:.6f}&k=10{extra}")
    return [f["id"] for f in data["features"]]


def test_located_courier_sees_nearest_stations_in_api_order(
    live_server: LiveServer, phone: Any, artifacts: Path
) -> None:
    session = phone(geolocation=HOHHOT)
    page = session.new_page()
    page.goto(live_server.url + "/")
    # How soon the list shows is measured by bench/page.py; that it is drawn before the
    # map's files are asked for, by test_courier_page.py.
    _wait_ready(page)
    expected = _nearest_ids(live_server, HOHHOT["latitude"], HOHHOT["longitude"])
    assert _list_ids(page) == expected
    first = page.locator("#list > li").first
    assert first.locator(".dist").inner_text().endswith((" m", " km"))
    assert "电动车约" in first.inner_text()
    hours = page.eval_on_selector_all("#list .hours", "els => els.map(e => e.textContent)")
    assert all(HOURS_ZH.fullmatch(text) for text in hours), hours
    assert not [r for r in session.watch.responses if "hours" in urlsplit(r.url).path]
    assert first.locator(".demo").inner_text() == "演示数据"
    assert first.locator("a.call").get_attribute("href").startswith("tel:")
    assert first.locator("a.report").get_attribute("href").endswith("/report")
    assert page.locator(".amen li").first.inner_text().strip()
    assert page.locator(".leaflet-marker-icon").count() > 0
    # The README's picture: the foot of the map, the filters and the list with its
    # hours text in one 360x640 screen.
    page.evaluate(
        "window.scrollTo(0, document.getElementById('filters').getBoundingClientRect().top"
        " + window.scrollY - 190)"
    )
    page.wait_for_timeout(300)
    assert first.locator(".hours").is_visible()
    box = first.locator(".hours").bounding_box()
    assert box["y"] > 0 and box["y"] + box["height"] < 640, "hours text in the screenshot"
    shot = artifacts / "phone-nearest.png"
    page.screenshot(path=str(shot))
    save_readme_screenshot(shot)
    page.screenshot(path=str(artifacts / "phone-nearest-full.png"), full_page=True)
    first.locator(".item-toggle").click()  # a folded card unfolds on a tap
    assert "步行约" in first.inner_text()


def test_filter_narrows_list_and_map_alike(
    live_server: LiveServer, phone: Any, artifacts: Path
) -> None:
    page = phone(geolocation=HOHHOT).new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    before_map = _map_ids(page)
    page.locator("label.chip", has=page.locator("input[value='toilet']")).click()
    page.locator("label.chip-open").click()
    _wait_for(page, "document.body.dataset.listState === 'ready'")
    page.wait_for_timeout(500)
    _wait_ready(page)
    listed = _list_ids(page)
    expected = _nearest_ids(
        live_server, HOHHOT["latitude"], HOHHOT["longitude"], "&amenity=toilet&open_now=true"
    )
    assert listed == expected
    shown = _map_ids(page)
    assert len(shown) < len(before_map)
    assert shown, "some filtered stations are in view"
    for station_id in shown + listed:
        props = live_server.api(f"/api/v1/stations/{station_id}")["properties"]
        assert "toilet" in props["amenities"]
        assert props["open_now"] is True and props["status"] == "active"
    # The stations of the list that lie in view are the ones on the map.
    visible_listed = page.evaluate(
        """ids => ids.filter(id => {
            const li = document.querySelector('#list > li[data-id="' + id + '"]');
            return li !== null;
        })""",
        listed,
    )
    assert set(visible_listed[:1]) <= set(shown)
    page.screenshot(path=str(artifacts / "phone-filtered.png"))


def test_amap_link_carries_gcj02_of_the_station(live_server: LiveServer, phone: Any) -> None:
    page = phone(geolocation=HOHHOT).new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    items = page.locator("#list > li")
    for index in range(min(3, items.count())):
        item = items.nth(index)
        station_id = int(item.get_attribute("data-id"))
        item.locator(".item-toggle").click()
        item.locator("summary").click()
        assert item.locator("a.nav-amap").is_visible()
        href = item.locator("a.nav-amap").get_attribute("href")
        assert href.startswith("https://uri.amap.com/navigation?")
        lon_s, lat_s, _name = unquote(parse_qs(urlsplit(href).query)["to"][0]).split(",", 2)
        lon, lat = live_server.api(f"/api/v1/stations/{station_id}")["geometry"]["coordinates"]
        g_lat, g_lon = wgs84_to_gcj02(lat, lon)
        assert abs(float(lat_s) - g_lat) <= 1e-6
        assert abs(float(lon_s) - g_lon) <= 1e-6
        assert abs(float(lat_s) - lat) > 1e-4, "GCJ-02 differs from WGS-84 in China"
        for other in ("baidu", "tencent"):
            assert item.locator(f"a.nav-{other}").get_attribute("href").startswith("https://")


def test_attack_text_stays_inert_everywhere(
    live_server: LiveServer, phone: Any, artifacts: Path
) -> None:
    session = phone(geolocation={"latitude": XSS_LAT, "longitude": XSS_LON})
    page = session.new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    names = page.eval_on_selector_all(
        "#list .item-toggle .name", "els => els.map(e => e.textContent)"
    )
    for i, payload in enumerate(XSS_PAYLOADS):
        assert f"XSS{i} {payload} 驿站" in names
    addresses = page.eval_on_selector_all("#list .addr", "els => els.map(e => e.textContent)")
    assert any("<img src=x onerror=alert(1)>" in a for a in addresses)
    assert page.locator("#list img").count() == 0
    # Open each attack station's popup: centre the map on it, close enough that no
    # cluster hides it, and tap its marker.
    for i, payload in enumerate(XSS_PAYLOADS):
        page.evaluate(
            """([lat, lon]) => {
                 const cfg = JSON.parse(document.getElementById('sm-config').textContent);
                 window[cfg.map].closePopup();  // the last station's popup stays open
                 window[cfg.map].setView([lat, lon], 18, {animate: false}); }""",
            [XSS_LAT + 0.001 * i, XSS_LON + 0.001 * i],
        )
        page.wait_for_timeout(300)
        _wait_for(page, "document.body.dataset.mapState === 'ready'")
        box = page.locator(".folium-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        popup = page.locator(".leaflet-popup-content .pop-name strong")
        popup.wait_for()
        assert popup.inner_text() == f"XSS{i} {payload} 驿站"
        assert (
            page.locator(".leaflet-popup-content .pop-addr").inner_text()
            == f"地址 {payload} 路{i}号"
        )
        assert page.locator(".leaflet-popup-content img").count() == 0
    page.screenshot(path=str(artifacts / "phone-xss-list.png"))
    for i in range(len(XSS_PAYLOADS)):
        station = session.new_page()
        station.goto(f"{live_server.url}/s/530112-{7000 + i}")
        assert f"XSS{i} {XSS_PAYLOADS[i]} 驿站" in station.title()
        assert station.locator("h1").inner_text() == f"XSS{i} {XSS_PAYLOADS[i]} 驿站"
        tooltip = station.locator(".leaflet-tooltip")
        assert tooltip.inner_text().strip() == f"XSS{i} {XSS_PAYLOADS[i]} 驿站"
        assert station.locator("main img").count() == 0
        station.screenshot(path=str(artifacts / f"phone-station-xss{i}.png"), full_page=True)
        station.close()
    page.wait_for_timeout(300)
    assert session.watch.dialogs == []


def test_refused_location_explains_and_tap_searches_from_there(
    live_server: LiveServer, phone: Any, artifacts: Path
) -> None:
    page = phone().new_page()
    page.goto(live_server.url + "/")
    status = page.locator("#status")
    _wait_for(page, "document.body.dataset.origin === 'none'")
    assert "没有允许" in status.inner_text() and "点地图" in status.inner_text()
    page.screenshot(path=str(artifacts / "phone-refused.png"))
    point = page.evaluate(
        """([lat, lon]) => {
             const cfg = JSON.parse(document.getElementById('sm-config').textContent);
             const m = window[cfg.map]; m.setView([lat, lon], 13, {animate: false});
             const p = m.latLngToContainerPoint([lat, lon]);
             const r = m.getContainer().getBoundingClientRect();
             return [r.left + p.x, r.top + p.y]; }""",
        [HOHHOT["latitude"], HOHHOT["longitude"]],
    )
    page.mouse.click(point[0], point[1])
    _wait_for(page, "document.body.dataset.listState === 'ready'")
    assert page.evaluate("document.body.dataset.origin") == "tap"
    listed = _list_ids(page)
    assert listed[:3] == _nearest_ids(live_server, HOHHOT["latitude"], HOHHOT["longitude"])[:3]


def test_district_pick_cascades_from_provinces_on_demand(
    live_server: LiveServer, phone: Any
) -> None:
    session = phone()
    page = session.new_page()
    page.goto(live_server.url + "/")
    _wait_for(page, "document.body.dataset.origin === 'none'")
    # The first load carries the provinces only and asks for no district list.
    assert page.locator("#pick-province option[value='150000']").count() == 1
    assert page.locator("#pick-city").is_hidden()
    assert not [r for r in session.watch.responses if "/api/v1/districts" in r.url]
    page.select_option("#pick-province", "150000")
    page.locator("#pick-city option[value='150100']").wait_for(state="attached")
    page.select_option("#pick-city", "150100")
    page.locator("#pick-county option[value='150102']").wait_for(state="attached")
    page.select_option("#pick-county", "150102")
    page.locator(".district-pick button[type=submit]").click()
    page.wait_for_url("**/?district=150102")
    _wait_ready(page)
    assert page.evaluate("document.body.dataset.origin") == "district"
    assert len(_list_ids(page)) == 10
    assert len(_map_ids(page)) > 10
    assert page.locator("path.leaflet-interactive, svg path").count() > 0
    # The picker shows the chosen chain after the reload.
    assert page.locator("#pick-county").input_value() == "150102"
    assert page.locator("#pick-city").input_value() == "150100"


def test_english_switch_sticks(live_server: LiveServer, phone: Any, artifacts: Path) -> None:
    page = phone(geolocation=HOHHOT).new_page()
    page.goto(live_server.url + "/")
    page.locator("a.lang-switch").click()
    page.wait_for_url("**/?lang=en")
    _wait_ready(page)
    page.goto(live_server.url + "/")
    _wait_ready(page)
    assert page.locator("html").get_attribute("lang") == "en"
    first = page.locator("#list > li").first
    assert "e-bike" in first.inner_text() and "Demo data" in first.inner_text()
    page.screenshot(path=str(artifacts / "phone-english.png"))


def _gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


@pytest.mark.parametrize(
    ("name", "path", "geolocation"),
    [
        ("district-150", f"/?district={BUDGET_DISTRICT}", None),
        ("located-150", "/", {"latitude": BUDGET_CENTRE[0], "longitude": BUDGET_CENTRE[1]}),
    ],
)
def test_first_load_transfer_within_budget(
    live_server: LiveServer,
    phone: Any,
    artifacts: Path,
    name: str,
    path: str,
    geolocation: dict[str, float] | None,
) -> None:
    stations = live_server.api(f"/api/v1/districts/{BUDGET_DISTRICT}")["properties"]
    assert stations["station_count"] >= 150
    session = phone(geolocation=geolocation)
    page = session.new_page()
    page.goto(live_server.url + path)
    _wait_ready(page)
    page.wait_for_load_state("networkidle")
    rows = []
    for response in session.watch.responses:
        if not response.url.startswith(live_server.url):
            continue
        # A load the page gave up (a newer one superseded it) has no body left to read;
        # there is none on a first load now, and it would only lower the total.
        assert response.request.failure is None, f"{response.url} was abandoned"
        body = response.body()
        rows.append(
            {
                "url": response.url[len(live_server.url) :],
                "raw": len(body),
                "gzip": _gzip_size(body),
            }
        )
    total_gzip = sum(r["gzip"] for r in rows)
    total_raw = sum(r["raw"] for r in rows)
    report = {
        "case": name,
        "stations_in_district": stations["station_count"],
        "stations_on_map": len(_map_ids(page)),
        "total_raw_bytes": total_raw,
        "total_gzip_bytes": total_gzip,
        "responses": rows,
    }
    (artifacts / f"first-load-{name}.json").write_text(
        json.dumps(report, indent=2), encoding="utf-8"
    )
    print(
        f"first load {name}: {len(rows)} responses, {total_raw / 1024:.1f} KB raw, "
        f"{total_gzip / 1024:.1f} KB gzip, {report['stations_on_map']} stations on the map"
    )
    assert total_gzip <= FIRST_LOAD_BUDGET_BYTES


def noon_today() -> datetime:
    """Noon today in UTC+8 (the demo stations' zone), as a UTC time."""
    zone = timezone(timedelta(hours=8))
    day = datetime.now(UTC).astimezone(zone).date()
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=zone).astimezone(UTC)


def _hours_case(now: datetime, offset_h: int, open_now: bool | None, days: int, clock: str) -> Any:
    """(open_now, next_change_at) for a change ``days`` after today at ``clock``, today
    being the date at ``now`` in UTC``offset_h``; ``days`` < 0 means no change."""
    zone = timezone(timedelta(hours=offset_h))
    if days < 0:
        return open_now, None
    local_day = now.astimezone(zone).date() + timedelta(days=days)
    hour, minute = (int(x) for x in clock.split(":"))
    at = datetime(local_day.year, local_day.month, local_day.day, hour, minute, tzinfo=zone)
    return open_now, at.isoformat()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            [
                "营业中，23:59 关门",
                "未营业，明天 08:00 开门",
                "24小时开放",
                "开放时间未知",
                "已关闭",
                "未营业，{weekday} 09:30 开门",
                "营业中，明天 08:00 关门",
            ],
        ),
        (
            "en",
            [
                "Open now, closes 23:59",
                "Closed, opens tomorrow 08:00",
                "Open 24 hours",
                "Hours unknown",
                "Closed",
                "Closed, opens {weekday} 09:30",
                "Open now, closes tomorrow 08:00",
            ],
        ),
    ],
)
def test_hours_are_worded_from_the_nearest_answer_in_the_stations_offset(
    live_server: LiveServer, phone: Any, lang: str, expected: list[str]
) -> None:
    """The list words open_now + next_change_at itself (no second request), relative
    to today in the UTC offset the API wrote, which need not be the phone's. The
    phone's clock is held at noon (UTC+8) today, so that no case falls within the half
    hour the list words as "closing soon" / "opening soon", whenever the test runs."""
    now = noon_today()
    cases = [
        _hours_case(now, 8, True, 0, "23:59"),
        _hours_case(now, 8, False, 1, "08:00"),
        _hours_case(now, 8, True, -1, ""),
        _hours_case(now, 8, None, -1, ""),
        _hours_case(now, 8, False, -1, ""),
        _hours_case(now, 8, False, 3, "09:30"),
        # A station five hours behind the phone: its "tomorrow" is its own.
        _hours_case(now, -5, True, 1, "08:00"),
    ]
    weekday_day = (now.astimezone(timezone(timedelta(hours=8))) + timedelta(days=3)).weekday()
    names = {
        "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
        "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }
    wanted = [text.replace("{weekday}", names[lang][weekday_day]) for text in expected]

    def rewrite(route: Any) -> None:
        response = route.fetch()
        data = response.json()
        for feature, (open_now, change) in zip(data["features"], cases, strict=False):
            feature["properties"]["open_now"] = open_now
            feature["properties"]["next_change_at"] = change
        route.fulfill(response=response, body=json.dumps(data))

    session = phone(geolocation=HOHHOT)
    page = session.new_page()
    page.clock.set_fixed_time(now)
    page.route("**/api/v1/stations/nearest?*", rewrite)
    page.goto(f"{live_server.url}/?lang={lang}")
    _wait_ready(page)
    shown = page.eval_on_selector_all("#list .hours", "els => els.map(e => e.textContent)")
    assert shown[: len(wanted)] == wanted
    classes = page.eval_on_selector_all("#list .hours", "els => els.map(e => e.className)")
    assert classes[:4] == ["hours open", "hours closed", "hours open", "hours unknown"]
