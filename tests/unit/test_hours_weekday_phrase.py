"""The opening state in words names the weekday of a change two to six days ahead, as
the courier's list does (app.js: "未营业，周一 11:00 开门"). Before, the station page
said "未营业，12-07 11:00 开门" for the same station on a Friday night: the rider had to
work out which day 12-07 was. A week or more ahead keeps the date. 2026-12-04 is a
Friday; the expected words are written out here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo.hours import describe, hours_state

TZ = ZoneInfo("Asia/Shanghai")
SPLIT_SHIFT = "Mo-Fr 11:00-14:00,17:00-21:00"  # lunch and dinner, weekdays


@pytest.mark.parametrize(
    ("text", "at", "zh", "en"),
    [
        # Friday 23:50 and Saturday 00:10: next open on Monday.
        (SPLIT_SHIFT, (2026, 12, 4, 23, 50), "未营业，周一 11:00 开门", "closed, opens Mon 11:00"),
        (SPLIT_SHIFT, (2026, 12, 5, 0, 10), "未营业，周一 11:00 开门", "closed, opens Mon 11:00"),
        # Sunday 00:10: Monday is tomorrow.
        (SPLIT_SHIFT, (2026, 12, 6, 0, 10), "未营业，明天 11:00 开门",
         "closed, opens tomorrow 11:00"),
        # Tuesday noon, open on Saturdays only: four days on.
        ("Sa 09:00-17:00", (2026, 12, 1, 12, 0), "未营业，周六 09:00 开门",
         "closed, opens Sat 09:00"),
        # Monday after hours, open on Mondays only: a week on, the date.
        ("Mo 08:00-09:00", (2026, 11, 30, 10, 0), "未营业，12-07 08:00 开门",
         "closed, opens 12-07 08:00"),
    ],
)  # fmt: skip
def test_a_change_within_the_week_is_named_by_its_weekday(
    text: str, at: tuple[int, ...], zh: str, en: str
) -> None:
    now = datetime(*at, tzinfo=TZ)
    state = hours_state(text, now, TZ)
    assert (describe(state, now, "zh"), describe(state, now, "en")) == (zh, en)
