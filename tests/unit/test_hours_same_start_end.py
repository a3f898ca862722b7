"""A span that opens and closes at the same time (``10:00-10:00``) is a typing slip.

The parsing library reads it as open around the clock, so before this the couriers' map
showed such a station open all night. Typed (editor, import, API) it is refused with a
message naming the span and how to write hours that are really all day; stored, it still
loads and displays, because reading stored data must never fail.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo import hours_office
from stationmap.geo.hours import MAX_LENGTH, HoursError, hours_state
from stationmap.geo.hours_office import read_office_hours
from stationmap.geo.hours_text import describe_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("written", "span"),
    [
        ("10:00-10:00", "10:00-10:00"),
        ("Mo-Fr 08:00-08:00", "08:00-08:00"),
        ("Mo-Fr 08:00-12:00,14:00-14:00; Sa 09:00-12:00", "14:00-14:00"),
        ("8:00-08:00", "8:00-08:00"),  # the same minute, written two ways
        ("00:00-00:00", "00:00-00:00"),
        ("十点到十点", "10:00-10:00"),  # office words, converted first
        ("周一至周五 8:00-8:00", "08:00-08:00"),
        ("早8点到早8点", "08:00-08:00"),
    ],
)
def test_a_span_that_starts_and_ends_at_the_same_time_is_refused(written, span):
    expected_zh = (
        f"开放时间“{written}”的开始和结束时间相同（{span}）：如全天开放请写 24/7 或 "
        "00:00-24:00，否则请改正开门或关门时间"
    )
    expected_en = (
        f"opening hours {written!r} start and end at the same time ({span}): for a "
        "station open all day write 24/7 or 00:00-24:00; otherwise correct the opening "
        "or closing time"
    )
    with pytest.raises(HoursError) as info:
        read_office_hours(written)
    assert (info.value.message_zh, info.value.message) == (expected_zh, expected_en)


@pytest.mark.parametrize(
    ("written", "osm"),
    [
        ("00:00-24:00", "00:00-24:00"),  # the whole day, said outright
        ("Mo-Fr 10:00-10:01", "Mo-Fr 10:00-10:01"),
        ("22:00-06:00", "22:00-06:00"),  # past midnight
        ('Mo-Fr 08:00-18:00 "10:00-10:00 点名"', 'Mo-Fr 08:00-18:00 "10:00-10:00 点名"'),
        ("下午2点到14:30", "Mo-Su 14:00-14:30"),
    ],
)
def test_spans_of_some_time_and_comments_are_accepted(written, osm):
    assert read_office_hours(written).opening_hours == osm


def test_stored_hours_with_such_a_span_still_load_and_display():
    at = datetime(2026, 11, 23, 3, 0, tzinfo=SHANGHAI)  # a Monday, 03:00
    # As the parsing library reads it: open around the clock. Shown, never an error.
    assert hours_state("10:00-10:00", at, SHANGHAI).open is True
    assert describe_hours("Mo-Fr 08:00-08:00", date(2026, 11, 23), "zh") is not None


def test_hostile_long_text_is_refused_by_the_length_cap_before_any_rewrite(monkeypatch):
    """5,000 characters of clocks and slashes: refused before the shorthand rewrites
    run, so no pattern ever sees more than MAX_LENGTH characters."""
    seen: list[int] = []

    def counting(text: str) -> str:
        seen.append(len(text))
        return text

    monkeypatch.setattr(hours_office, "expand_shorthand", counting)
    hostile = ("1点/" * 1700)[:5000]
    with pytest.raises(HoursError):
        read_office_hours(hostile)
    assert seen == []
    read_office_hours("8点到12点/14点到18点")  # the same path, short: rewritten once
    assert seen == [len("8点到12点/14点到18点")]
    assert len(hostile) > MAX_LENGTH
