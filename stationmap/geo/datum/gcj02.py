"""WGS-84 <-> GCJ-02, the datum of AMap and Tencent.

WGS-84 -> GCJ-02 is the published forward formula, applied only inside mainland China's
outline (:mod:`stationmap.geo.datum.outline`). The inverse has no closed form: the
one-step inverse (``w = g - f(g)``) errs by up to about 5 m; here a fixed-point
iteration ``w -= f(w) - g`` runs until the forward image matches to 1e-9 degrees (about
0.1 mm), which takes 2 to 5 steps. One point takes a path of plain floats with the math
module, many take numpy arrays; both apply the same formula term by term.
"""

from __future__ import annotations

import math
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from stationmap.geo.datum.outline import _in_china_scalar, in_china
from stationmap.geo.datum.points import (
    _MAX_STEPS,
    _TOLERANCE_DEG,
    FloatArray,
    _as_arrays,
    _is_scalar,
    _result,
)

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323


def _gcj_offset(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The GCJ-02 shift (dlat, dlon) in degrees at WGS-84 (lat, lon), ignoring borders."""
    x = lon - 105.0
    y = lat - 35.0
    sx = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return dlat, dlon


def _gcj_offset_scalar(lat: float, lon: float) -> tuple[float, float]:
    """:func:`_gcj_offset` for one point with the math module (about 20x cheaper than
    numpy on 0-d arrays); the same formula, term by term."""
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    sx = math.sqrt(abs(x))
    common = (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common
    dlat += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * pi) + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common
    dlon += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    rad = lat / 180.0 * pi
    magic = 1.0 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * pi)
    return dlat, dlon


@overload
def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]: ...
@overload
def wgs84_to_gcj02(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]: ...
def wgs84_to_gcj02(lat: Any, lon: Any) -> tuple[Any, Any]:
    """WGS-84 -> GCJ-02 (forward formula; unchanged outside mainland China)."""
    if _is_scalar(lat) and _is_scalar(lon):
        lat, lon = float(lat), float(lon)
        if not _in_china_scalar(lat, lon):
            return lat, lon
        d_lat, d_lon = _gcj_offset_scalar(lat, lon)
        return lat + d_lat, lon + d_lon
    lat_a, lon_a = _as_arrays(lat, lon)
    mask = in_china(lat_a, lon_a)
    dlat, dlon = _gcj_offset(lat_a, lon_a)
    lat_a = np.where(mask, lat_a + dlat, lat_a)
    lon_a = np.where(mask, lon_a + dlon, lon_a)
    return _result(lat, lat_a, lon_a)


@overload
def gcj02_to_wgs84(lat: float, lon: float, *, everywhere: bool = False) -> tuple[float, float]: ...
@overload
def gcj02_to_wgs84(
    lat: npt.ArrayLike, lon: npt.ArrayLike, *, everywhere: bool = False
) -> tuple[FloatArray, FloatArray]: ...
def gcj02_to_wgs84(lat: Any, lon: Any, *, everywhere: bool = False) -> tuple[Any, Any]:
    """GCJ-02 -> WGS-84 by fixed-point iteration to 1e-9 degrees (round trip < 1 mm).

    Whether the offset applies is decided at the first WGS-84 estimate, so a point
    outside China maps to itself and the result is the exact inverse of
    :func:`wgs84_to_gcj02`. ``everywhere=True`` applies the offset without the
    outline test, for data known to be GCJ-02 throughout (AMap boundaries, whose
    border vertices would otherwise straddle the outline).
    """
    if _is_scalar(lat) and _is_scalar(lon):
        return _gcj02_to_wgs84_scalar(float(lat), float(lon), everywhere)
    g_lat, g_lon = _as_arrays(lat, lon)
    dlat, dlon = _gcj_offset(g_lat, g_lon)
    first_lat, first_lon = g_lat - dlat, g_lon - dlon
    if everywhere:
        mask = np.ones(g_lat.shape, dtype=bool)
    else:
        mask = np.asarray(in_china(first_lat, first_lon))
    if not np.any(mask):
        return _result(lat, g_lat, g_lon)
    w_lat = np.where(mask, first_lat, g_lat)
    w_lon = np.where(mask, first_lon, g_lon)
    for _ in range(_MAX_STEPS):
        dlat, dlon = _gcj_offset(w_lat, w_lon)
        err_lat = np.where(mask, w_lat + dlat - g_lat, 0.0)
        err_lon = np.where(mask, w_lon + dlon - g_lon, 0.0)
        w_lat = w_lat - err_lat
        w_lon = w_lon - err_lon
        if np.max(np.abs(err_lat)) < _TOLERANCE_DEG and np.max(np.abs(err_lon)) < _TOLERANCE_DEG:
            break
    return _result(lat, w_lat, w_lon)


def _gcj02_to_wgs84_scalar(g_lat: float, g_lon: float, everywhere: bool) -> tuple[float, float]:
    """:func:`gcj02_to_wgs84` of one point with the math module (an import converts its
    rows one at a time: numpy on 0-d arrays cost about 130 µs a point); the same steps."""
    d_lat, d_lon = _gcj_offset_scalar(g_lat, g_lon)
    w_lat, w_lon = g_lat - d_lat, g_lon - d_lon
    if not everywhere and not _in_china_scalar(w_lat, w_lon):
        return g_lat, g_lon
    for _ in range(_MAX_STEPS):
        d_lat, d_lon = _gcj_offset_scalar(w_lat, w_lon)
        err_lat, err_lon = w_lat + d_lat - g_lat, w_lon + d_lon - g_lon
        w_lat, w_lon = w_lat - err_lat, w_lon - err_lon
        if abs(err_lat) < _TOLERANCE_DEG and abs(err_lon) < _TOLERANCE_DEG:
            break
    return w_lat, w_lon
