"""A 纬度 and a 经度 written in a form that reads as other numbers one cell at a time:
whole millionths of a degree (``86217000``, ``86,217,000``: a GPS tracker's or a database's
integers) and a decimal comma (``86,217``). Alone, ``86217000`` looks like a plane
coordinate in metres and ``86,217`` like 86217; as a pair, both inside China's range only
when read as degrees, they can mean nothing else. Pure: no Flask, no database.
"""

from __future__ import annotations

import re

from stationmap.field_values import Note, shown, to_ascii
from stationmap.field_values.degrees import CHINA_DEGREES, Axis

#: The scale of the integers read: millionths of a degree. Another scale is not read
#: (a hundred-thousandth of 135° is 13,500,000, a Gauss-Krüger Y in the 6° zone 13).
SCALE = 1_000_000
_INTEGER_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+", re.ASCII)
_COMMA_RE = re.compile(r"[0-9]{1,3},[0-9]+", re.ASCII)
_PLAIN_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]+)?", re.ASCII)
#: Text that is neither form whatever else is in the row: ASCII digits around a decimal
#: point, nothing else (no comma, no space, no full-width digit).
_DECIMAL_POINT_RE = re.compile(r"-?[0-9]+\.[0-9]+", re.ASCII)


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return to_ascii(value).replace("\u00a0", " ").strip()
    return None


def _whole(value: object) -> int | None:
    """``value`` as a whole number: an integer cell, or integer text (``86,217,000``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    if text is None or _INTEGER_RE.fullmatch(text) is None:
        return None
    return int(text.replace(",", ""))


def _inside(axis: Axis, degrees: float) -> bool:
    low, high = CHINA_DEGREES[axis]
    return low <= degrees <= high


def _millionths(lat: object, lon: object) -> tuple[str, str] | None:
    whole_lat, whole_lon = _whole(lat), _whole(lon)
    if whole_lat is None or whole_lon is None:
        return None
    lat_deg, lon_deg = whole_lat / SCALE, whole_lon / SCALE
    if not (_inside("lat", lat_deg) and _inside("lon", lon_deg)):
        return None
    return f"{lat_deg:.6f}", f"{lon_deg:.6f}"


def _decimal_commas(lat: object, lon: object) -> tuple[str, str] | None:
    read: list[str] = []
    commas = 0
    axes: tuple[tuple[Axis, object], ...] = (("lat", lat), ("lon", lon))
    for axis, value in axes:
        text = _text(value)
        if text is not None and _COMMA_RE.fullmatch(text):
            text = text.replace(",", ".")
            commas += 1
        elif text is None or _PLAIN_RE.fullmatch(text) is None:
            if isinstance(value, int | float) and not isinstance(value, bool):
                text = repr(value)  # a number cell beside a comma cell
            else:
                return None
        if not _inside(axis, float(text)):
            return None
        read.append(text)
    return (read[0], read[1]) if commas else None


def misread_pair(lat: object, lon: object) -> tuple[str, str, Note] | None:
    """The latitude and longitude meant by a 纬度 and 经度 given in whole millionths of
    a degree or with a decimal comma, as decimal text, with a note to check the point;
    ``None`` when the cells are anything else (plain degrees, a plane coordinate, a pair
    pasted into one cell, two scales)."""
    if (
        type(lat) is str
        and type(lon) is str
        and _DECIMAL_POINT_RE.fullmatch(lat) is not None
        and _DECIMAL_POINT_RE.fullmatch(lon) is not None
    ):
        return None  # plain decimal degrees, as nearly every row writes them: quickly
    if (found := _millionths(lat, lon)) is not None:
        en = "are whole millionths of a degree"
        zh = "是以百万分之一度为单位的整数"
    elif (found := _decimal_commas(lat, lon)) is not None:
        en = "use a comma as the decimal point"
        zh = "用逗号作了小数点"
    else:
        return None
    lat_text, lon_text = found
    return (
        lat_text,
        lon_text,
        Note(
            f"latitude {shown(lat)} and longitude {shown(lon)} {en}: read as latitude "
            f"{lat_text}, longitude {lon_text}; check the point, and write degrees with a "
            "decimal point",
            f"纬度“{shown(lat)}”、经度“{shown(lon)}”{zh}，已按纬度 {lat_text}、经度 "
            f"{lon_text} 读入：请核对位置，以后请写成带小数点的度数",
        ),
    )
