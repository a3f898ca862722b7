"""The courier's page shows a station's temporary states and freshness on its list card:
"temporarily closed until …" for a station its staff closed, and a quieter "not verified
recently" (among the card's details) for stations never verified. At 360x640 in
headless Chromium."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import LiveServer
from sqlalchemy import update
from test_courier_page import _nearest, _open

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services.stations import bump_data_version

pytestmark = pytest.mark.browser

# 昆明市 西山区: away from the places the other courier-page tests stand.
KUNMING = {"latitude": 25.03, "longitude": 102.67}


def _set_closed(live_server: LiveServer, station_id: int, until: datetime | None) -> None:
    with state(live_server.app).db.write_session() as session:
        session.execute(update(Station).where(Station.id == station_id).values(closed_until=until))
        bump_data_version(session)


def test_list_card_shows_closed_until_and_unverified(live_server: LiveServer, phone: Any) -> None:
    first = _nearest(live_server, KUNMING, k=3)[0]["properties"]
    until = datetime.now(UTC) + timedelta(days=1)
    _set_closed(live_server, first["id"], until)
    try:
        # Each process checks for writes every half second: wait until the API has it.
        deadline = time.monotonic() + 10
        while True:
            expected = _nearest(live_server, KUNMING, k=3)
            if expected[0]["properties"]["temporarily_closed_until"] or (
                time.monotonic() > deadline
            ):
                break
            time.sleep(0.1)
        notices = {f["properties"]["name"]: f["properties"]["notice_zh"] for f in expected}
        _session, page = _open(live_server, phone, KUNMING)
        cards = page.locator("#list > li")
        names = page.eval_on_selector_all(
            "#list > li .item-toggle .name", "els => els.map(e => e.textContent)"
        )
        assert first["name"] in names
        card = cards.nth(names.index(first["name"]))
        note = card.locator(".state-note")
        assert note.inner_text() == notices[first["name"]]
        assert "暂停开放" in note.inner_text()
        assert "stale-only" not in (note.get_attribute("class") or "")
        # Another card, never verified: only the quiet mark, among the card's details.
        other = next(i for i, name in enumerate(names) if name != first["name"])
        quiet = cards.nth(other).locator(".item-more .state-note")
        assert "未经核实" in (quiet.text_content() or "")
        assert "stale-only" in (quiet.get_attribute("class") or "")
    finally:
        _set_closed(live_server, first["id"], None)
