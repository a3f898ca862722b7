"""Where an imported row's point lands, before anything is stored: the datum a file does
not state, 经度/纬度 swapped, points outside the importer's districts or outside every
known district, the template's example row, and rows exported before a later edit.

Every finding is a :class:`~stationmap.station_fields.FieldError` naming the sheet, row
and column, in English and Chinese, saying how to fix it. Errors refuse the file;
notes are warnings the preview shows beside the row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from shapely.geometry import shape
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from stationmap import catalog
from stationmap.field_values import ValueProblem
from stationmap.field_values.degrees import CHINA_DEGREES, Axis, decimal_places, parse_degrees
from stationmap.geo.datum import DATUMS, Datum, in_china, to_wgs84
from stationmap.geo.distance import geodesic_m
from stationmap.geo.hours_text import describe_schedule
from stationmap.models import District, PendingPlacement, Station
from stationmap.render.spot_svg import spot_svg
from stationmap.services import districts as district_service
from stationmap.services.bulk_rows import one_of
from stationmap.station_fields import FieldError, StationInput
from stationmap.tabular import TableRow

#: How a datum is named to an administrator (the coordinate picker it comes from).
DATUM_ZH: Mapping[str, str] = {"wgs84": "GPS（WGS-84）", "gcj02": "高德·腾讯", "bd09": "百度"}
DATUM_EN: Mapping[str, str] = {"wgs84": "GPS (WGS-84)", "gcj02": "AMap/Tencent", "bd09": "Baidu"}
#: The template's example station (old templates carried it as a real row).
EXAMPLE_CODE = "659001-0001"
EXAMPLE_NAME = "人民路社区党群服务中心暖新驿站"
EXAMPLE_MARK = "示例"
#: How far a point stored from the same numbers under the wrong datum may lie from the
#: one the stated datum gives (the largest GCJ-02/BD-09 offset in China, with margin).
DATUM_OFFSET_M = 1500.0
SAME_POINT_M = 50.0
#: Coordinates with at most this many decimals place a station only to about 0.5 km
#: (half of 0.01°): a person should check them. A picker gives 6.
COARSE_DECIMALS = 2
METRES_PER_DEGREE = 111_320.0
# Decimal text finer than COARSE_DECIMALS (ASCII, nothing around it).
_FINE_RE = re.compile(rf"-?[0-9]*\.[0-9]{{{COARSE_DECIMALS + 1},}}", re.ASCII)


@dataclass
class PlacedRow:
    """A row with coordinates, for :func:`check_placement`: where it came from (its
    ``values`` only the raw ``lat``/``lon``), the datum they are read in, and its index
    among the checked stations (``None``: the row was refused). ``degrees``: the raw
    ``lat``/``lon`` as the field check read them (``None``: it did not read both, and
    :func:`check_placement` reads the cells itself). ``stored``: the WGS-84 (lat, lon)
    its station is saved at, once the field check accepted it (converted and rounded):
    :func:`check_placement` locates the row's stated reading there, so the district it
    finds is the one the saved station lies in, and the save need not locate again."""

    row: TableRow
    datum: Datum
    index: int | None = None
    degrees: tuple[float, float] | None = None
    stored: tuple[float, float] | None = None

    def entered(self) -> tuple[float, float] | None:
        """The row's 纬度 and 经度 in degrees as entered (in ``datum``): as the field
        check read them, else read from the cells as :func:`_number` reads them;
        ``None`` where either is not degrees."""
        if self.degrees is not None:
            return self.degrees
        raw = self.row.values
        lat, lon = _number(raw.get("lat"), "lat"), _number(raw.get("lon"), "lon")
        return None if lat is None or lon is None else (lat, lon)


@dataclass(frozen=True)
class Names:
    """District code -> (name, level) for messages."""

    table: Mapping[str, tuple[str, str]]

    @classmethod
    def load(cls, session: Session) -> Names:
        rows = session.execute(select(District.code, District.name, District.level))
        return cls({code: (name, level) for code, name, level in rows})

    def zh(self, code: str | None) -> str:
        if code is None:
            return "任何已知区县之外"
        name, level = self.table.get(code, (code, ""))
        label = {"province": "省级", "city": "地级", "county": "县级"}.get(level, "")
        return f"{name}（{label + '，' if label else ''}{code}）"

    def en(self, code: str | None) -> str:
        if code is None:
            return "outside every known district"
        name, level = self.table.get(code, (code, ""))
        return f"{name} ({level + ', ' if level else ''}{code})"


def normalise_code(value: object) -> object:
    """A code as typed in a spreadsheet (another dash, spaces) in the form stations are
    stored under; other values unchanged. Digits are left as written: a code in
    full-width digits is refused by the field check, which says to use 半角数字."""
    if not isinstance(value, str):
        return value
    text = value
    for dash in ("－", "—", "–", "‐", "−"):
        text = text.replace(dash, "-")
    return "".join(text.split())


def has_datum(rows: Sequence[tuple[int, Mapping[str, object]]]) -> bool:
    """Whether every row says its datum (a 坐标系 column with a value)."""
    return all(raw.get("datum") not in (None, "") for _number, raw in rows)


def datum_question(rows: Sequence[tuple[int, Mapping[str, object]]]) -> FieldError:
    """The question for a file whose rows do not all say their datum."""
    if rows and "datum" in rows[0][1]:  # the column is there, some cells are empty
        empty = [str(n) for n, raw in rows if raw.get("datum") in (None, "")]
        shown = "、".join(empty[:10]) + ("等" if len(empty) > 10 else "")
        return FieldError(
            "datum",
            f"Rows {', '.join(empty[:10])} leave 坐标系 (datum) empty: say which coordinate "
            "picker their coordinates came from (GPS, AMap/Tencent or Baidu), or fill the "
            "cells with wgs84, gcj02 or bd09.",
            None,
            f"第 {shown} 行的“坐标系”为空：请选择这些行的坐标是从哪种地图取的"
            "（GPS、高德·腾讯 或 百度），或在这些格中填 wgs84、gcj02 或 bd09。",
        )
    return FieldError(
        "datum",
        "The file has no 坐标系 (datum) column: say which coordinate picker the "
        "coordinates came from (GPS, AMap/Tencent or Baidu), or add a 坐标系 column "
        "with wgs84, gcj02 or bd09.",
        None,
        "文件没有“坐标系”列：请选择坐标是从哪种地图取的（GPS、高德·腾讯 或 百度），"
        "或在文件中加一列“坐标系”，填 wgs84、gcj02 或 bd09。",
    )


def example_row(raw: Mapping[str, object], source: TableRow) -> FieldError | None:
    """The template's example row left in a file."""
    code = str(normalise_code(raw.get("code")) or "")
    name = str(raw.get("name") or "")
    if code in (EXAMPLE_CODE, EXAMPLE_MARK) or name == EXAMPLE_NAME or name.startswith("【示例"):
        return source.locate(
            FieldError(
                "name",
                f"this is the template's example station ({EXAMPLE_NAME}), not a real one: "
                "delete the row and upload again.",
                message_zh=f"这是模板里的示例驿站（{EXAMPLE_NAME}），不是真实驿站："
                "请删除这一行后重新上传。",
            )
        )
    return None


