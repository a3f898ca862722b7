"""Checking what people and files say about a station. Pure: no Flask, no database.

One function, :func:`parse_station`, turns a mapping of field names to raw values (from
a CSV cell, an XLSX cell, a GeoJSON property, an API body or a form) into a
:class:`StationInput`, or into the list of every problem found, each naming its field.
The API, the admin forms and the importers all go through it, so a station is checked
the same way wherever it comes from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stationmap import catalog
from stationmap.geo.datum import Datum, NoWgs84Point, parse_datum, to_wgs84
from stationmap.geo.hours import HoursError, parse_hours

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
LIMITS = {"name": 200, "address": 300, "phone": 60, "contact": 100, "service_line": 200}
MAX_SERVICE_LINES = 30
# ASCII digits only: ``\d`` would let full-width (５) and Arabic-Indic (٥) digits through.
CODE_RE = re.compile(r"^[0-9]{6}-[0-9]{4,6}$")
PHONE_RE = re.compile(r"^[0-9+()\- ,/;转]{3,60}$")
LIST_SPLIT_RE = re.compile(r"[;；,，、|\n]+")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


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
    phone: str = ""
    contact: str = ""
    services: tuple[str, ...] = ()
    status: str = "active"
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Warnings a person should look at (a value converted or guessed), shown in an
    # import's preview beside its row; never a reason to refuse the station.
    notes: tuple[FieldError, ...] = ()


class InvalidStation(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number read from a spreadsheet as 13812345678.0
    return str(value).strip()


def _number(value: Any, name: str, low: float, high: float, errors: list[FieldError]) -> float:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        errors.append(FieldError(name, "is required"))
        return math.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.append(FieldError(name, f"must be a number of degrees, not {_text(value)!r}"))
        return math.nan
    if not math.isfinite(number):
        errors.append(FieldError(name, "must be a finite number"))
        return math.nan
    if not low <= number <= high:
        errors.append(FieldError(name, f"must be between {low:g} and {high:g}"))
        return math.nan
    return number


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
    codes: list[str] = []
    unknown: list[str] = []
    for item in split_list(value):
        code = catalog.lookup(kind, item)
        if code is None:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    if unknown:
        errors.append(FieldError(name, f"unknown code(s): {', '.join(unknown)}"))
    order = {c: i for i, c in enumerate(_ORDER[kind])}
    return tuple(sorted(codes, key=order.__getitem__))


_ORDER = {
    "amenity": catalog.AMENITY_CODES,
    "worker_group": tuple(t.code for t in catalog.WORKER_GROUPS),
}


def _service_lines(value: Any) -> tuple[str, ...]:
    """A list of lines, or text with one line per row; text on a single row may use
    ``;`` between items (a line of its own may contain ``;`` only in multi-line text)."""
    if isinstance(value, list | tuple):
        lines = [_text(v) for v in value]
    else:
        text = _text(value)
        lines = text.splitlines() if "\n" in text else re.split(r"[;；]", text)
    return tuple(line.strip() for line in lines if line.strip())


def _control_characters(raw: Mapping[str, Any], errors: list[FieldError]) -> None:
    for key in ("name", "address", "phone", "contact", "code", "opening_hours"):
        if CONTROL_RE.search(_text(raw.get(key))):
            errors.append(FieldError(key, "contains control characters"))


def parse_station(raw: Mapping[str, Any]) -> StationInput:
    """Check ``raw`` and return the station; raise :class:`InvalidStation` listing every
    problem. Field names are those of :data:`FIELDS`; ``datum`` defaults to WGS-84."""
    errors: list[FieldError] = []
    unknown_fields = sorted(set(raw) - set(FIELDS))
    for name in unknown_fields:
        errors.append(FieldError(name, "is not a station field"))

    _control_characters(raw, errors)
    code = _text(raw.get("code")) or None
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

    name = _text(raw.get("name"))
    if not name:
        errors.append(FieldError("name", "is required"))
    for key in ("name", "address", "phone", "contact"):
        if len(_text(raw.get(key))) > LIMITS[key]:
            errors.append(FieldError(key, f"is longer than {LIMITS[key]} characters"))

    lat = _number(raw.get("lat"), "lat", -90.0, 90.0, errors)
    lon = _number(raw.get("lon"), "lon", -180.0, 180.0, errors)
    datum_text = _text(raw.get("datum")) or "wgs84"
    try:
        datum = parse_datum(datum_text)
    except ValueError as exc:
        errors.append(FieldError("datum", str(exc)))
        datum = "wgs84"

    host_text = _text(raw.get("host_type")) or "other"
    host_type = catalog.lookup("host_type", host_text)
    if host_type is None:
        errors.append(FieldError("host_type", f"unknown host type {host_text!r}"))

    amenities = _codes(raw.get("amenities"), "amenity", "amenities", errors)
    worker_groups = _codes(raw.get("worker_groups"), "worker_group", "worker_groups", errors)

    hours = _text(raw.get("opening_hours")) or None
    if hours is not None:
        try:
            hours = parse_hours(hours).text
        except HoursError as exc:
            errors.append(FieldError("opening_hours", str(exc)))

    phone = _text(raw.get("phone"))
    if phone and not PHONE_RE.match(phone):
        errors.append(FieldError("phone", "may hold only digits, spaces and + - ( ) , / ; 转"))

    services = _service_lines(raw.get("services"))
    if len(services) > MAX_SERVICE_LINES:
        errors.append(FieldError("services", f"has more than {MAX_SERVICE_LINES} lines"))
    if any(len(line) > LIMITS["service_line"] for line in services):
        errors.append(FieldError("services", "has a line longer than 200 characters"))
    if any(CONTROL_RE.search(line.replace("\t", " ")) for line in services):
        errors.append(FieldError("services", "contains control characters"))

    status_text = _text(raw.get("status")) or "active"
    status = catalog.lookup("status", status_text)
    if status is None:
        errors.append(FieldError("status", "must be active, suspended or closed"))

    wgs_lat, wgs_lon = lat, lon
    if math.isfinite(lat) and math.isfinite(lon):
        try:
            wgs_lat, wgs_lon = to_wgs84(lat, lon, datum)
        except NoWgs84Point as exc:
            errors.append(FieldError("lat", str(exc)))

    if errors:
        raise InvalidStation(errors)
    return StationInput(
        name=name,
        lat=round(float(wgs_lat), 7),
        lon=round(float(wgs_lon), 7),
        entered_datum=datum,
        code=code,
        address=_text(raw.get("address")),
        host_type=host_type or "other",
        amenities=amenities,
        worker_groups=worker_groups,
        opening_hours=hours,
        phone=phone,
        contact=_text(raw.get("contact")),
        services=services,
        status=status or "active",
    )
