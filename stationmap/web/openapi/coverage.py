"""The district coverage path: shares within reach of matching open stations, per-grid
figures, redundant pairs and, with ``format=geojson``, the layers."""

from __future__ import annotations

from typing import Any

from stationmap.web.api.coverage import FORMATS, MAX_COVERAGE_RADIUS_M
from stationmap.web.openapi.schemas import AMENITY_PARAM, _errors, _param, _ref

_NUMBER = {"type": "number"}
_BAND = {
    "type": "object",
    "required": ["radius_m", "ebike_minutes", "covered_km2", "share", "demand_share"],
    "properties": {
        "radius_m": _NUMBER,
        "ebike_minutes": _NUMBER,
        "covered_km2": _NUMBER,
        "share": {"type": "number", "minimum": 0, "maximum": 1},
        "demand_share": {"type": ["number", "null"]},
    },
}
COVERAGE_SUMMARY: dict[str, Any] = {
    "type": "object",
    "required": ["district", "area_km2", "stations", "bands", "grids", "distance_basis"],
    "properties": {
        "district": {"type": "object"},
        "area_km2": _NUMBER,
        "stations": {"type": "integer"},
        "radius_m": _NUMBER,
        "speed_kmh": _NUMBER,
        "distance_basis": {
            "const": "straight_line",
            "description": "Distances are straight lines (no road network is configured)",
        },
        "crs_for_areas": {"type": "string", "description": "The UTM zone areas are computed in"},
        "bands": {"type": "array", "items": _BAND},
        "grids": {"type": "array", "items": {"type": "object"}},
        "redundant_pairs": {"type": "array", "items": {"type": "object"}},
        "suggested_sites": {"type": "array", "items": {"type": "object"}},
    },
}


def coverage_paths() -> dict[str, dict[str, Any]]:
    return {
        "/api/v1/districts/{code}/coverage": {
            "get": {
                "operationId": "district_coverage",
                "summary": "The share of a district's area (and imported demand) within "
                "500 m, 1 km, 2 km and radius_m of a matching open station, as e-bike "
                "minutes too (straight-line distance); per-grid coverage, grids no station "
                "reaches first; pairs of alike stations closer than 300 m",
                "parameters": [
                    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                    _param(
                        "radius_m",
                        {"type": "number", "minimum": 50, "maximum": MAX_COVERAGE_RADIUS_M},
                        "The reach for grids and demand, metres (default 1000)",
                    ),
                    _param(
                        "speed_kmh",
                        {"type": "number", "minimum": 1, "maximum": 60},
                        "E-bike speed for the minutes (default 15)",
                    ),
                    AMENITY_PARAM,
                    _param(
                        "at",
                        {"type": "string", "format": "date-time"},
                        "Count only stations open then (hours and temporary closures); "
                        "between the years 1900 and 2199, else 422",
                    ),
                    _param(
                        "format",
                        {"enum": list(FORMATS)},
                        "geojson: a FeatureCollection of the layers (district, covered, uncovered, "
                        "grids, stations; demand points only in the admin download), the "
                        "figures under `coverage`",
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The figures (json) or the layers (geojson)",
                        "content": {
                            "application/json": {"schema": COVERAGE_SUMMARY},
                            "application/geo+json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["type", "features", "coverage"],
                                    "properties": {
                                        "type": {"const": "FeatureCollection"},
                                        "features": {"type": "array"},
                                        "coverage": COVERAGE_SUMMARY,
                                    },
                                }
                            },
                        },
                    },
                    **_errors(400, 404, 422, 503),
                    "429": {
                        "description": "Too many coverage requests from this client (each "
                        "costs 60-200 ms of a core; by default 30 a minute, "
                        "STATIONMAP_COVERAGE_RATE_LIMIT); see Retry-After (seconds)",
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                        "content": {"application/json": {"schema": _ref("Error")}},
                    },
                },
            }
        }
    }


__all__ = ["coverage_paths"]
