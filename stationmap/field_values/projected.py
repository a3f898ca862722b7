"""Coordinates an office's GIS keeps in a projected (plane) system or on another datum:
西安80, 北京54, Gauss-Krüger 3- and 6-degree zones (``38512345.12``). stationmap takes
longitude and latitude in degrees, so these are refused saying how to convert them.
Pure: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata

from stationmap.field_values import ValueProblem, shown, to_ascii

# Words naming a plane (projected) system or a datum other than WGS-84/CGCS2000.
_PROJECTED_RE = re.compile(
    r"西安|北京\s*(?:19)?54|1980|1954|度带|分带|投影|平面|高斯|克吕格|gauss|utm|xian|beijing",
    re.IGNORECASE,
)

#: Coordinates at least this large are metres in a plane system, not degrees.
PLANE_MIN = 10_000.0

_HOW_EN = (
    "stationmap takes longitude and latitude in degrees in WGS-84 (GPS, Tianditu, "
    "CGCS2000), GCJ-02 (AMap, Tencent) or BD-09 (Baidu): in your GIS (ArcGIS, QGIS) "
    "convert the points to CGCS2000 longitude/latitude and export them again, or pick "
    "each point on a map"
)
_HOW_ZH = (
    "stationmap 只收经纬度（度数），坐标系为 WGS-84（GPS、天地图、CGCS2000）、"
    "GCJ-02（高德、腾讯）或 BD-09（百度）：请在 GIS 软件（ArcGIS、QGIS 等）中把点转换为 "
    "CGCS2000 经纬度后重新导出，或在地图上逐个取点"
)


def projected_datum(text: str) -> ValueProblem | None:
    """The refusal of a 坐标系 cell naming a plane system or another datum (西安80,
    北京54, CGCS2000 3度带, 投影坐标); ``None`` for any other text."""
    plain = unicodedata.normalize("NFKC", text)
    if not _PROJECTED_RE.search(plain):
        return None
    return ValueProblem(
        f"{shown(text)!r} is a projected (plane) coordinate system or another datum, "
        f"not longitude and latitude; {_HOW_EN}",
        f"坐标系“{shown(text)}”是投影（平面）坐标或另一套大地坐标系，不是本系统可用的经纬度；"
        f"{_HOW_ZH}",
    )


def plane_coordinate(value: object, name_zh: str) -> ValueProblem | None:
    """The refusal of a 经度/纬度 cell holding metres of a plane system (``38512345.12``,
    ``4512345.6``); ``None`` when ``value`` is no such number."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            number = float(value)  # an int past 1.8e308 (a JSON body's 10**400) overflows
        else:
            number = float(to_ascii(str(value)).strip().replace(",", ""))
    except (ValueError, OverflowError):
        return None
    # No plane system reaches 1e9 metres: what lies beyond (or is infinite, or NaN) is
    # no such coordinate, and keeps the plain range message.
    if not PLANE_MIN <= abs(number) < 1e9:
        return None
    return ValueProblem(
        f"{shown(value)} is not degrees: it looks like a projected (plane) coordinate in "
        f"metres (a Gauss-Krüger 3- or 6-degree zone X or Y); {_HOW_EN}",
        f"{name_zh}“{shown(value)}”不是度数，像是以米为单位的投影（平面）坐标"
        f"（如 3 度带、6 度带的 X、Y）；{_HOW_ZH}",
    )
