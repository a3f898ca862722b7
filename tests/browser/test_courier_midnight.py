"""The list's opening state for a station closing at midnight: "营业中，24:00 关门" /
"Open now, closes 24:00", as its hours read (08:00-24:00), where it said "明天 00:00
关门" / "closes tomorrow 00:00". An opening at midnight keeps its day. The answer's
open_now and next_change_at are set by the test (in the station's UTC+8)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from conftest import LiveServer
from test_hours_words import HOHHOT, _wait_ready
from test_map_page import _hours_case, noon_today

pytestmark = pytest.mark.browser


def listed_hours(
    live_server: LiveServer,
    phone: Any,
    lang: str,
    now: datetime,
    states: list[tuple[bool | None, str | None]],
) -> list[str]:
    """The list's opening states in words, the phone's clock held at ``now`` and the
    first stations' (open_now, next_change_at) replaced by ``states``."""

    def rewrite(route: Any) -> None:
        response = route.fetch()
        data = response.json()
        for feature, (open_now, change) in zip(data["features"], states, strict=False):
            feature["properties"]["open_now"] = open_now
            feature["properties"]["next_change_at"] = change
        route.fulfill(response=response, body=json.dumps(data))

    page = phone(geolocation=HOHHOT).new_page()
    page.clock.set_fixed_time(now)
    page.route("**/api/v1/stations/nearest?*", rewrite)
    page.goto(f"{live_server.url}/?lang={lang}")
    _wait_ready(page)
    shown = page.eval_on_selector_all("#list .hours", "els => els.map(e => e.textContent)")
    return shown[: len(states)]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", ["营业中，24:00 关门", "未营业，明天 00:00 开门", "营业中，明天 06:00 关门"]),
        ("en", ["Open now, closes 24:00", "Closed, opens tomorrow 00:00",
                "Open now, closes tomorrow 06:00"]),
    ],
)  # fmt: skip
def test_a_station_closing_at_midnight_closes_at_24(
    live_server: LiveServer, phone: Any, lang: str, expected: list[str]
) -> None:
    now = noon_today()  # the phone's clock, held: no case falls in the "soon" half hour
    states = [
        _hours_case(now, 8, True, 1, "00:00"),
        _hours_case(now, 8, False, 1, "00:00"),
        _hours_case(now, 8, True, 1, "06:00"),
    ]
    assert listed_hours(live_server, phone, lang, now, states) == expected
