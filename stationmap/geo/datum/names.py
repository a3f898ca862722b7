"""The datums stationmap knows, and the names offices write for them in a file or a form.

:func:`parse_datum` reads a name as written (``GCJ-02``, ``baidu``, 百度坐标, 高德, 天地图,
84坐标 ...) and returns one of :data:`DATUMS`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

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
