"""Geodesic distances on the WGS-84 ellipsoid, in metres.

Computed with Karney's algorithm (pyproj ``Geod``), as PostGIS ``geography`` does; a
sphere errs by up to about 0.5 %. Arguments are ``lat, lon`` in WGS-84 degrees.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
_A = 6_378_137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)

_inv = WGS84.inv


def geodesic_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in metres between two WGS-84 points."""
    return float(_inv(lon1, lat1, lon2, lat2)[2])


def geodesic_many(
    lat: float, lon: float, lats: npt.ArrayLike, lons: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Geodesic distances in metres from one WGS-84 point to many.

    For a handful of points a loop of scalar calls is cheaper than pyproj's array path
    (about 1 us a call against 20 us of array set-up), so both are used.
    """
    lats_a = np.asarray(lats, dtype=np.float64)
    lons_a = np.asarray(lons, dtype=np.float64)
    if lats_a.size <= 24:
        return np.array(
            [_inv(lon, lat, float(x), float(y))[2] for y, x in zip(lats_a, lons_a, strict=True)],
            dtype=np.float64,
        )
    _, _, dist = _inv(np.full(lats_a.shape, lon), np.full(lats_a.shape, lat), lons_a, lats_a)
    return np.asarray(dist, dtype=np.float64)


def ecef_m(lats: npt.ArrayLike, lons: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Earth-centred, earth-fixed coordinates in metres of points on the WGS-84
    ellipsoid (height 0), shape (n, 3).

    The straight line between two points is never longer than the geodesic between
    them, and for the distances between stations hardly shorter (relative difference
    about d^2 / 24 R^2: 4e-6 at 100 km), so chord lengths give exact candidate sets
    for geodesic nearest-neighbour queries.
    """
    la = np.radians(np.asarray(lats, dtype=np.float64))
    lo = np.radians(np.asarray(lons, dtype=np.float64))
    sin_la = np.sin(la)
    cos_la = np.cos(la)
    prime_vertical = _A / np.sqrt(1.0 - _E2 * sin_la * sin_la)
    return np.column_stack(
        (
            prime_vertical * cos_la * np.cos(lo),
            prime_vertical * cos_la * np.sin(lo),
            prime_vertical * (1.0 - _E2) * sin_la,
        )
    )


def ecef_point_m(lat: float, lon: float) -> tuple[float, float, float]:
    """:func:`ecef_m` for one point, without numpy overhead."""
    la, lo = math.radians(lat), math.radians(lon)
    sin_la = math.sin(la)
    cos_la = math.cos(la)
    prime_vertical = _A / math.sqrt(1.0 - _E2 * sin_la * sin_la)
    return (
        prime_vertical * cos_la * math.cos(lo),
        prime_vertical * cos_la * math.sin(lo),
        prime_vertical * (1.0 - _E2) * sin_la,
    )