def _number(value: object, axis: Axis) -> float | None:
    """A raw 纬度/经度 cell as degrees, read as the station fields read it (decimal,
    degrees-minutes-seconds, full-width digits), but without the range check of its own
    axis: a 纬度 of 111 is a swapped longitude to look at, not a reason to skip the
    checks. ``None`` where the cell is not degrees at all (the field check says so)."""
    if isinstance(value, bool) or value is None:
        return None
    for reading in (axis, "lon"):  # a longitude's range lets a swapped 纬度 through
        try:
            return parse_degrees(value, reading)
        except ValueProblem:
            continue
    return None


@dataclass
class Placement:
    """What :func:`check_placement` found: errors (refuse) and notes (warn), by row."""

    errors: list[FieldError] = field(default_factory=list)
    #: Notes and districts by index in the rows checked.
    notes: dict[int, list[FieldError]] = field(default_factory=dict)
    districts: dict[int, str | None] = field(default_factory=dict)
    #: Rows (sheet, row number) whose 经度 and 纬度 look swapped.
    swapped: set[tuple[str | None, int]] = field(default_factory=set)


def _inside(codes: frozenset[str] | None, district: str | None) -> bool:
    return district is not None and (codes is None or district in codes)


def _locate_readings(
    session: Session, asked: list[tuple[int, str, float, float, Datum]]
) -> dict[int, dict[str, tuple[tuple[float, float], str | None]]]:
    """(row, kind, lat, lon, datum) readings converted to WGS-84 a datum at a time over
    arrays (one point at a time costs seconds per 1,000 rows) and located: row -> kind
    -> (WGS-84 point, district). Readings off the globe are left out."""
    candidates: list[tuple[int, str, tuple[float, float]]] = []
    for datum in DATUMS:
        group = [a for a in asked if a[4] == datum and abs(a[2]) <= 90.0 and abs(a[3]) <= 180.0]
        if not group:
            continue
        lats, lons = to_wgs84(
            np.array([a[2] for a in group]), np.array([a[3] for a in group]), datum
        )
        # As Python floats: arithmetic on numpy's scalars costs more than the conversion.
        for (number, kind, *_rest), w_lat, w_lon in zip(
            group, lats.tolist(), lons.tolist(), strict=True
        ):
            if abs(w_lat) <= 90.0 and abs(w_lon) <= 180.0:
                candidates.append((number, kind, (w_lat, w_lon)))
    found: dict[int, dict[str, tuple[tuple[float, float], str | None]]] = {}
    if not candidates:
        return found
    located = district_service.locate_many(
        session, [p[0] for _n, _k, p in candidates], [p[1] for _n, _k, p in candidates]
    )
    for (number, kind, point), district in zip(candidates, located, strict=True):
        found.setdefault(number, {})[kind] = (point, district)
    return found


