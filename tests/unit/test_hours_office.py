"""Issue 13: opening hours as county offices write them.

Each form is converted to an OSM string written here by hand, and the conversion,
evaluated, must agree with a hand-written weekly schedule at every quarter hour of a
week without holidays (2026-11-23, a Monday, to 2026-11-29).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo.hours import HoursError, parse_hours
from stationmap.geo.hours_office import read_office_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23)
ALL = range(7)
WEEKDAYS = range(5)
WEEKEND = (5, 6)


def _h(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def _week(*rules: tuple[range | tuple[int, ...], str]) -> dict[int, list[tuple[int, int]]]:
    """{weekday: [(start_min, end_min)]} from ("Mo-Fr" days, "09:00-18:00") pairs; a span
    past midnight continues on the next day."""
    out: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
    for days, span in rules:
        start, end = (_h(t) for t in span.split("-"))
        for day in days:
            if end > start:
                out[day].append((start, end))
            else:
                out[day].append((start, 24 * 60))
                out[(day + 1) % 7].append((0, end))
    return out


FORMS = [
    ("全天24小时", "24/7", _week((ALL, "00:00-24:00"))),
    ("24小时", "24/7", _week((ALL, "00:00-24:00"))),
    ("周一至周五 9:00-18:00", "Mo-Fr 09:00-18:00", _week((WEEKDAYS, "09:00-18:00"))),
    ("工作日 09:00-17:30", "Mo-Fr 09:00-17:30", _week((WEEKDAYS, "09:00-17:30"))),
    ("08:00—20:00", "Mo-Su 08:00-20:00", _week((ALL, "08:00-20:00"))),
    ("０８：００－２０：００", "Mo-Su 08:00-20:00", _week((ALL, "08:00-20:00"))),
    (
        "9:00-12:00 14:30-18:00",
        "Mo-Su 09:00-12:00,14:30-18:00",
        _week((ALL, "09:00-12:00"), (ALL, "14:30-18:00")),
    ),
    ("节假日休息", "PH off", _week()),
    ("8:00-20:00", "8:00-20:00", _week((ALL, "08:00-20:00"))),  # OSM already: unchanged
    ("周六日 9:00-17:00", "Sa,Su 09:00-17:00", _week((WEEKEND, "09:00-17:00"))),
    ("周末 10:00-16:00", "Sa,Su 10:00-16:00", _week((WEEKEND, "10:00-16:00"))),
    ("每天 8:00-20:00", "Mo-Su 08:00-20:00", _week((ALL, "08:00-20:00"))),
    (
        "上午8:30-12:00 下午2:30-6:00",
        "Mo-Su 08:30-12:00,14:30-18:00",
        _week((ALL, "08:30-12:00"), (ALL, "14:30-18:00")),
    ),
    (
        "周一至周五 9:00-18:00，节假日休息",
        "Mo-Fr 09:00-18:00; PH off",
        _week((WEEKDAYS, "09:00-18:00")),
    ),
    (
        "周一至周五 8:00-18:00；周六 9:00-12:00",
        "Mo-Fr 08:00-18:00; Sa 09:00-12:00",
        _week((WEEKDAYS, "08:00-18:00"), ((5,), "09:00-12:00")),
    ),
    (
        "周一至周五9:00-12:00，14:30-18:00",
        "Mo-Fr 09:00-12:00,14:30-18:00",
        _week((WEEKDAYS, "09:00-12:00"), (WEEKDAYS, "14:30-18:00")),
    ),
    ("每天8:00-20:00，周末休息", "Mo-Su 08:00-20:00; Sa,Su off", _week((WEEKDAYS, "08:00-20:00"))),
    ("周一、三、五 9:00-17:00", "Mo,We,Fr 09:00-17:00", _week(((0, 2, 4), "09:00-17:00"))),
    ("星期一到星期六 8点-18点", "Mo-Sa 08:00-18:00", _week((range(6), "08:00-18:00"))),
    ("晚上8:00-凌晨2:00", "Mo-Su 20:00-02:00", _week((ALL, "20:00-02:00"))),
    ("24小时营业", "24/7", _week((ALL, "00:00-24:00"))),
    # Parts of the day in brackets after the span, as office tables write them.
    (
        "周一至周五 8:00-12:00（上午）14:00-18:00（下午）",
        "Mo-Fr 08:00-12:00,14:00-18:00",
        _week((WEEKDAYS, "08:00-12:00"), (WEEKDAYS, "14:00-18:00")),
    ),
    (
        "周一至周五 8:00-12:00(上午)，2:30-6:00(下午)",
        "Mo-Fr 08:00-12:00,14:30-18:00",
        _week((WEEKDAYS, "08:00-12:00"), (WEEKDAYS, "14:30-18:00")),
    ),
    # Holidays said to be open like other days, and 7×24.
    ("8:00-20:00（节假日不休）", "Mo-Su,PH 08:00-20:00", _week((ALL, "08:00-20:00"))),
    # Holidays closed, said after the span with a space only or in brackets.
    ("每天 9:00-18:00 节假日休息", "Mo-Su 09:00-18:00; PH off", _week((ALL, "09:00-18:00"))),
    ("8:00-20:00（节假日除外）", "Mo-Su 08:00-20:00; PH off", _week((ALL, "08:00-20:00"))),
    (
        "周一至周五 9:00-17:00 法定节假日休息",
        "Mo-Fr 09:00-17:00; PH off",
        _week((WEEKDAYS, "09:00-17:00")),
    ),
    ("8:00-18:00(周日除外)", "Mo-Su 08:00-18:00; Su off", _week((range(6), "08:00-18:00"))),
    ("9:00-18:00 节假日不休", "Mo-Su,PH 09:00-18:00", _week((ALL, "09:00-18:00"))),
    ("9:00-21:00，节假日照常营业", "Mo-Su,PH 09:00-21:00", _week((ALL, "09:00-21:00"))),
    ("9:00-21:00，节假日不休息", "Mo-Su,PH 09:00-21:00", _week((ALL, "09:00-21:00"))),
    ("7×24小时", "24/7", _week((ALL, "00:00-24:00"))),
    ("24小时×7", "24/7", _week((ALL, "00:00-24:00"))),
    # Two spans of one day in two clauses: both hold (a later OSM rule for the same days
    # would replace the earlier, leaving only the afternoon).
    (
        "9:00-12:00；14:30-18:00",
        "Mo-Su 09:00-12:00,14:30-18:00",
        _week((ALL, "09:00-12:00"), (ALL, "14:30-18:00")),
    ),
    (
        "周一至周五 9:00-12:00；周一至周五 14:00-18:00",
        "Mo-Fr 09:00-12:00,14:00-18:00",
        _week((WEEKDAYS, "09:00-12:00"), (WEEKDAYS, "14:00-18:00")),
    ),
    # Every day's hours, then the weekend's, separated by a space only.
    (
        "8:00-20:00 周末10:00-16:00",
        "Mo-Su 08:00-20:00; Sa,Su 10:00-16:00",
        _week((WEEKDAYS, "08:00-20:00"), (WEEKEND, "10:00-16:00")),
    ),
    ("8:00-20:00 周末休息", "Mo-Su 08:00-20:00; Sa,Su off", _week((WEEKDAYS, "08:00-20:00"))),
    (
        "9:00-18:00 周六9:00-12:00",
        "Mo-Su 09:00-18:00; Sa 09:00-12:00",
        _week((range(5), "09:00-18:00"), ((5,), "09:00-12:00"), ((6,), "09:00-18:00")),
    ),
]


@pytest.mark.parametrize(("written", "osm", "week"), FORMS)
def test_office_form_converts_to_the_expected_osm_and_means_the_same(written, osm, week):
    reading = read_office_hours(written)
    assert reading.opening_hours == osm
    assert reading.as_written is None
    if written != osm:  # a conversion is shown to the person importing
        assert written in reading.note_zh and osm in reading.note_zh
        assert osm in reading.note_en
    hours = parse_hours(osm)
    for quarter in range(7 * 24 * 4):
        at = MONDAY + timedelta(minutes=15 * quarter)
        minute = at.hour * 60 + at.minute
        expected = any(s <= minute < e for s, e in week[at.weekday()])
        assert hours.is_open(at, SHANGHAI) is expected, (written, at)


def test_holiday_rest_closes_on_national_day():
    hours = parse_hours(read_office_hours("周一至周五 9:00-18:00，节假日休息").opening_hours)
    assert hours.is_open(datetime(2026, 10, 1, 10, 0), SHANGHAI) is False  # a Thursday
    assert hours.is_open(datetime(2026, 10, 15, 10, 0), SHANGHAI) is True  # a Thursday


@pytest.mark.parametrize(
    "written",
    ["每天 9:00-18:00 节假日休息", "9:00-18:00（节假日除外）", "9:00-18:00(法定节假日除外)"],
)
def test_holidays_said_closed_after_a_span_close_on_national_day(written):
    hours = parse_hours(read_office_hours(written).opening_hours)
    assert hours.is_open(datetime(2026, 10, 1, 10, 0), SHANGHAI) is False  # a Thursday
    assert hours.is_open(datetime(2026, 10, 15, 10, 0), SHANGHAI) is True


def test_holidays_said_open_stay_open_on_national_day():
    hours = parse_hours(read_office_hours("8:00-20:00（节假日不休）").opening_hours)
    assert hours.is_open(datetime(2026, 10, 1, 10, 0), SHANGHAI) is True
    assert hours.is_open(datetime(2026, 10, 1, 21, 0), SHANGHAI) is False


def test_a_span_after_a_comment_and_a_comma_gets_a_note_saying_it_holds_every_day():
    """Valid OSM syntax, kept as written, but by the grammar the comment ends the rule,
    so 14:00-18:00 is a rule of its own for every day: an office typing it means Mo-Fr."""
    text = 'Mo-Fr 08:00-12:00 "上午", 14:00-18:00 "下午"'
    reading = read_office_hours(text)
    assert reading.opening_hours == text
    assert reading.note_zh == (
        '开放时间中的“14:00-18:00 "下午"”前面是引号里的说明和逗号，按 opening_hours 规则'
        "它是单独的一条，每天都适用（周末也算）；若它也只在周一至周五，请在前面加上 Mo-Fr，"
        '写成“Mo-Fr 14:00-18:00 "下午"”'
    )
    assert "holds every day, weekends too" in reading.note_en
    assert "'Mo-Fr 14:00-18:00 \"下午\"'" in reading.note_en
    hours = parse_hours(text)
    assert hours.is_open(datetime(2026, 11, 28, 15, 0), SHANGHAI) is True  # a Saturday
    # The form the note suggests is what the office meant: closed on Saturday.
    meant = parse_hours('Mo-Fr 08:00-12:00 "上午", Mo-Fr 14:00-18:00 "下午"')
    assert meant.is_open(datetime(2026, 11, 28, 15, 0), SHANGHAI) is False
    assert meant.is_open(datetime(2026, 11, 27, 15, 0), SHANGHAI) is True  # a Friday
    assert read_office_hours('Mo-Fr 08:00-12:00 "上午", Mo-Fr 14:00-18:00 "下午"').note_zh == ""
    assert read_office_hours('Mo-Fr 08:00-12:00 "上午", Sa 09:00-12:00').note_zh == ""
    assert read_office_hours("Mo-Fr 08:00-12:00, 14:00-18:00").note_zh == ""  # one rule


@pytest.mark.parametrize("written", ["夏季8:00-21:00，冬季9:00-19:00", "旺季 8:00-20:00"])
def test_forms_a_person_must_decide_are_kept_as_written(written):
    reading = read_office_hours(written)
    assert reading.opening_hours is None
    assert reading.as_written == written
    assert "人工确认" in reading.note_zh and "未知" in reading.note_zh
    assert "decide" in reading.note_en


@pytest.mark.parametrize("written", ["请联系管理员", "abc", "有人就开", "Mo-Fx 08:00-20:00"])
def test_text_that_is_not_hours_is_refused_in_both_languages(written):
    with pytest.raises(HoursError) as info:
        read_office_hours(written)
    assert "24/7" in info.value.message_zh and "Mo-Fr" in info.value.message_zh
    assert "24/7" in info.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message_zh.replace(written, ""))


def test_osm_mistakes_keep_the_parsers_position_in_chinese_too():
    with pytest.raises(HoursError) as info:
        read_office_hours("Mo-Fx 08:00-20:00")
    assert "第 4 个字符" in info.value.message_zh
    assert "character 4" in info.value.message


def test_osm_syntax_is_kept_without_a_note():
    reading = read_office_hours("Mo-Fr 08:00-20:00; PH off")
    assert (reading.opening_hours, reading.note_zh, reading.note_en) == (
        "Mo-Fr 08:00-20:00; PH off",
        "",
        "",
    )


def _station(hours: str):
    from stationmap.station_fields import parse_station

    return parse_station({"name": "驿站", "lat": "44.3", "lon": "86.2", "opening_hours": hours})


def test_import_rows_carry_the_conversion_as_a_note():
    station = _station("全天24小时")
    assert station.opening_hours == "24/7"
    assert station.opening_hours_text is None
    (note,) = station.notes
    assert note.field == "opening_hours"
    assert note.message_zh == "开放时间“全天24小时”已按 24/7 理解，请核对"
    assert "24/7" in note.text("en")


def test_import_rows_keep_undecided_hours_as_written():
    station = _station("夏季8:00-21:00，冬季9:00-19:00")
    assert station.opening_hours is None
    assert station.opening_hours_text == "夏季8:00-21:00，冬季9:00-19:00"
    assert "人工确认" in station.notes[0].message_zh


def test_import_rows_with_no_hours_are_refused_in_chinese_and_english():
    from stationmap.station_fields import InvalidStation

    with pytest.raises(InvalidStation) as info:
        _station("请联系管理员")
    (error,) = info.value.errors
    assert error.field == "opening_hours"
    assert "请写成 24/7 或 Mo-Fr 09:00-18:00" in error.text("zh")
    assert "24/7 or Mo-Fr 09:00-18:00" in error.text("en")


def test_osm_hours_pass_through_without_notes():
    station = _station("Mo-Fr 08:00-20:00")
    assert (station.opening_hours, station.opening_hours_text, station.notes) == (
        "Mo-Fr 08:00-20:00",
        None,
        (),
    )


@pytest.mark.parametrize(
    ("text", "noted"),
    [
        # Each span after a comment and a comma is a rule of its own; the first is noted.
        (
            'Mo-Fr 08:00-10:00 "早", 11:00-12:00 "午", Sa 14:00-18:00 "下午"',
            ('11:00-12:00 "午"', "Mo-Fr"),
        ),
        ('Sa 09:00-12:00 "上午", Su 10:00-12:00 "上午", 14:00-18:00', ("14:00-18:00", "Su")),
        # In a fallback part too, with the days of the rule before it there.
        ('Sa 10:00-12:00 || Mo-Fr 08:00-12:00 "上午", 14:00-18:00', ("14:00-18:00", "Mo-Fr")),
        # After a semicolon the rule overrides every day: a different matter, no note.
        ('Mo-Fr 08:00-12:00 "上午"; 14:00-18:00', None),
        # After a rule of a comment alone there are no days to suggest.
        ('"电话预约", 14:00-18:00', None),
    ],
)
def test_the_note_names_the_span_and_the_days_of_the_rule_before_it(text, noted):
    reading = read_office_hours(text)
    if noted is None:
        assert reading.note_zh == ""
    else:
        rule, days = noted
        assert f"开放时间中的“{rule}”" in reading.note_zh
        assert f"请在前面加上 {days}，写成“{days} {rule}”" in reading.note_zh
