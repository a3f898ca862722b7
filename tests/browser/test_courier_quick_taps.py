"""A rider taps one list card after another while the map is still moving to the last
and the stations of each new view are arriving (a slow network). Each tap moves the map
to its station and opens its popup; a view's stations landing meanwhile must neither
take the marker being shown off the map nor leave the page throwing on every move.

With markercluster 1.5.3 on Leaflet 1.9 that happened: the plugin's zoomToShowLayer
kept asking ``map.hasLayer(marker.__parent)`` after the marker had left the cluster,
and Leaflet since 1.8 throws on ``hasLayer(undefined)``. The watch of the ``phone``
fixture fails the test on any uncaught page error."""

from __future__ import annotations

import time
from typing import Any

import pytest
from conftest import LiveServer
from test_map_page import _wait_for, _wait_ready

pytestmark = pytest.mark.browser

MANAS = {"latitude": 44.3050, "longitude": 86.2170}
# Pauses between taps, in ms: some land mid-move, some mid-load, some after both.
PAUSES_MS = (50, 200, 350)


@pytest.mark.parametrize("delay_s", [0.05, 0.4], ids=["fast", "slow"])
def test_quick_taps_while_views_load_open_the_last_station_without_page_errors(
    live_server: LiveServer, phone: Any, delay_s: float
) -> None:
    session = phone(geolocation=MANAS)

    def late(route: Any) -> None:
        time.sleep(delay_s)
        route.continue_()

    session.context.route("**/api/v1/stations?bbox=*", late)
    page = session.new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    cards = page.locator("#list > li")
    count = min(cards.count(), 6)
    assert count >= 4, "the demo data near Manas holds several stations"

    # Four rounds: each card unfolds (its station shown on the map), then folds.
    for round_ in range(4):
        for i in range(count):
            # On the card's name line, where a rider's thumb lands; not waiting for the
            # page to settle: what is there at that moment takes the tap.
            cards.nth(i).locator(".item-toggle .name").tap(force=True, timeout=2000)
            page.wait_for_timeout(PAUSES_MS[(i + round_) % len(PAUSES_MS)])

    # Then one more card, tapped as a rider would once the list is still: its popup opens
    # and stays, not replaced by a popup an earlier tap asked for.
    last = cards.nth(1)
    last.scroll_into_view_if_needed()
    if "open" in (last.get_attribute("class") or ""):
        last.locator(".item-toggle .name").tap()
    last.locator(".item-toggle .name").tap()
    name = last.locator(".item-toggle .name").inner_text()
    _wait_for(
        page,
        "document.querySelector('.leaflet-popup .pop-name strong') !== null",
    )
    page.wait_for_timeout(1500)
    assert page.locator(".leaflet-popup .pop-name strong").inner_text() == name
    assert page.locator(".leaflet-popup").count() == 1
    session.watch.assert_clean()


# A marker on the map opens its popup while the map glides away from it (a flick's
# inertia, another card's pan): the popup stops the glide to fit itself, the glide's end
# lets the cluster drop the markers now outside the view, and the marker's popup closed
# under it while it was being placed ("Cannot read properties of null").
_OPEN_WHILE_GLIDING_JS = """() => {
  const cfg = JSON.parse(document.getElementById('sm-config').textContent);
  const map = window[cfg.map], group = window[cfg.cluster];
  const marker = group.getLayers().find(m => map.hasLayer(m));
  if (!marker) { return 'no marker on the map'; }
  map.panBy([0, map.getSize().y * 3], {animate: true, duration: 1});
  return new Promise(done => setTimeout(() => {
    try { marker.openPopup(); } catch (err) { done(String(err)); return; }
    setTimeout(() => done(map.hasLayer(marker) && marker.isPopupOpen() ? 'open' : 'closed'), 300);
  }, 250));
}"""


def test_a_popup_opened_while_the_map_glides_away_stays_open(
    live_server: LiveServer, phone: Any
) -> None:
    session = phone(geolocation=MANAS)
    page = session.new_page()
    page.goto(live_server.url + "/")
    _wait_ready(page)
    _wait_for(page, "document.querySelector('.leaflet-marker-icon.sm-pin') !== null")
    assert page.evaluate(_OPEN_WHILE_GLIDING_JS) == "open"
    session.watch.assert_clean()
