"""An index with some rows hidden answers as if those stations were not there, and one
built from columns answers as one built from station objects.

The reference is plain code here: pyproj's ``Geod`` distance to every station left in
(the hidden ones removed by hand), amenity and radius filters written out, sorted by
distance then id.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex

TZ = ZoneInfo("Asia/Shanghai")
GEOD = Geod(ellps="WGS84")
AMENITIES = ("water", "toilet", "wifi")


def _stations(n: int, seed: int) -> list[IndexedStation]:
    rng = np.random.default_rng(seed)
    lats = 39.9 + rng.uniform(-0.2, 0.2, n)
    lons = 116.4 + rng.uniform(-0.2, 0.2, n)
    return [
        IndexedStation(
            id=10 + 3 * i,
            lat=float(lats[i]),
            lon=float(lons[i]),
            amenities=tuple(a for j, a in enumerate(AMENITIES) if (i >> j) & 1),
            host_type=("bank", "community")[i % 2],
        )
        for i in range(n)
    ]


STATIONS = _stations(300, 7)
INDEX = NearestIndex(STATIONS, TZ)


def _reference(
    stations: list[IndexedStation],
    lat: float,
    lon: float,
    k: int,
    amenities: frozenset[str] = frozenset(),
    radius_m: float | None = None,
) -> list[tuple[int, float]]:
    ranked = []
    for s in stations:
        if not amenities <= set(s.amenities):
            continue
        _, _, d = GEOD.inv(lon, lat, s.lon, s.lat)
        if radius_m is None or d <= radius_m:
            ranked.append((d, s.id))
    ranked.sort()
    return [(i, d) for d, i in ranked[:k]]


@settings(max_examples=60, deadline=None)
@given(
    hidden=st.sets(st.integers(0, len(STATIONS) - 1), max_size=200),
    lat=st.floats(39.6, 40.2),
    lon=st.floats(116.1, 116.7),
    k=st.integers(1, 12),
    amenity=st.sampled_from([None, *AMENITIES]),
    radius_m=st.sampled_from([None, 2_000.0, 15_000.0]),
)
def test_hidden_rows_are_never_answered_and_the_rest_is_exact(
    hidden, lat, lon, k, amenity, radius_m
) -> None:
    wanted = frozenset([amenity]) if amenity else frozenset()
    index = INDEX.hiding(np.fromiter(sorted(hidden), dtype=np.intp, count=len(hidden)))
    got = index.nearest(lat, lon, k, Filters(amenities=wanted, radius_m=radius_m))
    left = [s for p, s in enumerate(STATIONS) if p not in hidden]
    expected = _reference(left, lat, lon, k, wanted, radius_m)
    assert [h.id for h in got] == [i for i, _ in expected]
    assert np.allclose([h.distance_m for h in got], [d for _, d in expected], atol=1e-6)


def test_hiding_leaves_the_original_index_as_it_was() -> None:
    nearest = INDEX.nearest(39.9, 116.4, 1)[0]
    hidden = INDEX.hiding(np.array([nearest.position]))
    assert hidden.nearest(39.9, 116.4, 1)[0].id != nearest.id
    assert INDEX.nearest(39.9, 116.4, 1)[0].id == nearest.id


def test_hiding_adds_to_the_rows_hidden_before() -> None:
    first, second = INDEX.nearest(39.9, 116.4, 3)[:2]
    twice = INDEX.hiding(np.array([first.position])).hiding(np.array([second.position]))
    ids = {h.id for h in twice.nearest(39.9, 116.4, 20)}
    assert first.id not in ids and second.id not in ids


def test_every_row_hidden_answers_nothing() -> None:
    index = INDEX.hiding(np.arange(len(STATIONS)))
    assert index.nearest(39.9, 116.4, 5) == []
    assert index.brute_force(39.9, 116.4, 5) == []


def test_an_index_from_its_own_columns_answers_the_same_and_decodes_codes() -> None:
    copy = NearestIndex.from_columns(INDEX.columns, {}, {}, TZ)
    for lat, lon in [(39.9, 116.4), (39.75, 116.25), (40.05, 116.6)]:
        query = Filters(amenities=frozenset({"water"}))
        assert copy.nearest(lat, lon, 7, query) == INDEX.nearest(lat, lon, 7, query)
    for position, station in enumerate(STATIONS[:40]):
        assert copy.amenities_of(position) == tuple(sorted(station.amenities))
        assert copy.worker_groups_of(position) == ()
