"""A base map that cannot be reached (a closed network, a blocked tile host) at
360x640: the app is served with OpenStreetMap tiles and every tile request fails.

Before, the map stayed grey with the stations on it and nothing said why; a rider took
the empty map for a place without streets. Now a note on the map says the base map did
not load and that the stations and the list still work; it goes once a tile loads.
Nothing but tiles leaves the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import LiveServer, demo_app, serve
from test_map_page import _wait_for

pytestmark = pytest.mark.browser

HOHHOT = {"latitude": 40.8420, "longitude": 111.7000}
TILE_HOST = "tile.openstreetmap.org"
WORDS = {
    "zh": "底图加载不了，驿站照常显示",
    "en": "Base map unavailable; stations and list still work",
}


@pytest.fixture(scope="module")
def osm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the demo data and OpenStreetMap tiles, on 127.0.0.1."""
    yield from serve(demo_app(tmp_path_factory.mktemp("tiles-down"), "osm"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unreachable_tiles_are_said_to_be_unreachable(
    osm_server: LiveServer, phone: Any, lang: str, artifacts: Path
) -> None:
    session = phone(geolocation=HOHHOT)
    page = session.new_page()
    page.goto(f"{osm_server.url}/?lang={lang}")
    _wait_for(page, "document.body.dataset.listState === 'ready'")
    _wait_for(page, "document.body.dataset.mapState === 'ready'")
    note = page.locator("#tiles-note")
    note.wait_for(state="visible")
    assert note.inner_text() == WORDS[lang]
    page.screenshot(path=str(artifacts / f"ux-tiles-down-{lang}.png"))
    # Still at work: the list and the stations on the map.
    assert page.locator("#list > li").count() == 10
    assert page.locator(".leaflet-marker-icon.sm-pin, .marker-cluster").count() > 0
    # Only tiles tried to leave (the guard stopped them); the browser's complaints
    # are about those requests.
    outside = session.watch.outside_requests
    assert outside and {urlsplit(u).hostname for u in outside} <= {TILE_HOST}
    outside.clear()
    session.watch.console_errors.clear()
