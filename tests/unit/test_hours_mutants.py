"""Opening hours as a courier meets them (geo/hours.py): a day as spans
(``Hours.day_spans``, which the "open today" words are built from), open now and the
next change, the phrase shown, and the messages an administrator reads; every expected
answer written out by hand (tests/mutation.md)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo.hours import (
    Hours,
    HoursError,
    HoursState,
    _explain,
    describe,
    hours_state,
    parse_hours,
)

MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def _midnight_after(day: date) -> datetime:
    return datetime.fromordinal(day.toordinal() + 1)


def test_a_split_weekday_is_five_spans() -> None:
    spans = parse_hours("Mo-Fr 08:00-12:00,14:00-18:00").day_spans(MONDAY)
    assert spans == [
        (_at(MONDAY, 0), _at(MONDAY, 8), False),
        (_at(MONDAY, 8), _at(MONDAY, 12), True),
        (_at(MONDAY, 12), _at(MONDAY, 14), False),
        (_at(MONDAY, 14), _at(MONDAY, 18), True),
        (_at(MONDAY, 18), _midnight_after(MONDAY), False),
    ]


def test_a_closed_day_and_an_all_day() -> None:
    assert parse_hours("Mo-Fr 08:00-18:00").day_spans(SATURDAY) == [
        (_at(SATURDAY, 0), _midnight_after(SATURDAY), False)
    ]
    assert parse_hours("24/7").day_spans(SATURDAY) == [
        (_at(SATURDAY, 0), _midnight_after(SATURDAY), True)
    ]


def test_unknown_hours_are_neither_open_nor_closed() -> None:
    spans = parse_hours("Mo-Su 09:00-17:00 unknown").day_spans(MONDAY)
    assert (_at(MONDAY, 9), _at(MONDAY, 17), None) in spans
    assert spans[0] == (_at(MONDAY, 0), _at(MONDAY, 9), False)


@pytest.mark.parametrize(
    ("day", "known"),
    [
        (date(1899, 12, 31), False),
        (date(1900, 1, 1), True),
        (date(2198, 12, 31), True),
        (date(2199, 1, 1), False),  # the next year is outside the evaluator's range
    ],
)
def test_days_outside_the_supported_years_have_no_spans(day: date, known: bool) -> None:
    spans = parse_hours("24/7").day_spans(day)
    assert (spans is not None) is known


# -- open now and the next change (Hours.state, HoursState, describe) ------------------
# Each test parses afresh (parse_hours.__wrapped__): the parse cache, filled by an
# earlier test, would hide the mutants of what it builds (tests/mutation.md).

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _fresh(text: str) -> Hours:
    return parse_hours.__wrapped__(text)  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def server_zone() -> Iterator[None]:
    """The process's own time zone set to Honolulu (UTC-10): no answer may depend on
    the zone the server runs in."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Honolulu"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_open_closed_and_unknown_at_a_moment() -> None:
    hours = _fresh('Mo-Fr 08:00-20:00; Sa unknown "call first"')
    monday_noon = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)
    assert hours.state(monday_noon, SHANGHAI) == HoursState(
        True, datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI), ""
    )
    sunday_noon = datetime(2026, 11, 29, 12, 0, tzinfo=SHANGHAI)
    assert hours.state(sunday_noon, SHANGHAI) == HoursState(
        False, datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI), ""
    )
    saturday_noon = datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)
    assert hours.state(saturday_noon, SHANGHAI) == HoursState(
        None, datetime(2026, 11, 29, 0, 0, tzinfo=SHANGHAI), "call first"
    )


def test_an_overnight_span_is_open_past_midnight() -> None:
    hours = _fresh("Mo-Su 22:00-06:00")
    at = datetime(2026, 11, 24, 2, 0, tzinfo=SHANGHAI)
    assert hours.state(at, SHANGHAI) == HoursState(
        True, datetime(2026, 11, 24, 6, 0, tzinfo=SHANGHAI)
    )