def check_placement(
    session: Session,
    rows: Sequence[PlacedRow],
    codes: frozenset[str] | None,
) -> Placement:
    """Each row's raw ``lat``/``lon`` in its ``datum``, located among the stored
    districts, beside the alternatives (the axes swapped; the other datums).

    * The point is outside China or every known district (or ``codes``) while the
      swapped point is inside: an error "经度和纬度可能填反了" on the row.
    * The point is outside ``codes`` (a district administrator's): an error naming the
      district it lies in, and the datum that would put it inside, if one does.
    * The point is in no known district (a superadmin's import): a note.

    ``districts`` of the answer holds each row's district by its stated reading: for a
    row with a ``stored`` point, the district its station is saved in.
    """
    out = Placement()
    for number, spot in enumerate(rows):
        if spot.index is None or _china_degrees(spot):  # else: refused as not in China
            _coarse(number, spot.row, out)
    # The stated reading of every row first; the alternatives (axes swapped, the other
    # datums) only for the rows it does not place where they may be: a file of good
    # rows costs one point per row, not four.
    readings: list[tuple[int, str, float, float, Datum]] = []
    for number, spot in enumerate(rows):
        if (degrees := spot.entered()) is not None:
            readings.append((number, "stated", *degrees, spot.datum))
    # A stated reading is located at the point its station is saved at, where known.
    at_stored: list[tuple[int, str, float, float, Datum]] = [
        reading if (point := rows[reading[0]].stored) is None else (*reading[:2], *point, "wgs84")
        for reading in readings
    ]
    found = _locate_readings(session, at_stored)
    asked: list[tuple[int, str, float, float, Datum]] = []
    for number, kind, lat, lon, datum in readings:
        reading = found.get(number, {}).get(kind)
        if reading is not None and _inside(codes, reading[1]):
            continue
        asked.append((number, "swapped", lon, lat, datum))
        asked += [(number, other, lat, lon, other) for other in DATUMS if other != datum]
    for number, options in _locate_readings(session, asked).items():
        found.setdefault(number, {}).update(options)
    names = Names.load(session)
    for index, options in found.items():
        source = rows[index].row
        number = source.number
        stated = options.get("stated")
        swapped = options.get("swapped")
        district = stated[1] if stated else None
        out.districts[index] = district
        stated_ok = stated is not None and _inside(codes, district)
        if (
            not stated_ok
            and swapped is not None
            and _inside(codes, swapped[1])
            and bool(in_china(*swapped[0]))
        ):
            out.errors.append(_swapped(source, names, district, swapped[1]))
            out.swapped.add((source.sheet, number))
            continue
        if stated_ok:
            continue
        other = next(
            (
                (kind, d)
                for kind, (_p, d) in options.items()
                if kind in DATUMS and _inside(codes, d)
            ),
            None,
        )
        hint_zh = hint_en = ""
        if other is not None:
            hint_zh = (
                f"若坐标取自{DATUM_ZH[other[0]]}地图，则落在{names.zh(other[1])}："
                "请核对坐标来源，必要时在“坐标系”列改填正确的坐标系。"
            )
            hint_en = (
                f" Read as {DATUM_EN[other[0]]} coordinates it lies in {names.en(other[1])}: "
                "check where the coordinates came from and correct the 坐标系 column."
            )
        stated_name = DATUM_ZH[rows[index].datum]
        if codes is not None:
            out.errors.append(
                _error(
                    source,
                    f"the point lies in {names.en(district)}, not in your districts; "
                    "correct 经度/纬度 or ask an administrator of that district." + hint_en,
                    f"按{stated_name}坐标，该点在{names.zh(district)}，"
                    f"不在您负责的区县内。请核对经度、纬度，或交由该区县的管理员导入。" + hint_zh,
                )
            )
        elif district is None and rows[index].index is not None and not _china_degrees(rows[index]):
            out.errors.append(_abroad(source))
        elif district is None:
            out.notes.setdefault(index, []).append(
                _error(
                    source,
                    "the point lies outside every known district; check 经度/纬度 before "
                    "importing." + hint_en,
                    f"按{stated_name}坐标，该点不在任何已知区县内，"
                    "请核对经度、纬度后再导入。" + hint_zh,
                )
            )
    return out


