"""The workers' report paths (no token): report a problem with a station, ask for a
station where none is, read a report's public state. Each path is its own dict of
operations, so other halves of the document (the administrators' queue) can add
operations under the same path."""

from __future__ import annotations

from typing import Any

from stationmap import catalog
from stationmap.report_fields import CODE_ALPHABET, CODE_LENGTH, MAX_TEXT, STATION_KINDS
from stationmap.web.openapi.schemas import _errors, _json, _ref

_CODE_PATTERN = f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$"
_AMENITY = {"enum": list(catalog.AMENITY_CODES)}
_COMMON_FIELDS: dict[str, Any] = {
    "text": {"type": "string", "maxLength": MAX_TEXT, "description": "Free text"},
    "phone": {
        "type": "string",
        "maxLength": 60,
        "description": "One phone number, optional; shown only to administrators, never "
        "in any public answer",
    },
    "lang": {"enum": ["zh", "en"], "default": "zh", "description": "The reporter's language"},
    "website": {
        "type": "string",
        "description": "Leave out or empty (a trap for robots: when filled, the answer looks "
        "successful and nothing is stored)",
    },
}
_POINT_FIELDS: dict[str, Any] = {
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "lon": {"type": "number", "minimum": -180, "maximum": 180},
    "datum": {
        "enum": ["wgs84", "gcj02", "bd09"],
        "default": "wgs84",
        "description": "Datum of lat/lon (stored as WGS-84)",
    },
}
_RATE_NOTE = (
    " Limited per client (by default 6 in 10 minutes and 30 a day: 429 with Retry-After). "
    "The same report sent again by the same client within 24 hours is merged into the "
    "first: 200 with the first one's tracking code."
)
_TOO_MANY = {
    "429": {
        "description": "Too many reports from this client; see Retry-After (seconds)",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": _ref("Error")}},
    }
}


def report_schemas() -> dict[str, Any]:
    created = {
        "type": "object",
        "required": ["tracking_code", "status", "url", "merged"],
        "properties": {
            "tracking_code": {"type": "string", "pattern": _CODE_PATTERN},
            "status": {"const": "new"},
            "url": {"type": "string", "description": "The tracking page, /r/<tracking_code>"},
            "merged": {"type": "boolean"},
        },
    }
    public = {
        "type": "object",
        "required": [
            "tracking_code",
            "kind",
            "status",
            "created_at",
            "updated_at",
            "station",
            "needs",
            "text",
            "replies",
        ],
        "properties": {
            "tracking_code": {"type": "string", "pattern": _CODE_PATTERN},
            "kind": {"enum": [*STATION_KINDS, "demand"]},
            "status": {"enum": ["new", "assigned", "in_progress", "resolved", "rejected"]},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "station": {
                "type": ["object", "null"],
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": ["string", "null"], "description": "null once deleted"},
                },
            },
            "needs": {"type": "array", "items": _AMENITY},
            "text": {"type": "string"},
            "replies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["at", "to_status", "reply"],
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "to_status": {"type": "string"},
                        "reply": {"type": "string", "description": "Plain text, not HTML"},
                    },
                },
            },
        },
        "description": "What the reporter may see: never the phone or internal notes",
    }
    return {"ReportCreated": created, "PublicReport": public}


def _body(properties: dict[str, Any], required: list[str], note: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": required,
                    "additionalProperties": False,
                    "properties": properties,
                    "description": note,
                }
            }
        },
    }


def report_paths() -> dict[str, dict[str, Any]]:
    created = {
        "201": _json(_ref("ReportCreated"), "Stored; keep the tracking code"),
        "200": _json(_ref("ReportCreated"), "Merged into the same client's identical report"),
    }
    station_fields = {
        "kind": {"enum": list(STATION_KINDS)},
        "amenity": {**_AMENITY, "description": "kind amenity: the one missing or broken"},
        **_POINT_FIELDS,
        **_COMMON_FIELDS,
    }
    demand_fields = {
        **_POINT_FIELDS,
        "needs": {"type": "array", "items": _AMENITY, "description": "Repeats count once"},
        **_COMMON_FIELDS,
    }
    return {
        "/api/v1/stations/{station_id}/reports": {
            "post": {
                "operationId": "create_station_report",
                "summary": "Report a problem with a station (no token). It never changes "
                "the station; the district answers on the tracking page." + _RATE_NOTE,
                "parameters": [
                    {
                        "name": "station_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "requestBody": _body(
                    station_fields,
                    ["kind"],
                    "kind closed: nothing else needed; amenity: amenity; location: lat and "
                    "lon (the proposed position); other: text",
                ),
                "responses": {**created, **_errors(400, 404, 413, 422, 503), **_TOO_MANY},
            }
        },
        "/api/v1/demand": {
            "post": {
                "operationId": "create_demand_report",
                "summary": "Ask for a station at a point, with what is missing there (no "
                "token); kept for the district's planning." + _RATE_NOTE,
                "requestBody": _body(
                    demand_fields, ["lat", "lon"], "A pin where a station is needed"
                ),
                "responses": {**created, **_errors(400, 413, 422, 503), **_TOO_MANY},
            }
        },
        "/api/v1/reports/{tracking_code}": {
            "get": {
                "operationId": "report_status",
                "summary": "A report's public state and the district's replies, by its "
                "tracking code",
                "parameters": [
                    {
                        "name": "tracking_code",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": _json(_ref("PublicReport"), "The report"),
                    **_errors(400, 404, 503),
                },
            }
        },
    }
