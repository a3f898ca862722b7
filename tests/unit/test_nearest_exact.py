"""The nearest index is exact to the last bit: a station at exactly the radius is kept,
and of two stations at exactly the same distance the lower id comes first, at any range.

The index prunes candidates by chord length (a chord is never longer than its geodesic).
At short range chord and geodesic agree to far less than their rounding (earth-centred
coordinates of some 6.4e6 m are good to nanometres), so a chord compared with a
geodesic without an allowance can come out longer and drop a station that belongs in
the answer. Expected answers here are plain code over a fresh pyproj ``Geod`` (Karney,
as the index and PostGIS ``geography``): every station's distance, filtered, sorted by
(distance, id). Indexes are built inside the tests (tests/mutation.md).
"""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from pyproj import Geod

from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex
from tests.unit.test_distance_mutants import PLACES

TZ = ZoneInfo("Asia/Shanghai")
GEOD = Geod(ellps="WGS84")
DISTANCES_M = (0.5, 2.0, 10.0, 75.0, 400.0, 3000.0)
AZIMUTHS = range(-180, 180, 20)


def _metres(lat: float, lon: float, station: IndexedStation) -> float:
    return float(GEOD.inv(lon, lat, station.lon, station.lat)[2])


def _plain(
    stations: list[IndexedStation],
    lat: float,
    lon: float,
    k: int,
    radius_m: float | None = None,
    host_type: str | None = None,
) -> list[int]:
    ranked = sorted(
        (_metres(lat, lon, s), s.id)
        for s in stations
        if host_type is None or s.host_type == host_type
    )
    return [i for d, i in ranked if radius_m is None or d <= radius_m][:k]


def _at(lat: float, lon: float, azimuth: float, distance_m: float) -> tuple[float, float]:
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    return lat2, lon2


@pytest.mark.parametrize(("lat", "lon"), PLACES)
def test_a_station_exactly_at_the_radius_is_kept_and_one_beyond_it_is_not(
    lat: float, lon: float
) -> None:
    for distance in DISTANCES_M:
        for azimuth in AZIMUTHS:
            station = IndexedStation(7, *_at(lat, lon, azimuth, distance))
            index = NearestIndex([station], TZ)
            radius = _metres(lat, lon, station)
            assert [h.id for h in index.nearest(lat, lon, 1, Filters(radius_m=radius))] == [7]
            assert [h.id for h in index.brute_force(lat, lon, 1, Filters(radius_m=radius))] == [7]
            # The next float below the distance: now the station is beyond the radius.
            short = Filters(radius_m=math.nextafter(radius, 0.0))
            assert index.nearest(lat, lon, 1, short) == []


@pytest.mark.parametrize(("lat", "lon"), PLACES)
def test_of_two_stations_at_the_same_distance_the_lower_id_comes_first(
    lat: float, lon: float
) -> None:
    """Two stations mirrored across the query point's meridian are at exactly the same
    geodesic distance (checked here); whichever id the index meets first by chord, the
    answer for k=1 is the lower id, as the plain ranking says."""
    ties = 0
    for distance in DISTANCES_M:
        for azimuth in range(10, 180, 20):
            a_lat, a_lon = _at(lat, lon, azimuth, distance)
            mirrored = (a_lat, 2 * lon - a_lon)
            for first, second in ((1, 2), (2, 1)):
                stations = [IndexedStation(first, a_lat, a_lon), IndexedStation(second, *mirrored)]
                ties += _metres(lat, lon, stations[0]) == _metres(lat, lon, stations[1])
                index = NearestIndex(stations, TZ)
                for k in (1, 2):
                    assert [h.id for h in index.nearest(lat, lon, k)] == _plain(
                        stations, lat, lon, k
                    )
    assert ties > 20  # the data really holds ties


