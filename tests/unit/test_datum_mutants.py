"""Datum edges the mutation run found unprotected (tests/mutation.md): arrays through
``from_wgs84``/``to_wgs84`` in every datum, unknown datums named in the error, and the
BD-09 inverse on arrays spread over China, checked against the forward formula written
out here (Baidu's published one, x_pi = pi * 3000 / 180)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stationmap.geo import datum
from stationmap.geo.datum.outline import _china_outline

X_PI = math.pi * 3000.0 / 180.0


def _bd_forward_plain(lat: float, lon: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


@pytest.mark.parametrize("name", datum.DATUMS)
def test_arrays_keep_their_shape_in_every_datum(name: str) -> None:
    lats = np.array([40.81, 22.54, 43.83])
    lons = np.array([111.66, 114.06, 87.62])
    there = datum.from_wgs84(lats, lons, name)
    back = datum.to_wgs84(*there, name)
    for got in (*there, *back):
        assert isinstance(got, np.ndarray) and got.shape == (3,)
    np.testing.assert_allclose(back[0], lats, atol=1e-8)
    np.testing.assert_allclose(back[1], lons, atol=1e-8)
    one = datum.from_wgs84(40.81, 111.66, name)
    assert isinstance(one[0], float) and isinstance(one[1], float)


@pytest.mark.parametrize("convert", [datum.from_wgs84, datum.to_wgs84])
def test_an_unknown_datum_is_named_in_the_error(convert) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown datum 'utm50'"):
        convert(40.8, 111.7, "utm50")


def test_bd09_inverse_lands_on_the_forward_image_everywhere_in_china() -> None:
    rng = np.random.default_rng(3)
    g_lats = rng.uniform(18.5, 53.0, 200)
    g_lons = rng.uniform(74.0, 134.5, 200)
    b = [_bd_forward_plain(a, o) for a, o in zip(g_lats, g_lons, strict=True)]
    b_lats = np.array([p[0] for p in b])
    b_lons = np.array([p[1] for p in b])
    got_lats, got_lons = datum.bd09_to_gcj02(b_lats, b_lons)
    assert np.max(np.abs(got_lats - g_lats)) < 1e-8
    assert np.max(np.abs(got_lons - g_lons)) < 1e-8
    for i in range(0, 200, 37):
        one = datum.bd09_to_gcj02(float(b_lats[i]), float(b_lons[i]))
        assert one == pytest.approx((g_lats[i], g_lons[i]), abs=1e-8)


@pytest.mark.parametrize(
    "convert", [datum.wgs84_to_gcj02, datum.gcj02_to_bd09, datum.bd09_to_gcj02]
)
@pytest.mark.parametrize("which", ["lat", "lon"])
def test_one_coordinate_for_many_points_is_refused_by_name(convert, which: str) -> None:  # type: ignore[no-untyped-def]
    """A single latitude with many longitudes (or the other way round) is a caller's
    mistake: refused with the reason, not converted as if it were one point."""
    many = np.array([40.81, 41.0, 43.83]) if which == "lat" else np.array([87.6, 111.7, 114.1])
    lat, lon = (many, 111.66) if which == "lat" else (40.81, many)
    with pytest.raises(ValueError, match="lat and lon must have the same shape"):
        convert(lat, lon)


def test_points_just_inside_the_border_round_trip_exactly() -> None:
    """A WGS-84 point a few hundred metres inside China's outline is shifted to GCJ-02;
    converting back must give the point again, so the inverse decides "in China" where
    the point truly is (about 500 m from the GCJ-02 point it is given)."""
    import random

    import shapely

    outline = _china_outline()
    border = outline.boundary
    rng = random.Random(41)
    points = []
    while len(points) < 400:
        on = border.interpolate(rng.random(), normalized=True)
        lat, lon = on.y + rng.uniform(-0.01, 0.01), on.x + rng.uniform(-0.01, 0.01)
        if not 18.2 < lat < 53.5:
            continue
        inside = bool(shapely.contains_xy(outline, lon, lat))
        if inside and 0.001 < border.distance(shapely.Point(lon, lat)) < 0.01:
            points.append((lat, lon))
    lats, lons = np.array(points).T
    g_lat, g_lon = datum.wgs84_to_gcj02(lats, lons)
    assert np.min(np.hypot(g_lat - lats, g_lon - lons)) > 1e-3  # every point was shifted
    back_lat, back_lon = datum.gcj02_to_wgs84(g_lat, g_lon)
    assert np.max(np.abs(back_lat - lats)) < 1e-8
    assert np.max(np.abs(back_lon - lons)) < 1e-8


def test_arrays_wholly_outside_china_come_back_unchanged_as_arrays() -> None:
    """Seoul, Tokyo, Hanoi and Ulaanbaatar: no offset, and arrays stay arrays."""
    lats = np.array([37.5665, 35.6762, 21.0278, 47.8864])
    lons = np.array([126.9780, 139.6503, 105.8342, 106.9057])
    for convert in (datum.gcj02_to_wgs84, datum.wgs84_to_gcj02):
        got_lat, got_lon = convert(lats, lons)
        assert isinstance(got_lat, np.ndarray) and got_lat.shape == (4,)
        np.testing.assert_array_equal(got_lat, lats)
        np.testing.assert_array_equal(got_lon, lons)


def test_an_array_with_points_inside_and_outside_china_converts_only_those_inside() -> None:
    """Hohhot and Seoul together: Hohhot back to WGS-84 (through the published forward
    formula of test_datum_pinned), Seoul unchanged."""
    from tests.unit.test_datum_pinned import plain_wgs_to_gcj

    g_lon, g_lat = plain_wgs_to_gcj(111.749, 40.8424)
    got_lat, got_lon = datum.gcj02_to_wgs84(np.array([g_lat, 37.5665]), np.array([g_lon, 126.978]))
    assert abs(got_lat[0] - 40.8424) < 1e-8 and abs(got_lon[0] - 111.749) < 1e-8
    assert (got_lat[1], got_lon[1]) == (37.5665, 126.978)
