"""Issue 11: no stored opening-hours string may make an evaluation slow.

Rules that never change (``Mo-Su 00:00-24:00``, with ``unknown`` or a comment) made the
library walk years ahead for the next change: 0.75 s or more per evaluation. The search
is now capped at a week. These tests fuzz the slow forms and check the work each
evaluation asks of the library (tests/hours_library_spy.py: the search limit, the calls,
the span of dates), not the time it takes (bench/hours.py prints that); and they check
the capped answers against the library's own uncapped answers on ordinary strings.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import opening_hours as reference
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stationmap.geo.hours import HoursError, describe, parse_hours
from tests.hours_library_spy import (
    MAX_SEARCH_DAYS,
    LibraryLog,
    days_searched,
    spied_library,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

_time = st.sampled_from(["00:00-24:00", "08:00-20:00", "22:00-06:00", "00:00-12:00,12:00-24:00"])
_days = st.one_of(
    st.just(""),
    st.sampled_from(["Mo-Su ", "Mo-Fr ", "Sa,Su ", "PH ", "SH ", "Mo-Su,PH ", "We[2] "]),
)
_selector = st.one_of(
    st.just(""),
    st.builds(lambda a, b: f"week {a:02d}-{b:02d} ", st.integers(1, 26), st.integers(27, 53)),
    st.builds(lambda a, n: f"week {a:02d}-53/{n} ", st.integers(1, 5), st.integers(2, 9)),
    st.builds(lambda a, b: f"{_MONTHS[a]}-{_MONTHS[b]} ", st.integers(0, 5), st.integers(6, 11)),
    st.builds(lambda m, d: f"{_MONTHS[m]} {d:02d} ", st.integers(0, 11), st.integers(1, 28)),
    st.sampled_from(["2099 ", "1999 ", "2030-2040 ", "2026-2199 ", "easter "]),
)
_modifier = st.sampled_from(["", " unknown", ' "按需开放"', ' open "comment"', " off"])
_rule = st.one_of(
    st.builds(lambda s, d, t, m: f"{s}{d}{t}{m}", _selector, _days, _time, _modifier),
    st.sampled_from(["24/7", "PH off", "SH off", "unknown", "off", '"call first"', "24/7 unknown"]),
)
_hours = st.builds(
    lambda rules, seps: "".join(r + s for r, s in zip(rules, seps, strict=False)).rstrip("; ,|"),
    st.lists(_rule, min_size=1, max_size=4),
    st.lists(st.sampled_from(["; ", ", ", " || "]), min_size=4, max_size=4),
)
_instant = st.datetimes(datetime(2000, 1, 1), datetime(2150, 12, 31))


def _evaluate_fresh(text: str, at: datetime, log: LibraryLog) -> bool:
    """Parse ``text`` afresh and evaluate it once at ``at``, the log holding only that
    evaluation's calls; False if the text does not parse."""
    try:
        hours = parse_hours.__wrapped__(text)  # fresh: nothing remembered
    except HoursError:
        return False
    log.calls.clear()
    hours.state(at, SHANGHAI)
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_hours, _instant)
@example("Mo-Su 00:00-24:00", datetime(2026, 12, 4, 10))
@example("Mo-Su 00:00-24:00 unknown", datetime(2026, 12, 4, 10))
@example('Mo-Su 00:00-24:00 "24小时"', datetime(2026, 12, 4, 10))
@example("Jan-Dec Mo-Su 00:00-24:00", datetime(2026, 12, 4, 10))
@example("week 01-53 Mo-Su 00:00-24:00", datetime(2026, 12, 4, 10))
@example("Mo-Su 00:00-24:00; SH off", datetime(2026, 12, 4, 10))
@example("2099 Mo 10:00-12:00", datetime(2026, 12, 4, 10))
def test_every_evaluation_asks_the_library_one_search_of_at_most_a_week(text, at):
    """The cost of an evaluation is the span the library searches: every expression is
    built with a limit of at most 7 + 1 days, an evaluation makes one state and one
    next-change call, and the library's answer lies within that limit (a form whose
    search ignored the limit would answer a change months or years ahead)."""
    with spied_library() as log:
        if not _evaluate_fresh(text, at, log):
            return
    assert [limit for _, limit in log.built] == [MAX_SEARCH_DAYS]
    assert [call.method for call in log.calls] == ["state", "next_change"]
    (search,) = log.of("next_change")
    # The limit counts whole days from the day asked about: at most to the end of the
    # eighth day after it.
    assert days_searched(search) <= timedelta(days=MAX_SEARCH_DAYS + 1), (text, search.answer)


