"""A day of opening hours as spans (geo/hours.py ``Hours.day_spans``, which the
"open today" words are built from), written out by hand (tests/mutation.md)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from stationmap.geo.hours import parse_hours

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
