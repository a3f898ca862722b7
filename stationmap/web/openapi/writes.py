"""The token-authenticated write paths (create, update, delete a station) and
:func:`build_spec`, which adds them to the read document."""

from __future__ import annotations

from typing import Any

from stationmap import catalog
from stationmap.web.openapi import report_queue
from stationmap.web.openapi.coverage import coverage_paths
from stationmap.web.openapi.reads import _read_spec
from stationmap.web.openapi.reports import report_paths, report_schemas
from stationmap.web.openapi.schemas import _errors, _geojson, merge_paths


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
        "responses": {"201": created, **_errors(400, 401, 403, 409, 413, 422, 503)},
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
        "responses": {
            "200": created,
            **_errors(400, 401, 403, 404, 409, 412, 413, 422, 428, 503),
        },
    }
    one["delete"] = {
        "operationId": "delete_station",
        "summary": "Delete a station (a soft delete, undone in the admin pages)." + _WRITE_NOTE,
        "security": [{"token": []}],
        "parameters": [_STATION_ID, _IF_MATCH],
        "responses": {
            "204": {"description": "Deleted"},
            **_errors(400, 401, 403, 404, 409, 412, 428, 503),
        },
    }
    # Workers' reports (public) and the administrators' queue: each path's operations
    # merged in, so both may describe methods of one path.
    merge_paths(spec, report_paths())
    merge_paths(spec, report_queue.report_admin_paths())
    spec["components"]["schemas"].update(report_schemas())
    spec["components"]["schemas"].update(report_queue.SCHEMAS)
    merge_paths(spec, coverage_paths())
    return spec
