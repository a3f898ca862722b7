"""Times of day in office cells, read to the minute: the boundaries a mutation run
showed no test held (rounding at half a minute, a day's end, 12 AM / 12 PM, 晚上12点,
minutes and seconds past 59), and the whole messages an administrator reads when a
start/end pair or a lone time cannot be hours.

Expected clocks are worked out here by plain arithmetic on seconds after midnight."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

import pytest

from stationmap.geo.hours import HoursError
from stationmap.geo.hours_office import OfficeHours, clock_of, hours_from_pair, read_office_hours


def _clock(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# A time 0.2 s short of half past a minute: one second more, or a day of 86,401 s, rounds up.
SERIAL_BELOW_HALF = 28829.8 / 86400


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (time(8, 0, 31), _clock(8 * 3600 + 31)),  # 08:01: seconds are added, not taken
        (time(23, 0, 20), _clock(23 * 3600 + 20)),  # 23:00, not 23:01 (an hour is 3,600 s)
        (time(0, 59, 0), _clock(59 * 60)),  # 00:59, not 01:00 (a minute is 60 s)
        (timedelta(hours=8, minutes=30), _clock(8 * 3600 + 1800)),
        (timedelta(hours=23, minutes=59, seconds=59), "24:00"),
        (timedelta(days=1), None),  # a day or more is no time of day
        (0, "00:00"),  # Excel's serial 0 is midnight
        (0.0, "00:00"),
        (0.75, _clock(0.75 * 86400)),
        (SERIAL_BELOW_HALF, _clock(28829.8)),  # 08:00, not 08:01
        (f"{SERIAL_BELOW_HALF:.10f}", _clock(28829.8)),
        (1, None),
        (1.0, None),  # serial 1 is a whole day: a date, not a time
        (-0.25, None),
        (math.nan, None),
        (math.inf, None),
        (True, None),
        (datetime(1899, 12, 30, 8, 15), "08:15"),
        (datetime(2024, 1, 1, 8, 15), None),
        ("8:00".ljust(40), "08:00"),  # 40 characters are read
        ("8:00".ljust(41), None),  # more are not a time cell
        ("8:00:60.5", None),  # no 61st second
        ("8:00:60", None),
        ("8:60", None),  # no 60th minute
        ("23:00:20", _clock(23 * 3600 + 20)),
        ("24:00", "24:00"),
        ("24:30", None),  # past the day's end
        ("6:30 PM", "18:30"),
        ("12:30 PM", "12:30"),  # half past noon, not past midnight
        ("12:00 AM", "00:00"),
        ("12:00 am", "00:00"),
        ("1:00 AM", "01:00"),
        ("12:00", "12:00"),
        ("晚上12点", "24:00"),
        ("晚12点", "24:00"),
        ("下午12点", "12:00"),
        ("12点半", "12:30"),
    ],
)
def test_a_time_cell_is_read_to_the_minute(cell, expected):
    assert clock_of(cell) == expected


def _error(start: object, end: object) -> HoursError:
    with pytest.raises(HoursError) as caught:
        hours_from_pair(start, end, "开门", "关门")
    return caught.value


def test_a_start_and_end_pair_with_one_side_empty_says_which():
    for start, end, given, empty in (
        ("", "20:00", "关门", "开门"),
        ("08:00", None, "开门", "关门"),
    ):
        error = _error(start, end)
        assert error.message_zh == (
            f"填了“{given}”，但“{empty}”是空的：请两项都填，如 08:00 和 20:00"
        )
        assert error.message == (
            f"{given} is given but {empty} is empty: fill in both, e.g. 08:00 and 20:00"
        )


def test_a_pair_both_empty_is_no_hours():
    assert hours_from_pair("", "", "开门", "关门") == OfficeHours(None)
    assert hours_from_pair(None, "", "开门", "关门") == OfficeHours(None)


def test_a_pair_side_that_is_no_time_is_named_and_cut_at_40_characters():
    error = _error("x" * 50, "20:00")
    shown = "x" * 40
    assert error.message_zh == f"“开门”的“{shown}”不是时刻：请写成 08:00 这样的时间"
    assert error.message == f"开门 {shown!r} is not a time of day: write it as 08:00"


@pytest.mark.parametrize(("start", "end"), [("08:00", "08:00"), ("24:00", "08:00")])
def test_a_pair_that_gives_no_hours_says_to_write_24_7(start, end):
    error = _error(start, end)
    assert error.message_zh == (
        f"“开门”{start} 与“关门”{end} 构不成开放时段：请填写开门和关门时间"
        "（全天开放的驿站请在“开放时间”列写 24/7）"
    )
    assert error.message == (
        f"开门 {start} and 关门 {end} give no hours: write when the station opens and when "
        "it closes (for a station always open, write 24/7 in an 开放时间 column)"
    )


def test_a_pair_is_read_as_every_day_with_a_note_in_both_languages():
    read = hours_from_pair(time(8, 30), "0:00", "开门", "关门")
    assert read.opening_hours == "08:30-24:00"
    assert read.note_en == (
        "开门 08:30 and 关门 24:00 were read as 08:30-24:00 every day; please check (if "
        "closed at weekends, use an opening hours column: Mo-Fr 08:30-24:00)"
    )
    assert read.note_zh == (
        "“开门”08:30、“关门”24:00 已按每天 08:30-24:00 读入，请核对"
        "（如周末不开，请改为开放时间列，写 Mo-Fr 08:30-24:00）"
    )


TAIL_EN = (
    "if the cell is formatted as a time, set its format to Text first, or use two "
    "columns headed 开始时间 and 结束时间"
)
TAIL_ZH = "；如单元格是时间格式，请先把格式改为“文本”再输入，或分成“开始时间”“结束时间”两列"


@pytest.mark.parametrize(
    ("cell", "clock", "span", "serial"),
    [
        ("8:00", "08:00", "08:00-20:00", False),
        ("19:59", "19:59", "19:59-20:00", False),
        ("20:00", "20:00", "08:00-20:00", False),  # from 20:00 on, the time is the close
        ("0.5", "12:00", "12:00-20:00", True),
    ],
)
def test_a_lone_time_is_refused_with_a_span_to_write(cell, clock, span, serial):
    with pytest.raises(HoursError) as caught:
        read_office_hours(cell)
    how_zh = f"（Excel 的时间数值 {cell}，即 {clock}）" if serial else ""
    how_en = f" (Excel's time number {cell}, that is {clock})" if serial else ""
    assert caught.value.message_zh == (
        f"开放时间“{cell}”{how_zh}只是一个时刻，不是开放时段：请写明开门和关门时间，如 "
        f"{span}（每天）或 周一至周五 {span}{TAIL_ZH}"
    )
    assert caught.value.message == (
        f"opening hours {cell!r}{how_en} are one time of day, not a span: write when the "
        f"station opens and closes, e.g. {span} (every day) or Mo-Fr {span}; {TAIL_EN}"
    )


def _read_as(text: str, osm: str) -> None:
    assert read_office_hours(text) == OfficeHours(
        osm,
        note_zh=f"开放时间“{text}”已按 {osm} 理解，请核对",
        note_en=f"opening hours {text!r} were read as {osm}; please check",
    )


@pytest.mark.parametrize(
    ("text", "osm"),
    [
        ("周一至周二 9:00-17:00", "Mo,Tu 09:00-17:00"),  # two days in a row: a list
        ("周一至周三 9:00-17:00", "Mo-We 09:00-17:00"),
        ("周五至周日 9:00-17:00", "Fr-Su 09:00-17:00"),
        ("9:00--18:00", "Mo-Su 09:00-18:00"),  # a doubled dash is one
        ("9:00 -  18:00", "Mo-Su 09:00-18:00"),
        ("周一至周五\u3000\u30009:00-18:00", "Mo-Fr 09:00-18:00"),  # full-width spaces
        ("周一至周五 9:00-18:00；；周六 9:00-12:00", "Mo-Fr 09:00-18:00; Sa 09:00-12:00"),
        ("周一至周五 24小时", "Mo-Fr 00:00-24:00"),
        ("周一至周五 24小时营业，周末休息", "Mo-Fr 00:00-24:00; Sa,Su off"),
        ("节假日不休 8:00-20:00", "Mo-Su,PH 08:00-20:00"),
        ("周一至周五 9:00-18:00，周末节假日休息", "Mo-Fr 09:00-18:00; Sa,Su,PH off"),
        ("24小时营业，节假日照常", "24/7"),
        ("24 小时营业", "24/7"),
        ("周一休息，周二至周日 9:00-18:00", "Tu-Su 09:00-18:00; Mo off"),  # exceptions last
        ("节假日休息", "PH off"),
        ("休息", "off"),
        # The part of the day: 中午 is 11:00-13:00, so 中午1点 is 13:00, and an end
        # without a part of its own that would run backwards shares the start's.
        ("中午1:00-2:00", "Mo-Su 13:00-14:00"),
        ("中午12:00-2:00", "Mo-Su 12:00-14:00"),
        ("中午11:30-下午2:00", "Mo-Su 11:30-14:00"),
        ("上午8:00-中午12:00", "Mo-Su 08:00-12:00"),
        ("下午12:30-6:00", "Mo-Su 12:30-18:00"),
        ("每天 8:59-17:00", "Mo-Su 08:59-17:00"),
        ("8点半-17点半", "Mo-Su 08:30-17:30"),
    ],
)
def test_office_words_are_converted_with_a_note(text, osm):
    _read_as(text, osm)


def _kept_as_written(text: str, why_zh: str, why_en: str) -> OfficeHours:
    return OfficeHours(
        None,
        as_written=text,
        note_zh=f"开放时间“{text}”需要人工确认（{why_zh}），已按原文保存，开放状态显示为“未知”；"
        "确认后请改写成 24/7 或 Mo-Fr 09:00-18:00",
        note_en=f"opening hours {text!r} need a person to decide ({why_en}); kept as written "
        "and shown with the open state unknown; rewrite them as 24/7 or Mo-Fr 09:00-18:00",
    )


def test_hours_a_person_must_decide_are_kept_saying_why():
    seasons = "夏季 8:00-20:00 冬季 9:00-18:00"
    assert read_office_hours(seasons) == _kept_as_written(
        seasons, "季节或时段的起止日期没有写明", "the dates of each period are not said"
    )
    # As long as hours may be (500 characters), the text is still kept for a person.
    longest = "夏季 8:00-20:00" + " " * (501 - len(seasons)) + "冬季 9:00-18:00"
    assert len(longest) == 500
    assert read_office_hours(longest) == _kept_as_written(
        longest, "季节或时段的起止日期没有写明", "the dates of each period are not said"
    )
    # Chinese that speaks of a time (the first or the last CJK ideograph and "9:")
    for text in ("一 9:", "\u9fff 9:"):
        assert read_office_hours(text) == _kept_as_written(
            text, "无法自动换算", "they could not be converted"
        )
    vague = "营业时间随门店调整 9点左右"
    assert read_office_hours(vague) == _kept_as_written(
        vague, "无法自动换算", "they could not be converted"
    )


@pytest.mark.parametrize("text", ["一", "\u9fff", "驿站"])  # the first and last CJK ideographs
def test_chinese_words_that_are_no_hours_get_a_chinese_message(text):
    with pytest.raises(HoursError) as caught:
        read_office_hours(text)
    assert caught.value.message_zh == (
        f"开放时间“{text}”无法识别：请写成 24/7 或 Mo-Fr 09:00-18:00，"
        "或写成“周一至周五 9:00-18:00”这样的文字"
    )
    assert caught.value.message == (
        f"opening hours {text!r} are not understood; write them as 24/7 or Mo-Fr 09:00-18:00 "
        "(OpenStreetMap syntax) or in words such as 周一至周五 9:00-18:00"
    )


def test_a_date_and_time_cell_of_40_characters_is_still_one_time():
    text = "1899-12-30" + " " * 22 + "08:00:00"
    assert len(text) == 40
    with pytest.raises(HoursError) as caught:
        read_office_hours(text)
    assert caught.value.message_zh.startswith(f"开放时间“{text}”只是一个时刻")


def test_a_rule_after_a_comment_is_explained_in_english_too():
    text = 'Sa-Su 08:00-12:00 "x", 14:00-18:00'
    read = read_office_hours(text)
    assert read.opening_hours == text
    assert read.note_en == (
        "in the opening hours, '14:00-18:00' follows a comment and a comma, so by the "
        "opening_hours rules it is a rule of its own and holds every day, weekends too; "
        "if it is also only on Sat–Sun, put Sa-Su in front of it: 'Sa-Su 14:00-18:00'"
    )


@pytest.mark.parametrize(
    "text",
    [
        "周六 9:00-12:00 休息",  # open and closed in one clause: a person decides
        "每天 8:60-17:00",  # no 60th minute
        "每天 20:00-24:30",  # nothing after the day's end
        "每天 8:00-25:00",
    ],
)
def test_office_words_that_contradict_or_overrun_are_not_converted(text):
    try:
        read = read_office_hours(text)
    except HoursError:
        return
    assert read.opening_hours is None, read
