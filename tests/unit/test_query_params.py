"""The API's query parameters (stationmap.web.params) against generated input: whatever
time or number text arrives, the answer is a value in range or an ApiError naming the
parameter, never another exception (which the app would answer with a 500).

No app is needed: Params reads a MultiDict.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from stationmap.web.errors import ApiError
from stationmap.web.params import Params, whole_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
# Offsets ISO-8601 can write: under a day, whole minutes.
OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


def _params(name: str, value: str) -> Params:
    return Params(MultiDict([(name, value)]), {name})


def _years(value: datetime) -> set[int] | None:
    """The UTC and Shanghai years of ``value``, None when either overflows."""
    try:
        return {value.astimezone(UTC).year, value.astimezone(SHANGHAI).year}
    except OverflowError:
        return None


@settings(max_examples=400, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    offset=st.none() | OFFSETS,
)
# The calendar's two ends, which a conversion to another zone overflows.
@example(moment=datetime(1, 1, 1), offset=timezone(timedelta(hours=14)))
@example(moment=datetime(9999, 12, 31, 23, 59), offset=timezone(timedelta(hours=-12)))
@example(moment=datetime(1, 1, 1, 7), offset=None)
def test_any_time_is_read_or_refused_on_at(moment, offset):
    text = moment.replace(tzinfo=offset).isoformat()
    given_time = moment.replace(tzinfo=offset or SHANGHAI)
    years = _years(given_time)
    inside = years is not None and all(1900 <= year <= 2199 for year in years)
    try:
        value = _params("at", text).moment("at", SHANGHAI, NOW)
    except ApiError as exc:
        assert (exc.status, exc.field) == (422, "at")
        assert not inside, text
        return
    assert inside, text
    assert value == given_time


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6))
def test_digits_other_than_ascii_are_never_a_number(digits):
    text = "1" + digits
    if text.isascii():
        return
    for read in (
        lambda p: p.number("x", low=-1e12, high=1e12),
        lambda p: p.integer("x", low=0, high=10**12, default=0),
    ):
        try:
            read(_params("x", text))
        except ApiError as exc:
            assert (exc.status, exc.field) == (400, "x")
        else:
            raise AssertionError(f"{text!r} was read as a number")
    assert whole_number(text, 9) is None