def test_a_remembered_minute_asks_the_library_nothing():
    """A nearest answer asks the same strings about the same minute: after the first,
    no call reaches the library until the minute or the zone changes."""
    at = datetime(2026, 12, 4, 10, 0, 30, tzinfo=SHANGHAI)
    with spied_library() as log:
        hours = parse_hours("Mo-Su 00:00-24:00 unknown")
        for second in range(30):
            hours.state(at + timedelta(seconds=second), SHANGHAI)
        assert len(log.calls) == 2
        hours.state(at + timedelta(minutes=1), SHANGHAI)
        assert len(log.calls) == 4


def test_a_day_of_spans_asks_the_library_about_that_day_only():
    with spied_library() as log:
        parse_hours("Mo-Su 00:00-24:00; SH off").day_spans(date(2026, 12, 4))
    (call,) = log.calls
    assert (call.method, call.start, call.end) == (
        "intervals",
        datetime(2026, 12, 4),
        datetime(2026, 12, 5),
    )


# Ordinary strings, whose changes the uncapped library finds quickly.
NORMAL = [
    "Mo-Fr 08:00-20:00; Sa,Su 10:00-16:00",
    "Mo-Fr 09:00-17:00; PH off",
    "Mo-Su 22:00-06:00",
    "Mo-Fr 08:00-12:00,14:00-18:00",
    "Sa 10:00-12:00",
    "Mo-Fr 08:00-20:00; Sa unknown",
    "Dec 25 10:00-12:00",
    "Mo-Su 08:00-20:00; Jan 20-Feb 10 off",
    'Mo-Fr 08:00-18:00 "电话预约"; Su off',
    "24/7",
    "off",
]


def test_capped_answers_equal_the_uncapped_library_within_a_week():
    """The state is the library's; the next change is the library's when it falls within
    seven days and None beyond (the documented meaning of a null next change)."""
    rng = random.Random(5)
    start = datetime(2026, 1, 1)
    checked_far = checked_near = 0
    for text in NORMAL:
        uncapped = reference.OpeningHours(text, country="CN")
        for _ in range(150):
            local = start + timedelta(minutes=rng.randrange(0, 2 * 366 * 24 * 60))
            state = parse_hours.__wrapped__(text).state(local, SHANGHAI)
            ref_state, ref_comment = uncapped.state(local)
            assert state.open == {"OPEN": True, "CLOSED": False}.get(
                str(ref_state).rsplit(".", 1)[-1].upper()
            )
            assert state.comment == (ref_comment or "")
            ref_change = uncapped.next_change(local)
            if ref_change is not None and ref_change - local <= timedelta(days=7):
                checked_near += 1
                assert state.change_at == ref_change.replace(tzinfo=SHANGHAI), (text, local)
            else:
                checked_far += ref_change is not None
                assert state.change_at is None, (text, local, ref_change)
    assert checked_near > 500 and checked_far > 20


@pytest.mark.parametrize(
    ("text", "at", "change"),
    [
        # Exactly seven days ahead is still reported; a minute later is not.
        ("Dec 11 10:00-12:00", datetime(2026, 12, 4, 10, 0), datetime(2026, 12, 11, 10, 0)),
        ("Dec 11 10:01-12:00", datetime(2026, 12, 4, 10, 0), None),
        ("Dec 11 09:59-12:00", datetime(2026, 12, 4, 10, 0), datetime(2026, 12, 11, 9, 59)),
    ],
)
def test_the_horizon_is_exactly_seven_days(text, at, change):
    got = parse_hours.__wrapped__(text).state(at, SHANGHAI).change_at
    assert got == (change.replace(tzinfo=SHANGHAI) if change else None)


def test_always_open_rules_read_as_open_around_the_clock():
    now = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)
    for text in ("Mo-Su 00:00-24:00", "week 01-53 Mo-Su 00:00-24:00", "Jan-Dec 00:00-24:00"):
        state = parse_hours.__wrapped__(text).state(now, SHANGHAI)
        assert (state.open, state.change_at) == (True, None)
        assert describe(state, now, "zh") == "24小时开放"
