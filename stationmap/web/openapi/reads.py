"""The document's skeleton with the read paths: nearest stations, the station list and
detail, districts and the vocabularies, and the component schemas of their answers."""

from __future__ import annotations

from typing import Any

from stationmap import catalog
from stationmap.web.api.reads import DEFAULT_K, DEFAULT_LIMIT, MAX_K, MAX_LIMIT, MAX_RADIUS_M
from stationmap.web.openapi.schemas import (
    _BASE_REQUIRED,
    AMENITY_PARAM,
    BASE_PROPERTIES,
    LINKS,
    LIST_REPEAT_NOTE,
    NULLABLE_STRING,
    TERM,
    _codes_pattern,
    _errors,
    _feature,
    _geojson,
    _json,
    _param,
    _ref,
    page_params,
)


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
        "opening_hours_text": {
            "type": ["string", "null"],
            "description": "hours as the office wrote them when a person must still decide "
            "what they mean (夏季8:00-21:00，冬季9:00-19:00); opening_hours is then null, "
            "open_now null, and hours_zh/hours_en give this text",
        },
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
                        "request_id": {
                            "type": "string",
                            "description": "On 409 and 500: the id under which the "
                            "failure is logged (also the X-Request-Id header)",
                        },
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
                            "Comma-separated host type codes; any of them. " + LIST_REPEAT_NOTE,
                        ),
                        _param(
                            "worker_group",
                            {
                                "type": "string",
                                "pattern": _codes_pattern(catalog.WORKER_GROUP_CODES),
                            },
                            "Comma-separated worker group codes; stations serving any. "
                            + LIST_REPEAT_NOTE,
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
                            "offset it is read in the server's configured time zone; "
                            "between the years 1900 and 2199, else 422)",
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
                        *page_params(MAX_LIMIT, DEFAULT_LIMIT),
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
