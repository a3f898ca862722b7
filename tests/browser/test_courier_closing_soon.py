"""A station closing in ten minutes is "open now", and the list said only "营业中，12:10
关门" beside an e-bike time of ten minutes: the rider would find it shut. A change within
half an hour is now said first: "即将关门（12:10）" / "Closing soon (12:10)", and likewise
"即将开门（12:05）" / "Opening soon (12:05)". The phone's clock is held at noon (UTC+8),
and the answer's open_now and next_change_at are set by the test."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest
from conftest import LiveServer
from test_courier_midnight import listed_hours
from test_map_page import noon_today

pytestmark = pytest.mark.browser
UTC8 = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", ["即将关门（12:10）", "营业中，12:45 关门", "即将开门（12:05）",
                "未营业，12:31 开门", "即将关门（12:30）"]),
        ("en", ["Closing soon (12:10)", "Open now, closes 12:45", "Opening soon (12:05)",
                "Closed, opens 12:31", "Closing soon (12:30)"]),
    ],
)  # fmt: skip
def test_a_change_within_half_an_hour_is_said_first(
    live_server: LiveServer, phone: Any, lang: str, expected: list[str]
) -> None:
    now = noon_today()
    states: list[tuple[bool | None, str | None]] = [
        (is_open, (now + timedelta(minutes=minutes)).astimezone(UTC8).isoformat())
        for is_open, minutes in [(True, 10), (True, 45), (False, 5), (False, 31), (True, 30)]
    ]
    assert listed_hours(live_server, phone, lang, now, states) == expected
