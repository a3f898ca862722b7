"""Small builders of OpenAPI objects (parameters, references, responses, GeoJSON
Features) and the component schemas the read and write paths share."""

from __future__ import annotations

from typing import Any

from stationmap import catalog


def _codes_pattern(codes: tuple[str, ...] | frozenset[str]) -> str:
    alternatives = "|".join(sorted(codes))
    return f"^({alternatives})(,({alternatives}))*$"


def _param(
    name: str, schema: dict[str, Any], description: str, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


def page_params(max_limit: int, default_limit: int) -> list[dict[str, Any]]:
    """``limit`` and ``cursor``: the paging parameters of a list."""
    return [
        _param(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": max_limit, "default": default_limit},
            "Page size",
        ),
        _param("cursor", {"type": "string"}, "next_cursor of the previous page"),
    ]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {
        400: "Malformed parameter, or a single-valued parameter given twice",
        401: "No API token, or an unknown, revoked or disabled user's token",
        403: "The token's user may not write, or the point is outside their districts",
        404: "Not found",
        412: "If-Match does not match the station's current version",
        428: "If-Match is required",
        409: "The write conflicts with data saved meanwhile; read again and retry",
        413: "The JSON body is larger than 64 KiB (field: body)",
        422: "Well-formed but out of range or unknown code",
        503: "Database unavailable; retry later",
    }
    return {
        str(s): {"description": text[s], "content": {"application/json": {"schema": _ref("Error")}}}
        for s in statuses
    }


def _geojson(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/geo+json": {"schema": _ref(schema)}},
    }


def merge_paths(spec: dict[str, Any], paths: dict[str, dict[str, Any]]) -> None:
    """Add ``paths`` to ``spec``, joining the operations of a path already there (two
    modules may describe different methods of one path); one path and method described
    twice is a mistake (ValueError)."""
    for path, operations in paths.items():
        existing = spec["paths"].setdefault(path, {})
        for method, operation in operations.items():
            if method in existing:
                raise ValueError(f"{method.upper()} {path} is described twice")
            existing[method] = operation


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


LIST_REPEAT_NOTE = (
    "The parameter may also be repeated (`amenity=water&amenity=toilet`): the repeats' codes "
    "form one list, the same as the comma form."
)
AMENITY_PARAM = _param(
    "amenity",
    {"type": "string", "pattern": _codes_pattern(catalog.AMENITY_CODES)},
    "Comma-separated amenity codes; a station must have all of them: `amenity=water,toilet`. "
    + LIST_REPEAT_NOTE
    + " See /api/v1/amenities.",
)

NULLABLE_STRING = {"type": ["string", "null"]}
TERM = {
    "type": "object",
    "required": ["code", "zh", "en"],
    "properties": {"code": {"type": "string"}, "zh": {"type": "string"}, "en": {"type": "string"}},
}
POINT = {
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"const": "Point"},
        "coordinates": {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"type": "number"},
            "description": "[lon, lat] in WGS-84 degrees (RFC 7946)",
        },
    },
}
APP_LINKS = {"type": "object", "additionalProperties": {"type": "string"}}
LINKS = {
    "type": "object",
    "required": ["self", "page", "amap", "baidu", "tencent"],
    "properties": {
        "self": {"type": "string"},
        "page": {"type": "string"},
        "amap": {**APP_LINKS, "description": "GCJ-02 coordinates"},
        "baidu": {**APP_LINKS, "description": "BD-09 coordinates (coord_type=bd09ll)"},
        "tencent": {**APP_LINKS, "description": "GCJ-02 coordinates (coord_type=2)"},
    },
}
BASE_PROPERTIES = {
    "id": {"type": "integer"},
    "code": {"type": "string", "description": "district code, '-', serial: 652324-0007"},
    "name": {"type": "string"},
    "address": {"type": "string"},
    "district_code": NULLABLE_STRING,
    "host_type": {"type": "string", "enum": sorted(catalog.HOST_TYPE_CODES)},
    "amenities": {
        "type": "array",
        "items": {"type": "string", "enum": list(catalog.AMENITY_CODES)},
    },
    "worker_groups": {
        "type": "array",
        "items": {"type": "string", "enum": sorted(catalog.WORKER_GROUP_CODES)},
    },
    "opening_hours": {**NULLABLE_STRING, "description": "OpenStreetMap opening_hours syntax"},
    "hours_zh": {
        **NULLABLE_STRING,
        "description": "the opening hours in Chinese words, the local day's first: "
        "今天 08:00-20:00（周一至周五 08:00-20:00；周六、周日 休息）; hours the same every "
        "day are said once (每天 08:00-20:00, 全天24小时); null without hours",
    },
    "hours_en": {
        **NULLABLE_STRING,
        "description": "the same in English: Today closed (Mon–Fri 08:00-20:00)",
    },
    "open_now": {"type": ["boolean", "null"], "description": "null when the hours are unknown"},
    "next_change_at": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "when the station next opens or closes (local time with offset); "
        "null when it does not change within 7 days (24/7, Mo-Su 00:00-24:00, a long "
        "closure) or the hours are unknown",
    },
    "phone": {"type": "string"},
    "demo": {"type": "boolean", "description": "true for demonstration data, not real stations"},
    "temporarily_closed_until": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "set by the station's staff: closed until this moment (UTC); "
        "open_now is false meanwhile and open_now=true leaves the station out; null "
        "when no closure holds at the moment asked about (it expires by itself)",
    },
    "unavailable_amenities": {
        "type": "array",
        "items": {"type": "string"},
        "description": "amenities the staff said are out of service at the moment asked "
        "about; they do not match the amenity filter meanwhile",
    },
    "reported_closed": {
        "type": "boolean",
        "description": "several couriers reported it closed within 24 hours and no one "
        "has confirmed since; such stations come after the others in nearest answers",
    },
    "stale": {
        "type": "boolean",
        "description": "not verified within STATIONMAP_STALE_DAYS days (default 180), or never",
    },
    "notice_zh": {**NULLABLE_STRING, "description": "the states above in Chinese words"},
    "notice_en": {**NULLABLE_STRING, "description": "the same in English"},
}
_BASE_REQUIRED = list(BASE_PROPERTIES)


def _feature(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "integer"},
            "geometry": POINT,
            "properties": {"type": "object", "required": required, "properties": properties},
        },
    }
