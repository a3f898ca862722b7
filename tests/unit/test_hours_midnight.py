"""Hours around midnight in words, as a courier reads them at 360 px: a station open
every night (22:00-06:00) is said once, as its office wrote it, instead of
"今天 00:00-06:00、22:00-24:00（每天 22:00-06:00）" (the night cut in two); one that
closes at midnight "closes 24:00", as its hours read (08:00-24:00), not "明天 00:00 关门";
a change within half an hour is said first ("即将关门（18:00）"), as the courier's list
says it. Expected words are written out here."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo.hours import describe, hours_state
from stationmap.geo.hours_text import describe_hours
from tests.unit.test_hours_text import fresh_words  # noqa: F401  (autouse: no kept answers)

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 12, 7)
SATURDAY = date(2026, 12, 12)


@pytest.mark.parametrize(
    ("text", "day", "zh", "en"),
    [
        ("Mo-Su 22:00-06:00", MONDAY, "每天 22:00-06:00", "daily 22:00-06:00"),
        ("22:00-06:00", MONDAY, "22:00-06:00", "22:00-06:00"),
        (
            "Mo-Su 07:00-09:00,21:00-02:00",
            MONDAY,
            "每天 07:00-09:00、21:00-02:00",
            "daily 07:00-09:00, 21:00-02:00",
        ),
        # Not every day alike: today's hours come first, as before.
        (
            "Mo-Fr 22:00-06:00",
            SATURDAY,
            "今天 00:00-06:00（周一至周五 22:00-06:00）",
            "Today 00:00-06:00 (Mon–Fri 22:00-06:00)",
        ),
        (
            "Mo-Su 22:00-06:00; PH off",
            MONDAY,
            "今天 00:00-06:00、22:00-24:00（每天 22:00-06:00；节假日 休息）",
            "Today 00:00-06:00, 22:00-24:00 (daily 22:00-06:00; public holidays closed)",
        ),
        ("Mo-Su 08:00-18:00", MONDAY, "每天 08:00-18:00", "daily 08:00-18:00"),
        (
            "Mo-Su 07:00-09:00,12:00-13:00,21:00-02:00",
            MONDAY,
            "每天 07:00-09:00、12:00-13:00、21:00-02:00",
            "daily 07:00-09:00, 12:00-13:00, 21:00-02:00",
        ),
        # As stored by an older import, with spaces around: the same words.
        (" Mo-Su 22:00-06:00 ", MONDAY, "每天 22:00-06:00", "daily 22:00-06:00"),
    ],
)
def test_hours_the_same_every_night_are_said_once(text, day, zh, en):
    assert describe_hours(text, day, "zh") == zh
    assert describe_hours(text, day, "en") == en


def test_the_hours_in_words_are_chinese_unless_asked_otherwise():
    assert describe_hours("Mo-Su 22:00-06:00", MONDAY) == "每天 22:00-06:00"
    assert describe_hours("Mo-Fr 08:00-18:00", SATURDAY) == "今天 休息（周一至周五 08:00-18:00）"


@pytest.mark.parametrize(
    ("text", "at", "zh", "en"),
    [
        ("Mo-Su 08:00-24:00", "2026-12-07T23:00", "营业中，24:00 关门", "open now, closes 24:00"),
        ("Mo-Su 08:00-24:00", "2026-12-07T23:55", "即将关门（24:00）", "closing soon (24:00)"),
        ("Mo-Su 08:00-24:00", "2026-12-07T08:00", "营业中，24:00 关门", "open now, closes 24:00"),
        # Opening at midnight keeps its day; closing at 06:00 tomorrow too.
        (
            "Mo-Su 00:00-06:00",
            "2026-12-07T23:00",
            "未营业，明天 00:00 开门",
            "closed, opens tomorrow 00:00",
        ),
        (
            "Mo-Su 22:00-06:00",
            "2026-12-07T23:59",
            "营业中，明天 06:00 关门",
            "open now, closes tomorrow 06:00",
        ),
        ("Mo-Su 22:00-06:00", "2026-12-08T00:01", "营业中，06:00 关门", "open now, closes 06:00"),
        ("Mo-Su 08:00-18:00", "2026-12-07T17:29", "营业中，18:00 关门", "open now, closes 18:00"),
        ("Mo-Su 08:00-18:00", "2026-12-07T17:30", "即将关门（18:00）", "closing soon (18:00)"),
        ("Mo-Su 08:00-18:00", "2026-12-07T17:55", "即将关门（18:00）", "closing soon (18:00)"),
        ("Mo-Su 08:00-18:00", "2026-12-07T07:00", "未营业，08:00 开门", "closed, opens 08:00"),
        ("Mo-Su 08:00-18:00", "2026-12-07T07:55", "即将开门（08:00）", "opening soon (08:00)"),
    ],
)
def test_the_state_in_words_around_midnight(text, at, zh, en):
    now = datetime.fromisoformat(at).replace(tzinfo=TZ)
    state = hours_state(text, now, TZ)
    assert describe(state, now, "zh") == zh
    assert describe(state, now, "en") == en