def _china_degrees(spot: PlacedRow) -> bool:
    """Whether a row's point as entered lies within :data:`CHINA_DEGREES`, where every
    station of ours is; outside them (0,0, a minus sign, days taken for degrees) it is no
    station's place, whatever district list the server holds. Asked only of rows the
    field check accepted: a refused row has its own error."""
    degrees = spot.entered()
    if degrees is None:
        return True
    (lat_low, lat_high), (lon_low, lon_high) = CHINA_DEGREES["lat"], CHINA_DEGREES["lon"]
    return lat_low <= degrees[0] <= lat_high and lon_low <= degrees[1] <= lon_high


def _abroad(source: TableRow) -> FieldError:
    lat, lon = source.values.get("lat"), source.values.get("lon")
    (lat_low, lat_high), (lon_low, lon_high) = CHINA_DEGREES["lat"], CHINA_DEGREES["lon"]
    return _error(
        source,
        f"the point (latitude {lat}, longitude {lon}) is not in China (longitude "
        f"{lon_low:g}-{lon_high:g} E, latitude {lat_low:g}-{lat_high:g} N): no station "
        "lies there. Correct 经度/纬度 to the station's place and upload again.",
        f"该点（纬度 {lat}、经度 {lon}）不在中国境内（东经 {lon_low:g}–{lon_high:g} 度、"
        f"北纬 {lat_low:g}–{lat_high:g} 度之外），不会是驿站的位置："
        "请按驿站的实际位置改正经度、纬度后重新上传。",
    )


