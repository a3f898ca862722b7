"""What a column header names: the field, read-only column or ``coordinates`` it
stands for after the aliases, and the map (datum) a coordinate header names (高德经度)."""

from __future__ import annotations

import re
import unicodedata

from stationmap.geo.datum import Datum, parse_datum
from stationmap.tabular.amenity_columns import AMENITY_PREFIX, amenity_column
from stationmap.tabular.columns import (
    COORDINATE_ALIASES,
    FIELD_ALIASES,
    HOURS_PAIR_ALIASES,
    READ_ONLY_COLUMNS,
)

COORDINATES = "coordinates"  # the pseudo-field of a 坐标 "lon,lat" column
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕|<[^>]*>")


def header_key(header: str) -> str:
    """A header as compared with the aliases: NFKC (full-width to half-width), without
    spaces, line breaks, ``_ -``, asterisks and trailing colons, case-folded."""
    text = unicodedata.normalize("NFKC", header.replace("\ufeff", ""))
    return re.sub(r"[\s_\-*:]+", "", text).casefold()


_ALIASES: dict[str, str] = {
    header_key(name): target
    for target, names in (
        *FIELD_ALIASES.items(),
        *READ_ONLY_COLUMNS.items(),
        (COORDINATES, COORDINATE_ALIASES),
    )
    for name in (target, *names)
}


_HOURS_PAIR: dict[str, str] = {
    header_key(name): target for target, names in HOURS_PAIR_ALIASES.items() for name in names
}


def header_target(header: str) -> str | None:
    """The field (or read-only column, or ``coordinates``) a header names, if any:
    ``"*驿站名称（必填）"`` -> ``name``."""
    key = header_key(header)
    if key in _ALIASES:
        return _ALIASES[key]
    return _ALIASES.get(header_key(_BRACKETS.sub("", unicodedata.normalize("NFKC", header))))


# A coordinate header that names its datum ends in one of these: 高德经度, 百度坐标.
_AXIS_WORDS = (
    ("经纬度坐标", COORDINATES),
    ("经纬度", COORDINATES),
    ("纬经度", COORDINATES),
    ("坐标", COORDINATES),
    ("经度", "lon"),
    ("纬度", "lat"),
)
_DATUM_ZH = {"wgs84": "GPS（WGS-84）", "gcj02": "高德·腾讯（GCJ-02）", "bd09": "百度（BD-09）"}
_DATUM_EN = {"wgs84": "GPS (WGS-84)", "gcj02": "AMap/Tencent (GCJ-02)", "bd09": "Baidu (BD-09)"}
_BRACKETED = re.compile(r"[(\[【〔<]([^)\]】〕>]*)[)\]】〕>]")


def _parsed_datum(text: str) -> Datum | None:
    try:
        return parse_datum(text)
    except ValueError:
        return None


def datum_header(header: str) -> tuple[str, Datum] | None:
    """A coordinate header that says which map the numbers came from: ``高德经度`` ->
    ``("lon", "gcj02")``, ``百度坐标`` -> ``("coordinates", "bd09")``, ``经度（高德）``
    -> ``("lon", "gcj02")``; ``None`` for any other header."""
    target = header_target(header)
    plain = unicodedata.normalize("NFKC", header)
    if target in ("lon", "lat", COORDINATES):
        for inner in _BRACKETED.findall(plain):
            if (datum := _parsed_datum(inner)) is not None:
                return target, datum
        return None
    if target is not None:
        return None
    key = header_key(_BRACKETS.sub("", plain))
    for word, axis in _AXIS_WORDS:
        if key.endswith(word) and key != word:
            datum = _parsed_datum(key[: -len(word)])
            return None if datum is None else (axis, datum)
    return None


def _layout_target(text: str) -> str | None:
    """:func:`header_target`, or the axis of a header naming its datum (高德经度)."""
    if (target := header_target(text)) is not None:
        return target
    if (target := _HOURS_PAIR.get(header_key(text))) is not None:
        return target
    named = datum_header(text)
    if named is not None:
        return named[0]
    plain = unicodedata.normalize("NFKC", text)
    key = header_key(_BRACKETS.sub("", plain))
    if key.endswith("坐标") and header_target(key[:-2]) in ("lon", "lat"):
        return header_target(key[:-2])  # 经度坐标, 纬度坐标
    for inner in _BRACKETED.findall(plain):  # X坐标（经度）, Y（纬度）
        if (target := header_target(inner)) in ("lon", "lat"):
            return target
    if (amenity := amenity_column(text)) is not None:  # 饮水, 是否有卫生间
        return AMENITY_PREFIX + amenity
    return None
