"""The write views of the v1 API: create, update and delete a station, each with an API
token (``Authorization: Bearer``), within the token user's districts, recorded in the
station's history, and (for update and delete) against the version sent in If-Match."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services import editing
from stationmap.services import stations as station_service
from stationmap.services import tokens as token_service
from stationmap.services.revisions import Actor
from stationmap.services.station_record import station_raw
from stationmap.services.users import Principal
from stationmap.station_fields import InvalidStation, parse_station
from stationmap.web.api import bp
from stationmap.web.api.common import (
    _geojson,
    _now,
    _session,
    invalid_fields,
    json_object,
    station_feature,
)
from stationmap.web.errors import ApiError, bad_request, not_found, unprocessable
from stationmap.web.guards import MAX_ID
from stationmap.web.params import Params, whole_number

# -- writes: token-authenticated, scoped, with history and If-Match ----------------------
# Cookies never authenticate these endpoints (only ``Authorization: Bearer``), so a
# browser cannot be made to call them across sites and they need no CSRF token.


def token_principal() -> tuple[Principal, str]:
    """The user of the request's API token (any role) and the token's secret; 401
    without a valid one."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("an API token is required: Authorization: Bearer <token>")
    with _session() as session:
        principal = token_service.authenticate_token(session, secret.strip())
    if principal is None:
        raise _unauthorized("the API token is unknown, revoked, or its user is disabled")
    return principal, secret.strip()


def _write_principal() -> tuple[Principal, str]:
    principal, secret = token_principal()
    if not principal.scope.can_write:
        raise ApiError(403, "forbidden", "this account may not change stations")
    return principal, secret.strip()


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message)


def _if_match(what: str = "station") -> int:
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise ApiError(
            428,
            "precondition_required",
            f'send If-Match with the {what}\'s version, e.g. If-Match: "3"',
            field="If-Match",
        )
    version = whole_number(header.removeprefix("W/").strip('"'), 9)
    if version is None:
        raise bad_request(f"If-Match must be the {what}'s version number", field="If-Match")
    return version


def _body() -> dict[str, Any]:
    body = json_object("station fields")
    if "code" in body:
        raise unprocessable("is assigned by the server", field="code")
    return body


def _out_of_scope(exc: editing.OutOfScope) -> ApiError:
    where = f"district {exc.district_code}" if exc.district_code else "no known district"
    return ApiError(
        403, "out_of_scope", f"the point is in {where}, outside your districts", field="lat"
    )


def _written(station: Station, status: int) -> Response:
    response = _geojson(station_feature(station, _now(), full=True), status)
    response.headers["ETag"] = f'"{station.version}"'
    if status == 201:
        response.headers["Location"] = f"{request.script_root}/api/v1/stations/{station.id}"
    return response


@bp.post("/stations")
def create_station() -> Response:
    Params(request.args, ())
    principal, secret = _write_principal()
    try:
        data = parse_station(_body())
    except InvalidStation as exc:
        raise invalid_fields(exc.errors) from None
    actor = Actor(principal.user_id, principal.username)
    try:
        with state(current_app).db.write_session() as session:
            station = editing.create_station(session, data, principal.scope.codes, actor)
            token_service.touch_token(session, secret)
    except editing.OutOfScope as exc:
        raise _out_of_scope(exc) from None
    return _written(station, 201)


def _existing_station_write(station_id: int) -> tuple[str, int, Actor, frozenset[str] | None]:
    """What a write to an existing station starts with: no query parameters, a valid
    token (its secret), an id that can exist, and If-Match; then the actor and the
    token's district scope."""
    Params(request.args, ())
    principal, secret = _write_principal()
    if not 1 <= station_id <= MAX_ID:
        raise not_found("no station has this id", field="station_id")
    expected = _if_match()
    return secret, expected, Actor(principal.user_id, principal.username), principal.scope.codes


def _scoped_station(session: Session, station_id: int, codes: frozenset[str] | None) -> Station:
    station = editing.get_scoped(session, station_id, codes)
    if station is None:
        raise not_found(f"no station {station_id}", field="station_id")
    return station


@bp.patch("/stations/<int(signed=True):station_id>")
def update_station(station_id: int) -> Response:
    secret, expected, actor, codes = _existing_station_write(station_id)
    body = _body()
    if "datum" in body and not {"lat", "lon"} <= set(body):
        raise unprocessable("a datum needs both lat and lon in the same request", field="datum")
    try:
        with state(current_app).db.write_session() as session:
            station = _scoped_station(session, station_id, codes)
            try:
                data = parse_station({**station_raw(station), **body})
            except InvalidStation as exc:
                raise invalid_fields(exc.errors) from None
            editing.update_station(session, station, data, codes, actor, expected)
            token_service.touch_token(session, secret)
    except (editing.VersionConflict, StaleDataError):
        raise _precondition_failed(station_id) from None
    except editing.OutOfScope as exc:
        raise _out_of_scope(exc) from None
    return _written(station, 200)


def _precondition_failed(station_id: int) -> ApiError:
    with _session() as session:
        station = station_service.get_station(session, station_id)
        version = station.version if station else None
    return ApiError(
        412,
        "precondition_failed",
        f"the station changed; it is now at version {version}: read it again",
        field="If-Match",
    )


@bp.delete("/stations/<int(signed=True):station_id>")
def delete_station(station_id: int) -> Response:
    secret, expected, actor, codes = _existing_station_write(station_id)
    try:
        with state(current_app).db.write_session() as session:
            station = _scoped_station(session, station_id, codes)
            editing.soft_delete(session, station, codes, actor, expected)
            token_service.touch_token(session, secret)
    except (editing.VersionConflict, StaleDataError):
        raise _precondition_failed(station_id) from None
    return current_app.response_class(status=204)