def other_readings(
    session: Session, lat: float, lon: float, datum: Datum, codes: frozenset[str] | None
) -> list[tuple[str, str]]:
    """Where one typed point (``lat``, ``lon`` in degrees as entered in ``datum``) would
    lie read otherwise, for the editor's refusal: ``("swapped", district)`` for the axes
    swapped (same datum, only inside China) and ``(other datum, district)``, each only
    where the district is one of ``codes`` (any known district when ``None``)."""
    asked: list[tuple[int, str, float, float, Datum]] = [(0, "swapped", lon, lat, datum)]
    asked += [(0, other, lat, lon, other) for other in DATUMS if other != datum]
    found = _locate_readings(session, asked).get(0, {})
    return [
        (kind, district)
        for kind, (point, district) in sorted(found.items(), key=lambda item: item[0] != "swapped")
        if district is not None
        and _inside(codes, district)
        and (kind != "swapped" or bool(in_china(*point)))
    ]


def coarse_places(lat: object, lon: object) -> tuple[int, int, float] | None:
    """For 纬度 and 经度 in plain decimals with :data:`COARSE_DECIMALS` decimals or fewer
    in one of them: (fewest decimals, most decimals, how far in metres the station may
    be from the point meant); ``None`` for finer or other values."""
    if (
        type(lat) is str
        and type(lon) is str
        and _FINE_RE.fullmatch(lat) is not None
        and _FINE_RE.fullmatch(lon) is not None
    ):
        return None  # both plain text with 3 decimals or more: as nearly every row
    lat_places, lon_places = decimal_places(lat), decimal_places(lon)
    if lat_places is None or lon_places is None:
        return None
    fewest = min(lat_places, lon_places)
    if fewest > COARSE_DECIMALS:
        return None
    return fewest, max(lat_places, lon_places), 0.5 * 10.0**-fewest * METRES_PER_DEGREE


def _coarse(index: int, source: TableRow, out: Placement) -> None:
    """A note on a row whose 纬度 or 经度 has :data:`COARSE_DECIMALS` decimals or fewer
    (111.9 is anywhere within about 5.6 km); an error when both are whole degrees (a
    station 50 km from its point is no station on a map)."""
    lat, lon = source.values.get("lat"), source.values.get("lon")
    coarse = coarse_places(lat, lon)
    if coarse is None:
        return
    fewest, most, metres = coarse
    far_zh = f"{metres / 1000:.1f} 公里" if metres >= 1000 else f"{metres:.0f} 米"
    far_en = f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"
    if most == 0:
        out.errors.append(
            _error(
                source,
                f"latitude {lat} and longitude {lon} are whole degrees: the station could "
                f"be {far_en} away; take the coordinates from a map picker (5 or more "
                "decimals) and import again.",
                f"纬度 {lat}、经度 {lon} 是整数度，驿站位置可能偏差约 {far_zh}："
                "请用地图的坐标拾取器取坐标（至少 5 位小数）后再导入。",
            )
        )
        return
    out.notes.setdefault(index, []).append(
        _error(
            source,
            f"latitude {lat} and longitude {lon} have only {fewest} decimal(s): the station "
            f"may be up to about {far_en} away; check it on the map, or take the "
            "coordinates from a map picker (5 or more decimals).",
            f"纬度 {lat}、经度 {lon} 只有 {fewest} 位小数，驿站位置可能偏差约 {far_zh}："
            "请在地图上核对，或用坐标拾取器重新取坐标（至少 5 位小数）。",
        )
    )


def _error(source: TableRow, en: str, zh: str) -> FieldError:
    return source.locate(FieldError("lat", en, message_zh=zh))


def _swapped(
    source: TableRow, names: Names, district: str | None, swapped: str | None
) -> FieldError:
    return _error(
        source,
        "经度 (longitude) and 纬度 (latitude) may be swapped: as given the "
        f"point lies {('in ' + names.en(district)) if district else 'outside every known district'}"
        f", swapped it lies in {names.en(swapped)}. Swap the two cells and upload again.",
        f"经度和纬度可能填反了：按所填数值该点在{names.zh(district)}，"
        f"对调后在{names.zh(swapped)}。请把经度、纬度两格对调后重新上传。",
    )


