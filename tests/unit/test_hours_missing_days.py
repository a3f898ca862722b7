"""Opening hours that name a day no calendar has (``Nov 31``, ``Feb 30``) are refused.

The parsing library took them without a word and read them wrongly: ``Mo-Fr
08:00-18:00; Nov 31 off`` was closed every day of the year, ``Apr 31 10:00-11:00``
open every day, and ``Apr 15-31 off`` closed nothing. A station's whole week then
hung on one mistyped holiday, on the courier's list and the open-now filter alike.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo.hours import HoursError, hours_state, parse_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The syntax's month names, and each month's length in a leap year (2024), where the
# longest February is: from the standard library's calendar, not from the code tested.
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONGEST = {name: calendar.monthrange(2024, number)[1] for number, name in enumerate(MONTHS, 1)}


def _parse(text: str):
    return parse_hours.__wrapped__(text)  # not the cache: each case is parsed afresh


@pytest.mark.parametrize("month", MONTHS)
def test_each_month_takes_its_last_day_and_refuses_the_next(month: str) -> None:
    last = LONGEST[month]
    assert _parse(f"{month} {last:02d} 10:00-11:00").text == f"{month} {last:02d} 10:00-11:00"
    with pytest.raises(HoursError) as info:
        _parse(f"Mo-Fr 08:00-18:00; {month} {last + 1} off")
    error = info.value
    number = MONTHS.index(month) + 1
    assert f"'{month} {last + 1}'" in error.message
    assert f"at most {last} days" in error.message
    assert error.message_zh == (
        f"开放时间中的日期“{month} {last + 1}”不存在（{number} 月最多 {last} 天）：请改正日期"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Apr 15-31 off; 24/7",  # the end of a range within the month
        "Apr 31-May 02 10:00-11:00",  # the start of a range across months
        "Mar 30-Apr 31 10:00-11:00",  # the end of a range across months
        "2026 Nov 31 off",  # with a year
        "apr 31 10:00-11:00",  # in lower case
        "Apr31 10:00-11:00",  # without a space
        "Jun 31 Mo 10:00-11:00",
    ],
)
def test_a_missing_day_anywhere_in_a_date_is_refused(text: str) -> None:
    with pytest.raises(HoursError, match="does not exist"):
        _parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "Apr 10:00-11:00",  # a month and a time, no day
        "Apr 15-30 off; 24/7",
        "Jan 01-31 10:00-11:00",
        "Dec 25-Jan 01 off; 24/7",
        "Feb 29 10:00-11:00",
        'Mo-Fr 08:00-18:00 "Apr 31 closed"',  # a comment is the writer's words
        'Mo-Fr 08:00-18:00; Nov 30 off "Nov 31 too"',
    ],
)
def test_real_days_months_with_times_and_comments_are_kept(text: str) -> None:
    assert _parse(text).text == text


def test_a_stored_missing_day_shows_as_unknown_not_closed_all_year() -> None:
    # Stored before this check: the courier sees hours unknown, not closed every day.
    tuesday_10 = datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)
    assert hours_state("Mo-Fr 08:00-18:00; Nov 31 off", tuesday_10, SHANGHAI).open is None
    assert hours_state("Mo-Fr 08:00-18:00; Nov 30 off", tuesday_10, SHANGHAI).open is True
    assert date(2026, 12, 8).weekday() == 1  # a Tuesday, as the case says
