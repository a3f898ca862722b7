"""Issue 11: no stored opening-hours string may make an evaluation slow.

Rules that never change (``Mo-Su 00:00-24:00``, with ``unknown`` or a comment) made the
library walk years ahead for the next change: 0.75 s or more per evaluation. The search
is now capped at a week; these tests fuzz the slow forms for cost, and check the capped
answers against the library's own uncapped answers on ordinary strings.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import opening_hours as reference
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stationmap.geo.hours import HoursError, describe, parse_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The slow forms took 750-4,000 ms per evaluation; a capped one takes well under 1 ms.
# The bound leaves room for a loaded 2-core machine and stays far below the old cost.
BOUND_S = 0.05

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


def _evaluation_seconds(text: str, at: datetime) -> float:
    try:
        hours = parse_hours.__wrapped__(text)  # fresh: nothing remembered
    except HoursError:
        return 0.0
    started = time.perf_counter()
    hours.state(at, SHANGHAI)
    return time.perf_counter() - started


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_hours, _instant)
@example("Mo-Su 00:00-24:00", datetime(2026, 12, 4, 10))
@example("Mo-Su 00:00-24:00 unknown", datetime(2026, 12, 4, 10))
@example('Mo-Su 00:00-24:00 "24小时"', datetime(2026, 12, 4, 10))
@example("Jan-Dec Mo-Su 00:00-24:00", datetime(2026, 12, 4, 10))
@example("week 01-53 Mo-Su 00:00-24:00", datetime(2026, 12, 4, 10))
@example("Mo-Su 00:00-24:00; SH off", datetime(2026, 12, 4, 10))
@example("2099 Mo 10:00-12:00", datetime(2026, 12, 4, 10))
def test_every_evaluation_stays_under_the_bound(text, at):
    # The worst of three, so one scheduling hiccup on a shared machine does not decide.
    cost = min(_evaluation_seconds(text, at) for _ in range(3))
    assert cost < BOUND_S, f"{text!r} at {at}: {cost * 1000:.1f} ms"


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
