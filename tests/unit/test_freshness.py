"""Temporary states judged at a moment, and the nearest index with closures and
amenity outages: expected answers from plain loops over the stations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from stationmap.geo.distance import geodesic_m
from stationmap.geo.freshness import (
    Marks,
    StationFlags,
    closed_at,
    effective_hours,
    is_stale,
    marks,
    notice,
    reported_last,
    unavailable_at,
)
from stationmap.geo.hours import hours_state
from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.mark.parametrize(
    ("until", "at", "closed"),
    [
        (None, T0, False),
        (T0 + timedelta(hours=1), T0, True),
        (T0, T0, False),  # the closure ends at that moment
        (T0 - timedelta(seconds=1), T0, False),
    ],
)
def test_closure_holds_strictly_before_its_end(
    until: datetime | None, at: datetime, closed: bool
) -> None:
    assert closed_at(until, at) is closed


def test_unavailable_amenities_expire_one_by_one() -> None:
    outages = (("water", T0 + timedelta(days=1)), ("toilet", T0 + timedelta(hours=1)))
    assert unavailable_at(outages, T0) == ("toilet", "water")
    assert unavailable_at(outages, T0 + timedelta(hours=2)) == ("water",)
    assert unavailable_at(outages, T0 + timedelta(days=2)) == ()


@pytest.mark.parametrize(
    ("verified", "days", "stale"),
    [
        (None, 180, True),
        (T0 - timedelta(days=179), 180, False),
        (T0 - timedelta(days=181), 180, True),
        (T0 - timedelta(days=10), 5, True),
    ],
)
def test_stale_after_the_configured_days(
    verified: datetime | None, days: float, stale: bool
) -> None:
    assert is_stale(verified, T0, days) is stale


def test_marks_gather_every_state() -> None:
    flags = StationFlags(
        closed_until=T0 + timedelta(hours=3),
        reported_closed=True,
        verified_at=T0 - timedelta(days=1),
        outages=(("water", T0 + timedelta(hours=1)),),
    )
    assert marks(flags, T0, 180) == Marks(T0 + timedelta(hours=3), ("water",), True, False)
    later = marks(flags, T0 + timedelta(hours=4), 180)
    assert later == Marks(None, (), True, False)


def test_closed_hours_say_when_the_station_opens_again() -> None:
    # 24/7: open again exactly when the closure ends.
    state = effective_hours("24/7", T0, TZ, T0 + timedelta(hours=2))
    assert state.open is False
    assert state.change_at == (T0 + timedelta(hours=2)).astimezone(TZ)
    # Closed until 21:00 local, hours 08:00-20:00: opens at 08:00 the next day.
    until = datetime(2026, 12, 5, 21, 0, tzinfo=TZ)
    state = effective_hours("Mo-Su 08:00-20:00", T0, TZ, until)
    assert state.open is False
    assert state.change_at == datetime(2026, 12, 6, 8, 0, tzinfo=TZ)
    # No closure: the hours as they are.
    assert effective_hours("24/7", T0, TZ, None) == hours_state("24/7", T0, TZ)


def test_reported_closed_go_last_keeping_order() -> None:
    items = [(1, False), (2, True), (3, False), (4, True), (5, False)]
    assert reported_last(items, lambda item: item[1]) == [
        (1, False),
        (3, False),
        (5, False),
        (2, True),
        (4, True),
    ]


def test_notice_in_both_languages() -> None:
    state = Marks(T0 + timedelta(hours=2), ("water",), True, True)
    zh = notice(state, TZ, "zh", {"water": "饮水"}.get)  # type: ignore[arg-type]
    en = notice(state, TZ, "en", {"water": "drinking water"}.get)  # type: ignore[arg-type]
    assert zh is not None and "2026-12-05 12:00" in zh and "饮水" in zh and "未经核实" in zh
    assert en is not None and "temporarily closed until 2026-12-05 12:00" in en
    assert "drinking water" in en and "reported closed" in en
    assert notice(Marks(stale=False), TZ, "en", str) is None


def _stations(seed: int, n: int) -> list[IndexedStation]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        closed = T0.timestamp() + float(rng.choice([-3600, 3600, 7200])) if i % 7 == 0 else None
        outages = (
            (("water", T0.timestamp() + float(rng.choice([-60, 3600]))),) if i % 5 == 0 else ()
        )
        out.append(
            IndexedStation(
                id=i + 1,
                lat=float(40.8 + rng.normal(0, 0.05)),
                lon=float(111.7 + rng.normal(0, 0.05)),
                amenities=("water", "toilet") if i % 2 == 0 else ("toilet",),
                opening_hours="24/7",
                closed_until_s=closed,
                outages=outages,
            )
        )
    return out


STATIONS = _stations(3, 400)
INDEX = NearestIndex(STATIONS, TZ)


def _expected(lat: float, lon: float, k: int, at: datetime, *, water: bool, open_now: bool):
    at_s = at.timestamp()
    kept = []
    for s in STATIONS:
        if open_now and s.closed_until_s is not None and s.closed_until_s > at_s:
            continue
        if water and (
            "water" not in s.amenities
            or any(code == "water" and until > at_s for code, until in s.outages)
        ):
            continue
        kept.append((geodesic_m(lat, lon, s.lat, s.lon), s.id))
    return [sid for _, sid in sorted(kept)[:k]]


@pytest.mark.parametrize("hours_later", [0, 1.5, 3])
@pytest.mark.parametrize(("water", "open_now"), [(True, False), (False, True), (True, True)])
def test_index_judges_closures_and_outages_at_the_moment(
    hours_later: float, water: bool, open_now: bool
) -> None:
    at = T0 + timedelta(hours=hours_later)
    filters = Filters(
        amenities=frozenset({"water"}) if water else frozenset(),
        open_at=at if open_now else None,
        states_at=at,
    )
    for lat, lon in ((40.8, 111.7), (40.85, 111.65), (40.7, 111.8)):
        got = [hit.id for hit in INDEX.nearest(lat, lon, 12, filters)]
        assert got == _expected(lat, lon, 12, at, water=water, open_now=open_now)
        assert got == [hit.id for hit in INDEX.brute_force(lat, lon, 12, filters)]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STATIONMAP_STALE_DAYS", "0"),
        ("STATIONMAP_STALE_DAYS", "many"),
        ("STATIONMAP_REPORTED_CLOSED_MIN", "0"),
        ("STATIONMAP_REPORTED_CLOSED_MIN", "2.5"),
    ],
)
def test_bad_settings_name_the_variable(name: str, value: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from stationmap.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match=name):
        load_settings({"STATIONMAP_ENV": "testing", name: value}, tmp_path)


def test_settings_default_to_180_days_and_3_reporters(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from stationmap.config import load_settings

    settings = load_settings({"STATIONMAP_ENV": "testing"}, tmp_path)
    assert (settings.stale_days, settings.reported_closed_min) == (180.0, 3)
