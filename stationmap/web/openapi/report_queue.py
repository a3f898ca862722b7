"""The administrators' report paths: the queue and a change of one report, each with
an API token. The public read of one report lives on the same path (another module):
:func:`~stationmap.web.openapi.schemas.merge_paths` joins the operations of one path
instead of replacing them."""

from __future__ import annotations

from typing import Any

from stationmap.models import REPORT_KINDS, REPORT_STATUSES
from stationmap.services.report_queue import MAX_LIMIT
from stationmap.web.api.reads import DEFAULT_LIMIT
from stationmap.web.openapi.schemas import (
    NULLABLE_STRING,
    _errors,
    _json,
    _param,
    _ref,
    page_params,
)

_NOTE = (
    " Needs `Authorization: Bearer <token>`; only the reports of the token user's "
    "districts (another district's report is 404, as a missing one)."
)
_ITEM_PROPERTIES: dict[str, Any] = {
    "id": {"type": "integer"},
    "tracking_code": {"type": "string"},
    "kind": {"enum": list(REPORT_KINDS)},
    "status": {"enum": list(REPORT_STATUSES)},
    "station_id": {"type": ["integer", "null"]},
    "station_code": NULLABLE_STRING,
    "station_name": NULLABLE_STRING,
    "district_code": NULLABLE_STRING,
    "needs": {"type": "array", "items": {"type": "string"}},
    "lat": {"type": ["number", "null"], "description": "WGS-84; proposed position or pin"},
    "lon": {"type": ["number", "null"]},
    "text": {"type": "string"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
    "first_reply_at": {"type": ["string", "null"], "format": "date-time"},
    "resolved_at": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "when the report was resolved or rejected",
    },
    "assignee": NULLABLE_STRING,
    "repeats": {"type": "integer", "minimum": 0},
    "revision_id": {"type": ["integer", "null"]},
    "version": {"type": "integer"},
    "phone": {"type": "string", "description": "the reporter's phone; absent for viewers"},
}
SCHEMAS: dict[str, Any] = {
    "AdminReport": {
        "type": "object",
        "required": [name for name in _ITEM_PROPERTIES if name != "phone"],
        "properties": _ITEM_PROPERTIES,
    },
    "AdminReportList": {
        "type": "object",
        "required": ["reports", "next_cursor"],
        "properties": {
            "reports": {"type": "array", "items": _ref("AdminReport")},
            "next_cursor": NULLABLE_STRING,
            "links": {"type": "object"},
        },
    },
}
_LIST_OF = "Comma-separated; any of: "


def report_admin_paths() -> dict[str, dict[str, Any]]:
    """The paths of the administrators' report API, one dict of operations per path."""
    one = _json(_ref("AdminReport"), "The report as stored now")
    one["headers"] = {"ETag": {"schema": {"type": "string"}, "description": "The version"}}
    return {
        "/api/v1/reports": {
            "get": {
                "operationId": "list_reports",
                "summary": "The district's queue of workers' reports, in id order." + _NOTE,
                "security": [{"token": []}],
                "parameters": [
                    _param(
                        "district",
                        {"type": "string", "pattern": "^[0-9]{6}$"},
                        "A district code; child districts are included",
                    ),
                    _param(
                        "status",
                        {"type": "string"},
                        _LIST_OF + ", ".join(REPORT_STATUSES) + "; open = new, assigned, "
                        "in_progress",
                    ),
                    _param("kind", {"type": "string"}, _LIST_OF + ", ".join(REPORT_KINDS)),
                    _param("station", {"type": "string", "maxLength": 20}, "A station code"),
                    _param(
                        "older_than",
                        {"type": "number", "minimum": 0, "maximum": 24 * 3650},
                        "Only reports made at least this many hours ago",
                    ),
                    *page_params(MAX_LIMIT, DEFAULT_LIMIT),
                ],
                "responses": {
                    "200": _json(_ref("AdminReportList"), "One page of reports"),
                    **_errors(400, 401, 422, 503),
                },
            }
        },
        "/api/v1/reports/{tracking_code}": {
            "patch": {
                "operationId": "change_report",
                "summary": "Move a report on (new → assigned → in_progress → resolved or "
                "rejected; new and assigned may go straight on), with a reply the reporter "
                "sees and an internal note; every change is recorded." + _NOTE,
                "security": [{"token": []}],
                "parameters": [
                    {
                        "name": "tracking_code",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,9}"?$'},
                        "description": "The report's version (its ETag, or `version` in the "
                        "list). A different current version answers 412; none answers 428.",
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {
                                    "status": {"enum": list(REPORT_STATUSES)},
                                    "assignee": {
                                        **NULLABLE_STRING,
                                        "description": "username of an administrator of "
                                        "the report's district (with status assigned)",
                                    },
                                    "reply": {"type": "string", "maxLength": 2000},
                                    "note": {"type": "string", "maxLength": 2000},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": one,
                    **_errors(400, 401, 403, 404, 409, 412, 413, 422, 428, 503),
                },
            }
        },
    }
