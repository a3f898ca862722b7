"""The nearest-stations answer as GeoJSON text, written for speed.

The nearest query is the hottest path of the app: every courier's refresh asks it.
Most of each feature does not change between requests (the station's own properties
and its navigation links), so that part is serialized once per station row and kept in
a bounded LRU cache; a request adds only what depends on it (the hours in words with
the day's first, open now, next change, distance). The cache key is the row's whole
content, so an edited station is a new entry and nothing stale is ever served. A miss
is serialized by orjson, about twice as fast as the standard library on these
link-heavy objects (it holds no floats, so orjson's NaN-as-null never applies). The
text parses to exactly the objects ``json.dumps`` would write, with the app's compact
separators and no NaN: coordinates and distances are checked finite here (stored
positions are validated; distances come from them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from stationmap import catalog
from stationmap.geo.freshness import FRESH, STALE, Marks, notice
from stationmap.geo.hours_text import describe_hours
from stationmap.geo.navigation import NavTarget, navigation_links, navigation_links_json
from stationmap.services.nearest_types import NearestResult, StationRow

# About 2.3 KB per entry (kept as UTF-8 bytes, half the size of a str with Chinese in
# it): 16,384 entries is under 40 MB per worker, the stations of a large city.
STATIC_CACHE_SIZE = 16_384


def station_links(
    station_id: int, code: str, target: NavTarget, script_root: str, app_name: str, tencent_key: str
) -> dict[str, Any]:
    """A station's own URLs (API and page) and its navigation hand-offs."""
    return {
        "self": f"{script_root}/api/v1/stations/{station_id}",
        "page": f"{script_root}/s/{code}",
        **navigation_links(target, app_name, tencent_key),
    }


@lru_cache(maxsize=STATIC_CACHE_SIZE)
def _feature_head(row: StationRow, script_root: str, app_name: str, tencent_key: str) -> bytes:
    """A feature as UTF-8 JSON up to its request-dependent members: everything from
    ``{"type":"Feature"`` to the comma after the properties' links."""
    properties = {
        "id": row.id,
        "code": row.code,
        "name": row.name,
        "address": row.address,
        "district_code": row.district_code,
        "host_type": row.host_type,
        "amenities": row.amenities,
        "worker_groups": row.worker_groups,
        "opening_hours": row.opening_hours,
        "phone": row.phone,
        "demo": row.is_demo,
        "links": {
            "self": f"{script_root}/api/v1/stations/{row.id}",
            "page": f"{script_root}/s/{row.code}",
        },
    }
    target = NavTarget(
        row.lat, row.lon, row.name, (row.gcj_lat, row.gcj_lon), (row.bd_lat, row.bd_lon)
    )
    navigation = navigation_links_json(target, app_name, tencent_key).encode()
    # orjson's text ends with the links' and the properties' closing braces: the
    # navigation members go inside the links, the request's members after them.
    return (
        b'{"type":"Feature","id":%d,"geometry":{"type":"Point","coordinates":[%s,%s]},'
        b'"properties":%s,%s},'
        % (
            row.id,
            _finite(row.lon),
            _finite(row.lat),
            orjson.dumps(properties)[:-2],
            navigation,
        )
    )


def clear_cache() -> None:
    """Forget every serialized station (for measurements; entries never go stale)."""
    _feature_head.cache_clear()
    _hours_words.cache_clear()


def _finite(value: float) -> bytes:
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not valid JSON")
    return repr(value).encode()


_OPEN = {True: b"true", False: b"false", None: b"null"}


# Stations share a few thousand hours texts at most, and a day's words do not change:
# written once per (text, day), as ``describe_hours`` keeps its own parts.
HOURS_CACHE_SIZE = 4096


@lru_cache(maxsize=HOURS_CACHE_SIZE)
def _hours_words(text: str | None, day: date | None) -> bytes:
    """``"hours_zh":…,"hours_en":…,`` for the local date ``day`` (nothing without one)."""
    if day is None:
        return b""
    return b'"hours_zh":%s,"hours_en":%s,' % (
        orjson.dumps(describe_hours(text, day, "zh")),
        orjson.dumps(describe_hours(text, day, "en")),
    )


def amenity_name(lang: str) -> Callable[[str], str]:
    """The catalogue's name of an amenity code in ``lang`` (the code if unknown)."""

    def name(code: str) -> str:
        term = catalog.BY_CODE.get(code)
        return term.name(lang) if term else code

    return name


def marks_properties(marks: Marks, tz: ZoneInfo) -> dict[str, Any]:
    """A station's temporary states and freshness as API properties, with a notice in
    Chinese and English (null when there is nothing to say)."""
    until = marks.temporarily_closed_until
    return {
        "temporarily_closed_until": (
            until.astimezone(UTC).isoformat(timespec="seconds") if until is not None else None
        ),
        "unavailable_amenities": list(marks.unavailable_amenities),
        "reported_closed": marks.reported_closed,
        "stale": marks.stale,
        "notice_zh": notice(marks, tz, "zh", amenity_name("zh")),
        "notice_en": notice(marks, tz, "en", amenity_name("en")),
    }


@lru_cache(maxsize=1024)
def _marks_json(marks: Marks, tz: ZoneInfo) -> bytes:
    """``marks_properties`` as JSON members ending with a comma (most stations share
    one of a few states: written once each)."""
    return orjson.dumps(marks_properties(marks, tz))[1:-1] + b","


@lru_cache(maxsize=16)
def _common_marks_json(stale: bool, tz: ZoneInfo) -> bytes:
    return _marks_json(STALE if stale else FRESH, tz)


def _feature(
    result: NearestResult,
    script_root: str,
    app_name: str,
    tencent_key: str,
    day: date | None,
    tz: ZoneInfo,
) -> bytes:
    change = result.hours.change_at_iso()
    return b'%s%s%s"open_now":%s,"next_change_at":%s,"distance_m":%s}}' % (
        _feature_head(result.station, script_root, app_name, tencent_key),
        _hours_words(result.station.opening_hours, day),
        # The two shared states by identity (hashing a Marks costs more than the rest).
        _common_marks_json(result.marks is STALE, tz)
        if result.marks is STALE or result.marks is FRESH
        else _marks_json(result.marks, tz),
        _OPEN[result.hours.open],
        b"null" if change is None else b'"%s"' % change.encode(),
        _finite(round(result.distance_m, 1)),
    )


def nearest_collection(
    results: list[NearestResult],
    query: dict[str, Any],
    *,
    script_root: str,
    app_name: str,
    tencent_key: str,
    day: date | None = None,
    tz: ZoneInfo | None = None,
) -> bytes:
    """The whole answer as UTF-8: a FeatureCollection in distance order, plus the query
    as understood (``query`` holds JSON-ready values; its numbers are finite, as the
    parameter parser checks, since orjson would write NaN as null). With ``day`` (the
    local date asked about) each feature has its hours in words, that day's first.
    Notices give times in ``tz`` (default UTC)."""
    zone = tz or ZoneInfo("UTC")
    features = b",".join(
        [_feature(r, script_root, app_name, tencent_key, day, zone) for r in results]
    )
    return b'{"type":"FeatureCollection","features":[%s],"query":%s}\n' % (
        features,
        orjson.dumps(query),
    )
