"""Issue 12 point 5: opening hours in the reader's language, today's first."""

from __future__ import annotations

from datetime import date

import pytest

from stationmap.geo.hours_text import describe_day, describe_hours, describe_schedule
from stationmap.render.sheet import hours_zh


@pytest.fixture(autouse=True)
def fresh_words() -> None:
    """Each test computes its words afresh. The describers keep their answers
    (``lru_cache``), and a mutation run forks each mutant's tests from a process that
    has already run them unmutated: a kept answer would hide every mutant of the code
    below it (tests/mutation.md)."""
    describe_schedule.cache_clear()
    describe_day.cache_clear()


FRIDAY = date(2026, 12, 4)
SATURDAY = date(2026, 12, 5)
NATIONAL_DAY = date(2026, 10, 1)  # a Thursday, a public holiday


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("24/7", "全天24小时", "open 24 hours"),
        (
            "Mo-Fr 08:00-20:00; PH off",
            "周一至周五 08:00-20:00；节假日 休息",
            "Mon–Fri 08:00-20:00; public holidays closed",
        ),
        ("Sa,Su 10:00-16:00", "周六、周日 10:00-16:00", "Sat, Sun 10:00-16:00"),
        ("Mo-Su 08:00-20:00", "每天 08:00-20:00", "daily 08:00-20:00"),
        ("Mo-Su 00:00-24:00", "每天 24小时", "daily 24 hours"),
        (
            "Mo-Fr 08:00-12:00,14:00-18:00",
            "周一至周五 08:00-12:00、14:00-18:00",
            "Mon–Fri 08:00-12:00, 14:00-18:00",
        ),
        ('Sa 09:00-12:00 "请预约"', "周六 09:00-12:00（请预约）", "Sat 09:00-12:00 (请预约)"),
        ("Dec 25 off", "12月25日 休息", "Dec 25 closed"),
        ("Mo-Fr 08:00-20:00; Sa unknown", "周一至周五 08:00-20:00；周六 时间未定", None),
        (None, "未知", "unknown"),
        ("", "未知", "unknown"),
        # Not OSM syntax (kept as the office wrote it): given back unchanged.
        ("夏季8:00-21:00，冬季9:00-19:00", "夏季8:00-21:00，冬季9:00-19:00", None),
        # The rule parts the first mutation run found untested (tests/mutation.md).
        ("24/7; PH off", "全天24小时；节假日 休息", "open 24 hours; public holidays closed"),
        (
            "week 01-26 Mo-Fr 08:00-18:00",
            "第01-26周 周一至周五 08:00-18:00",
            "weeks 01-26 Mon–Fri 08:00-18:00",
        ),
        (
            "week 1-53/2 Sa 10:00-12:00",
            "第1-53/2周 周六 10:00-12:00",
            "weeks 1-53/2 Sat 10:00-12:00",
        ),
        ("Apr-Oct Mo-Su 08:00-20:00", "4月至10月 每天 08:00-20:00", "Apr-Oct daily 08:00-20:00"),
        ("Apr 15-Oct 15 08:00-20:00", "4月15日至10月15日 08:00-20:00", "Apr 15-Oct 15 08:00-20:00"),
        ("2027 Jan 01 off", "2027年 1月01日 休息", "2027 Jan 01 closed"),
    ],
)
def test_schedule_in_words(text, zh, en):
    assert describe_schedule(text, "zh") == zh
    if en is not None:
        assert describe_schedule(text, "en") == en


def test_two_comments_of_one_rule_are_said_together():
    text = 'Mo-Fr 08:00-12:00 "上午" , 14:00-18:00 "下午"'
    assert describe_schedule(text, "zh").endswith("（上午，下午）")
    assert describe_schedule(text, "en").endswith(" (上午，下午)")


def test_runs_of_spaces_are_said_as_one():
    for lang in ("zh", "en"):
        words = describe_schedule("Mo-Fr 08:00-18:00,  10:00-12:00", lang)
        assert "  " not in words
        assert words.endswith("08:00-18:00, 10:00-12:00")


def test_printed_maps_use_the_same_words():
    for text in ("Mo-Fr 08:00-20:00; PH off", "24/7", "Sa,Su 10:00-16:00", None):
        assert hours_zh(text) == describe_schedule(text, "zh")


@pytest.mark.parametrize(
    ("text", "day", "zh", "en"),
    [
        ("Mo-Fr 08:00-20:00", FRIDAY, "08:00-20:00", "08:00-20:00"),
        ("Mo-Fr 08:00-20:00", SATURDAY, "休息", "closed"),
        ("Mo-Su 08:00-20:00; PH off", NATIONAL_DAY, "休息", "closed"),
        ("Mo-Su 08:00-20:00; PH off", FRIDAY, "08:00-20:00", "08:00-20:00"),
        ("Mo-Fr 08:00-12:00,14:00-18:00", FRIDAY, "08:00-12:00、14:00-18:00", None),
        ("Mo-Su 22:00-06:00", FRIDAY, "00:00-06:00、22:00-24:00", "00:00-06:00, 22:00-24:00"),
        ("24/7", FRIDAY, "24小时", "24 hours"),
        ("Mo-Su 00:00-24:00 unknown", FRIDAY, "时间未定", "hours unknown"),
        ("week 49 Fr 09:00-10:00", FRIDAY, "09:00-10:00", None),  # 2026-12-04: ISO week 49
        ("week 50 Fr 09:00-10:00", FRIDAY, "休息", None),
    ],
)
def test_one_day_is_evaluated(text, day, zh, en):
    assert describe_day(text, day, "zh") == zh
    if en is not None:
        assert describe_day(text, day, "en") == en


@pytest.mark.parametrize(
    ("text", "day", "zh", "en"),
    [
        (
            "Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00",
            SATURDAY,
            "今天 10:00-16:00（周一至周五 08:00-20:00；周六、周日 10:00-16:00）",
            "Today 10:00-16:00 (Mon–Fri 08:00-20:00; Sat, Sun 10:00-16:00)",
        ),
        (
            "Mo-Fr 08:00-20:00",
            SATURDAY,
            "今天 休息（周一至周五 08:00-20:00）",
            "Today closed (Mon–Fri 08:00-20:00)",
        ),
        # The same every day: said once.
        ("Mo-Su 08:00-20:00", FRIDAY, "每天 08:00-20:00", "daily 08:00-20:00"),
        ("24/7", FRIDAY, "全天24小时", "open 24 hours"),
        ("夏季8:00-21:00，冬季9:00-19:00", FRIDAY, "夏季8:00-21:00，冬季9:00-19:00", None),
        (None, FRIDAY, None, None),
    ],
)
def test_today_first(text, day, zh, en):
    assert describe_hours(text, day, "zh") == zh
    if en is not None or text is None:
        assert describe_hours(text, day, "en") == en
