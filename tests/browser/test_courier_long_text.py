"""Long station text on a 360x640 phone, as county offices write it: a name of forty
characters (街道办事处党群服务中心暖新驿站（户外劳动者服务站点）), a service written as
one unbroken run (a link to an official account, a string of phone numbers).

Before: the popup a list-card tap opened was taller than the map (206 px on a 179 px
map), so its 详情 and 电话 links lay under the map's lower edge where no finger could
reach them; with a longer name the popup's pan moved the station off the map, which
then emptied. The station page scrolled sideways (2,527 px wide) on one unbroken
service. The stations are added in 蒲县 (141033), where no other test stands."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from conftest import PHONE, LiveServer
from sqlalchemy import select
from test_courier_page import _nearest
from test_map_page import _wait_for, _wait_ready

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services import districts as district_service
from stationmap.services.stations import save_inputs
from stationmap.station_fields import StationInput

pytestmark = pytest.mark.browser

DISTRICT = "141033"  # 蒲县
# A real kind of name: the office's full title of the host, then the station's kind.
LONG_NAME = "临汾市蒲县蒲城镇人民政府街道办事处党群服务中心暖新驿站（户外劳动者服务站点）"
HUGE_NAME = "蒲县很长的驿站名称" * 24  # 216 characters: no name must break the page
# A right-to-left override never closed: it must not reverse what follows the name.
BIDI_NAME = "\u202e蒲县驿站"
UNBROKEN = "https://mp.weixin.qq.com/s/" + "AbCdEfGhIjKlMnOp" * 8
MIN_TARGET_PX = 44


def _station(name: str, code: str, lat: float, lon: float) -> StationInput:
    return StationInput(
        name=name,
        lat=lat,
        lon=lon,
        code=code,
        address="山西省临汾市蒲县蒲城镇东大街1234号党群服务中心一楼东侧",
        host_type="union",
        amenities=("water", "toilet", "phone_charging"),
        worker_groups=("food_delivery",),
        opening_hours="24/7",
        phone="0357-1234567",
        contact="王" + "W" * 120,
        services=("免费饮水", UNBROKEN, "0357-1234567/13912345678/13812345678/0357-7654321"),
    )


@pytest.fixture(scope="module")
def long_names(live_server: LiveServer) -> dict[str, dict[str, float]]:
    """Two stations of long text in 蒲县, each 200 m east of a demo station there, far
    enough apart not to cluster; where a rider stands beside each."""
    with state(live_server.app).db.write_session() as session:
        seeds = sorted(
            (s.lat, s.lon)
            for s in session.scalars(select(Station).where(Station.district_code == DISTRICT))
        )
        locator = district_service.locator(session)
        places = []
        for lat, lon in seeds:
            if locator.locate(lat, lon + 0.0025) == DISTRICT and all(
                abs(lat - p[0]) + abs(lon - p[1]) > 0.02 for p in places
            ):
                places.append((lat, lon + 0.0025))
        assert len(places) >= 3, "three demo stations of 蒲县 far apart"
        (lat1, lon1), (lat2, lon2), (lat3, lon3) = places[:3]
        save_inputs(
            session,
            [
                _station(LONG_NAME, f"{DISTRICT}-9701", lat1, lon1),
                _station(HUGE_NAME, f"{DISTRICT}-9702", lat2, lon2),
                _station(BIDI_NAME, f"{DISTRICT}-9703", lat3, lon3),
            ],
        )
    riders = {
        "long": {"latitude": lat1 + 0.0002, "longitude": lon1 + 0.0002},
        "huge": {"latitude": lat2 + 0.0002, "longitude": lon2 + 0.0002},
        "bidi": {"latitude": lat3 + 0.0002, "longitude": lon3 + 0.0002},
    }
    # Each process looks for writes every half second: wait until the nearest answer
    # has the three stations, or the first test's page may load the list before them.
    names = {"long": LONG_NAME, "huge": HUGE_NAME, "bidi": BIDI_NAME}
    deadline = time.monotonic() + 10
    while True:
        firsts = {
            which: _nearest(live_server, where, k=1)[0]["properties"]["name"]
            for which, where in riders.items()
        }
        if firsts == names or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert firsts == names, "the three stations are served nearest to their riders"
    return riders


# Each of the popup's links: its box and whether a finger at its centre lands on it
# (nothing of the page over it, and inside the map's box, which clips the popup).
_REACHABLE_JS = """
() => {
  const box = document.getElementById('map-wrap').getBoundingClientRect();
  return Array.from(document.querySelectorAll('.leaflet-popup a'))
    .filter(a => !a.hidden)
    .map(a => {
      const r = a.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
      const hit = document.elementFromPoint(x, y);
      return {link: a.className, w: r.width, h: r.height,
              inside: r.top >= box.top && r.bottom <= box.bottom &&
                      r.left >= box.left && r.right <= box.right,
              hit: Boolean(hit && (hit === a || a.contains(hit)))};
    });
}
"""


@pytest.mark.parametrize("which", ["long", "huge"])
def test_a_cards_popup_keeps_its_links_within_the_short_map(
    live_server: LiveServer,
    phone: Any,
    long_names: dict[str, dict[str, float]],
    which: str,
    artifacts: Path,
) -> None:
    page = phone(geolocation=long_names[which]).new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    name = LONG_NAME if which == "long" else HUGE_NAME
    names = page.eval_on_selector_all(
        "#list > li .item-toggle .name", "els => els.map(e => e.textContent)"
    )
    assert names[0] == name
    page.locator("#list > li .item-toggle").first.tap()
    page.locator(".leaflet-popup").wait_for()
    page.wait_for_timeout(1500)  # the pan into view and the stations it brings
    _wait_for(page, "document.body.dataset.mapState === 'ready'")
    page.evaluate("window.scrollTo(0, 0)")
    popup = page.locator(".leaflet-popup")
    assert popup.is_visible()
    # The whole name is the popup's (read out, copied), however it is cut on screen.
    assert page.locator(".leaflet-popup .pop-name strong").text_content() == name
    links = page.evaluate(_REACHABLE_JS)
    assert {link["link"] for link in links} == {
        "pop-detail",
        "pop-call",
        "leaflet-popup-close-button",
    }
    for link in links:
        assert link["inside"] and link["hit"], link
        assert link["w"] >= MIN_TARGET_PX - 0.5 and link["h"] >= MIN_TARGET_PX - 0.5, link
    # The popup as a whole stays within the map: nothing of it is cut off.
    box = page.locator("#map-wrap").bounding_box()
    shown = popup.locator(".leaflet-popup-content-wrapper").bounding_box()
    assert box["y"] - 0.5 <= shown["y"]
    assert shown["y"] + shown["height"] <= box["y"] + box["height"] + 0.5
    page.screenshot(path=str(artifacts / f"ux-long-name-popup-{which}.png"))


def test_the_station_page_of_long_text_never_scrolls_sideways(
    live_server: LiveServer, phone: Any, long_names: dict[str, dict[str, float]]
) -> None:
    page = phone().new_page()
    for code in (f"{DISTRICT}-9701", f"{DISTRICT}-9702"):
        page.goto(f"{live_server.url}/s/{code}")
        page.locator("h1").wait_for()
        assert page.locator(".services").inner_text().count(UNBROKEN) == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{code}: the page is {width} px wide"


# Where each character of ``selector``'s first text node is drawn, left to right.
_GLYPH_X_JS = """
selector => {
  const node = document.querySelector(selector).firstChild;
  const range = document.createRange();
  const xs = [];
  for (let i = 0; i < node.length; i++) {
    range.setStart(node, i); range.setEnd(node, i + 1);
    xs.push(range.getBoundingClientRect().left);
  }
  return xs;
}
"""


def test_a_right_to_left_mark_in_a_name_does_not_reverse_the_distance(
    live_server: LiveServer, phone: Any, long_names: dict[str, dict[str, float]]
) -> None:
    """A name holding U+202E (RIGHT-TO-LEFT OVERRIDE) without its closing mark: before,
    the popup's mark after the name read 实核未 and the report form's station code
    3079-330141: the override ran on past the name to the end of the line. (The list
    card's distance was safe already: the name is a flex item, a paragraph of its own.)"""
    page = phone(geolocation=long_names["bidi"]).new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    first = page.locator("#list > li").first
    assert first.locator(".name").text_content() == BIDI_NAME
    distance = first.locator(".dist").text_content()
    assert distance and distance.endswith(" m")
    xs = page.evaluate(_GLYPH_X_JS, "#list > li .dist")
    assert xs == sorted(xs), f"{distance!r} is drawn in reverse"
    # The popup: the mark after the name (未核实, not verified) reads as written.
    first.locator(".item-toggle").tap()
    mark = page.locator(".leaflet-popup .pop-name .state-note")
    mark.wait_for()
    assert mark.text_content() == "未核实"
    xs = page.evaluate(_GLYPH_X_JS, ".leaflet-popup .pop-name .state-note")
    assert xs == sorted(xs), "未核实 is drawn in reverse"
    # The report form names the station, then its code: the code reads as written.
    page.goto(f"{live_server.url}/s/{DISTRICT}-9703/report")
    assert page.locator(".about code").text_content() == f"{DISTRICT}-9703"
    xs = page.evaluate(_GLYPH_X_JS, ".about code")
    assert xs == sorted(xs), "the station's code is drawn in reverse"