# -- matching and versions -----------------------------------------------------------------
@dataclass
class Conflict:
    """A row exported at ``file_version`` of a station since edited (now at
    ``stored_version``): field -> (stored value, the file's value)."""

    row: int
    code: str
    name: str
    file_version: int
    stored_version: int
    changes: dict[str, tuple[Any, Any]]
    sheet: str | None = None


def match_wrong_datum(
    session: Session,
    items: Sequence[tuple[StationInput, float, float]],
) -> dict[int, Station]:
    """Rows without a code, in GCJ-02 or BD-09, whose numbers an earlier import stored
    as if they were WGS-84: the station of the same name standing within
    :data:`SAME_POINT_M` of the raw numbers read as WGS-84 (and within
    :data:`DATUM_OFFSET_M` of the converted point). ``items``: (input, raw lat, raw lon).
    Returns ``id(input)`` -> station."""
    wanted = [
        (d, lat, lon) for d, lat, lon in items if d.code is None and d.entered_datum != "wgs84"
    ]
    if not wanted:
        return {}
    names = sorted({d.name for d, _lat, _lon in wanted})
    stations = list(
        session.scalars(
            select(Station).where(
                one_of(session.connection(), Station.name, names), Station.deleted_at.is_(None)
            )
        )
    )
    out: dict[int, Station] = {}
    taken: set[int] = set()
    for data, lat, lon in wanted:
        for station in stations:
            if (
                station.id not in taken
                and station.name == data.name
                and geodesic_m(lat, lon, station.lat, station.lon) <= SAME_POINT_M
                and geodesic_m(data.lat, data.lon, station.lat, station.lon) <= DATUM_OFFSET_M
            ):
                out[id(data)] = station
                taken.add(station.id)
                break
    return out


# -- the preview ---------------------------------------------------------------------------
@dataclass
class PreviewRow:
    """One row of an import's preview, as an official checks it."""

    row: int
    sheet: str | None
    code: str | None
    name: str
    action: str  # create, update, unchanged, conflict
    district: str
    hours: str
    amenities: str
    svg: str
    notes: list[FieldError]
    changes: dict[str, tuple[Any, Any]]
    #: ``district``, ``hours`` and ``amenities`` for the English interface.
    district_en: str = ""
    hours_en: str = ""
    amenities_en: str = ""

    def text(self, name: str, lang: str = "zh") -> str:
        """``district``, ``hours`` or ``amenities`` in ``lang`` (``zh`` or ``en``)."""
        if lang.startswith("zh"):
            return str(getattr(self, name))
        return str(getattr(self, f"{name}_en") or getattr(self, name))


def preview_rows(
    session: Session, views: Sequence[Any], result: Any, conflicts: Sequence[Conflict]
) -> list[PreviewRow]:
    """The rows of a checked import (``views``: :class:`~stationmap.services.transfer.RowView`)
    with what the import does to each, the district by name and a small map of the
    point beside the district's boundary."""
    names = Names.load(session)
    wanted = sorted({v.district_code for v in views if v.district_code})
    shapes: dict[str, Any] = {}
    if wanted:
        for district, text in session.execute(
            select(District.code, District.boundary_geojson).where(District.code.in_(wanted))
        ):
            if text:
                shapes[district] = shape(json.loads(text))
    conflicted = {c.code for c in conflicts}
    known = set(result.updated) | set(result.unchanged)
    by_name: dict[str, str] = {}
    if known:
        for station_code, name in session.execute(
            select(Station.code, Station.name).where(Station.code.in_(sorted(known)))
        ):
            by_name.setdefault(name, station_code)
    out: list[PreviewRow] = []
    for view in views:
        item: StationInput = view.item
        code = item.code or by_name.get(item.name)
        if code in conflicted:
            action = "conflict"
        elif code in result.updated:
            action = "update"
        elif code in result.unchanged:
            action = "unchanged"
        else:
            action = "create"
        # Districts have no English names in the data: English keeps the Chinese name.
        district_name = names.table.get(view.district_code or "", ("",))[0]
        district = district_name or "无区县"
        out.append(
            PreviewRow(
                row=view.row,
                sheet=view.sheet,
                code=code,
                name=item.name,
                action=action,
                district=district,
                hours=(
                    describe_schedule(item.opening_hours)
                    if item.opening_hours
                    else item.opening_hours_text or "未填写"
                ),
                amenities="、".join(catalog.AMENITY_BY_CODE[a].zh for a in item.amenities) or "—",
                svg=spot_svg(
                    shapes.get(view.district_code or ""),
                    item.lat,
                    item.lon,
                    title=f"{item.name} · {district}",
                ),
                notes=list(view.notes),
                changes=result.changes.get(code, {}) if code else {},
                district_en=district_name or "No district",
                hours_en=(
                    describe_schedule(item.opening_hours, "en")
                    if item.opening_hours
                    else item.opening_hours_text or "not given"
                ),
                amenities_en=", ".join(catalog.AMENITY_BY_CODE[a].en for a in item.amenities)
                or "—",
            )
        )
    return out


