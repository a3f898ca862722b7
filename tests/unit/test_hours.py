"""Opening hours: parsing, errors people can act on, evaluation in the right zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from stationmap.geo.hours import HoursError, describe, parse_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "text",
    [
        "24/7",
        "Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00",
        "Mo-Fr 09:00-17:00; PH off",
        "Mo-Su 22:00-06:00",
        "Mo-Fr 08:00-12:00,14:00-18:00",
    ],
)
def test_valid_hours_parse(text):
    assert parse_hours(text).text == text


@pytest.mark.parametrize(
    "text", ["", "   ", "abc", "Mo-Fx 08:00-20:00", "Mo-Fr 08:00-20:00;;", "25:00-26:00", "x" * 600]
)
def test_invalid_hours_are_refused_with_a_message(text):
    with pytest.raises(HoursError) as info:
        parse_hours(text)
    assert str(info.value)


def test_error_names_the_position():
    with pytest.raises(HoursError, match="character 4"):
        parse_hours("Mo-Fx 08:00-20:00")


def test_evaluated_in_the_configured_zone():
    hours = parse_hours("Mo-Fr 08:00-20:00")
    # 2026-11-23 is a Monday. 01:00 UTC is 09:00 in Shanghai: open there.
    at = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert hours.is_open(at, SHANGHAI) is True
    assert hours.is_open(at, ZoneInfo("Europe/London")) is False


def test_overnight_and_public_holiday():
    assert parse_hours("Mo-Su 22:00-06:00").is_open(datetime(2026, 11, 24, 2, 0), SHANGHAI)
    hours = parse_hours("Mo-Su 08:00-20:00; PH off")
    assert hours.is_open(datetime(2026, 10, 1, 12, 0), SHANGHAI) is False  # National Day
    assert hours.is_open(datetime(2026, 10, 12, 12, 0), SHANGHAI) is True


def test_unknown_state_is_none():
    hours = parse_hours("Mo-Fr 08:00-20:00; Sa unknown")
    assert hours.is_open(datetime(2026, 11, 28, 12, 0), SHANGHAI) is None  # a Saturday


def test_description_for_people():
    hours = parse_hours("Mo-Fr 08:00-20:00")
    now = datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)
    state = hours.state(now, SHANGHAI)
    assert describe(state, now, "zh") == "营业中，20:00 关门"
    assert describe(state, now, "en") == "open now, closes 20:00"
    evening = datetime(2026, 11, 23, 21, 0, tzinfo=SHANGHAI)
    assert describe(hours.state(evening, SHANGHAI), evening, "en") == "closed, opens tomorrow 08:00"
    assert describe(parse_hours("24/7").state(now, SHANGHAI), now, "zh") == "24小时开放"


@pytest.mark.parametrize("year", [1, 871, 2300, 9999])
def test_times_outside_the_calendar_are_unknown(year):
    hours = parse_hours("Mo-Su 08:00-20:00")
    at = datetime(year, 6, 1, 12, 0, tzinfo=UTC)
    assert hours.is_open(at, SHANGHAI) is None
    assert hours.state(at, SHANGHAI).open is None


def _fresh(text):
    """A new Hours object, with no remembered answer."""
    return parse_hours.__wrapped__(text)


def test_answers_change_at_the_minute_boundary_after_being_remembered():
    hours = _fresh("Mo-Fr 08:00-20:00")
    before = datetime(2026, 11, 23, 7, 59, 59, 999999, tzinfo=SHANGHAI)  # a Monday
    at_eight = datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI)
    assert hours.state(before, SHANGHAI).open is False
    assert hours.state(before, SHANGHAI).change_at == at_eight
    assert hours.state(at_eight, SHANGHAI).open is True
    assert hours.state(at_eight, SHANGHAI).change_at == datetime(
        2026, 11, 23, 20, 0, tzinfo=SHANGHAI
    )
    # Back in time, and the same instant seen from another zone.
    assert hours.state(before, SHANGHAI).open is False
    assert hours.state(at_eight.astimezone(UTC), SHANGHAI).open is True
    assert hours.state(at_eight, ZoneInfo("Europe/London")).open is False


def test_remembered_answers_equal_fresh_ones_over_random_instants():
    import random

    rng = random.Random(7)
    texts = ["Mo-Fr 08:00-20:00; Sa 10:00-12:00", "Mo-Su 22:00-06:00", "24/7", "Sa unknown"]
    zones = [SHANGHAI, ZoneInfo("Europe/Berlin")]  # Berlin has summer time
    start = datetime(2026, 3, 28, tzinfo=UTC).timestamp()
    shared = {text: _fresh(text) for text in texts}
    moment = start
    for _ in range(3000):
        # Mostly small steps (the same minute again and again), sometimes jumps.
        moment += rng.choice([0, 1, 7, 29, 59, 61, 3599, 86400 * 3, -61, -86400])
        at = datetime.fromtimestamp(moment, UTC)
        text, tz = rng.choice(texts), rng.choice(zones)
        assert shared[text].state(at, tz) == _fresh(text).state(at, tz), (text, at, tz)
