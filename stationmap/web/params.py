"""Strict reading of query parameters: every problem is a 400 or 422 naming the field.

Numbers must be finite decimals in ASCII digits (no NaN, no Infinity, no hex, no
full-width or Arabic-Indic digits, which ``\\d`` and ``float`` would take); a time must
lie within the years opening hours are evaluated for; a parameter given twice
is refused rather than silently taking one of the values, except the lists of codes
(``LIST_PARAMETERS``), whose repeats are one list: ``amenity=water&amenity=toilet``
means ``amenity=water,toilet``; unknown parameters are refused so that a typo
(``amenties=``) is not mistaken for "no filter".
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from stationmap import catalog
from stationmap.geo.bbox import BBox
from stationmap.geo.datum import Datum, parse_datum
from stationmap.geo.hours import SUPPORTED_YEARS
from stationmap.web.errors import bad_request, unprocessable

_VOCABULARIES = {
    "amenity": frozenset(catalog.AMENITY_CODES),
    "host_type": frozenset(catalog.HOST_TYPE_CODES),
    "worker_group": frozenset(catalog.WORKER_GROUP_CODES),
}
# Comma-separated code lists: the comma form is the documented one, and a repeat of the
# parameter adds its codes to the list (what URLSearchParams.append and most HTTP
# clients produce from a list), so no value is ever silently dropped.
LIST_PARAMETERS = frozenset(_VOCABULARIES)
# [0-9], not \d: \d matches any Unicode digit (４, ٤), and int() and float() read them.
_INTEGER_RE = re.compile(r"[+-]?[0-9]{1,12}")
_DECIMAL_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def whole_number(text: str, max_digits: int) -> int | None:
    """``text`` as an int when it is 1 to ``max_digits`` ASCII digits, else None.

    ``str.isdigit()`` alone is not a guard for ``int()``: it is True for ``²`` and ``①``,
    which ``int()`` refuses (a ValueError, so a 500), and for ``١``, which it reads as 1.
    """
    if 0 < len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None


DISTRICT_CODE_FORMAT = "6 ASCII digits 0-9, like 110101"


def is_district_code(text: str) -> bool:
    """True when ``text`` has the form of an administrative code: 6 ASCII digits.
    ``str.isdigit()`` alone would take full-width ``１１０１０１`` and ``²``."""
    return len(text) == 6 and text.isascii() and text.isdigit()


class Params:
    """The query string of one request."""

    def __init__(self, args: MultiDict[str, str], allowed: Collection[str]) -> None:
        # A plain dict: a MultiDict's get() raises and catches an exception for every
        # parameter not given, which is most of them on every request.
        self.args: dict[str, str] = {}
        for name, values in args.lists():
            if name not in allowed:
                known = (
                    f"allowed: {', '.join(sorted(allowed))}" if allowed else "none is taken here"
                )
                raise bad_request(
                    f"unknown parameter {name!r}; {known}", field=name, code="unknown_parameter"
                )
            if len(values) > 1 and name not in LIST_PARAMETERS:
                raise bad_request(
                    f"parameter {name!r} is given more than once",
                    field=name,
                    code="repeated_parameter",
                )
            self.args[name] = ",".join(values) if name in LIST_PARAMETERS else values[0]

    def text(self, name: str, default: str | None = None, max_length: int = 200) -> str | None:
        value = self.args.get(name)
        if value is None:
            return default
        if len(value) > max_length:
            raise unprocessable(f"{name} is longer than {max_length} characters", field=name)
        if "\x00" in value:
            raise bad_request(f"{name} contains a NUL character", field=name)
        return value

    def district_code(self, name: str) -> str | None:
        """``name`` as an administrative code (6 ASCII digits), or None when not given;
        anything else is a 400 naming the field and the format."""
        value = self.text(name, max_length=6)
        if value is not None and not is_district_code(value):
            raise bad_request(
                f"{name} must be a 6-digit administrative code ({DISTRICT_CODE_FORMAT}),"
                f" not {value!r}",
                field=name,
            )
        return value

    def number(
        self,
        name: str,
        *,
        low: float,
        high: float,
        required: bool = False,
        default: float | None = None,
    ) -> float | None:
        raw = self.args.get(name)
        if raw is None or raw.strip() == "":
            if required:
                raise bad_request(f"{name} is required", field=name, code="missing_parameter")
            return default
        raw = raw.strip()
        if not _DECIMAL_RE.match(raw):
            raise bad_request(f"{name} must be a decimal number, not {raw[:40]!r}", field=name)
        value = float(raw)
        if not math.isfinite(value):
            raise bad_request(f"{name} must be a finite number", field=name)
        if not low <= value <= high:
            raise unprocessable(
                f"{name} must be between {low:g} and {high:g}", field=name, code="out_of_range"
            )
        return value

    def integer(self, name: str, *, low: int, high: int, default: int) -> int:
        raw = self.args.get(name)
        if raw is None or raw.strip() == "":
            return default
        raw = raw.strip()
        if not _INTEGER_RE.fullmatch(raw):
            raise bad_request(f"{name} must be a whole number, not {raw[:40]!r}", field=name)
        value = int(raw)
        if not low <= value <= high:
            raise unprocessable(
                f"{name} must be between {low} and {high}", field=name, code="out_of_range"
            )
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        raw = self.args.get(name)
        if raw is None or raw == "":
            return default
        value = raw.strip().lower()
        if value in ("true", "1", "yes"):
            return True
        if value in ("false", "0", "no"):
            return False
        raise bad_request(f"{name} must be true or false", field=name)

    def codes(self, name: str, kind: str) -> tuple[str, ...]:
        """A comma-separated list of vocabulary codes (codes only: the API is exact)."""
        raw = self.args.get(name)
        if raw is None or raw.strip() == "":
            return ()
        items = [item.strip() for item in raw.split(",") if item.strip()]
        valid = _VOCABULARIES[kind]
        unknown = [item for item in items if item not in valid]
        if unknown:
            raise unprocessable(
                f"unknown {kind.replace('_', ' ')} code(s): {', '.join(u[:40] for u in unknown)}",
                field=name,
                code="unknown_code",
            )
        return tuple(dict.fromkeys(items))

    def datum(self, name: str = "datum") -> Datum:
        raw = self.args.get(name)
        if raw is None or raw == "":
            return "wgs84"
        try:
            return parse_datum(raw)
        except ValueError:
            raise unprocessable("datum must be one of wgs84, gcj02, bd09", field=name) from None

    def moment(self, name: str, tz: ZoneInfo, default: datetime) -> datetime:
        """An ISO-8601 time; without an offset it is read in ``tz``. It must lie in
        :data:`~stationmap.geo.hours.SUPPORTED_YEARS` both in UTC and in ``tz``: hours
        are not evaluated outside them, and near year 1 or 9999 converting the time to
        another zone overflows."""
        raw = self.args.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            raise bad_request(
                f"{name} must be an ISO-8601 time such as 2026-11-22T12:00:00+08:00", field=name
            ) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        try:
            years = {value.astimezone(UTC).year, value.astimezone(tz).year}
        except OverflowError:  # beyond year 1 or 9999 in one of the zones
            years = set()
        if not years or not all(year in SUPPORTED_YEARS for year in years):
            raise unprocessable(
                f"{name} must lie between the years {SUPPORTED_YEARS.start} and "
                f"{SUPPORTED_YEARS.stop - 1}",
                field=name,
                code="out_of_range",
            )
        return value

    def bbox(self, name: str = "bbox") -> BBox | None:
        """``minlon,minlat,maxlon,maxlat`` (the GeoJSON order) as a :class:`BBox`."""
        raw = self.args.get(name)
        if raw is None or raw.strip() == "":
            return None
        parts = raw.split(",")
        if len(parts) != 4 or not all(_DECIMAL_RE.match(p.strip()) for p in parts):
            raise bad_request(
                "bbox must be minlon,minlat,maxlon,maxlat in decimal degrees", field=name
            )
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
        if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
            raise bad_request("bbox values must be finite", field=name)
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise unprocessable(
                "bbox longitudes must be between -180 and 180", field=name, code="out_of_range"
            )
        if not (-90 <= min_lat <= max_lat <= 90):
            raise unprocessable(
                "bbox latitudes must be between -90 and 90, min first",
                field=name,
                code="out_of_range",
            )
        return BBox(min_lat=min_lat, min_lon=min_lon, max_lat=max_lat, max_lon=max_lon)
