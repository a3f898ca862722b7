"""geo/distance.py against pyproj used independently (tests/mutation.md): earth-centred
coordinates from the EPSG:4326 -> EPSG:4978 transformation, geodesic distances from a
fresh ``Geod(ellps="WGS84")``, on both sides of the scalar/array switch (24 points)."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod, Transformer
from pyproj.exceptions import GeodError

from stationmap.geo.distance import ecef_m, ecef_point_m, geodesic_m, geodesic_many

GEOD = Geod(ellps="WGS84")
TO_ECEF = Transformer.from_crs("EPSG:4326", "EPSG:4978", always_xy=True)
# Places across China and a few far away (lat, lon), so a swapped axis shows.
PLACES = [
    (40.81, 111.66),
    (43.83, 87.62),
    (25.04, 102.71),
    (45.80, 126.53),
    (18.25, 109.51),
    (-33.87, 151.21),
    (64.15, -21.94),
    (0.0, 0.0),
]


def test_earth_centred_coordinates_match_proj() -> None:
    lats = np.array([p[0] for p in PLACES])
    lons = np.array([p[1] for p in PLACES])
    x, y, z = TO_ECEF.transform(lons, lats, np.zeros_like(lats))
    expected = np.column_stack((x, y, z))
    got = ecef_m(lats, lons)
    assert got.shape == (len(PLACES), 3)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-3)
    for (lat, lon), row in zip(PLACES, expected, strict=True):
        np.testing.assert_allclose(ecef_point_m(lat, lon), row, rtol=0, atol=1e-3)


@pytest.mark.parametrize("n", [1, 24, 25, 60])
def test_distances_to_many_match_geod(n: int) -> None:
    rng = np.random.default_rng(n)
    lats = rng.uniform(18.0, 53.0, n)
    lons = rng.uniform(74.0, 134.0, n)
    lat0, lon0 = 40.81, 111.66
    expected = GEOD.inv(np.full(n, lon0), np.full(n, lat0), lons, lats)[2]
    got = geodesic_many(lat0, lon0, lats, lons)
    assert got.dtype == np.float64 and got.shape == (n,)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    for i in range(n):
        assert geodesic_m(lat0, lon0, lats[i], lons[i]) == pytest.approx(expected[i], abs=1e-6)


def test_single_precision_coordinates_are_computed_in_double() -> None:
    """Coordinates handed over as float32 (a column read from a file) give the
    earth-centred metres of their exact values; computed in float32 they would be off
    by decimetres, enough to reorder stations a few metres apart."""
    lats = np.array([p[0] for p in PLACES], dtype=np.float32)
    lons = np.array([p[1] for p in PLACES], dtype=np.float32)
    lats64, lons64 = lats.astype(np.float64), lons.astype(np.float64)
    x, y, z = TO_ECEF.transform(lons64, lats64, np.zeros_like(lats64))
    got = ecef_m(lats, lons)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, np.column_stack((x, y, z)), rtol=0, atol=1e-3)


@pytest.mark.parametrize("n", [3, 30])
def test_coordinate_lists_of_unequal_length_are_refused(n: int) -> None:
    """A latitude without its longitude is an error, not a shorter answer (pyproj's
    own error on the array path, above 24 points)."""
    lats = np.linspace(40.0, 41.0, n)
    lons = np.linspace(111.0, 112.0, n - 1)
    with pytest.raises((ValueError, GeodError)):
        geodesic_many(40.81, 111.66, lats, lons)
