"""Datum conversions: reference offsets, round trips, and the China outline."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from stationmap.geo import datum

GEOD = Geod(ellps="WGS84")


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[1], a[0], b[1], b[0])[2])


@pytest.mark.parametrize(
    ("name", "lat", "lon", "low_m", "high_m"),
    [
        ("Beijing", 39.9042, 116.4074, 540, 570),
        ("Hohhot", 40.8424, 111.7500, 585, 615),
        ("Kunming", 25.0389, 102.7183, 350, 380),
        ("Manas", 44.3050, 86.2140, 225, 255),
    ],
)
def test_gcj02_offset_matches_published_magnitudes(name, lat, lon, low_m, high_m):
    shifted = datum.wgs84_to_gcj02(lat, lon)
    assert low_m <= _metres((lat, lon), shifted) <= high_m


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("Seoul", 37.5665, 126.9780),
        ("Hanoi", 21.0285, 105.8542),
        ("Ulaanbaatar", 47.9186, 106.9176),
        ("Tokyo", 35.6762, 139.6503),
        ("Hong Kong", 22.3193, 114.1694),
        ("Taipei", 25.0330, 121.5654),
        ("Almaty", 43.2220, 76.8512),
    ],
)
def test_no_offset_outside_mainland_china(name, lat, lon):
    assert datum.wgs84_to_gcj02(lat, lon) == (lat, lon)
    assert datum.gcj02_to_wgs84(lat, lon) == (lat, lon)


china_points = st.tuples(
    st.floats(min_value=22.0, max_value=48.0), st.floats(min_value=85.0, max_value=125.0)
).filter(lambda p: bool(datum.in_china(p[0], p[1])))


@settings(max_examples=300, deadline=None)
@given(china_points)
def test_gcj02_round_trip_is_under_a_millimetre(point):
    lat, lon = point
    back = datum.gcj02_to_wgs84(*datum.wgs84_to_gcj02(lat, lon))
    assert _metres((lat, lon), back) < 0.001


@settings(max_examples=300, deadline=None)
@given(china_points)
def test_bd09_round_trip_is_under_a_millimetre(point):
    lat, lon = point
    back = datum.bd09_to_wgs84(*datum.wgs84_to_bd09(lat, lon))
    assert _metres((lat, lon), back) < 0.001


@settings(max_examples=100, deadline=None)
@given(china_points)
def test_iterative_inverse_beats_the_one_step_inverse(point):
    lat, lon = point
    g_lat, g_lon = datum.wgs84_to_gcj02(lat, lon)
    one_step = (
        2 * g_lat - datum.wgs84_to_gcj02(g_lat, g_lon)[0],
        2 * g_lon - datum.wgs84_to_gcj02(g_lat, g_lon)[1],
    )
    iterative = datum.gcj02_to_wgs84(g_lat, g_lon)
    assert _metres((lat, lon), iterative) <= _metres((lat, lon), one_step) + 1e-6


def test_bd09_of_a_known_point():
    # GCJ-02 -> BD-09 adds roughly (+0.006, +0.0065) degrees near Beijing.
    b_lat, b_lon = datum.gcj02_to_bd09(39.915, 116.404)
    assert 0.005 < b_lat - 39.915 < 0.0075
    assert 0.0055 < b_lon - 116.404 < 0.0075


def test_arrays_convert_like_scalars():
    lats = np.array([39.9, 37.5665, 25.0389])
    lons = np.array([116.4, 126.978, 102.7183])
    g_lats, g_lons = datum.wgs84_to_gcj02(lats, lons)
    for i in range(3):
        assert (g_lats[i], g_lons[i]) == pytest.approx(datum.wgs84_to_gcj02(lats[i], lons[i]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WGS84", "wgs84"),
        ("gcj-02", "gcj02"),
        ("BD09", "bd09"),
        ("bd09ll", "bd09"),
        ("CGCS2000", "wgs84"),
        ("amap", "gcj02"),
    ],
)
def test_parse_datum_accepts_common_names(text, expected):
    assert datum.parse_datum(text) == expected


def test_parse_datum_rejects_unknown():
    with pytest.raises(ValueError, match="unknown datum"):
        datum.parse_datum("utm50")


@pytest.mark.parametrize(
    ("lat", "lon"), [(-90.0, -90.0), (-89.999, 0.0), (-40.0, -180.0), (30.0, -179.999)]
)
def test_a_bd09_point_with_no_wgs84_point_is_refused(lat, lon):
    # BD-09's shift pushes these past a pole or the antimeridian: no coordinate to store.
    with pytest.raises(datum.NoWgs84Point, match="bd09"):
        datum.to_wgs84(lat, lon, "bd09")
    # The same numbers in the other datums are points (GCJ-02 does not move them).
    for name in ("wgs84", "gcj02"):
        assert datum.to_wgs84(lat, lon, name) == (lat, lon)


def test_to_and_from_wgs84_are_inverse():
    for name in datum.DATUMS:
        there = datum.from_wgs84(40.81, 111.66, name)
        back = datum.to_wgs84(*there, name)
        assert _metres((40.81, 111.66), back) < 0.001


def test_scalar_border_test_by_cells_equals_the_outline_test():
    """The per-cell shortcut of the one-point test answers exactly as the array test
    (box, then outline) does, for points scattered over the box and points hugging
    the outline's border."""
    import random

    from stationmap.geo.datum import outline as china

    # Classified afresh here: cells (and the outline) cached by earlier tests in this
    # process would leave the classification itself untested (a mutation run forks its
    # mutants from a process that has run every test once).
    china._cells.clear()
    china._china_outline.cache_clear()
    outline = china._china_outline()
    rng = random.Random(17)
    points = [(rng.uniform(18.1, 53.6), rng.uniform(73.4, 135.1)) for _ in range(20_000)]
    border = outline.boundary
    for _ in range(3_000):
        on = border.interpolate(rng.random(), normalized=True)
        points.append((on.y + rng.uniform(-0.01, 0.01), on.x + rng.uniform(-0.01, 0.01)))
    # Cell corners, for every cell of the region around Hohhot and the Mongolian border.
    points += [
        (row * china.CELL_DEG, col * china.CELL_DEG)
        for row in range(round(40 / china.CELL_DEG), round(46 / china.CELL_DEG))
        for col in range(round(105 / china.CELL_DEG), round(115 / china.CELL_DEG))
    ]
    lats, lons = np.array(points).T
    expected = datum.in_china(lats, lons)
    for (lat, lon), inside in zip(points, expected.tolist(), strict=True):
        assert china._in_china_scalar(lat, lon) is inside, (lat, lon)
    assert any(v is True for v in china._cells.values())
    assert any(v is None for v in china._cells.values())


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("百度地图", "bd09"),
        ("百度坐标", "bd09"),
        ("百度 坐标系", "bd09"),
        ("高德", "gcj02"),
        ("高德地图", "gcj02"),
        ("腾讯", "gcj02"),
        ("腾讯地图坐标", "gcj02"),
        ("火星坐标", "gcj02"),
        ("ＧＰＳ", "wgs84"),
        ("GPS坐标", "wgs84"),
        ("天地图", "wgs84"),
        ("北斗定位", "wgs84"),
        ("WGS-84", "wgs84"),
    ],
)
def test_datum_words_as_offices_write_them(written: str, expected: str) -> None:
    assert datum.parse_datum(written) == expected


@pytest.mark.parametrize("written", ["谷歌", "地图", "坐标", "百度百度x", ""])
def test_unknown_datum_words_are_refused(written: str) -> None:
    with pytest.raises(ValueError):
        datum.parse_datum(written)
