"""The nearest index, built inside each test, against the plain reference of test_nearest.

test_nearest builds its index once at import; these tests build theirs in the test, so a
change to how the index is built (vocabularies, opening-hours codes, temporary closures,
amenity outages, the tree) fails here (tests/mutation.md). Expected answers come from the
plain filter code and pyproj ``Geod`` distances of tests/unit/test_nearest.py, and from
boundaries written out by hand (a closure or outage ending exactly at the moment asked
about is over).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from pyproj import Geod

from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex
from tests.unit.test_nearest import (
    MON_0300,
    MON_0900,
    MON_1300,
    OPEN_BY_HAND,
    SUN_1200,
    TZ,
    _passes_plain,
    _stations,
)

GEOD = Geod(ellps="WGS84")


def _plain(
    stations: list[IndexedStation], lat: float, lon: float, k: int, filters: Filters
) -> list[tuple[int, float]]:
    chosen = [s for s in stations if _passes_plain(s, filters)]
    ranked = sorted(
        (GEOD.inv(lon, lat, s.lon, s.lat)[2], s.id)
        for s in chosen
        if filters.radius_m is None or GEOD.inv(lon, lat, s.lon, s.lat)[2] <= filters.radius_m
    )
    return [(sid, d) for d, sid in ranked[:k]]


def _same(hits, expected: list[tuple[int, float]]) -> None:  # type: ignore[no-untyped-def]
    assert [h.id for h in hits] == [i for i, _ in expected]
    for hit, (_, d) in zip(hits, expected, strict=True):
        assert hit.distance_m == pytest.approx(d, abs=1e-6)


FILTERS = [
    Filters(),
    Filters(amenities=frozenset({"water", "toilet"})),
    Filters(host_types=frozenset({"bank", "union"})),
    Filters(worker_groups=frozenset({"courier", "ride_hailing"})),
    Filters(open_at=MON_0900),
    Filters(open_at=MON_0300, radius_m=20_000.0),
    Filters(amenities=frozenset({"aed"}), open_at=SUN_1200),
    Filters(radius_m=15_000.0),
]


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_an_index_built_here_equals_the_plain_reference(filters: Filters) -> None:
    stations = _stations(11, 400)
    index = NearestIndex(stations, TZ)
    assert len(index) == 400
    for lat, lon, k in ((40.8, 111.7, 12), (41.2, 111.1, 3), (40.1, 112.5, 30)):
        _same(index.nearest(lat, lon, k, filters), _plain(stations, lat, lon, k, filters))
        _same(index.brute_force(lat, lon, k, filters), _plain(stations, lat, lon, k, filters))
        # Each hit's position is the station's row, as the services read it.
        for hit in (*index.nearest(lat, lon, k, filters), *index.brute_force(lat, lon, k, filters)):
            assert stations[hit.position].id == hit.id


def test_the_default_is_five_stations_and_k_zero_is_none() -> None:
    stations = _stations(3, 50)
    index = NearestIndex(stations, TZ)
    _same(index.nearest(40.8, 111.7), _plain(stations, 40.8, 111.7, 5, Filters()))
    _same(index.brute_force(40.8, 111.7), _plain(stations, 40.8, 111.7, 5, Filters()))
    assert index.nearest(40.8, 111.7, 0) == []
    assert NearestIndex([], TZ).nearest(40.8, 111.7, 3) == []
    assert NearestIndex([], TZ).brute_force(40.8, 111.7, 3) == []


def test_a_station_with_no_hours_is_never_open_beside_one_with_hours() -> None:
    # Unknown hours must not share a code with the first station's hours text.
    stations = [
        IndexedStation(1, 40.80, 111.70, opening_hours="24/7"),
        IndexedStation(2, 40.81, 111.70, opening_hours=None),
        IndexedStation(3, 40.82, 111.70, opening_hours="Mo-Fr 08:00-20:00"),
    ]
    index = NearestIndex(stations, TZ)
    assert [h.id for h in index.nearest(40.8, 111.7, 3, Filters(open_at=MON_1300))] == [1, 3]
    assert [h.id for h in index.nearest(40.8, 111.7, 3, Filters(open_at=MON_0300))] == [1]
    assert OPEN_BY_HAND["24/7"][MON_0300] and not OPEN_BY_HAND[None][MON_0300]


def test_a_temporary_closure_counts_until_its_end_and_no_longer() -> None:
    at = MON_1300
    stations = [
        IndexedStation(1, 40.80, 111.70, opening_hours="24/7", closed_until_s=at.timestamp()),
        IndexedStation(2, 40.81, 111.70, opening_hours="24/7", closed_until_s=at.timestamp() + 1),
        IndexedStation(3, 40.82, 111.70, opening_hours="24/7"),
    ]
    index = NearestIndex(stations, TZ)
    # Closed until 13:00 is open at 13:00; closed until 13:00:01 is not.
    assert [h.id for h in index.nearest(40.8, 111.7, 3, Filters(open_at=at))] == [1, 3]
    assert [h.id for h in index.brute_force(40.8, 111.7, 3, Filters(open_at=at))] == [1, 3]
    # A closure changes nothing without "open at".
    assert [h.id for h in index.nearest(40.8, 111.7, 3)] == [1, 2, 3]


def test_an_amenity_outage_hides_only_that_amenity_until_it_ends() -> None:
    at = MON_1300
    t = at.timestamp()
    stations = [
        IndexedStation(1, 40.80, 111.70, amenities=("water", "toilet"), outages=(("water", t),)),
        IndexedStation(
            2, 40.81, 111.70, amenities=("water", "toilet"), outages=(("water", t + 60),)
        ),
        IndexedStation(
            3,
            40.82,
            111.70,
            amenities=("water", "toilet"),
            outages=(("toilet", t + 60), ("water", t - 60)),
        ),
        IndexedStation(4, 40.83, 111.70, amenities=("water",)),
    ]
    index = NearestIndex(stations, TZ)

    def ids(amenities: set[str], states_at: datetime | None) -> list[int]:
        f = Filters(amenities=frozenset(amenities), states_at=states_at)
        got = [h.id for h in index.nearest(40.8, 111.7, 4, f)]
        assert got == [h.id for h in index.brute_force(40.8, 111.7, 4, f)]
        return got

    assert ids({"water"}, at) == [1, 3, 4]  # station 1's outage ended at that moment
    assert ids({"toilet"}, at) == [1, 2]  # station 3's toilet is out; its water is back
    assert ids({"water", "toilet"}, at) == [1]
    assert ids({"water"}, at + timedelta(minutes=2)) == [1, 2, 3, 4]
    assert ids({"water"}, None) == [1, 2, 3, 4]  # no moment: outages are not judged
    assert ids({"toilet"}, None) == [1, 2, 3]


def test_codes_missing_from_every_station_match_nothing() -> None:
    stations = [IndexedStation(1, 40.8, 111.7, ("water",), "bank", ("courier",))]
    index = NearestIndex(stations, TZ)
    assert index.nearest(40.8, 111.7, 1, Filters(amenities=frozenset({"aed"}))) == []
    assert index.nearest(40.8, 111.7, 1, Filters(host_types=frozenset({"union"}))) == []
    assert index.nearest(40.8, 111.7, 1, Filters(worker_groups=frozenset({"taxi"}))) == []
    both = Filters(worker_groups=frozenset({"taxi", "courier"}))
    assert [h.id for h in index.nearest(40.8, 111.7, 1, both)] == [1]


def test_at_most_63_codes_of_a_kind() -> None:
    ok = [IndexedStation(i, 40.8, 111.7, amenities=(f"a{i}",)) for i in range(63)]
    index = NearestIndex(ok, TZ)
    f = Filters(amenities=frozenset({"a62"}))
    assert [h.id for h in index.nearest(40.8, 111.7, 5, f)] == [62]
    too_many = [*ok, IndexedStation(63, 40.8, 111.7, amenities=("a63",))]
    with pytest.raises(ValueError, match="at most 63 distinct"):
        NearestIndex(too_many, TZ)


def test_a_station_with_several_amenities_keeps_each() -> None:
    stations = [IndexedStation(1, 40.8, 111.7, amenities=("water", "toilet", "wifi"))]
    index = NearestIndex(stations, TZ)
    for wanted in ({"water"}, {"toilet"}, {"wifi"}, {"water", "wifi"}):
        assert len(index.nearest(40.8, 111.7, 1, Filters(amenities=frozenset(wanted)))) == 1


@pytest.mark.parametrize("rare", [5, 40])
@pytest.mark.parametrize(
    "filters",
    [
        Filters(host_types=frozenset({"rare"})),
        Filters(host_types=frozenset({"rare"}), radius_m=60_000.0),
        Filters(host_types=frozenset({"rare"}), open_at=MON_0900),
    ],
    ids=str,
)
def test_a_selective_filter_over_many_stations_scans_and_stays_exact(
    filters: Filters, rare: int
) -> None:
    """Few stations pass and they are far: the index gives up the tree for a scan."""
    rng = np.random.default_rng(5)
    stations = [
        IndexedStation(i + 1, 40.8 + rng.normal(0, 0.05), 111.7 + rng.normal(0, 0.05))
        for i in range(6000)
    ]
    hours = ("24/7", "Mo-Fr 08:00-20:00", None)
    stations += [
        IndexedStation(
            9000 + j,
            float(40.8 + rng.uniform(-1.0, 1.0)),
            float(111.7 + rng.uniform(-1.2, 1.2)),
            host_type="rare",
            opening_hours=hours[j % 3],
        )
        for j in range(rare)
    ]
    index = NearestIndex(stations, TZ)
    for k in (1, 2, 3, 5, 8, 13, 20):
        expected = _plain(stations, 40.8, 111.7, k, filters)
        hits = index.nearest(40.8, 111.7, k, filters)
        _same(hits, expected)
        # Each hit's position is the station's row, as the services read it.
        assert [stations[h.position].id for h in hits] == [h.id for h in hits]


def test_the_radius_keeps_a_station_just_inside_and_drops_one_just_outside() -> None:
    lat, lon = 40.8, 111.7
    stations = [
        IndexedStation(i + 1, *reversed(GEOD.fwd(lon, lat, 90.0, d)[:2]))
        for i, d in enumerate((999.0, 1001.0, 500.0))
    ]
    index = NearestIndex(stations, TZ)
    f = Filters(radius_m=1000.0)
    assert [h.id for h in index.nearest(lat, lon, 3, f)] == [3, 1]
    assert [h.id for h in index.brute_force(lat, lon, 3, f)] == [3, 1]


def test_a_scan_over_stations_at_nearly_equal_distances_takes_more_rounds() -> None:
    """The stations that pass lie on a ring 20 km out, 0.01 mm apart in distance,
    while a chord is about 8 mm shorter than its geodesic there, by an amount that
    varies with the azimuth by more than 0.01 mm: chord order is not distance order,
    the first partition of the scan cannot prove its answer, and the scan widens it
    (the later rounds of ``_scan``). The answer is still the ring's order, nearest
    first, as the plain reference says."""
    lat, lon = 40.8, 111.7
    rng = np.random.default_rng(23)
    stations = [
        IndexedStation(i + 1, 40.8 + rng.normal(0, 0.02), 111.7 + rng.normal(0, 0.02))
        for i in range(9000)
    ]
    azimuths = rng.permutation(np.linspace(-180.0, 180.0, 300, endpoint=False))
    for j, azimuth in enumerate(azimuths.tolist()):
        ring_lon, ring_lat, _ = GEOD.fwd(lon, lat, azimuth, 20_000.0 + 1e-5 * j)
        stations.append(IndexedStation(20_000 + j, ring_lat, ring_lon, host_type="rare"))
    index = NearestIndex(stations, TZ)
    filters = Filters(host_types=frozenset({"rare"}))
    for k in (1, 5, 40):
        hits = index.nearest(lat, lon, k, filters)
        _same(hits, _plain(stations, lat, lon, k, filters))
        assert [h.id for h in hits] == list(range(20_000, 20_000 + k))