def test_the_next_change_is_given_up_to_exactly_seven_days_ahead() -> None:
    # One opening, on 2026-11-30 at 08:00: asked 7 days before to the minute, it is
    # given; a minute earlier it lies beyond the horizon.
    hours = _fresh("2026 Nov 30 08:00-09:00")
    week_before = datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI)
    assert hours.state(week_before, SHANGHAI) == HoursState(
        False, datetime(2026, 11, 30, 8, 0, tzinfo=SHANGHAI)
    )
    a_minute_more = datetime(2026, 11, 23, 7, 59, tzinfo=SHANGHAI)
    assert hours.state(a_minute_more, SHANGHAI) == HoursState(False, None)


def test_change_at_is_written_with_its_offset_or_in_utc_for_local_mean_time(
    server_zone: None,
) -> None:
    hours = _fresh("Mo-Fr 08:00-20:00")
    state = hours.state(datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI), SHANGHAI)
    assert state.change_at_iso() == "2026-11-23T20:00:00+08:00"
    # 1900-01-01, a Monday: Shanghai kept local mean time, UTC+08:05:43, which an
    # ISO-8601 offset cannot write; 20:00:00 - 8:05:43 = 11:54:17 UTC.
    old = hours.state(datetime(1900, 1, 1, 12, 0, tzinfo=SHANGHAI), SHANGHAI)
    assert old.change_at_iso() == "1900-01-01T11:54:17+00:00"
    assert _fresh("24/7").state(datetime(2026, 11, 23, 12, 0), SHANGHAI).change_at_iso() is None


def test_a_naive_time_after_an_aware_one_is_taken_as_local() -> None:
    hours = _fresh("Mo-Fr 08:00-20:00")
    # 12:00 UTC is 20:00 in Shanghai (closed); the naive 12:00 is Shanghai's noon (open).
    assert hours.is_open(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), SHANGHAI) is False
    assert hours.is_open(datetime(2026, 11, 23, 12, 0), SHANGHAI) is True


class _Counting:
    """Wraps the library's parsed hours, counting the evaluations."""

    def __init__(self, parsed: Any) -> None:
        self.parsed = parsed
        self.calls = 0

    def state(self, at: datetime) -> Any:
        self.calls += 1
        return self.parsed.state(at)

    def next_change(self, at: datetime) -> Any:
        return self.parsed.next_change(at)


def test_one_minute_is_evaluated_once_however_often_it_is_asked() -> None:
    # A nearest answer asks the same strings about the same minute again and again
    # (STYLE 12: the cost of a request is bounded): the library is asked once a minute.
    hours = _fresh("Mo-Fr 08:00-20:00")
    counting = _Counting(hours._oh)
    hours._oh = counting  # type: ignore[assignment]
    minute = datetime(2026, 11, 23, 11, 59, tzinfo=SHANGHAI)
    for second in (0, 0, 30, 59):
        assert hours.is_open(minute.replace(second=second), SHANGHAI) is True
    assert counting.calls == 1
    assert hours.is_open(minute.astimezone(UTC), SHANGHAI) is True
    assert counting.calls == 1
    assert hours.is_open(minute + timedelta(minutes=1), SHANGHAI) is True
    assert counting.calls == 2


