"""The rider's position in addresses (at 360x640). A link is passed on (a WeChat chat, a
screenshot of the address bar): the list's links and the station page's way back carry
where the list is sorted from to 3 decimals (about 100 m), never the rider's exact
position, and no navigation link is sent the page's address as its Referer. The rider
who goes back still gets the list sorted from the exact position the tab kept."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import LiveServer
from test_courier_page import _list_names
from test_map_page import _wait_for

pytestmark = pytest.mark.browser

# In 玛纳斯县, to 6 decimals as a phone's location is; to 3 decimals it moves ~38 m.
RIDER = {"latitude": 44.305123, "longitude": 86.217456}
EXACT = ("44.305123", "86.217456", "44.30512", "86.21745")
ROUNDED = "44.305,86.217"


def _ready(page: Any) -> None:
    _wait_for(page, "document.body.dataset.listState === 'ready'")


def _distances(page: Any) -> list[str]:
    return page.eval_on_selector_all("#list > li .dist", "els => els.map(e => e.textContent)")


def _hrefs(page: Any) -> list[str]:
    return page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")


def _assert_no_exact_position(page: Any) -> None:
    for text in [page.url, *_hrefs(page)]:
        assert not any(part in text for part in EXACT), text


def test_links_carry_the_position_to_100_m_and_the_way_back_sorts_from_the_exact_one(
    live_server: LiveServer, phone: Any
) -> None:
    session = phone(geolocation=RIDER)
    page = session.new_page()
    page.goto(live_server.url + "/")
    _ready(page)
    names, distances = _list_names(page), _distances(page)
    assert len(names) == 10
    _assert_no_exact_position(page)
    demand = urlsplit(page.locator("#demand-link").get_attribute("href"))
    assert parse_qs(demand.query) == {"lat": ["44.305"], "lon": ["86.217"]}

    card = page.locator("#list > li").first
    card.locator(".item-toggle").tap()
    detail = parse_qs(urlsplit(card.locator("a.detail").get_attribute("href")).query)
    assert detail == {"near": [ROUNDED], "by": ["gps"]}
    card.locator("a.detail").tap()
    page.wait_for_url("**/s/**")
    _assert_no_exact_position(page)
    back = page.locator("a.back-link").get_attribute("href")
    assert parse_qs(urlsplit(back).query) == {"near": [ROUNDED], "by": ["gps"]}

    # A navigation link: AMap's web page is answered here; what it was sent is kept.
    sent: list[dict[str, str]] = []

    def amap(route: Any) -> None:
        sent.append(route.request.all_headers())
        route.fulfill(status=200, content_type="text/html", body="<p>amap</p>")

    page.route("https://uri.amap.com/**", amap)
    page.locator("a.nav-amap").tap()
    page.wait_for_url("https://uri.amap.com/**")
    assert len(sent) == 1
    assert "referer" not in sent[0], sent[0]
    page.go_back()
    page.wait_for_url("**/s/**")

    asked: list[str] = []  # requests, not answers: a question overtaken is aborted
    page.on("request", lambda request: asked.append(request.url))
    page.locator("a.back-link").tap()
    page.wait_for_url("**/?near=*")
    _ready(page)
    _assert_no_exact_position(page)
    # The list's first question on the way back is from the exact position the tab
    # kept, not from the address's rounded one (38 m off), before any new location.
    nearest = [parse_qs(urlsplit(url).query) for url in asked if "/stations/nearest" in url]
    assert (nearest[0]["lat"], nearest[0]["lon"]) == (["44.305123"], ["86.217456"])
    assert _list_names(page) == names
    assert _distances(page) == distances
