"""The nearest index equals a plain reference ranking, with and without filters.

The reference is written here in plain Python and does not touch the index's own filter
code: a station passes when it has every requested amenity, its host type is one of those
asked for, it serves any one of the worker groups asked for, it is open at the time asked
about (read from a small table of opening-hours strings whose open state at each chosen
moment is written out by hand below), and its geodesic distance, from pyproj's ``Geod``
(not the project's ``geo/distance.py``), is within the radius. Ties go to the lower id.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex

TZ = ZoneInfo("Asia/Shanghai")
GEOD = Geod(ellps="WGS84")
AMENITIES = ("water", "toilet", "aed", "microwave", "wifi")
HOST_TYPES = ("community", "bank", "pharmacy", "union")
GROUPS = ("courier", "food_delivery", "ride_hailing")

# The moments the open filter is asked about (2026-11-23 is a Monday).
MON_0300 = datetime(2026, 11, 23, 3, 0, tzinfo=TZ)
MON_0900 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
MON_1300 = datetime(2026, 11, 23, 13, 0, tzinfo=TZ)
SAT_2300 = datetime(2026, 11, 28, 23, 0, tzinfo=TZ)
SUN_1200 = datetime(2026, 11, 29, 12, 0, tzinfo=TZ)

# Open (True) or not known to be open (False) at each moment, evaluated by hand.
OPEN_BY_HAND: dict[str | None, dict[datetime, bool]] = {
    None: {MON_0300: False, MON_0900: False, MON_1300: False, SAT_2300: False, SUN_1200: False},
    "24/7": {MON_0300: True, MON_0900: True, MON_1300: True, SAT_2300: True, SUN_1200: True},
    "Mo-Fr 08:00-20:00": {
        MON_0300: False,
        MON_0900: True,
        MON_1300: True,
        SAT_2300: False,
        SUN_1200: False,
    },
    "Mo-Su 10:00-16:00": {
        MON_0300: False,
        MON_0900: False,
        MON_1300: True,
        SAT_2300: False,
        SUN_1200: True,
    },
    # Past midnight: Sunday 22:00 to Monday 06:00 covers Monday 03:00.
    "Mo-Su 22:00-06:00": {
        MON_0300: True,
        MON_0900: False,
        MON_1300: False,
        SAT_2300: True,
        SUN_1200: False,
    },
    "Mo-Fr 08:00-12:00,14:00-18:00": {
        MON_0300: False,
        MON_0900: True,
        MON_1300: False,
        SAT_2300: False,
        SUN_1200: False,
    },
    "Sa,Su 09:00-13:00": {
        MON_0300: False,
        MON_0900: False,
        MON_1300: False,
        SAT_2300: False,
        SUN_1200: True,
    },
}
HOURS = tuple(OPEN_BY_HAND)


def _stations(seed: int, n: int, lat0: float = 40.8, lon0: float = 111.7, spread: float = 0.3):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        amen = tuple(a for a in AMENITIES if rng.random() < (0.05 if a == "aed" else 0.5))
        # None, one or several groups each, so any-of and all-of give different answers.
        groups = tuple(g for g in GROUPS if rng.random() < 0.4)
        out.append(
            IndexedStation(
                id=i + 1,
                lat=float(lat0 + rng.normal(0, spread)),
                lon=float(lon0 + rng.normal(0, spread)),
                amenities=amen,
                host_type=str(rng.choice(HOST_TYPES)),
                worker_groups=groups,
                opening_hours=HOURS[int(rng.integers(0, len(HOURS)))],
            )
        )
    return out


STATIONS = _stations(7, 3000)
INDEX = NearestIndex(STATIONS, TZ)
LATS = np.array([s.lat for s in STATIONS])
LONS = np.array([s.lon for s in STATIONS])
FILTERS = [
    Filters(),
    Filters(amenities=frozenset({"aed"})),
    Filters(amenities=frozenset({"water", "toilet"})),
    Filters(radius_m=5000.0),
    Filters(open_at=MON_0900),
    Filters(open_at=MON_0300),
    Filters(open_at=SUN_1200, amenities=frozenset({"wifi"})),
    Filters(host_types=frozenset({"bank"})),
    Filters(host_types=frozenset({"bank", "pharmacy"})),
    Filters(worker_groups=frozenset({"courier"})),
    Filters(worker_groups=frozenset({"courier", "ride_hailing"})),
    Filters(host_types=frozenset({"bank"}), worker_groups=frozenset({"courier"}), radius_m=30000.0),
    Filters(
        amenities=frozenset({"water"}),
        host_types=frozenset({"union", "community"}),
        worker_groups=frozenset({"food_delivery", "ride_hailing"}),
        open_at=MON_1300,
        radius_m=40000.0,
    ),
    Filters(amenities=frozenset({"aed"}), open_at=SAT_2300),
    Filters(amenities=frozenset({"not_a_code"})),
    Filters(host_types=frozenset({"not_a_type"})),
    Filters(worker_groups=frozenset({"not_a_group"})),
]


def _passes_plain(station: IndexedStation, filters: Filters) -> bool:
    """The filter semantics a courier relies on, radius aside."""
    if not set(filters.amenities) <= set(station.amenities):
        return False
    if filters.host_types and station.host_type not in filters.host_types:
        return False
    if filters.worker_groups and not set(filters.worker_groups) & set(station.worker_groups):
        return False
    return filters.open_at is None or OPEN_BY_HAND[station.opening_hours][filters.open_at]


def reference(lat: float, lon: float, k: int, filters: Filters) -> list[tuple[int, float]]:
    """(id, metres) of the k nearest passing stations: every distance, sorted."""
    chosen = [j for j, s in enumerate(STATIONS) if _passes_plain(s, filters)]
    if not chosen:
        return []
    n = len(chosen)
    _, _, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), LONS[chosen], LATS[chosen])
    ranked = sorted(
        (float(d), STATIONS[j].id)
        for j, d in zip(chosen, dist, strict=True)
        if filters.radius_m is None or d <= filters.radius_m
    )
    return [(sid, d) for d, sid in ranked[:k]]


def _answer(lat: float, lon: float, k: int, filters: Filters) -> list[tuple[int, float]]:
    return [(hit.id, hit.distance_m) for hit in INDEX.nearest(lat, lon, k, filters)]


def _assert_same(got: list[tuple[int, float]], expected: list[tuple[int, float]]) -> None:
    assert [i for i, _ in got] == [i for i, _ in expected]
    for (_, d_got), (_, d_expected) in zip(got, expected, strict=True):
        assert d_got == pytest.approx(d_expected, abs=1e-6)


def test_the_hand_table_is_what_the_hours_strings_mean() -> None:
    """Guards the table itself: if the table were wrong, the reference would be."""
    from stationmap.geo.hours import hours_state

    for text, moments in OPEN_BY_HAND.items():
        for at, is_open in moments.items():
            assert (hours_state(text, at, TZ).open is True) is is_open, (text, at)


def test_every_filter_changes_the_answer_somewhere() -> None:
    """Each filter in FILTERS removes stations the unfiltered answer holds (else the
    property test could not notice a filter being dropped)."""
    everything = reference(40.8, 111.7, 300, Filters())
    for filters in FILTERS[1:]:
        assert reference(40.8, 111.7, 300, filters) != everything, filters


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(min_value=39.5, max_value=42.0),
    lon=st.floats(min_value=110.0, max_value=113.5),
    k=st.integers(min_value=1, max_value=40),
    which=st.integers(min_value=0, max_value=len(FILTERS) - 1),
)
def test_nearest_equals_the_plain_reference(lat, lon, k, which) -> None:
    filters = FILTERS[which]
    _assert_same(_answer(lat, lon, k, filters), reference(lat, lon, k, filters))


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_every_filter_at_the_centre(filters: Filters) -> None:
    _assert_same(_answer(40.8, 111.7, 25, filters), reference(40.8, 111.7, 25, filters))


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_far_query_point_still_exact(filters: Filters) -> None:
    # Kunming, 1,500 km from every station: the candidate set must widen correctly.
    _assert_same(_answer(25.04, 102.71, 5, filters), reference(25.04, 102.71, 5, filters))


def test_brute_force_agrees_with_the_plain_reference() -> None:
    """brute_force is used elsewhere as a reference; it must say what the plain one says."""
    for filters in FILTERS:
        got = [(h.id, h.distance_m) for h in INDEX.brute_force(40.9, 111.6, 12, filters)]
        _assert_same(got, reference(40.9, 111.6, 12, filters))


def test_distances_are_geodesic_metres_and_sorted() -> None:
    hits = INDEX.nearest(40.8, 111.7, 10)
    for hit in hits:
        expected = GEOD.inv(111.7, 40.8, LONS[hit.position], LATS[hit.position])[2]
        assert hit.distance_m == pytest.approx(expected, abs=1e-6)
    assert [h.distance_m for h in hits] == sorted(h.distance_m for h in hits)


def test_radius_is_respected() -> None:
    hits = INDEX.nearest(40.8, 111.7, 50, Filters(radius_m=2000.0))
    assert hits and all(h.distance_m <= 2000.0 for h in hits)


def test_amenity_filter_requires_all_codes() -> None:
    hits = INDEX.nearest(40.8, 111.7, 20, Filters(amenities=frozenset({"water", "aed"})))
    assert hits
    for hit in hits:
        assert {"water", "aed"} <= set(STATIONS[hit.position].amenities)


def test_worker_groups_are_any_of() -> None:
    """A station serving only couriers is found when couriers or ride-hailing drivers are
    asked for."""
    stations = [
        IndexedStation(1, 40.0, 116.0, worker_groups=("courier",)),
        IndexedStation(2, 40.001, 116.0, worker_groups=("ride_hailing",)),
        IndexedStation(3, 40.002, 116.0, worker_groups=("food_delivery",)),
        IndexedStation(4, 40.003, 116.0),
    ]
    index = NearestIndex(stations, TZ)
    wanted = Filters(worker_groups=frozenset({"courier", "ride_hailing"}))
    assert [h.id for h in index.nearest(40.0, 116.0, 4, wanted)] == [1, 2]


def test_host_types_are_one_of() -> None:
    stations = [
        IndexedStation(1, 40.0, 116.0, host_type="bank"),
        IndexedStation(2, 40.001, 116.0, host_type="pharmacy"),
        IndexedStation(3, 40.002, 116.0, host_type="community"),
    ]
    index = NearestIndex(stations, TZ)
    assert [
        h.id for h in index.nearest(40.0, 116.0, 3, Filters(host_types=frozenset({"bank"})))
    ] == [1]
    both = Filters(host_types=frozenset({"bank", "community"}))
    assert [h.id for h in index.nearest(40.0, 116.0, 3, both)] == [1, 3]


def test_open_filter_keeps_only_stations_open_by_hand() -> None:
    hits = INDEX.nearest(40.8, 111.7, 30, Filters(open_at=MON_0300))
    assert hits
    for hit in hits:
        assert STATIONS[hit.position].opening_hours in {"24/7", "Mo-Su 22:00-06:00"}


def test_ties_are_ordered_by_id() -> None:
    stations = [IndexedStation(i, 40.0, 116.0) for i in (5, 3, 9)]
    index = NearestIndex(stations, TZ)
    assert [h.id for h in index.nearest(40.0, 116.0, 3)] == [3, 5, 9]


def test_empty_index_and_small_k() -> None:
    assert NearestIndex([], TZ).nearest(40.0, 116.0, 5) == []
    index = NearestIndex([IndexedStation(1, 40.0, 116.0)], TZ)
    assert [h.id for h in index.nearest(41.0, 117.0, 5)] == [1]


def test_sphere_would_rank_differently_than_the_ellipsoid() -> None:
    """The reason distances are geodesic: at mid latitudes a north-south and an east-west
    neighbour at the same spherical distance differ by several metres on WGS-84."""
    d_north = GEOD.inv(116.0, 40.0, 116.0, 40.09)[2]
    d_east = GEOD.inv(116.0, 40.0, 116.0 + 0.09 / np.cos(np.radians(40.0)), 40.0)[2]
    assert abs(d_north - d_east) > 10


def test_open_filter_with_nothing_inside_the_radius() -> None:
    far = Filters(open_at=MON_0900, radius_m=100.0)
    assert INDEX.nearest(18.1, 146.27, 17, far) == []
