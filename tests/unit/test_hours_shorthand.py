"""Opening hours in the shorthand county offices write: Chinese numerals (早八点到晚八点),
早8晚8 with nothing between, a slash between spans, 次日 at a span's end, a lunch break
written as closed (午休12:00-13:00), and "5+2" named instead of the hours.

Before, each of these refused the whole file ("无法识别" or "第 17 个字符处写法有误") or
was kept for a person. Each converted form is checked against an OSM string written
here by hand, and that string, evaluated, against a weekly schedule written by hand at
every quarter hour of a week without holidays (2026-11-23, a Monday, to 2026-11-29).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo.hours import parse_hours
from stationmap.geo.hours_office import read_office_hours
from stationmap.geo.hours_shorthand import expand_shorthand

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23)


def _minutes(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def _open_at(spans: list[tuple[range, str]], at: datetime) -> bool:
    """Whether the hand-written ``spans`` (days by weekday number, ``HH:MM-HH:MM``; a
    span past midnight runs on into the next day) hold at ``at``."""
    minute = at.hour * 60 + at.minute
    for days, span in spans:
        start, end = (_minutes(t) for t in span.split("-"))
        for day in days:
            if end > start and day == at.weekday() and start <= minute < end:
                return True
            if end <= start and day == at.weekday() and minute >= start:
                return True
            if end <= start and (day + 1) % 7 == at.weekday() and minute < end:
                return True
    return False


EVERY_DAY, WEEKDAYS = range(7), range(5)
FORMS = [
    ("早八点到晚八点", "Mo-Su 08:00-20:00", [(EVERY_DAY, "08:00-20:00")]),
    ("早上八点半到晚上九点", "Mo-Su 08:30-21:00", [(EVERY_DAY, "08:30-21:00")]),
    ("十二点到二十四点", "Mo-Su 12:00-24:00", [(EVERY_DAY, "12:00-24:00")]),
    ("早七点至下午两点", "Mo-Su 07:00-14:00", [(EVERY_DAY, "07:00-14:00")]),
    ("零点到十点", "Mo-Su 00:00-10:00", [(EVERY_DAY, "00:00-10:00")]),
    ("周一至周五九点到下午五点", "Mo-Fr 09:00-17:00", [(WEEKDAYS, "09:00-17:00")]),
    ("早8晚8", "Mo-Su 08:00-20:00", [(EVERY_DAY, "08:00-20:00")]),
    ("早8:30晚6点", "Mo-Su 08:30-18:00", [(EVERY_DAY, "08:30-18:00")]),
    ("早上7点晚上10点", "Mo-Su 07:00-22:00", [(EVERY_DAY, "07:00-22:00")]),
    ("上午9点下午5点", "Mo-Su 09:00-17:00", [(EVERY_DAY, "09:00-17:00")]),
    (
        "8:30-11:30/14:00-17:30",
        "Mo-Su 08:30-11:30,14:00-17:30",
        [(EVERY_DAY, "08:30-11:30"), (EVERY_DAY, "14:00-17:30")],
    ),
    (
        "周一至周五 8:30-12:00 / 14:30-17:30",
        "Mo-Fr 08:30-12:00,14:30-17:30",
        [(WEEKDAYS, "08:30-12:00"), (WEEKDAYS, "14:30-17:30")],
    ),
    ("8:00-次日2:00", "Mo-Su 08:00-02:00", [(EVERY_DAY, "08:00-02:00")]),
    ("20:00-次日8:00", "Mo-Su 20:00-08:00", [(EVERY_DAY, "20:00-08:00")]),
    ("下午6点至次日凌晨2点", "Mo-Su 18:00-02:00", [(EVERY_DAY, "18:00-02:00")]),
    ("下午6:00-次日2:00", "Mo-Su 18:00-02:00", [(EVERY_DAY, "18:00-02:00")]),
    ("18:00-第二天早8:00", "Mo-Su 18:00-08:00", [(EVERY_DAY, "18:00-08:00")]),
    ("周一至周五 22:00至翌日6:00", "Mo-Fr 22:00-06:00", [(WEEKDAYS, "22:00-06:00")]),
    # A slash after a clock written with 点, as after one written with digits.
    (
        "8点到12点/14点到18点",
        "Mo-Su 08:00-12:00,14:00-18:00",
        [(EVERY_DAY, "08:00-12:00"), (EVERY_DAY, "14:00-18:00")],
    ),
    (
        "上午8点-12点/下午2点-6点",
        "Mo-Su 08:00-12:00,14:00-18:00",
        [(EVERY_DAY, "08:00-12:00"), (EVERY_DAY, "14:00-18:00")],
    ),
    (
        "8点半到12点/2点半到6点",
        "Mo-Su 08:30-12:00,14:30-18:00",
        [(EVERY_DAY, "08:30-12:00"), (EVERY_DAY, "14:30-18:00")],
    ),
    (
        "周一至周五 9时-12时/14时-17时",
        "Mo-Fr 09:00-12:00,14:00-17:00",
        [(WEEKDAYS, "09:00-12:00"), (WEEKDAYS, "14:00-17:00")],
    ),
    # A second span written before the first on the clock is the afternoon's (2:30 after
    # a morning that ends at 12:00 is 14:30, not the night's 02:30).
    (
        "8:30-12:00 2:30-6:00",
        "Mo-Su 08:30-12:00,14:30-18:00",
        [(EVERY_DAY, "08:30-12:00"), (EVERY_DAY, "14:30-18:00")],
    ),
    (
        "8:00-12:00，1:00-5:00",
        "Mo-Su 08:00-12:00,13:00-17:00",
        [(EVERY_DAY, "08:00-12:00"), (EVERY_DAY, "13:00-17:00")],
    ),
    # ... but not when the afternoon would fall inside the first span, nor after an
    # evening span (00:00-02:00 after 20:00-24:00 is the night).
    (
        "20:00-24:00 0:00-2:00",
        "Mo-Su 20:00-24:00,00:00-02:00",
        [(EVERY_DAY, "20:00-24:00"), (EVERY_DAY, "00:00-02:00")],
    ),
    # The afternoon written first and the morning after it: each as written.
    (
        "13:00-18:00 8:00-12:00",
        "Mo-Su 13:00-18:00,08:00-12:00",
        [(EVERY_DAY, "13:00-18:00"), (EVERY_DAY, "08:00-12:00")],
    ),
    # At the edges: the afternoon may begin where the morning ends, and the span written
    # second may end where the first begins.
    (
        "8:00-13:00 1:00-5:00",
        "Mo-Su 08:00-13:00,13:00-17:00",
        [(EVERY_DAY, "08:00-17:00")],
    ),
    (
        "8:00-14:00 2:00-6:00",
        "Mo-Su 08:00-14:00,14:00-18:00",
        [(EVERY_DAY, "08:00-18:00")],
    ),
    (
        "8:00-14:30 3:00-6:00",  # the first span is no morning: the second as written
        "Mo-Su 08:00-14:30,03:00-06:00",
        [(EVERY_DAY, "08:00-14:30"), (EVERY_DAY, "03:00-06:00")],
    ),
    (
        "9:00-12:00 2:00-9:00",
        "Mo-Su 09:00-12:00,14:00-21:00",
        [(EVERY_DAY, "09:00-12:00"), (EVERY_DAY, "14:00-21:00")],
    ),
    (
        "6:00-18:00 凌晨1:00-3:00",
        "Mo-Su 06:00-18:00,01:00-03:00",
        [(EVERY_DAY, "06:00-18:00"), (EVERY_DAY, "01:00-03:00")],
    ),
    (
        "周一至周五 8:00-12:00/周六 9:00-11:00",
        "Mo-Fr 08:00-12:00; Sa 09:00-11:00",
        [(WEEKDAYS, "08:00-12:00"), (range(5, 6), "09:00-11:00")],
    ),
    (
        "工作日8:00-18:00/节假日休息",
        "Mo-Fr 08:00-18:00; PH off",
        [(WEEKDAYS, "08:00-18:00")],
    ),
    (
        "8:00-20:00(午休12:00-13:00)",
        "Mo-Su 08:00-12:00,13:00-20:00",
        [(EVERY_DAY, "08:00-12:00"), (EVERY_DAY, "13:00-20:00")],
    ),
    (
        "9:00-18:00（午休时间12:00-13:30）",
        "Mo-Su 09:00-12:00,13:30-18:00",
        [(EVERY_DAY, "09:00-12:00"), (EVERY_DAY, "13:30-18:00")],
    ),
    (
        "8:00-20:00，中午12:00-14:00休息",
        "Mo-Su 08:00-12:00,14:00-20:00",
        [(EVERY_DAY, "08:00-12:00"), (EVERY_DAY, "14:00-20:00")],
    ),
    (
        "8:00-18:00 中午1:00-2:00休",
        "Mo-Su 08:00-13:00,14:00-18:00",
        [(EVERY_DAY, "08:00-13:00"), (EVERY_DAY, "14:00-18:00")],
    ),
    (
        "周一至周五8:00-18:00(午间休息12:00-14:00)，周末休息",
        "Mo-Fr 08:00-12:00,14:00-18:00; Sa,Su off",
        [(WEEKDAYS, "08:00-12:00"), (WEEKDAYS, "14:00-18:00")],
    ),
]


@pytest.mark.parametrize(("written", "osm", "spans"), FORMS)
def test_shorthand_converts_to_the_hand_written_rule_and_means_the_same(written, osm, spans):
    reading = read_office_hours(written)
    assert reading.opening_hours == osm
    assert reading.note_zh == f"开放时间“{written}”已按 {osm} 理解，请核对"
    hours = parse_hours(osm)
    for quarter in range(7 * 24 * 4):
        at = MONDAY + timedelta(minutes=15 * quarter)
        assert hours.is_open(at, SHANGHAI) is _open_at(spans, at), (written, at)


@pytest.mark.parametrize(
    "written",
    [
        "8:00-20:00(午休13:00-12:00)",  # a break that runs backwards
        "8:00-20:00(午休7:00-9:00)",  # a break that begins before the day
        "8:00-20:00(午休19:00-21:00)",  # a break that ends after it
        "8:00-20:00(午休8:00-9:00)",  # a break at the opening: say it outright
        "8:00-20:00(午休19:00-20:00)",  # or at the closing
        "8:00-20:00(午休12:00-12:00)",  # a break of no time
        "午休12:00-13:00",  # a break with no day around it
        "8:00-12:00,14:00-18:00(午休12:00-14:00)",  # three spans
    ],
)
def test_a_lunch_break_that_is_not_inside_one_days_span_is_kept_for_a_person(written):
    reading = read_office_hours(written)
    assert (reading.opening_hours, reading.as_written) == (None, written)
    assert "需要人工确认" in reading.note_zh


@pytest.mark.parametrize("written", ["5+2", "5 + 2", "实行5+2错峰开放", "五加二错峰服务"])
def test_the_5_plus_2_programme_named_for_hours_is_kept_for_a_person_not_refused(written):
    reading = read_office_hours(written)
    assert (reading.opening_hours, reading.as_written) == (None, written)
    assert reading.note_zh == (
        f"开放时间“{written}”需要人工确认（“5+2”没有写明每天几点开放），已按原文保存，"
        "开放状态显示为“未知”；确认后请改写成 24/7 或 Mo-Fr 09:00-18:00"
    )


@pytest.mark.parametrize(
    ("written", "osm"),
    [
        ("周五 9:00-17:00", "Fr 09:00-17:00"),  # 五 after 周 is a day, never a clock
        ("8:00-20:00 二十五点", None),  # no 25 o'clock
    ],
)
def test_numbers_that_are_no_shorthand_are_left_as_written(written, osm):
    assert read_office_hours(written).opening_hours == osm


@pytest.mark.parametrize(
    ("written", "expanded"),
    [
        ("十点", "10点"),
        ("十二点", "12点"),
        ("二十点", "20点"),
        ("二十四点", "24点"),
        ("两点半", "2点半"),
        ("二十五点", "二十五点"),  # no hour of the day
        ("三十点", "三十点"),
        ("十十点", "十十点"),
        ("一十点", "一十点"),  # not how a clock is said
        ("十三十点", "十三十点"),
        ("七八点", "七八点"),
    ],
)
def test_only_chinese_numerals_naming_an_hour_become_digits(written, expanded):
    assert expand_shorthand(written) == expanded
