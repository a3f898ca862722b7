"""Chinese map datums: WGS-84, GCJ-02 and BD-09.

Phones and GPS give WGS-84 (as does CGCS2000, the Tianditu datum, to centimetres);
AMap and Tencent use GCJ-02; Baidu uses BD-09. stationmap stores WGS-84 and converts
at the edges.

* WGS-84 -> GCJ-02 and GCJ-02 -> BD-09 are the published forward formulas.
* The inverses have no closed form. The one-step inverse (``w = g - f(g)``) errs by up
  to about 5 m; here a fixed-point iteration ``w -= f(w) - g`` runs until the forward
  image matches to 1e-9 degrees (about 0.1 mm), which takes 2 to 5 steps.
* The GCJ-02 offset is applied only inside mainland China's land outline
  (``geodata/china_outline.geojson``), never by a rectangle: Seoul, Hanoi,
  Ulaanbaatar, Tokyo, Hong Kong, Macau and Taipei stay unchanged.

Every function takes ``lat, lon`` in degrees, scalars or numpy arrays of equal shape,
and returns ``(lat, lon)`` of the same kind.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from functools import cache, lru_cache
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape

from stationmap.paths import GEODATA_DIR

Datum = Literal["wgs84", "gcj02", "bd09"]
DATUMS: tuple[Datum, ...] = ("wgs84", "gcj02", "bd09")
DATUM_ALIASES: dict[str, Datum] = {
    "wgs84": "wgs84",
    "wgs-84": "wgs84",
    "gps": "wgs84",
    "cgcs2000": "wgs84",
    "tianditu": "wgs84",
    "gcj02": "gcj02",
    "gcj-02": "gcj02",
    "amap": "gcj02",
    "tencent": "gcj02",
    "火星坐标": "gcj02",
    "bd09": "bd09",
    "bd-09": "bd09",
    "bd09ll": "bd09",
    "baidu": "bd09",
    # As offices write them in a 坐标系 column (after the suffixes below are removed).
    "天地图": "wgs84",
    "北斗": "wgs84",
    "国家2000": "wgs84",
    "2000国家大地": "wgs84",
    "高德": "gcj02",
    "腾讯": "gcj02",
    "qq": "gcj02",
    "火星": "gcj02",
    "国测局": "gcj02",
    "gcj": "gcj02",
    "百度": "bd09",
    # 84坐标, 2000坐标: the year names the system (WGS 84, CGCS2000), whose longitude and
    # latitude differ by centimetres; Google's map of China is offset like AMap's.
    "84": "wgs84",
    "wgs1984": "wgs84",
    "2000": "wgs84",
    "谷歌中国": "gcj02",
    "google中国": "gcj02",
}
# Words that follow a picker's name without changing it: 百度地图, 百度坐标, 高德坐标系.
# Removed one at a time, so that 天地图坐标 is read as 天地图, not 天.
_DATUM_SUFFIX = re.compile(r"(?:坐标系|坐标|地图|经纬度|拾取器|拾取|定位)$")

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
_TOLERANCE_DEG = 1e-9
_MAX_STEPS = 30

FloatArray = npt.NDArray[np.float64]


@lru_cache(maxsize=64)  # a file repeats a few names on every row (bench/import.py)
def parse_datum(name: str) -> Datum:
    """Return the canonical datum for ``name`` (case-insensitive; aliases such as
    ``GCJ-02``, ``baidu``, ``CGCS2000``, and the words offices use: 百度地图, 百度坐标,
    高德, 腾讯, 火星坐标, GPS, 天地图; full-width letters and spaces are ignored). Raises
    ``ValueError``."""
    candidate = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lower()
    while candidate:
        if candidate in DATUM_ALIASES:
            return DATUM_ALIASES[candidate]
        shorter = _DATUM_SUFFIX.sub("", candidate)
        if shorter == candidate:
            break
        candidate = shorter
    raise ValueError(f"unknown datum {name!r}; expected one of {', '.join(DATUMS)}")


@cache
def _china_outline() -> shapely.Geometry:
    path = GEODATA_DIR / "china_outline.geojson"
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    geometry = data["features"][0]["geometry"] if data.get("type") == "FeatureCollection" else data
    outline = shape(geometry)
    shapely.prepare(outline)
    return outline


@overload
def in_china(lat: float, lon: float) -> bool: ...
@overload
def in_china(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]: ...
def in_china(lat: Any, lon: Any) -> Any:
    """True where (lat, lon) lies inside mainland China's land outline, where GCJ-02
    applies."""
    lat_a = np.asarray(lat, dtype=np.float64)
    lon_a = np.asarray(lon, dtype=np.float64)
    # Cheap rejection first: nothing outside this box can be inside the outline.
    box = (lon_a >= 73.4) & (lon_a <= 135.1) & (lat_a >= 18.1) & (lat_a <= 53.6)
    if lat_a.ndim == 0:
        return bool(box) and bool(shapely.contains_xy(_china_outline(), lon_a, lat_a))
    out = np.zeros(lat_a.shape, dtype=bool)
    if box.any():
        out[box] = shapely.contains_xy(_china_outline(), lon_a[box], lat_a[box])
    return out


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


# One point at a time (a query, a nearest answer's stations), the outline test is most
# of a conversion's cost. Cells of CELL_DEG degrees are classified once, when first
# asked about: wholly inside the outline, wholly outside, or on the border; only points
# in border cells are tested against the outline. Same answers as the test alone.
CELL_DEG = 0.25
_cells: dict[tuple[int, int], bool | None] = {}


def _cell_class(row: int, col: int) -> bool | None:
    outline = _china_outline()
    cell = shapely.box(col * CELL_DEG, row * CELL_DEG, (col + 1) * CELL_DEG, (row + 1) * CELL_DEG)
    if shapely.contains_properly(outline, cell):  # no point of the cell on the border
        return True
    if outline.disjoint(cell):
        return False
    return None


def _in_china_scalar(lat: float, lon: float) -> bool:
    if not (73.4 <= lon <= 135.1 and 18.1 <= lat <= 53.6):
        return False
    key = (math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG))
    if key in _cells:
        inside = _cells[key]
    else:
        inside = _cells[key] = _cell_class(*key)
    if inside is None:
        return bool(shapely.contains_xy(_china_outline(), lon, lat))
    return inside


def _is_scalar(value: object) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool)


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


def _as_arrays(lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    lat_a = np.array(lat, dtype=np.float64, copy=True)
    lon_a = np.array(lon, dtype=np.float64, copy=True)
    if lat_a.shape != lon_a.shape:
        raise ValueError("lat and lon must have the same shape")
    return lat_a, lon_a


def _result(lat_in: npt.ArrayLike, lat_a: FloatArray, lon_a: FloatArray) -> tuple[Any, Any]:
    """Scalars for a scalar input, arrays for arrays."""
    if np.ndim(lat_in) == 0:
        return float(lat_a), float(lon_a)
    return lat_a, lon_a


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
