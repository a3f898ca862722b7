"""The OpenAPI 3.1 description of the v1 API, built from the same constants the views
use (caps, vocabularies), so the document cannot drift from the code."""

from __future__ import annotations

from typing import Any

from stationmap import catalog
from stationmap.web.api import DEFAULT_K, DEFAULT_LIMIT, MAX_K, MAX_LIMIT, MAX_RADIUS_M


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


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {
        400: "Malformed or repeated parameter",
        401: "No API token, or an unknown, revoked or disabled user's token",
        403: "The token's user may not write, or the point is outside their districts",
        404: "Not found",
        412: "If-Match does not match the station's current version",
        428: "If-Match is required",
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


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


AMENITY_PARAM = _param(
    "amenity",
    {"type": "string", "pattern": _codes_pattern(catalog.AMENITY_CODES)},
    "Comma-separated amenity codes; a station must have all of them. See /api/v1/amenities.",
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
    "open_now": {"type": ["boolean", "null"], "description": "null when the hours are unknown"},
    "next_change_at": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "when the station next opens or closes (local time with offset); "
        "null for 24/7 or unknown hours",
    },
    "phone": {"type": "string"},
    "demo": {"type": "boolean", "description": "true for demonstration data, not real stations"},
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


def _read_spec() -> dict[str, Any]:
    nearest_props = {
        **BASE_PROPERTIES,
        "distance_m": {
            "type": "number",
            "minimum": 0,
            "description": "geodesic distance on WGS-84, metres",
        },
        "links": LINKS,
    }
    list_props = {**BASE_PROPERTIES, "status": {"enum": sorted(catalog.STATUS_CODES)}}
    detail_props = {
        **list_props,
        "contact": {"type": "string"},
        "services": {"type": "array", "items": {"type": "string"}},
        "entered_datum": {"enum": ["wgs84", "gcj02", "bd09"]},
        "verified_at": {"type": ["string", "null"], "format": "date-time"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "version": {"type": "integer"},
        "links": LINKS,
    }
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "field"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "field": NULLABLE_STRING,
                    },
                }
            },
        },
        "NearestFeature": _feature(nearest_props, [*_BASE_REQUIRED, "distance_m", "links"]),
        "StationFeature": _feature(list_props, [*_BASE_REQUIRED, "status"]),
        "StationDetail": _feature(detail_props, list(detail_props)),
        "NearestCollection": {
            "type": "object",
            "required": ["type", "features", "query"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {"type": "array", "items": _ref("NearestFeature")},
                "query": {"type": "object"},
            },
        },
        "StationCollection": {
            "type": "object",
            "required": ["type", "features", "next_cursor"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {"type": "array", "items": _ref("StationFeature")},
                "next_cursor": NULLABLE_STRING,
                "links": {"type": "object"},
            },
        },
        "District": {
            "type": "object",
            "required": ["code", "name", "level", "parent_code", "bbox"],
            "properties": {
                "code": {"type": "string", "pattern": "^[0-9]{6}$"},
                "name": {"type": "string"},
                "level": {"enum": ["province", "city", "county"]},
                "parent_code": NULLABLE_STRING,
                "bbox": {"type": ["array", "null"], "items": {"type": "number"}},
            },
        },
        "DistrictFeature": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "geometry": {"type": ["object", "null"]},
                "properties": {
                    "type": "object",
                    "required": ["code", "name", "level", "station_count"],
                    "properties": {"station_count": {"type": "integer", "minimum": 0}},
                },
            },
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "stationmap API",
            "version": "1.0.0",
            "description": (
                "Rest stations for outdoor workers (暖新驿站 / 户外劳动者服务站点). "
                "Coordinates in responses are WGS-84 [lon, lat] per RFC 7946; query "
                "points may be given in wgs84, gcj02 (AMap, Tencent) or bd09 (Baidu). "
                "Distances are geodesic on the WGS-84 ellipsoid, in metres."
            ),
        },
        "paths": {
            "/api/v1/stations/nearest": {
                "get": {
                    "operationId": "nearest_stations",
                    "summary": "The nearest active stations to a point, nearest first",
                    "parameters": [
                        _param(
                            "lat",
                            {"type": "number", "minimum": -90, "maximum": 90},
                            "Latitude of the query point",
                            True,
                        ),
                        _param(
                            "lon",
                            {"type": "number", "minimum": -180, "maximum": 180},
                            "Longitude of the query point",
                            True,
                        ),
                        _param(
                            "k",
                            {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_K,
                                "default": DEFAULT_K,
                            },
                            f"How many stations (at most {MAX_K})",
                        ),
                        _param(
                            "radius_m",
                            {"type": "number", "minimum": 1, "maximum": MAX_RADIUS_M},
                            f"Only stations within this geodesic distance (at most "
                            f"{MAX_RADIUS_M:.0f} m)",
                        ),
                        AMENITY_PARAM,
                        _param(
                            "host_type",
                            {"type": "string", "pattern": _codes_pattern(catalog.HOST_TYPE_CODES)},
                            "Comma-separated host type codes; any of them",
                        ),
                        _param(
                            "worker_group",
                            {
                                "type": "string",
                                "pattern": _codes_pattern(catalog.WORKER_GROUP_CODES),
                            },
                            "Comma-separated worker group codes; stations serving any",
                        ),
                        _param(
                            "open_now",
                            {"type": "boolean", "default": False},
                            "Only stations known to be open at `at`",
                        ),
                        _param(
                            "at",
                            {"type": "string", "format": "date-time"},
                            "The moment for open_now (ISO-8601; default now; without an "
                            "offset it is read in the server's configured time zone)",
                        ),
                        _param(
                            "datum",
                            {"enum": ["wgs84", "gcj02", "bd09"], "default": "wgs84"},
                            "Datum of lat/lon: phones' GPS give wgs84, AMap gcj02, Baidu bd09",
                        ),
                    ],
                    "responses": {
                        "200": _geojson("NearestCollection", "Stations sorted by distance_m"),
                        **_errors(400, 422, 503),
                    },
                }
            },
            "/api/v1/stations": {
                "get": {
                    "operationId": "list_stations",
                    "summary": "Stations, filtered and paged in id order",
                    "parameters": [
                        _param(
                            "bbox",
                            {"type": "string"},
                            "minlon,minlat,maxlon,maxlat in WGS-84 degrees",
                        ),
                        _param(
                            "district",
                            {"type": "string", "pattern": "^[0-9]{6}$"},
                            "A district code; child districts are included",
                        ),
                        AMENITY_PARAM,
                        _param(
                            "q",
                            {"type": "string", "maxLength": 100},
                            "Text in the name, address or code",
                        ),
                        _param(
                            "limit",
                            {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_LIMIT,
                                "default": DEFAULT_LIMIT,
                            },
                            "Page size",
                        ),
                        _param("cursor", {"type": "string"}, "next_cursor of the previous page"),
                    ],
                    "responses": {
                        "200": _geojson("StationCollection", "One page of stations"),
                        **_errors(400, 404, 422, 503),
                    },
                }
            },
            "/api/v1/stations/{station_id}": {
                "get": {
                    "operationId": "station_detail",
                    "summary": "One station with everything known about it",
                    "parameters": [
                        {
                            "name": "station_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _geojson("StationDetail", "The station"),
                        **_errors(400, 404, 503),
                    },
                }
            },
            "/api/v1/districts": {
                "get": {
                    "operationId": "district_list",
                    "summary": "Districts with boundaries loaded",
                    "parameters": [
                        _param(
                            "parent",
                            {"type": "string", "pattern": "^[0-9]{6}$"},
                            "Only the districts directly below this one",
                        )
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["districts"],
                                "properties": {
                                    "districts": {"type": "array", "items": _ref("District")}
                                },
                            },
                            "All districts",
                        ),
                        **_errors(400, 503),
                    },
                }
            },
            "/api/v1/districts/{code}": {
                "get": {
                    "operationId": "district_detail",
                    "summary": "A district's boundary (WGS-84) and its station count, "
                    "child districts included",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _geojson("DistrictFeature", "The district"),
                        **_errors(400, 404, 503),
                    },
                }
            },
            **{
                f"/api/v1/{path}": {
                    "get": {
                        "operationId": f"{key}_list",
                        "summary": f"The {key.replace('_', ' ')} vocabulary, zh and en names",
                        "responses": {
                            "200": _json(
                                {
                                    "type": "object",
                                    "required": [key],
                                    "properties": {key: {"type": "array", "items": TERM}},
                                },
                                "Codes with names",
                            ),
                            **_errors(400),
                        },
                    }
                }
                for path, key in (
                    ("amenities", "amenities"),
                    ("host-types", "host_types"),
                    ("worker-groups", "worker_groups"),
                )
            },
        },
        "components": {"schemas": schemas},
    }


