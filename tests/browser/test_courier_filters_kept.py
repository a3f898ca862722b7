"""The chips a rider ticked survive what a phone does to a page (at 360x640): a reload,
a switch of language, the station page and the way back from it. Before, the address
stayed ``/`` and every one of these came back with no chip ticked and the unfiltered
list. Expected lists come from the test's own call to the API with the same filters."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import LiveServer
from test_courier_page import MANAS, _api_names, _chip, _list_names, _open
from test_map_page import _wait_for

pytestmark = pytest.mark.browser

CHOSEN = ["water", "toilet", "phone_charging"]  # the chips' own order


def _ticked(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#filters input[name=amenity]:checked", "els => els.map(e => e.value)"
    )


def _ready(page: Any) -> None:
    _wait_for(page, "document.body.dataset.listState === 'ready'")


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_ticked_chips_survive_a_reload_a_language_switch_and_a_station_page(
    live_server: LiveServer, phone: Any
) -> None:
    session, page = _open(live_server, phone, MANAS)
    for code in CHOSEN:
        _chip(page, code).tap()
        _ready(page)
    page.locator("#filters input[name=open_now]").locator("xpath=..").tap()
    _ready(page)
    expected = _api_names(live_server, MANAS, "&open_now=true&amenity=" + ",".join(CHOSEN))
    assert _list_names(page) == expected
    assert _query(page.url) == {"amenity": [",".join(CHOSEN)], "open_now": ["1"]}

    # A reload: the same chips, the same list, asked for once (the boot script's
    # early question is the one the page takes over).
    asked_before = len(session.watch.responses)
    page.reload()
    _ready(page)
    assert _ticked(page) == CHOSEN
    assert page.locator("#filters input[name=open_now]").is_checked()
    assert _list_names(page) == expected
    nearest = [
        r.url for r in session.watch.responses[asked_before:] if "/stations/nearest" in r.url
    ]
    assert len(nearest) == 1, nearest

    # Unticking one is in the address at once.
    _chip(page, "toilet").tap()
    _ready(page)
    assert _query(page.url)["amenity"] == ["water,phone_charging"]

    # English, mid-search: the same chips.
    page.click("a.lang-switch")
    _ready(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert _ticked(page) == ["water", "phone_charging"]
    assert _list_names(page) == _api_names(
        live_server, MANAS, "&open_now=true&amenity=water,phone_charging"
    )

    # A station page and its back link.
    page.locator("#list > li").first.locator(".item-toggle").tap()
    page.locator("#list > li").first.locator("a.detail").tap()
    page.wait_for_selector("a.back-link")
    page.click("a.back-link")
    _ready(page)
    assert _ticked(page) == ["water", "phone_charging"]
    assert page.locator("#filters input[name=open_now]").is_checked()
    assert [r.status for r in session.watch.responses if r.status >= 400] == []


def test_a_rider_who_refused_the_location_keeps_the_chips_when_picking_a_district(
    live_server: LiveServer, phone: Any
) -> None:
    session = phone()  # location refused
    page = session.new_page()
    page.goto(live_server.url + "/")
    _wait_for(page, "document.body.dataset.origin === 'none'")
    _chip(page, "water").tap()
    _chip(page, "toilet").tap()
    page.select_option("#pick-province", "150000")
    page.locator("#pick-city option[value='150100']").wait_for(state="attached")
    page.select_option("#pick-city", "150100")
    page.locator("#pick-county option[value='150102']").wait_for(state="attached")
    page.select_option("#pick-county", "150102")
    page.locator(".district-pick button[type=submit]").click()
    page.wait_for_url("**/?district=150102*")
    _ready(page)
    assert _query(page.url) == {"district": ["150102"], "amenity": ["water,toilet"]}
    assert _ticked(page) == ["water", "toilet"]
    asked = [r.url for r in session.watch.responses if "/stations/nearest" in r.url]
    assert "amenity=water%2Ctoilet" in asked[-1]


def test_a_point_tapped_on_the_map_survives_a_switch_of_language(
    live_server: LiveServer, phone: Any
) -> None:
    session = phone()  # location refused: the rider taps where they are
    page = session.new_page()
    page.goto(live_server.url + "/?district=652324")
    _ready(page)
    _wait_for(page, "document.body.dataset.mapState === 'ready'")
    page.locator("#map-wrap .leaflet-container").tap(position={"x": 180, "y": 100})
    _wait_for(page, "document.body.dataset.origin === 'tap'")
    _ready(page)
    _chip(page, "water").tap()
    _ready(page)
    tapped = _query(page.url)
    assert tapped["by"] == ["tap"] and tapped["amenity"] == ["water"]
    lat, lon = (float(v) for v in tapped["near"][0].split(","))
    names = _list_names(page)

    page.click("a.lang-switch")
    _ready(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert _query(page.url)["near"] == tapped["near"]
    assert _list_names(page) == names
    assert _list_names(page) == _api_names(
        live_server, {"latitude": lat, "longitude": lon}, "&amenity=water"
    )
