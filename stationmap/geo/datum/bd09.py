"""GCJ-02 <-> BD-09, the datum of Baidu, and WGS-84 <-> BD-09 through GCJ-02.

GCJ-02 -> BD-09 is Baidu's published forward formula, applied everywhere as Baidu does.
The inverse has no closed form: a fixed-point iteration runs until the forward image
matches to 1e-9 degrees, as for GCJ-02.
"""

from __future__ import annotations

import math
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from stationmap.geo.datum.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from stationmap.geo.datum.points import (
    _MAX_STEPS,
    _TOLERANCE_DEG,
    FloatArray,
    _as_arrays,
    _is_scalar,
    _result,
)

_X_PI = math.pi * 3000.0 / 180.0


def _bd_forward(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.sin(theta) + 0.006, z * np.cos(theta) + 0.0065


@overload
def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]: ...
@overload
def gcj02_to_bd09(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]: ...
def gcj02_to_bd09(lat: Any, lon: Any) -> tuple[Any, Any]:
    """GCJ-02 -> BD-09 (Baidu's published forward formula; applied everywhere, as Baidu
    does)."""
    if _is_scalar(lat) and _is_scalar(lon):
        lat, lon = float(lat), float(lon)
        z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
        theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
        return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065
    lat_a, lon_a = _as_arrays(lat, lon)
    b_lat, b_lon = _bd_forward(lat_a, lon_a)
    return _result(lat, b_lat, b_lon)


@overload
def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]: ...
@overload
def bd09_to_gcj02(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]: ...
def bd09_to_gcj02(lat: Any, lon: Any) -> tuple[Any, Any]:
    """BD-09 -> GCJ-02 by fixed-point iteration to 1e-9 degrees."""
    if _is_scalar(lat) and _is_scalar(lon):
        return _bd09_to_gcj02_scalar(float(lat), float(lon))
    b_lat, b_lon = _as_arrays(lat, lon)
    g_lat, g_lon = b_lat - 0.006, b_lon - 0.0065
    for _ in range(_MAX_STEPS):
        f_lat, f_lon = _bd_forward(g_lat, g_lon)
        err_lat, err_lon = f_lat - b_lat, f_lon - b_lon
        g_lat = g_lat - err_lat
        g_lon = g_lon - err_lon
        if np.max(np.abs(err_lat)) < _TOLERANCE_DEG and np.max(np.abs(err_lon)) < _TOLERANCE_DEG:
            break
    return _result(lat, g_lat, g_lon)


def _bd09_to_gcj02_scalar(b_lat: float, b_lon: float) -> tuple[float, float]:
    """:func:`bd09_to_gcj02` of one point with the math module; the same steps."""
    g_lat, g_lon = b_lat - 0.006, b_lon - 0.0065
    for _ in range(_MAX_STEPS):
        f_lat, f_lon = gcj02_to_bd09(g_lat, g_lon)
        err_lat, err_lon = f_lat - b_lat, f_lon - b_lon
        g_lat, g_lon = g_lat - err_lat, g_lon - err_lon
        if abs(err_lat) < _TOLERANCE_DEG and abs(err_lon) < _TOLERANCE_DEG:
            break
    return g_lat, g_lon


@overload
def wgs84_to_bd09(lat: float, lon: float) -> tuple[float, float]: ...
@overload
def wgs84_to_bd09(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]: ...
def wgs84_to_bd09(lat: Any, lon: Any) -> tuple[Any, Any]:
    """WGS-84 -> BD-09 (through GCJ-02)."""
    g_lat, g_lon = wgs84_to_gcj02(lat, lon)
    return gcj02_to_bd09(g_lat, g_lon)


@overload
def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]: ...
@overload
def bd09_to_wgs84(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]: ...
def bd09_to_wgs84(lat: Any, lon: Any) -> tuple[Any, Any]:
    """BD-09 -> WGS-84 (through GCJ-02, both steps iterative)."""
    g_lat, g_lon = bd09_to_gcj02(lat, lon)
    return gcj02_to_wgs84(g_lat, g_lon)
