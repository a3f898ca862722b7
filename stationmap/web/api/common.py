"""Helpers the API views share: the settings and database session of the running app,
the clock, GeoJSON responses and a station as a GeoJSON Feature."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Response, current_app, jsonify, request
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from stationmap.app_state import state
from stationmap.config import Settings
from stationmap.geo.freshness import StationFlags, effective_hours, marks
from stationmap.geo.hours_text import describe_hours
from stationmap.geo.navigation import NavTarget
from stationmap.models import Station
from stationmap.services import listing
from stationmap.station_fields import FieldError
from stationmap.web.errors import ApiError, bad_request
from stationmap.web.nearest_json import marks_properties, station_links

GEOJSON = "application/geo+json"


def _geojson(payload: dict[str, Any], status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    response.mimetype = GEOJSON
    return response


def feature_collection(payload: dict[str, Any]) -> Response:
    """A page of station features, serialized by orjson: the map's page of up to 500
    stations took 6 ms in the standard library, 0.3 ms here. orjson writes NaN as null
    where the app's JSON provider refuses it; the only floats here are coordinates, which
    :func:`station_feature` refuses unless finite."""
    return Response(orjson.dumps(payload) + b"\n", mimetype=GEOJSON)


def _settings() -> Settings:
    return state(current_app).settings


def _session() -> Session:
    return state(current_app).db.session()


def _now() -> datetime:
    return datetime.now(UTC)


def invalid_fields(errors: Sequence[FieldError], *, chinese: bool = False) -> ApiError:
    """422 ``invalid_value`` naming the first field (with its Chinese message too when
    ``chinese``), every field's error in ``details``."""
    first = errors[0]
    message = f"{first.field}: {first.message}"
    if chinese:
        message += f" / {first.message_zh}"
    return ApiError(
        422,
        "invalid_value",
        message,
        field=first.field,
        details=[e.as_dict() for e in errors],
    )


# The largest JSON body the API reads. The largest real one, a station with every field at
# its limit (30 service lines of 200 characters ...) or a report reply and note of 2,000
# characters each, written as \uXXXX escapes, is under 48 KiB. The app's own limit (20 MiB,
# for the admin's uploads) let anyone without a token make the server parse 20 MiB of
# JSON per report (a 10 MiB array: 1.4 s of a core) before refusing it.
MAX_JSON_BYTES = 64 * 1024


def json_object(what: str) -> dict[str, Any]:
    """The request's JSON body, which must be an object (of ``what``); otherwise a 400
    saying why, a 413 past :data:`MAX_JSON_BYTES` (checked before it is read) or a 415
    for another Content-Type, each naming ``body`` or ``Content-Type`` as its field."""
    too_large = ApiError(
        413,
        "body_too_large",
        f"the body is larger than {MAX_JSON_BYTES // 1024} KiB; no request needs more",
        field="body",
    )
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise too_large
    request.max_content_length = MAX_JSON_BYTES  # a body sent without a length
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"send the {what} as JSON with Content-Type: application/json",
            field="Content-Type",
        )
    try:
        body = request.get_json(silent=False)
    except RequestEntityTooLarge:
        raise too_large from None
    except BadRequest as exc:
        cause = exc.__cause__.__context__ if exc.__cause__ else None  # see Flask get_json
        reason = f": {cause}" if isinstance(cause, ValueError) else ""
        raise bad_request(f"the body is not valid JSON{reason}"[:300], field="body") from None
    if not isinstance(body, dict):
        raise bad_request(f"the body must be a JSON object of {what}", field="body")
    return body


def station_properties(
    station: Station | listing.StationSummary, at: datetime, *, full: bool
) -> dict[str, Any]:
    """A station's GeoJSON properties; ``full`` (the detail view) needs a Station."""
    settings = _settings()
    hours = effective_hours(station.opening_hours, at, settings.tz, station.closed_until)
    day = at.astimezone(settings.tz).date()
    # Hours kept as written (detail only) are shown as written; their state is unknown.
    words = station.opening_hours
    if full and isinstance(station, Station):
        words = station.opening_hours or station.opening_hours_text
    props: dict[str, Any] = {
        "id": station.id,
        "code": station.code,
        "name": station.name,
        "address": station.address,
        "district_code": station.district_code,
        "host_type": station.host_type,
        "amenities": station.amenities,
        "worker_groups": station.worker_groups,
        "opening_hours": station.opening_hours,
        "hours_zh": describe_hours(words, day, "zh"),
        "hours_en": describe_hours(words, day, "en"),
        "open_now": hours.open,
        "next_change_at": hours.change_at_iso(),
        "phone": station.phone,
        "status": station.status,
        "demo": station.is_demo,
        **marks_properties(marks(station_flags(station), at, settings.stale_days), settings.tz),
    }
    if full:
        assert isinstance(station, Station)
        props.update(
            contact=station.contact,
            services=list(station.services),
            entered_datum=station.entered_datum,
            opening_hours_text=station.opening_hours_text,
            verified_at=station.verified_at.isoformat() if station.verified_at else None,
            created_at=station.created_at.isoformat(),
            updated_at=station.updated_at.isoformat(),
            version=station.version,
            links=station_links(
                station.id,
                station.code,
                NavTarget(station.lat, station.lon, station.name),
                request.script_root,
                settings.app_name,
                settings.tencent_key,
            ),
        )
    return props


def station_feature(
    station: Station | listing.StationSummary, at: datetime, *, full: bool
) -> dict[str, Any]:
    if not (math.isfinite(station.lon) and math.isfinite(station.lat)):
        raise ValueError(f"station {station.id} has no finite position")  # never written
    return {
        "type": "Feature",
        "id": station.id,
        "geometry": {"type": "Point", "coordinates": [station.lon, station.lat]},
        "properties": station_properties(station, at, full=full),
    }


def station_flags(station: Station | listing.StationSummary) -> StationFlags:
    """The stored temporary states of a station (an ORM row or a listing summary)."""
    return StationFlags(
        station.closed_until,
        station.reported_closed_at is not None,
        station.verified_at,
        station.outages,
    )
