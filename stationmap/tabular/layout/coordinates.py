"""A 坐标 cell holding both coordinates: split into longitude and latitude (labelled,
hemisphere-marked or swapped), and a CSV row an unquoted ``lon,lat`` split in two."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from stationmap.station_fields import FieldError
from stationmap.tabular.layout.table import _note
from stationmap.tabular.sheets import Grid

_COORDINATE_SPLIT = re.compile(r"[,;/|、]")
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
# A hemisphere mark at either end of one coordinate: 北纬39°54′27″, 39°54′27″N.
_LAT_MARK = re.compile(r"^(北纬|南纬|[NS])|[0-9″\"'′°秒分度.\s](北纬|南纬|[NS])$", re.I)
_LON_MARK = re.compile(r"^(东经|西经|[EW])|[0-9″\"'′°秒分度.\s](东经|西经|[EW])$", re.I)


def _marked(text: str, mark: re.Pattern[str]) -> bool:
    return mark.search(text.strip()) is not None


def _holds_two(value: object) -> bool:
    """Whether a 坐标 cell holds two parts, as :func:`_split_coordinates` splits it."""
    text = str(value).strip()
    return len(_COORDINATE_SPLIT.split(text)) > 1 or len(text.split()) > 1


# A part of a 坐标 cell that names its axis: 经度：111.69, lat=40.85.
_AXIS_LABEL = re.compile(
    r"^(经度|纬度|longitude|latitude|long|lng|lon|lat)\s*[:=]?\s*(\S.*)$", re.I
)


def _labelled(parts: list[str]) -> tuple[str, str] | None:
    """The longitude and latitude of a 坐标 cell whose two parts each name their axis,
    in either order; None unless both do, naming different axes."""
    found: dict[str, str] = {}
    for part in parts:
        match = _AXIS_LABEL.match(part)
        if match is None:
            return None
        axis = "lat" if match[1] in ("纬度",) or match[1].lower().startswith("lat") else "lon"
        found[axis] = match[2].strip()
    if len(found) != 2:
        return None
    return found["lon"], found["lat"]


def _split_coordinates(
    grid: Grid, row: int, col: int, value: object, lat_first: bool
) -> tuple[dict[str, object], list[FieldError], list[FieldError]]:
    """A 坐标 cell's ``lon`` and ``lat``, with notes and errors."""
    text = unicodedata.normalize("NFKC", str(value)).strip().strip("()[]")
    parts = [p.strip() for p in _COORDINATE_SPLIT.split(text)]
    if len(parts) == 1:
        parts = text.split()
    if len(parts) != 2 or not all(parts):
        order_en, order_zh = ("lat,lon", "纬度,经度") if lat_first else ("lon,lat", "经度,纬度")
        error = _note(
            grid,
            f"the coordinates {text!r} are not two numbers {order_en}: write them as "
            f"{'44.305,86.214' if lat_first else '86.214,44.305'}",
            f"坐标“{text}”不是“{order_zh}”两个数：请写成如 "
            f"{'44.305,86.214' if lat_first else '86.214,44.305'}",
            row,
            col,
        )
        return {"lat": None, "lon": None}, [], [replace(error, field="lon")]
    labelled = _labelled(parts)
    if labelled is not None:  # 经度：111.69 纬度：40.85, lat:40.85,lng:111.69
        return {"lon": labelled[0], "lat": labelled[1]}, [], []
    first, second = parts
    if lat_first or (_marked(first, _LAT_MARK) and _marked(second, _LON_MARK)):
        first, second = second, first  # 纬度 first, by the header or by N/北纬 and E/东经
    notes: list[FieldError] = []
    if all(_PLAIN_NUMBER.match(p) for p in parts):
        lon, lat = float(first), float(second)
        if abs(lon) <= 55 and abs(lat) >= 73:  # lat,lon written for lon,lat: China is 73-135 E
            first, second = second, first
            note = _note(
                grid,
                f"the coordinates {text!r} look like latitude first; read as longitude "
                f"{first}, latitude {second}: check the point on the map",
                f"坐标“{text}”看起来是纬度在前，已按经度 {first}、纬度 {second} 读入："
                "请在地图上核对位置",
                row,
                col,
            )
            notes.append(replace(note, field="lat"))
    return {"lon": first, "lat": second}, notes, []


def _rejoined(
    grid: Grid, number: int, values: dict[int, object], col: int, last: int
) -> tuple[dict[int, object], FieldError | None]:
    """A CSV row one cell longer than its header whose 坐标 cell and the next hold one
    number each: the comma of an unquoted ``111.69,40.85`` split the coordinates into
    two cells and moved every later cell one column right. The row as written, with a
    note; other rows unchanged."""
    if max(values) != last + 1:
        return values, None
    first, second = values.get(col), values.get(col + 1)
    if not all(isinstance(v, str) and _PLAIN_NUMBER.match(v) for v in (first, second)):
        return values, None
    joined = f"{first},{second}"
    rows = {c if c < col else c - 1: v for c, v in values.items() if c != col}
    rows[col] = joined
    note = _note(
        grid,
        f"the coordinates {joined} are not in quotes, so their comma split the row into one "
        "cell too many; read as one cell: check the row, and quote such cells "
        f'("{joined}") or separate the numbers with a space',
        f"坐标 {joined} 没有加引号，其中的逗号把这一行多分出了一格；已按一格读入，请核对此行。"
        f'以后请给坐标加上英文双引号（"{joined}"），或用空格分开经度和纬度',
        number,
        col,
    )
    return rows, note
