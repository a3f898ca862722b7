"""A rule that is only a comment ("电话预约", ``|| "call"``) says nothing of when a
station is open: it reads as unknown, as opening_hours.js and KOpeningHours read it, not
as open all day (which the parsing library does, and which put such stations in couriers'
open-now lists on the days the other rules leave out)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo.hours import hours_state

TZ = ZoneInfo("Asia/Shanghai")
SATURDAY_15 = datetime(2026, 12, 5, 15, 0, tzinfo=TZ)
MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
MONDAY_20 = datetime(2026, 12, 7, 20, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "at", "open_", "comment"),
    [
        ('"电话预约"', MONDAY_10, None, "电话预约"),
        ('"电话预约"', SATURDAY_15, None, "电话预约"),
        ('Mo-Fr 08:00-18:00 || "call"', SATURDAY_15, None, "call"),
        ('Mo-Fr 08:00-18:00 || "call"', MONDAY_10, True, ""),
        ('Mo-Fr 08:00-18:00 || "call"', MONDAY_20, False, ""),
        ('Mo-Fr 08:00-18:00 || "a;b || c"', SATURDAY_15, None, "a;b || c"),
        ('Mo-Fr 08:00-18:00 ; "预约"', MONDAY_10, None, "预约"),
        ('Mo-Fr 08:00-18:00, "预约"', SATURDAY_15, None, "预约"),
        # A comment on a rule with times keeps the rule's own state.
        ('Mo-Fr 08:00-12:00 "上午"', MONDAY_10, True, "上午"),
        ('Mo-Fr 08:00-12:00 "上午"', SATURDAY_15, False, ""),
        ('Sa closed "周六休息"; Mo-Fr 09:00-17:00', SATURDAY_15, False, "周六休息"),
        ('Mo-Fr 08:00-18:00 || open "电话预约"', SATURDAY_15, True, "电话预约"),
        ("24/7", SATURDAY_15, True, ""),
    ],
)
def test_a_rule_that_is_only_a_comment_is_unknown(
    text: str, at: datetime, open_: bool | None, comment: str
) -> None:
    state = hours_state(text, at, TZ)
    assert (state.open, state.comment) == (open_, comment)
