"""Checking what people and files say about a station. Pure: no Flask, no database.

One function, :func:`parse_station`, turns a mapping of field names to raw values (from
a CSV cell, an XLSX cell, a GeoJSON property, an API body or a form) into a
:class:`StationInput`, or into the list of every problem found, each naming its field.
The API, the admin forms and the importers all go through it, so a station is checked
the same way wherever it comes from. Values written the way county offices write them
(degrees-minutes-seconds, full-width digits, phone cells with names) are read by
:mod:`stationmap.field_values`; every error says how to fix it in English and Chinese.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from stationmap import catalog
from stationmap.field_values import Note, ValueProblem, has_lone_surrogate, shown
from stationmap.field_values.degrees import parse_degrees
from stationmap.field_values.host_types import (
    HOST_TYPE_LINE_ZH,
    HostTypeReading,
    read_host_type,
)
from stationmap.field_values.phones import read_phone_and_contact
from stationmap.field_values.projected import plane_coordinate, projected_datum
from stationmap.field_values.services import amenities_from_services
from stationmap.field_values.types import type_problem
from stationmap.geo.datum import Datum, NoWgs84Point, parse_datum, to_wgs84
from stationmap.geo.hours import HoursError
from stationmap.geo.hours_office import read_office_hours

FIELDS: tuple[str, ...] = (
    "code",
    "name",
    "address",
    "lat",
    "lon",
    "datum",
    "host_type",
    "amenities",
    "worker_groups",
    "opening_hours",
    "phone",
    "contact",
    "services",
    "status",
)
#: Each field's name as Chinese administrators read it.
FIELD_ZH: Mapping[str, str] = {
    "code": "编码",
    "name": "名称",
    "address": "地址",
    "lat": "纬度",
    "lon": "经度",
    "datum": "坐标系",
    "host_type": "承建类型",
    "amenities": "服务设施",
    "worker_groups": "服务人群",
    "opening_hours": "开放时间",
    "phone": "电话",
    "contact": "联系人",
    "services": "服务项目",
    "status": "状态",
}
#: Each field's name as the English interface shows it.
FIELD_EN: Mapping[str, str] = {
    "code": "Code",
    "name": "Name",
    "address": "Address",
    "lat": "Latitude",
    "lon": "Longitude",
    "datum": "Coordinate system",
    "host_type": "Host type",
    "amenities": "Amenities",
    "worker_groups": "Worker groups",
    "opening_hours": "Opening hours",
    "phone": "Phone",
    "contact": "Contact",
    "services": "Services",
    "status": "Status",
}
LIST_FIELDS = ("amenities", "worker_groups", "services")
_FIELD_SET = frozenset(FIELDS)
# The fields read as one line of text (``_text``); the others are degrees or lists.
TEXT_FIELDS = (
    "code",
    "name",
    "address",
    "datum",
    "host_type",
    "opening_hours",
    "phone",
    "contact",
    "status",
)
LIMITS = {"name": 200, "address": 300, "phone": 60, "contact": 100, "service_line": 200}
MAX_SERVICE_LINES = 30
# ASCII digits only: ``\d`` would let full-width (５) and Arabic-Indic (٥) digits through.
CODE_RE = re.compile(r"^[0-9]{6}-[0-9]{4,6}$")
LIST_SPLIT_RE = re.compile(r"[;；,，、|\n]+")
SERVICE_SPLIT_RE = re.compile(r"[;；]")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# Unicode's explicit direction embeddings, overrides and isolates (LRE RLE PDF LRO RLO,
# LRI RLI FSI PDI): invisible, they make a page show the text reversed (an address
# "123 路" after RLO reads "路 321"). The plain marks (LRM, RLM) are left alone, and
# right-to-left scripts such as Uyghur need none of these.
DIRECTION_CONTROL_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class FieldError:
    """One problem with one field.

    ``message`` is English (the API's language); ``message_zh`` is the same in Chinese
    for administrators, saying how to fix it. ``row`` is the 1-based row in the file (as
    the office's spreadsheet numbers it), ``sheet`` the sheet's name and ``column`` the
    spreadsheet column letter (``"J"``), where the problem came from a file.
    """

    field: str
    message: str
    row: int | None = None
    message_zh: str = ""
    sheet: str | None = None
    column: str | None = None

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``); English where no Chinese is given."""
        if lang.startswith("zh") and self.message_zh:
            return self.message_zh
        return self.message

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "message": self.message}
        if self.message_zh:
            out["message_zh"] = self.message_zh
        for key in ("row", "sheet", "column"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True)
class StationInput:
    """A checked station. ``lat``/``lon`` are WGS-84, converted from ``entered_datum``."""

    name: str
    lat: float
    lon: float
    entered_datum: Datum = "wgs84"
    code: str | None = None
    address: str = ""
    host_type: str = "other"
    amenities: tuple[str, ...] = ()
    worker_groups: tuple[str, ...] = ()
    opening_hours: str | None = None
    # Hours as an office wrote them when a person must decide what they mean
    # (夏季8:00-21:00，冬季9:00-19:00); ``opening_hours`` is then None.
    opening_hours_text: str | None = None
    phone: str = ""
    contact: str = ""
    services: tuple[str, ...] = ()
    status: str = "active"
    # Warnings a person should look at (a value converted or guessed), shown in an
    # import's preview beside its row; never a reason to refuse the station.
    notes: tuple[FieldError, ...] = ()


class InvalidStation(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def _one_of(names: list[str], comma: str, last: str) -> str:
    """``a, b or c`` (or ``a、b或 c``): the choices of a vocabulary, for a message."""
    return comma.join(names[:-1]) + last + names[-1] if len(names) > 1 else "".join(names)


def _text(value: Any) -> str:
    if type(value) is str:  # every cell of a CSV file: nothing to convert
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number read from a spreadsheet as 13812345678.0
    return str(value).strip()


def _visible(text: str) -> bool:
    """Whether ``text`` shows anything: a name of zero-width spaces, joiners, marks or a
    soft hyphen (Unicode's format characters, Cf) shows as nothing in every list."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def _error(name: str, message: str, message_zh: str) -> FieldError:
    return FieldError(name, message, message_zh=message_zh)


def _well_typed(
    raw: Mapping[str, Any], errors: list[FieldError]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Every field of :data:`FIELDS` with its value in ``raw`` (``None`` where it has
    none), but those whose values have a type no station can hold: these are reported,
    in the order of :data:`FIELDS`, and left out (so that no later check reports them
    again). Only values other than ``None`` and plain text need
    :func:`~stationmap.field_values.types.type_problem`.

    With it, each of :data:`TEXT_FIELDS` as text, read once (empty for no value or a
    refused one): plain text is stripped as it is met, other values once kept."""
    clean: dict[str, Any] = dict.fromkeys(FIELDS)
    texts = dict.fromkeys(TEXT_FIELDS, "")
    suspects: list[str] = []
    for name, value in raw.items():
        if name not in clean:
            continue  # not a field: reported apart
        clean[name] = value
        if value is None:
            continue
        if type(value) is str:  # every cell of a CSV file
            if name in texts:
                texts[name] = value.strip()
            if name != "lat" and name != "lon" and has_lone_surrogate(value):
                suspects.append(name)
        elif name != "lat" and name != "lon":  # lat, lon: numbers or text, parse_degrees
            suspects.append(name)
    for name in sorted(suspects, key=FIELDS.index):
        if problem := type_problem(clean[name], FIELD_ZH[name], list_allowed=name in LIST_FIELDS):
            errors.append(_error(name, problem.message, problem.message_zh))
            del clean[name]
            if name in texts:
                texts[name] = ""
        elif name in texts:
            texts[name] = _text(clean[name])
    return clean, texts


def _degrees(
    raw: Mapping[str, Any], name: str, errors: list[FieldError], office_file: bool
) -> float:
    try:
        axis: Literal["lat", "lon"] = "lat" if name == "lat" else "lon"
        return parse_degrees(raw.get(name), axis, from_sheet=office_file)
    except ValueProblem as exc:
        problem = plane_coordinate(raw.get(name), FIELD_ZH[name]) or exc
        errors.append(_error(name, problem.message, problem.message_zh))
        return math.nan


def split_list(value: Any) -> list[str]:
    """``"water; toilet"``, ``"饮用水、卫生间"`` or ``["water", "toilet"]`` -> items."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [_text(v) for v in value]
    else:
        items = LIST_SPLIT_RE.split(_text(value))
    return [item for item in (i.strip() for i in items) if item]


def _codes(value: Any, kind: str, name: str, errors: list[FieldError]) -> tuple[str, ...]:
    if value is None:
        return ()
    codes: list[str] = []
    unknown: list[str] = []
    for item in split_list(value):
        code = catalog.lookup(kind, item)
        if code is None:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    if unknown:
        terms = catalog.AMENITIES if kind == "amenity" else catalog.WORKER_GROUPS
        listed = ", ".join(shown(u) for u in unknown)
        errors.append(
            _error(
                name,
                f"unknown code(s): {listed}; use codes or names from "
                f"/api/v1/{'amenities' if kind == 'amenity' else 'worker-groups'}",
                f"{FIELD_ZH[name]}中有无法识别的项目：{'、'.join(shown(u) for u in unknown)}；"
                f"请改用以下名称之一：{'、'.join(t.zh for t in terms)}",
            )
        )
    return tuple(sorted(codes, key=_ORDER[kind].__getitem__))


# Each vocabulary's codes by their place in it: codes are listed in this order.
_ORDER = {
    kind: {code: i for i, code in enumerate(codes)}
    for kind, codes in (
        ("amenity", catalog.AMENITY_CODES),
        ("worker_group", tuple(t.code for t in catalog.WORKER_GROUPS)),
    )
}


def _service_lines(value: Any) -> tuple[str, ...]:
    """A list of lines, or text with one line per row; text on a single row may use
    ``;`` between items (a line of its own may contain ``;`` only in multi-line text)."""
    if isinstance(value, list | tuple):
        lines = [_text(v) for v in value]
    else:
        text = _text(value)
        if not text:
            return ()
        lines = text.splitlines() if "\n" in text else SERVICE_SPLIT_RE.split(text)
    return tuple(line.strip() for line in lines if line.strip())


_LINE_BREAKS_RE = re.compile(r"[ \t]*(?:\r\n|\r|\n)+[ \t]*")


# One phone or person a line; one rule of opening hours a line (周一至周五 9:00-18:00 ↵
# 周六 9:00-12:00), read as rules separated by ；.
_LIST_JOINS = {"phone": "/", "contact": "、", "opening_hours": "；"}


def _wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in "WF"


def _one_line(key: str, text: str) -> str:
    """``text`` with its line breaks joined: a phone's as ``/`` and a contact's as ``、``
    (one number or person a line), others as nothing between two Chinese characters
    and as a space elsewhere."""
    if key in _LIST_JOINS:
        return _LINE_BREAKS_RE.sub(_LIST_JOINS[key], text)

    def join(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if _wide(before) and _wide(after) else " "

    return _LINE_BREAKS_RE.sub(join, text)


def _join_cell_lines(raw: dict[str, Any], texts: dict[str, str], notes: list[FieldError]) -> None:
    """An office file's one-line fields written over lines in a cell (Excel's Alt+Enter:
    an address on two lines, two phone numbers, hours a rule a line) joined into one
    line, with a note."""
    for key in ("name", "address", "contact", "phone", "opening_hours"):
        text = texts[key]
        if "\n" not in text and "\r" not in text:
            continue
        joined = _one_line(key, text)
        texts[key] = joined
        if key == "phone":
            raw[key] = joined
        notes.append(
            _error(
                key,
                f"was written over several lines in its cell; read as one line: {joined}",
                f"{FIELD_ZH[key]}在单元格内分了行（Alt+Enter），已并为一行：{joined}",
            )
        )


_CONTROLLED = ("name", "address", "phone", "contact", "code", "opening_hours")


def _control_characters(texts: Mapping[str, str], errors: list[FieldError]) -> None:
    joined = "".join([texts[key] for key in _CONTROLLED])  # most rows: no field has one
    if CONTROL_RE.search(joined) is None and DIRECTION_CONTROL_RE.search(joined) is None:
        return
    for key in _CONTROLLED:
        if texts[key] and CONTROL_RE.search(texts[key]):
            errors.append(
                _error(
                    key,
                    "contains control characters: remove line breaks and tabs",
                    f"{FIELD_ZH[key]}含有控制字符（如换行、制表符）：请删除后重新填写",
                )
            )
        elif texts[key] and DIRECTION_CONTROL_RE.search(texts[key]):
            errors.append(
                _error(
                    key,
                    "contains invisible text-direction controls (U+202A-U+202E, "
                    "U+2066-U+2069) that show it reversed: remove them",
                    f"{FIELD_ZH[key]}含有看不见的文字方向控制符，会使文字显示颠倒：请删除后重新填写",
                )
            )


def _opening_hours(
    text: str, errors: list[FieldError]
) -> tuple[str | None, str | None, tuple[FieldError, ...]]:
    """OSM hours, hours kept as written, and a note on what was converted or kept."""
    if not text:
        return None, None, ()
    try:
        reading = read_office_hours(text)
    except HoursError as exc:
        errors.append(FieldError("opening_hours", exc.message, message_zh=exc.message_zh))
        return None, None, ()
    notes: tuple[FieldError, ...] = ()
    if reading.note_en:
        notes = (FieldError("opening_hours", reading.note_en, message_zh=reading.note_zh),)
    return reading.opening_hours, reading.as_written, notes


def _note(name: str, note: Note) -> FieldError:
    return FieldError(name, note.message, message_zh=note.message_zh)


def _phone(
    raw: Mapping[str, Any], contact: str, errors: list[FieldError], notes: list[FieldError]
) -> tuple[str, str]:
    """The stored phone and contact (a name in brackets in the phone cell may move)."""
    if raw.get("phone") is None:  # no phone: nothing to read, the contact as given
        return "", contact
    try:
        cell = read_phone_and_contact(raw.get("phone"), contact)
    except ValueProblem as exc:
        errors.append(_error("phone", exc.message, exc.message_zh))
        return "", contact
    notes.extend(_note(name, note) for name, note in cell.notes)
    if len(cell.phone) > LIMITS["phone"]:
        errors.append(
            _error(
                "phone",
                f"is longer than {LIMITS['phone']} characters: keep at most three numbers",
                f"电话超过 {LIMITS['phone']} 个字符：最多保留三个号码",
            )
        )
    return cell.phone, cell.contact


def _control_in_line(line: str) -> bool:
    """Whether a service line holds a control character (a tab inside is kept) or a
    text-direction control."""
    return (
        CONTROL_RE.search(line.replace("\t", " ")) is not None
        or DIRECTION_CONTROL_RE.search(line) is not None
    )


def _host_line(line: str | None, errors: list[FieldError]) -> str | None:
    """The service line that keeps an office's own wording of the host type, or ``None``
    if there is none or it is refused: its problems are reported on the host type, the
    column the office wrote it in, not on the services."""
    if line is None:
        return None
    longest = LIMITS["service_line"] - len(HOST_TYPE_LINE_ZH)
    before = len(errors)
    if len(line) > LIMITS["service_line"]:
        errors.append(
            _error(
                "host_type",
                f"is longer than {longest} characters: shorten it",
                f"{FIELD_ZH['host_type']}超过 {longest} 个字符：请缩短到 {longest} 个字符以内",
            )
        )
    if _control_in_line(line):
        errors.append(
            _error(
                "host_type",
                "contains control characters: remove them",
                f"{FIELD_ZH['host_type']}含有控制字符：请删除后重新填写",
            )
        )
    return line if len(errors) == before else None


def _services(
    raw: Mapping[str, Any], host_line: str | None, errors: list[FieldError]
) -> tuple[str, ...]:
    services = _service_lines(raw.get("services"))
    if host_line is not None and host_line not in services:
        services = (*services, host_line)
    if not services:
        return services
    if len(services) > MAX_SERVICE_LINES:
        errors.append(
            _error(
                "services",
                f"has more than {MAX_SERVICE_LINES} lines: merge or drop some",
                f"服务项目超过 {MAX_SERVICE_LINES} 行：请合并或删减",
            )
        )
    if any(len(line) > LIMITS["service_line"] for line in services):
        errors.append(
            _error(
                "services",
                f"has a line longer than {LIMITS['service_line']} characters: split it",
                f"服务项目有一行超过 {LIMITS['service_line']} 个字符：请拆成几行",
            )
        )
    if any(_control_in_line(line) for line in services):
        errors.append(
            _error(
                "services",
                "contains control characters: remove them",
                "服务项目含有控制字符：请删除后重新填写",
            )
        )
    return services


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_station(raw: Mapping[str, Any], *, office_file: bool = False) -> StationInput:
    """Check ``raw`` and return the station; raise :class:`InvalidStation` listing every
    problem. Field names are those of :data:`FIELDS`; ``datum`` defaults to WGS-84.

    ``office_file`` reads a row of a file an office keeps: a host type the vocabulary
    lacks becomes ``other`` with its wording kept as a service line, and when no amenities
    are given, those that the services name are taken, each with a note to check.
    """
    return parse_station_as_entered(raw, office_file=office_file)[0]


def parse_station_as_entered(
    raw: Mapping[str, Any], *, office_file: bool = False
) -> tuple[StationInput, tuple[float, float]]:
    """:func:`parse_station`, with the latitude and longitude in degrees as ``raw`` gives
    them (in the station's ``entered_datum``, before the conversion to WGS-84 and
    rounding): an import's placement checks look at the point as the file states it,
    without reading its 纬度 and 经度 cells a second time."""
    errors: list[FieldError] = []
    notes: list[FieldError] = []
    unknown_fields = () if _FIELD_SET.issuperset(raw) else sorted(set(raw) - _FIELD_SET)
    for name in unknown_fields:
        errors.append(
            _error(
                shown(name),
                f"is not a station field; the fields are {', '.join(FIELDS)}",
                f"“{shown(name)}”不是驿站字段：请删去，或改用以下字段之一："
                f"{'、'.join(FIELD_ZH.values())}",
            )
        )
    raw, texts = _well_typed(raw, errors)
    if office_file:
        _join_cell_lines(raw, texts, notes)

    _control_characters(texts, errors)
    code = texts["code"] or None
    if code is not None and not CODE_RE.match(code):
        errors.append(
            FieldError(
                "code",
                "must be a 6-digit district code, '-', and a 4- to 6-digit serial, in ASCII "
                "digits 0-9 (e.g. 652324-0001); leave it empty for a new station",
                message_zh="编号须为 6 位区县代码、“-”和 4 至 6 位序号，只用半角数字 0-9"
                "（如 652324-0001）；新驿站请留空",
            )
        )

    name = texts["name"]
    if not _visible(name) and "name" in raw:
        errors.append(
            _error("name", "is required: give the station's name", "名称必填：请填写驿站名称")
        )
    for key in ("name", "address", "contact"):
        if len(texts[key]) > LIMITS[key]:
            errors.append(
                _error(
                    key,
                    f"is longer than {LIMITS[key]} characters: shorten it",
                    f"{FIELD_ZH[key]}超过 {LIMITS[key]} 个字符：请缩短到 {LIMITS[key]} 个字符以内",
                )
            )

    lat = _degrees(raw, "lat", errors, office_file)
    lon = _degrees(raw, "lon", errors, office_file)
    datum_text = texts["datum"] or "wgs84"
    try:
        datum = parse_datum(datum_text)
    except ValueError as exc:
        if (projected := projected_datum(datum_text)) is not None:
            errors.append(_error("datum", projected.message, projected.message_zh))
        else:
            errors.append(
                _error(
                    "datum",
                    str(exc),
                    f"坐标系“{shown(datum_text)}”无法识别：请填写 wgs84（GPS、天地图）、"
                    "gcj02（高德、腾讯）或 bd09（百度）",
                )
            )
        datum = "wgs84"

    try:
        host = read_host_type(texts["host_type"], office_file=office_file)
    except ValueProblem as exc:
        errors.append(_error("host_type", exc.message, exc.message_zh))
        host = HostTypeReading("other")
    if host.note is not None:
        notes.append(_note("host_type", host.note))
    host_type, host_line = host.code, host.service_line

    amenities = _codes(raw.get("amenities"), "amenity", "amenities", errors)
    worker_groups = _codes(raw.get("worker_groups"), "worker_group", "worker_groups", errors)

    hours, hours_as_written, hours_notes = _opening_hours(texts["opening_hours"], errors)

    phone, contact = _phone(raw, texts["contact"], errors, notes)
    host_line = _host_line(host_line, errors)
    services = _services(raw, host_line, errors)
    if office_file and services and _blank(raw.get("amenities")) and "amenities" in raw:
        amenities, read = amenities_from_services(s for s in services if s != host_line)
        if read is not None:
            notes.append(_note("amenities", read))

    status_text = texts["status"] or "active"
    status = catalog.lookup("status", status_text)
    if status is None:
        errors.append(
            _error(
                "status",
                "must be " + _one_of([t.code for t in catalog.STATUSES], ", ", " or "),
                "状态应为 "
                + _one_of([f"{t.zh}（{t.code}）" for t in catalog.STATUSES], "、", "或 "),
            )
        )

    wgs_lat, wgs_lon = lat, lon  # WGS-84 is stored as entered
    if datum != "wgs84" and math.isfinite(lat) and math.isfinite(lon):
        try:
            wgs_lat, wgs_lon = to_wgs84(lat, lon, datum)
        except NoWgs84Point as exc:
            errors.append(
                _error(
                    "lat",
                    str(exc),
                    f"该点按坐标系 {datum} 换算后不在地球上（纬度须在 -90 到 90 之间）："
                    "请检查经纬度和坐标系",
                )
            )

    if errors:
        raise InvalidStation(errors)
    station = StationInput(
        name=name,
        lat=round(float(wgs_lat), 7),
        lon=round(float(wgs_lon), 7),
        entered_datum=datum,
        code=code,
        address=texts["address"],
        host_type=host_type,
        amenities=amenities,
        worker_groups=worker_groups,
        opening_hours=hours,
        opening_hours_text=hours_as_written,
        phone=phone,
        contact=contact,
        services=services,
        status=status or "active",
        notes=(*hours_notes, *notes),
    )
    return station, (lat, lon)
