"""The nearest index equals a brute-force geodesic ranking, with and without filters."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from stationmap.geo.distance import geodesic_m
from stationmap.geo.hours import hours_state
from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex

TZ = ZoneInfo("Asia/Shanghai")
AMENITIES = ("water", "toilet", "aed", "microwave", "wifi")
HOURS = (None, "24/7", "Mo-Fr 08:00-20:00", "Mo-Su 10:00-16:00; PH off", "Mo-Su 22:00-06:00")


def _stations(seed: int, n: int, lat0: float = 40.8, lon0: float = 111.7, spread: float = 0.3):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        amen = tuple(a for a in AMENITIES if rng.random() < (0.05 if a == "aed" else 0.5))
        out.append(
            IndexedStation(
                id=i + 1,
                lat=float(lat0 + rng.normal(0, spread)),
                lon=float(lon0 + rng.normal(0, spread)),
                amenities=amen,
                host_type=str(rng.choice(["community", "bank", "pharmacy"])),
                worker_groups=("courier",) if rng.random() < 0.3 else ("food_delivery",),
                opening_hours=HOURS[int(rng.integers(0, len(HOURS)))],
            )
        )
    return out


STATIONS = _stations(7, 3000)
INDEX = NearestIndex(STATIONS, TZ)
FILTERS = [
    Filters(),
    Filters(amenities=frozenset({"aed"})),
    Filters(amenities=frozenset({"water", "toilet"})),
    Filters(radius_m=5000.0),
    Filters(open_at=datetime(2026, 11, 23, 9, 0, tzinfo=TZ)),
    Filters(host_types=frozenset({"bank"}), worker_groups=frozenset({"courier"}), radius_m=30000.0),
    Filters(amenities=frozenset({"aed"}), open_at=datetime(2026, 11, 28, 23, 0, tzinfo=TZ)),
    Filters(amenities=frozenset({"not_a_code"})),
]


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(min_value=39.5, max_value=42.0),
    lon=st.floats(min_value=110.0, max_value=113.5),
    k=st.integers(min_value=1, max_value=40),
    which=st.integers(min_value=0, max_value=len(FILTERS) - 1),
)
def test_nearest_equals_brute_force(lat, lon, k, which):
    filters = FILTERS[which]
    assert INDEX.nearest(lat, lon, k, filters) == INDEX.brute_force(lat, lon, k, filters)


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_far_query_point_still_exact(filters):
    # Kunming, 1,500 km from every station: the candidate set must widen correctly.
    assert INDEX.nearest(25.04, 102.71, 5, filters) == INDEX.brute_force(25.04, 102.71, 5, filters)


def test_distances_are_geodesic_metres_and_sorted():
    hits = INDEX.nearest(40.8, 111.7, 10)
    geod = Geod(ellps="WGS84")
    for hit in hits:
        expected = geod.inv(111.7, 40.8, INDEX.lons[hit.position], INDEX.lats[hit.position])[2]
        assert hit.distance_m == pytest.approx(expected, abs=1e-6)
    assert [h.distance_m for h in hits] == sorted(h.distance_m for h in hits)


def test_radius_is_respected():
    hits = INDEX.nearest(40.8, 111.7, 50, Filters(radius_m=2000.0))
    assert hits and all(h.distance_m <= 2000.0 for h in hits)


def test_amenity_filter_requires_all_codes():
    hits = INDEX.nearest(40.8, 111.7, 20, Filters(amenities=frozenset({"water", "aed"})))
    assert hits
    for hit in hits:
        assert {"water", "aed"} <= set(STATIONS[hit.position].amenities)


def test_open_filter_keeps_only_known_open_stations():
    at = datetime(2026, 11, 23, 3, 0, tzinfo=TZ)  # Monday 03:00: only 24/7 and overnight
    hits = INDEX.nearest(40.8, 111.7, 30, Filters(open_at=at))
    assert hits
    for hit in hits:
        assert hours_state(STATIONS[hit.position].opening_hours, at, TZ).open is True


def test_ties_are_ordered_by_id():
    stations = [IndexedStation(i, 40.0, 116.0) for i in (5, 3, 9)]
    index = NearestIndex(stations, TZ)
    assert [h.id for h in index.nearest(40.0, 116.0, 3)] == [3, 5, 9]


def test_empty_index_and_small_k():
    assert NearestIndex([], TZ).nearest(40.0, 116.0, 5) == []
    index = NearestIndex([IndexedStation(1, 40.0, 116.0)], TZ)
    assert [h.id for h in index.nearest(41.0, 117.0, 5)] == [1]


def test_sphere_would_rank_differently_than_the_ellipsoid():
    """The reason distances are geodesic: at mid latitudes a north-south and an east-west
    neighbour at the same spherical distance differ by several metres on WGS-84."""
    d_north = geodesic_m(40.0, 116.0, 40.09, 116.0)
    d_east = geodesic_m(40.0, 116.0, 40.0, 116.0 + 0.09 / np.cos(np.radians(40.0)))
    assert abs(d_north - d_east) > 10


def test_open_filter_with_nothing_inside_the_radius():
    far = Filters(open_at=datetime(2026, 11, 23, 9, 0, tzinfo=TZ), radius_m=100.0)
    assert INDEX.nearest(18.1, 146.27, 17, far) == []