@pytest.mark.parametrize("k", [1, 3, 12])
def test_a_filtered_scan_keeps_the_stations_exactly_at_the_radius(k: int) -> None:
    """3,000 stations that fail the filter lie within 8 m of the query point (and 4,000
    more up to 2 km away), so the tree gives up for a scan of the 13 that pass, on a
    10 m ring. Each radius is the distance of one of them, so some of the ring lie
    inside it (to the nanometre) and some outside, and a station tied with the k-th by
    distance competes by id."""
    lat, lon = 40.81, 111.66
    rng = np.random.default_rng(11)
    stations = [
        IndexedStation(i + 1, *_at(lat, lon, float(az), float(d)), host_type="common")
        for i, (az, d) in enumerate(
            zip(
                rng.uniform(-180, 180, 7000),
                np.concatenate((rng.uniform(0.0, 8.0, 3000), rng.uniform(50, 2000, 4000))),
                strict=True,
            )
        )
    ]
    ring = [
        IndexedStation(9000 + j, *_at(lat, lon, 30.0 * j - 175.0, 10.0), host_type="rare")
        for j in range(12)
    ]
    # Station 9100 is 9003's mirror image: the same distance, a higher id.
    ring.append(IndexedStation(9100, ring[3].lat, 2 * lon - ring[3].lon, host_type="rare"))
    assert _metres(lat, lon, ring[3]) == _metres(lat, lon, ring[-1])
    stations += ring
    index = NearestIndex(stations, TZ)
    for radius in sorted({_metres(lat, lon, s) for s in ring}):
        filters = Filters(host_types=frozenset({"rare"}), radius_m=radius)
        expected = _plain(stations, lat, lon, k, radius, "rare")
        assert [h.id for h in index.nearest(lat, lon, k, filters)] == expected
    filters = Filters(host_types=frozenset({"rare"}))
    assert [h.id for h in index.nearest(lat, lon, k, filters)] == _plain(
        stations, lat, lon, k, None, "rare"
    )


@pytest.mark.parametrize("scan", [False, True], ids=["tree", "scan"])
def test_a_ring_whose_chord_order_is_not_its_distance_order(scan: bool) -> None:
    """300 stations on a ring 20 km out, 0.1 um apart in distance, ids in distance
    order; a chord there is about 8 mm shorter than its geodesic, by an amount that
    varies with the azimuth by 0.06 mm, so chord order is not distance order
    and the first round of candidates cannot prove the answer: the search must widen
    (the tree's later rounds; with a filter that thousands of nearer stations fail,
    the scan's later partitions). With a radius through the ring (after its first or
    third station, or its middle), the candidates beyond it by distance are mixed among those
    inside by chord; station 400, 10 km out, is asked for or not by its host type, so
    a round may find fewer than k, all nearer than the chords left out, and still
    have to widen. The answer is the plain ranking's."""
    lat, lon = 40.81, 111.66
    rng = np.random.default_rng(31)
    azimuths = rng.permutation(np.linspace(-180.0, 180.0, 300, endpoint=False))
    stations = [
        IndexedStation(j + 1, *_at(lat, lon, azimuth, 20_000.0 + 1e-7 * j), host_type="rare")
        for j, azimuth in enumerate(azimuths.tolist())
    ]
    stations.append(IndexedStation(400, *_at(lat, lon, 33.0, 10_000.0), host_type="near"))
    host_of = {s.id: s.host_type for s in stations}
    metres = {s.id: _metres(lat, lon, s) for s in stations}
    if scan:
        stations += [
            IndexedStation(1001 + i, 40.81 + dlat, 111.66 + dlon, host_type="common")
            for i, (dlat, dlon) in enumerate(rng.normal(0, 0.01, (9000, 2)).tolist())
        ]
    index = NearestIndex(stations, TZ)
    host_sets = [{"rare"}, {"rare", "near"}] + ([] if scan else [set()])
    for hosts in host_sets:
        for k in (1, 2, 5, 40, 120):
            for radius_m in (None, metres[1], metres[3], metres[151]):
                filters = Filters(host_types=frozenset(hosts), radius_m=radius_m)
                ranked = sorted(
                    (d, i)
                    for i, d in metres.items()
                    if (not hosts or host_of[i] in hosts) and (radius_m is None or d <= radius_m)
                )
                expected = [i for _, i in ranked[:k]]
                assert [h.id for h in index.nearest(lat, lon, k, filters)] == expected
