"""The edges: a point given in any datum to WGS-84 (what stationmap stores) and back.

:func:`to_wgs84` raises :class:`NoWgs84Point` for one point whose inverse leaves the range
of latitudes and longitudes, with messages naming the fields.
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np
import numpy.typing as npt

from stationmap.geo.datum.bd09 import bd09_to_wgs84, wgs84_to_bd09
from stationmap.geo.datum.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from stationmap.geo.datum.names import Datum
from stationmap.geo.datum.points import FloatArray, _as_arrays, _result


class NoWgs84Point(ValueError):
    """A point given in a datum converts to no WGS-84 coordinate: BD-09 shifts points
    by up to about 0.007 degrees everywhere, so near a pole or the antimeridian its
    inverse leaves the range of latitudes and longitudes.

    ``message`` and ``message_zh`` say so naming the fields ``lat``, ``lon`` and
    ``datum`` (纬度、经度、坐标系) and how to fix it, for an API error or a form."""

    def __init__(self, lat: float, lon: float, datum: Datum) -> None:
        super().__init__(
            f"({lat:g}, {lon:g}) in {datum} is outside the range of WGS-84 coordinates"
        )
        self.lat, self.lon, self.datum = lat, lon, datum
        self.message = (
            f"lat {lat:g}, lon {lon:g} given in datum {datum} convert to no WGS-84 point "
            "(it would fall outside latitudes -90..90 or longitudes -180..180): check lat, "
            "lon and datum"
        )
        self.message_zh = (
            f"纬度 {lat:g}、经度 {lon:g} 按坐标系 {datum} 换算成 WGS-84 后超出经纬度范围"
            "（纬度须在 -90 到 90 之间，经度须在 -180 到 180 之间）：请检查纬度、经度和坐标系"
        )


@overload
def to_wgs84(lat: float, lon: float, datum: Datum) -> tuple[float, float]: ...
@overload
def to_wgs84(
    lat: npt.ArrayLike, lon: npt.ArrayLike, datum: Datum
) -> tuple[FloatArray, FloatArray]: ...
def to_wgs84(lat: Any, lon: Any, datum: Datum) -> tuple[Any, Any]:
    """Convert (lat, lon) given in ``datum`` to WGS-84. For one point, raise
    :class:`NoWgs84Point` when the result is not a valid coordinate (the edges that take
    a user's point report it on the field)."""
    if datum == "wgs84":
        if np.ndim(lat) == 0:
            return float(lat), float(lon)
        return _result(lat, *_as_arrays(lat, lon))
    if datum == "gcj02":
        out = gcj02_to_wgs84(lat, lon)
    elif datum == "bd09":
        out = bd09_to_wgs84(lat, lon)
    else:
        raise ValueError(f"unknown datum {datum!r}")
    if np.ndim(lat) == 0 and not (-90.0 <= out[0] <= 90.0 and -180.0 <= out[1] <= 180.0):
        raise NoWgs84Point(float(lat), float(lon), datum)
    return out


@overload
def from_wgs84(lat: float, lon: float, datum: Datum) -> tuple[float, float]: ...
@overload
def from_wgs84(
    lat: npt.ArrayLike, lon: npt.ArrayLike, datum: Datum
) -> tuple[FloatArray, FloatArray]: ...
def from_wgs84(lat: Any, lon: Any, datum: Datum) -> tuple[Any, Any]:
    """Convert WGS-84 (lat, lon) to ``datum``."""
    if datum == "wgs84":
        return _result(lat, *_as_arrays(lat, lon))
    if datum == "gcj02":
        return wgs84_to_gcj02(lat, lon)
    if datum == "bd09":
        return wgs84_to_bd09(lat, lon)
    raise ValueError(f"unknown datum {datum!r}")