def _station_write_schema(required: list[str]) -> dict[str, Any]:
    codes = {
        "amenities": catalog.AMENITY_CODES,
        "worker_groups": tuple(t.code for t in catalog.WORKER_GROUPS),
    }
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "address": {"type": "string", "maxLength": 300},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "datum": {
                "enum": ["wgs84", "gcj02", "bd09"],
                "description": "Datum of lat/lon (stored as WGS-84); needs both lat and lon",
            },
            "host_type": {"enum": [t.code for t in catalog.HOST_TYPES]},
            **{
                name: {"type": "array", "items": {"enum": list(values)}, "uniqueItems": True}
                for name, values in codes.items()
            },
            "opening_hours": {
                "type": ["string", "null"],
                "maxLength": 500,
                "description": "OpenStreetMap opening_hours syntax, e.g. Mo-Fr 08:00-20:00",
            },
            "phone": {"type": "string", "maxLength": 60},
            "contact": {"type": "string", "maxLength": 100},
            "services": {"type": "array", "items": {"type": "string", "maxLength": 200}},
            "status": {"enum": sorted(catalog.STATUS_CODES)},
        },
        "description": (
            "Editable station fields. code, district_code, version and the audit fields "
            "are the server's: code is refused, and any other field is an error."
        ),
    }