@pytest.mark.parametrize(
    ("text", "at", "zh", "en"),
    [
        ("Mo-Fr 08:00-20:00", (2026, 11, 23, 12), "营业中，20:00 关门", "open now, closes 20:00"),
        (
            "Mo-Fr 08:00-20:00",
            (2026, 11, 23, 21),
            "未营业，明天 08:00 开门",
            "closed, opens tomorrow 08:00",
        ),
        # Friday evening: the next opening is Monday 2026-11-30, three days on, named by
        # its weekday (test_hours_weekday_phrase.py).
        (
            "Mo-Fr 08:00-20:00",
            (2026, 11, 27, 21),
            "未营业，周一 08:00 开门",
            "closed, opens Mon 08:00",
        ),
        (
            "Mo-Su 22:00-06:00",
            (2026, 11, 23, 23),
            "营业中，明天 06:00 关门",
            "open now, closes tomorrow 06:00",
        ),
        ("24/7", (2026, 11, 23, 12), "24小时开放", "open 24 hours"),
        ("off", (2026, 11, 23, 12), "已关闭", "closed"),
        ("Mo-Su unknown", (2026, 11, 23, 12), "开放时间未知", "hours unknown"),
    ],
)
def test_the_phrase_people_read(text: str, at: tuple[int, ...], zh: str, en: str) -> None:
    now = datetime(*at, tzinfo=SHANGHAI)
    state = _fresh(text).state(now, SHANGHAI)
    assert describe(state, now, "zh") == zh
    assert describe(state, now, "zh-CN") == zh
    assert describe(state, now) == zh  # Chinese unless asked otherwise
    assert describe(state, now, "en") == en


def test_the_phrase_counts_days_in_the_station_zone(server_zone: None) -> None:
    state = HoursState(False, datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI))
    # 2026-11-23 20:00 UTC is already 04:00 on the 24th in Shanghai: "08:00", not
    # "tomorrow 08:00".
    assert describe(state, datetime(2026, 11, 23, 20, 0, tzinfo=UTC), "en") == "closed, opens 08:00"
    # A naive "now" is taken as the station's local time, whatever the server's zone.
    assert describe(state, datetime(2026, 11, 23, 20, 0), "en") == "closed, opens tomorrow 08:00"


# -- error messages (HoursError, _explain) ---------------------------------------------

_EXAMPLE_EN = (
    "use OpenStreetMap syntax such as '24/7' or 'Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00; PH off'"
)
_EXAMPLE_ZH = "请写成 24/7 或 Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00; PH off 这样的格式"


def test_a_parser_report_becomes_one_sentence_naming_the_character() -> None:
    report = " --> 1:4\n  |\n1 | Mo-Fx 08:00-20:00\n  |    ^---\n  |\n  = expected wday\n"
    assert _explain("Mo-Fx 08:00-20:00", report) == (
        f"invalid opening hours 'Mo-Fx 08:00-20:00' at character 4 (expected wday); {_EXAMPLE_EN}",
        f"开放时间“Mo-Fx 08:00-20:00”第 4 个字符处写法有误：{_EXAMPLE_ZH}",
    )


@pytest.mark.parametrize("report", ["something went wrong", "  = unknown parsing error"])
def test_a_report_without_position_or_reason_says_neither(report: str) -> None:
    assert _explain("08:00", report) == (
        f"invalid opening hours '08:00'; {_EXAMPLE_EN}",
        f"开放时间“08:00”写法有误：{_EXAMPLE_ZH}",
    )


def test_parse_errors_reach_the_administrator_in_both_languages() -> None:
    with pytest.raises(HoursError) as info:
        parse_hours.__wrapped__("Mo-Fx 08:00-20:00")  # type: ignore[attr-defined]
    assert info.value.message.startswith("invalid opening hours 'Mo-Fx 08:00-20:00' at character 4")
    assert (
        info.value.message_zh == f"开放时间“Mo-Fx 08:00-20:00”第 4 个字符处写法有误：{_EXAMPLE_ZH}"
    )
    # An error raised with English only shows the English text, never an empty one.
    assert HoursError("too long").message_zh == "too long"


def test_stored_hours_that_no_longer_parse_are_unknown() -> None:
    at = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)
    assert hours_state(None, at, SHANGHAI) == HoursState(None, None)
    assert hours_state("Mo-Fx 08:00-20:00", at, SHANGHAI) == HoursState(None, None)
    assert hours_state("Mo-Fr 08:00-20:00", at, SHANGHAI).open is True


def test_parsed_hours_keep_the_text_without_surrounding_blanks() -> None:
    hours = _fresh("  Mo-Su 22:00-06:00 ")
    assert hours.text == "Mo-Su 22:00-06:00"
    assert repr(hours) == "Hours('Mo-Su 22:00-06:00')"
