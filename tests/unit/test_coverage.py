"""District coverage and siting against closed-form answers (discs, lenses, squares)."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pyproj import Geod, Transformer
from shapely.geometry import Polygon

from stationmap.geo.coverage import (
    CoverageError,
    DemandPoint,
    GridCell,
    district_coverage,
    matching_stations,
    redundant_pairs,
)
from stationmap.geo.nearest import IndexedStation
from stationmap.geo.siting import Candidate, suggest_sites

TZ = ZoneInfo("Asia/Shanghai")
LAT0, LON0 = 43.80, 87.60  # near 乌鲁木齐; UTM zone 45
SIDE_M = 10_000.0
GEOD = Geod(ellps="WGS84")
# An azimuthal equidistant plane centred on the district: independent of the UTM zone
# the code uses, and true to ground distance from the centre.
_AEQD = f"+proj=aeqd +lat_0={LAT0} +lon_0={LON0} +ellps=WGS84 +units=m"
_TO_LL = Transformer.from_crs(_AEQD, 4326, always_xy=True)


def ll(x_m: float, y_m: float) -> tuple[float, float]:
    """(lat, lon) of a point x_m east and y_m north of the centre."""
    lon, lat = _TO_LL.transform(x_m, y_m)
    return lat, lon


def square(x0: float, y0: float, x1: float, y1: float, steps: int = 40) -> Polygon:
    """A rectangle drawn in the local plane, densified so its edges stay straight there."""
    ring = []
    for (ax, ay), (bx, by) in [
        ((x0, y0), (x1, y0)),
        ((x1, y0), (x1, y1)),
        ((x1, y1), (x0, y1)),
        ((x0, y1), (x0, y0)),
    ]:
        for i in range(steps):
            t = i / steps
            lat, lon = ll(ax + (bx - ax) * t, ay + (by - ay) * t)
            ring.append((lon, lat))
    return Polygon(ring)


DISTRICT = square(-SIDE_M / 2, -SIDE_M / 2, SIDE_M / 2, SIDE_M / 2)


def station(sid: int, x_m: float, y_m: float, **kw) -> IndexedStation:
    lat, lon = ll(x_m, y_m)
    return IndexedStation(sid, lat, lon, **kw)


def share_of(result, radius_m: float) -> float:
    return next(b.share for b in result.bands if b.radius_m == radius_m)


@pytest.mark.parametrize("radius_m", [500.0, 1000.0, 2000.0])
def test_one_station_at_the_centre_covers_a_disc(radius_m):
    result = district_coverage(DISTRICT, [station(1, 0, 0)])
    expected = math.pi * radius_m**2 / SIDE_M**2
    assert share_of(result, radius_m) == pytest.approx(expected, rel=0.005)
    band = next(b for b in result.bands if b.radius_m == radius_m)
    assert band.covered_km2 == pytest.approx(math.pi * radius_m**2 / 1e6, rel=0.005)
    assert result.district_km2 == pytest.approx(100.0, rel=0.005)
    # 15 km/h is 250 m a minute, straight line
    assert band.ebike_minutes == pytest.approx(radius_m / 250.0)
    assert result.distance_basis == "straight_line"


def test_ebike_minutes_follow_the_speed():
    result = district_coverage(DISTRICT, [station(1, 0, 0)], radii_m=[1000], speed_kmh=20)
    assert result.bands[0].ebike_minutes == pytest.approx(3.0)


def test_a_district_without_stations_is_uncovered():
    result = district_coverage(DISTRICT, [], grids=[GridCell("G1", "一号网格", DISTRICT)])
    assert [b.share for b in result.bands] == [0.0, 0.0, 0.0]
    assert result.station_count == 0
    assert result.grids[0].covered_share == 0.0
    assert not result.grids[0].in_reach


def test_stations_outside_count_for_the_part_they_reach():
    r, d = 1000.0, 500.0
    # 500 m beyond the east edge: the part of its disc inside is a circular segment.
    near = station(1, SIDE_M / 2 + d, 0)
    far = station(2, SIDE_M / 2 + 20_000, 0)
    segment = r * r * math.acos(d / r) - d * math.sqrt(r * r - d * d)
    result = district_coverage(DISTRICT, [near, far], radii_m=[r])
    assert result.bands[0].share == pytest.approx(segment / SIDE_M**2, rel=0.005)
    alone = district_coverage(DISTRICT, [far], radii_m=[r, 2000])
    assert [b.share for b in alone.bands] == [0.0, 0.0]


def test_a_station_closed_at_the_asked_time_does_not_count():
    weekday = station(1, 0, 0, opening_hours="Mo-Fr 08:00-18:00")
    saturday_night = datetime(2026, 12, 5, 22, 0, tzinfo=TZ)
    monday_morning = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
    closed = district_coverage(DISTRICT, [weekday], radii_m=[1000], at=saturday_night, tz=TZ)
    assert closed.bands[0].share == 0.0
    assert closed.station_count == 0
    opened = district_coverage(DISTRICT, [weekday], radii_m=[1000], at=monday_morning, tz=TZ)
    assert opened.bands[0].share == pytest.approx(math.pi / 100, rel=0.005)
    # Without a time every station counts.
    assert district_coverage(DISTRICT, [weekday], radii_m=[1000]).station_count == 1


def test_a_temporary_closure_and_an_amenity_outage_are_honoured():
    at = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
    shut = station(1, 0, 0, opening_hours="24/7", closed_until_s=at.timestamp() + 3600)
    reopened = station(2, 0, 0, opening_hours="24/7", closed_until_s=at.timestamp() - 1)
    toilet_down = station(
        3,
        0,
        0,
        amenities=("toilet",),
        opening_hours="24/7",
        outages=(("toilet", at.timestamp() + 60),),
    )
    assert [s.id for s in matching_stations([shut, reopened], at=at, tz=TZ)] == [2]
    assert matching_stations([toilet_down], amenities=["toilet"], at=at, tz=TZ) == []
    assert matching_stations([toilet_down], amenities=["toilet"]) == [toilet_down]


def test_the_amenity_filter_drops_stations_without_it():
    water = station(1, 0, 0, amenities=("water",))
    result = district_coverage(DISTRICT, [water], radii_m=[1000], amenities=["toilet"])
    assert result.bands[0].share == 0.0


def test_a_grid_wholly_covered_and_one_wholly_uncovered():
    centre = GridCell("C", "中心网格", square(-200, -200, 200, 200, 4))
    corner = GridCell("K", "角落网格", square(3000, 3000, 4000, 4000, 4))
    half = GridCell("H", "半覆盖", square(0, -500, 2000, 500, 4))  # covered up to x = 1000
    result = district_coverage(
        DISTRICT, [station(1, 0, 0)], radii_m=[1000], grids=[centre, half, corner]
    )
    by_code = {g.code: g for g in result.grids}
    assert by_code["C"].covered_share == pytest.approx(1.0)
    assert by_code["C"].in_reach and by_code["C"].stations_inside == 1
    assert by_code["K"].covered_share == 0.0
    assert not by_code["K"].in_reach and by_code["K"].stations_inside == 0
    # x from 0 to 1000 inside the circle, |y| <= 500: integral of min(500, sqrt(r²-x²))
    r = 1000.0
    x_cut = math.sqrt(r * r - 500 * 500)
    inside = 500 * x_cut + (
        (r * r / 2) * (math.pi / 2 - math.asin(x_cut / r)) - x_cut * math.sqrt(r * r - x_cut**2) / 2
    )
    assert by_code["H"].covered_share == pytest.approx(2 * inside / (2000 * 1000), rel=0.01)
    assert by_code["K"].area_km2 == pytest.approx(1.0, rel=0.005)
    # grids no station reaches are listed first
    assert result.grids[0].code == "K"


def test_weighted_demand_share_and_demand_per_grid():
    demand = [
        DemandPoint(*ll(100, 100), weight=3.0),
        DemandPoint(*ll(4000, 4000), weight=1.0),
        DemandPoint(*ll(20_000, 0), weight=5.0),  # outside the district: not covered
    ]
    corner = GridCell("K", "角落", square(3000, 3000, 4500, 4500, 4))
    result = district_coverage(
        DISTRICT, [station(1, 0, 0)], radii_m=[1000], demand=demand, grids=[corner]
    )
    assert result.bands[0].demand_share == pytest.approx(3.0 / 9.0)
    assert result.grids[0].demand == pytest.approx(1.0)


def test_demand_just_beyond_the_radius_is_not_covered():
    lat, lon = GEOD.fwd(LON0, LAT0, 90, 1001.0)[1::-1]
    inside_lat, inside_lon = GEOD.fwd(LON0, LAT0, 90, 999.0)[1::-1]
    demand = [DemandPoint(lat, lon), DemandPoint(inside_lat, inside_lon)]
    result = district_coverage(
        DISTRICT, [IndexedStation(1, LAT0, LON0)], radii_m=[1000], demand=demand
    )
    assert result.bands[0].demand_share == pytest.approx(0.5)


def test_bad_radius_is_refused_naming_the_field():
    with pytest.raises(CoverageError) as err:
        district_coverage(DISTRICT, [], radii_m=[-5])
    assert "radius_m" in err.value.message_zh


def test_redundant_pairs_are_close_and_alike():
    a = station(1, 0, 0, amenities=("water", "toilet"))
    b = station(2, 100, 0, amenities=("toilet", "water"))
    c = station(3, 0, 150, amenities=("water",))
    d = station(4, 2000, 0, amenities=("water", "toilet"))
    pairs = redundant_pairs([a, b, c, d], threshold_m=300)
    assert [(p.first_id, p.second_id) for p in pairs] == [(1, 2)]
    assert pairs[0].distance_m == pytest.approx(100.0, abs=0.5)


def test_siting_picks_the_obviously_best_candidate():
    existing = station(1, -2500, 0)
    good = Candidate(*ll(2500, 0), label="东区药店")
    overlapping = Candidate(*ll(-2300, 0), label="西区银行")
    edge = Candidate(*ll(4900, 4900), label="东北角")
    sites = suggest_sites(
        DISTRICT,
        [existing.lat],
        [existing.lon],
        1,
        radius_m=1000,
        candidates=[overlapping, edge, good],
    )
    assert len(sites) == 1
    best = sites[0]
    assert best.label == "东区药店"
    assert best.added_km2 == pytest.approx(math.pi, rel=0.005)
    assert best.nearest_station_m == pytest.approx(5000, rel=0.002)
    assert "东区药店" in best.reason_zh and "平方公里" in best.reason_zh
    assert "km²" in best.reason_en and "straight line" in best.reason_en


def test_siting_follows_demand_and_stops_when_nothing_is_left():
    demand = [DemandPoint(*ll(3000, -3000), weight=10.0)]
    sites = suggest_sites(DISTRICT, [], [], 3, radius_m=2000, demand=demand)
    first = sites[0]
    assert first.added_demand == pytest.approx(10.0)
    assert first.added_demand_share == pytest.approx(1.0)
    dist = GEOD.inv(first.lon, first.lat, *ll(3000, -3000)[::-1])[2]
    assert dist <= 2000
    # Later sites add area but no demand (all of it is covered).
    assert all(s.added_demand == 0 for s in sites[1:])


def test_siting_over_the_lattice_fills_an_empty_district():
    sites = suggest_sites(DISTRICT, [], [], 4, radius_m=2000)
    assert len(sites) == 4
    # Four disjoint 2 km discs fit into a 10 km square: each adds a whole disc.
    for s in sites:
        assert s.added_km2 == pytest.approx(math.pi * 4, rel=0.02)
    assert sites[0].nearest_station_m is None