_STATION_ID = {"name": "station_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,9}"?$'},
    "description": 'The version the change is based on, e.g. "3" (the ETag of the last read '
    "or write). A different current version answers 412; none answers 428.",
}
_WRITE_NOTE = (
    " Needs `Authorization: Bearer <token>` (API tokens are created on the admin page "
    "/admin/tokens). The change is limited to the token user's districts and recorded "
    "in the station's history."
)


def build_spec() -> dict[str, Any]:
    """The document: the read API and the token-authenticated write API."""
    spec = _read_spec()
    spec["components"]["securitySchemes"] = {
        "token": {"type": "http", "scheme": "bearer", "description": "A per-user API token"}
    }
    created = _geojson("StationDetail", "The station as stored")
    created["headers"] = {"ETag": {"schema": {"type": "string"}, "description": "The version"}}
    stations = spec["paths"]["/api/v1/stations"]
    stations["post"] = {
        "operationId": "create_station",
        "summary": "Create a station; its district and code are assigned from its position."
        + _WRITE_NOTE,
        "security": [{"token": []}],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _station_write_schema(["name", "lat", "lon"])}
            },
        },
        "responses": {"201": created, **_errors(400, 401, 403, 422, 503)},
    }
    one = spec["paths"]["/api/v1/stations/{station_id}"]
    one["patch"] = {
        "operationId": "update_station",
        "summary": "Change some fields of a station." + _WRITE_NOTE,
        "security": [{"token": []}],
        "parameters": [_STATION_ID, _IF_MATCH],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _station_write_schema([])}},
        },
        "responses": {"200": created, **_errors(400, 401, 403, 404, 412, 422, 428, 503)},
    }
    one["delete"] = {
        "operationId": "delete_station",
        "summary": "Delete a station (a soft delete, undone in the admin pages)." + _WRITE_NOTE,
        "security": [{"token": []}],
        "parameters": [_STATION_ID, _IF_MATCH],
        "responses": {
            "204": {"description": "Deleted"},
            **_errors(400, 401, 403, 404, 412, 428, 503),
        },
    }
    return spec