# -- rows to place on the map -----------------------------------------------------------------
@dataclass(frozen=True)
class PendingRow:
    """A row with an address and no coordinates: to be placed on the map, never guessed."""

    row: int
    name: str
    address: str
    fields: Mapping[str, str]
    sheet: str | None = None


def unplaced(raw: Mapping[str, object]) -> bool:
    """Whether a row gives an address but neither 纬度 nor 经度."""
    empty = (None, "")
    return (
        raw.get("lat") in empty
        and raw.get("lon") in empty
        and str(raw.get("address") or "").strip() != ""
    )


def pending_row(item: StationInput, row: int, sheet: str | None = None) -> PendingRow:
    """``item`` (checked with a stand-in point) as a row waiting for its place."""
    values = {
        "host_type": item.host_type,
        "amenities": ";".join(item.amenities),
        "worker_groups": ";".join(item.worker_groups),
        "opening_hours": item.opening_hours or "",
        "phone": item.phone,
        "contact": item.contact,
        "services": "\n".join(item.services),
        "status": item.status,
    }
    return PendingRow(row, item.name, item.address, values, sheet)


def save_pending(
    session: Session,
    rows: Sequence[PendingRow],
    codes: frozenset[str] | None,
    by: str,
    source: str,
) -> int:
    """Keep ``rows`` in the to-do list of the importer's district (one district: that
    one; otherwise the importer's own list). A row already waiting (same name and
    address) is not added twice. Returns how many were added."""
    district = next(iter(codes)) if codes is not None and len(codes) == 1 else None
    added = 0
    for row in rows:
        exists = session.scalar(
            select(PendingPlacement.id).where(
                PendingPlacement.name == row.name, PendingPlacement.address == row.address
            )
        )
        if exists is not None:
            continue
        session.add(
            PendingPlacement(
                name=row.name,
                address=row.address,
                district_code=district,
                fields=json.dumps(dict(row.fields), ensure_ascii=False),
                source=f"{source} 第 {row.row} 行"[:300],
                created_by=by[:100],
                created_at=datetime.now(UTC),
            )
        )
        added += 1
    session.flush()
    return added


def pending_list(session: Session, codes: frozenset[str] | None, by: str) -> list[Any]:
    """The rows waiting for a place that the user sees: those of their districts and
    their own (a superadmin: all)."""
    stmt = select(PendingPlacement).order_by(PendingPlacement.id)
    if codes is not None:
        stmt = stmt.where(
            or_(
                PendingPlacement.district_code.in_(sorted(codes)),
                PendingPlacement.created_by == by,
            )
        )
    return list(session.scalars(stmt))


def take_pending(
    session: Session, pending_id: int, codes: frozenset[str] | None, by: str
) -> Any | None:
    """One waiting row the user sees, or ``None``."""
    return next((p for p in pending_list(session, codes, by) if p.id == pending_id), None)
