"""The v1 JSON API. GeoJSON (RFC 7946, WGS-84, ``[lon, lat]``) for stations and
districts; every error is ``{"error": {"code", "message", "field"}}``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from stationmap import catalog, state
from stationmap.geo.datum import to_wgs84
from stationmap.geo.hours import hours_state
from stationmap.geo.navigation import NavTarget
from stationmap.geo.nearest import Filters
from stationmap.models import Station
from stationmap.services import districts as district_service
from stationmap.services import editing, listing
from stationmap.services import stations as station_service
from stationmap.services import tokens as token_service
from stationmap.services.revisions import Actor
from stationmap.services.users import Principal
from stationmap.station_fields import FIELDS, InvalidStation, parse_station
from stationmap.web.errors import ApiError, bad_request, not_found, unprocessable
from stationmap.web.nearest_json import nearest_collection, station_links
from stationmap.web.params import Params

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_K = 50
DEFAULT_K = 5
MAX_RADIUS_M = 200_000.0
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
GEOJSON = "application/geo+json"
MAX_ID = 2**31 - 1  # ids are 32-bit integers on every backend
NEAREST_PARAMETERS = frozenset(
    (
        "lat",
        "lon",
        "k",
        "radius_m",
        "amenity",
        "host_type",
        "worker_group",
        "open_now",
        "at",
        "datum",
    )
)


def _geojson(payload: dict[str, Any], status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    response.mimetype = GEOJSON
    return response


def _settings():  # type: ignore[no-untyped-def]
    return state(current_app).settings


def _session():  # type: ignore[no-untyped-def]
    return state(current_app).db.session()


def _now() -> datetime:
    return datetime.now(UTC)


def station_properties(
    station: Station | listing.StationSummary, at: datetime, *, full: bool
) -> dict[str, Any]:
    """A station's GeoJSON properties; ``full`` (the detail view) needs a Station."""
    settings = _settings()
    hours = hours_state(station.opening_hours, at, settings.tz)
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
        "open_now": hours.open,
        "next_change_at": hours.change_at_iso(),
        "phone": station.phone,
        "status": station.status,
        "demo": station.is_demo,
    }
    if full:
        assert isinstance(station, Station)
        props.update(
            contact=station.contact,
            services=list(station.services),
            entered_datum=station.entered_datum,
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
    return {
        "type": "Feature",
        "id": station.id,
        "geometry": {"type": "Point", "coordinates": [station.lon, station.lat]},
        "properties": station_properties(station, at, full=full),
    }


@bp.get("/stations/nearest")
def nearest_stations() -> Response:
    settings = _settings()
    params = Params(request.args, NEAREST_PARAMETERS)
    lat = params.number("lat", low=-90, high=90, required=True)
    lon = params.number("lon", low=-180, high=180, required=True)
    assert lat is not None and lon is not None
    k = params.integer("k", low=1, high=MAX_K, default=DEFAULT_K)
    radius_m = params.number("radius_m", low=1, high=MAX_RADIUS_M)
    amenities = params.codes("amenity", "amenity")
    host_types = params.codes("host_type", "host_type")
    groups = params.codes("worker_group", "worker_group")
    open_now = params.boolean("open_now")
    datum = params.datum()
    at = params.moment("at", settings.tz, _now())
    wgs_lat, wgs_lon = to_wgs84(lat, lon, datum)
    filters = Filters(
        amenities=frozenset(amenities),
        host_types=frozenset(host_types),
        worker_groups=frozenset(groups),
        open_at=at if open_now else None,
        radius_m=radius_m,
    )
    results = state(current_app).nearest.nearest(wgs_lat, wgs_lon, k, filters, at)
    query = {
        "lat": wgs_lat,
        "lon": wgs_lon,
        "datum": "wgs84",
        "given": {"lat": lat, "lon": lon, "datum": datum},
        "k": k,
        "radius_m": radius_m,
        "amenity": list(amenities),
        "open_now": open_now,
        "at": at.isoformat(),
    }
    body = nearest_collection(
        results,
        query,
        script_root=request.script_root,
        app_name=settings.app_name,
        tencent_key=settings.tencent_key,
    )
    return Response(body, mimetype=GEOJSON)


@bp.get("/stations")
def list_stations() -> Response:
    params = Params(request.args, ("bbox", "district", "amenity", "q", "limit", "cursor"))
    bbox = params.bbox()
    district = params.text("district", max_length=6)
    amenities = params.codes("amenity", "amenity")
    text = (params.text("q", max_length=100) or "").strip()
    limit = params.integer("limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT)
    cursor = params.text("cursor", max_length=100)
    after_id = 0
    if cursor:
        try:
            after_id = listing.decode_cursor(cursor)
        except ValueError:
            raise bad_request("cursor is not one this API returned", field="cursor") from None
    at = _now()
    with _session() as session:
        codes = None
        if district is not None:
            if not district.isdigit() or len(district) != 6:
                raise bad_request(
                    "district must be a 6-digit administrative code", field="district"
                )
            if district_service.get_district(session, district) is None:
                raise not_found(f"no district {district}", field="district")
            codes = district_service.codes_within(session, district)
        stations, last_id = listing.list_summaries(
            session,
            listing.StationQuery(
                bbox=bbox,
                district_codes=codes,
                amenities=amenities,
                text=text,
                limit=limit,
                after_id=after_id,
                postgis=state(current_app).nearest.uses_database(),
            ),
        )
        features = [station_feature(s, at, full=False) for s in stations]
    next_cursor = listing.encode_cursor(last_id) if last_id is not None else None
    return _geojson(
        {
            "type": "FeatureCollection",
            "features": features,
            "next_cursor": next_cursor,
            "links": {
                "next": url_for("api.list_stations", **{**request.args, "cursor": next_cursor})
                if next_cursor
                else None
            },
        }
    )


@bp.get("/stations/<int(signed=True):station_id>")
def station_detail(station_id: int) -> Response:
    Params(request.args, ())
    if not 1 <= station_id <= MAX_ID:
        raise not_found(f"no station {station_id}", field="station_id")
    with _session() as session:
        station = station_service.get_station(session, station_id)
        if station is None:
            raise not_found(f"no station {station_id}", field="station_id")
        return _geojson(station_feature(station, _now(), full=True))


@bp.get("/districts")
def district_list() -> Response:
    params = Params(request.args, ("parent",))
    parent = params.text("parent", max_length=6)
    if parent is not None and not (parent.isdigit() and len(parent) == 6):
        raise bad_request("parent must be a 6-digit administrative code", field="parent")
    with _session() as session:
        items = district_service.summaries(session)
    if parent is not None:
        items = [d for d in items if d.parent_code == parent]
    return jsonify(
        {
            "districts": [
                {
                    "code": d.code,
                    "name": d.name,
                    "level": d.level,
                    "parent_code": d.parent_code,
                    "bbox": list(d.bbox) if d.bbox else None,
                }
                for d in items
            ]
        }
    )


@bp.get("/districts/<code>")
def district_detail(code: str) -> Response:
    Params(request.args, ())
    with _session() as session:
        row = district_service.get_district(session, code)
        if row is None:
            raise not_found(f"no district {code[:20]}", field="code")
        within = district_service.codes_within(session, code)
        count = district_service.station_counts(session, within)
        geometry = json.loads(row.boundary_geojson) if row.boundary_geojson else None
        return _geojson(
            {
                "type": "Feature",
                "id": row.code,
                "geometry": geometry,
                "bbox": [row.min_lon, row.min_lat, row.max_lon, row.max_lat]
                if row.min_lon is not None
                else None,
                "properties": {
                    "code": row.code,
                    "name": row.name,
                    "level": row.level,
                    "parent_code": row.parent_code,
                    "station_count": count,
                    "source": row.source,
                },
            }
        )


def _terms(terms: tuple[catalog.Term, ...]) -> list[dict[str, str]]:
    return [t.as_dict() for t in terms]


@bp.get("/amenities")
def amenity_list() -> Response:
    Params(request.args, ())
    return jsonify({"amenities": _terms(catalog.AMENITIES)})


@bp.get("/host-types")
def host_type_list() -> Response:
    Params(request.args, ())
    return jsonify({"host_types": _terms(catalog.HOST_TYPES)})


@bp.get("/worker-groups")
def worker_group_list() -> Response:
    Params(request.args, ())
    return jsonify({"worker_groups": _terms(catalog.WORKER_GROUPS)})


# -- writes: token-authenticated, scoped, with history and If-Match ----------------------
# Cookies never authenticate these endpoints (only ``Authorization: Bearer``), so a
# browser cannot be made to call them across sites and they need no CSRF token.
WRITABLE_FIELDS = tuple(name for name in FIELDS if name != "code")


def _write_principal() -> tuple[Principal, str]:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("an API token is required: Authorization: Bearer <token>")
    with _session() as session:
        principal = token_service.authenticate_token(session, secret.strip())
    if principal is None:
        raise _unauthorized("the API token is unknown, revoked, or its user is disabled")
    if not principal.scope.can_write:
        raise ApiError(403, "forbidden", "this account may not change stations")
    return principal, secret.strip()


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message)


def _if_match() -> int:
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise ApiError(
            428,
            "precondition_required",
            'send If-Match with the station\'s version, e.g. If-Match: "3"',
            field="If-Match",
        )
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 9:
        raise bad_request("If-Match must be the station's version number", field="If-Match")
    return int(value)


def _body() -> dict[str, Any]:
    body = request.get_json(silent=False)
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object of station fields")
    if "code" in body:
        raise unprocessable("is assigned by the server", field="code")
    return body


def _invalid(exc: InvalidStation) -> ApiError:
    first = exc.errors[0]
    return ApiError(
        422,
        "invalid_value",
        f"{first.field}: {first.message}",
        field=first.field,
        details=[e.as_dict() for e in exc.errors],
    )


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


def _station_raw(station: Station) -> dict[str, Any]:
    return {
        "name": station.name,
        "address": station.address,
        "lat": station.lat,
        "lon": station.lon,
        "datum": "wgs84",
        "host_type": station.host_type,
        "amenities": station.amenities,
        "worker_groups": station.worker_groups,
        "opening_hours": station.opening_hours,
        "phone": station.phone,
        "contact": station.contact,
        "services": list(station.services),
        "status": station.status,
    }


@bp.post("/stations")
def create_station() -> Response:
    Params(request.args, ())
    principal, secret = _write_principal()
    try:
        data = parse_station(_body())
    except InvalidStation as exc:
        raise _invalid(exc) from None
    actor = Actor(principal.user_id, principal.username)
    try:
        with state(current_app).db.write_session() as session:
            station = editing.create_station(session, data, principal.scope.codes, actor)
            token_service.touch_token(session, secret)
    except editing.OutOfScope as exc:
        raise _out_of_scope(exc) from None
    return _written(station, 201)


@bp.patch("/stations/<int(signed=True):station_id>")
def update_station(station_id: int) -> Response:
    Params(request.args, ())
    principal, secret = _write_principal()
    if not 1 <= station_id <= MAX_ID:
        raise not_found(f"no station {station_id}", field="station_id")
    expected = _if_match()
    body = _body()
    if "datum" in body and not {"lat", "lon"} <= set(body):
        raise unprocessable("a datum needs both lat and lon in the same request", field="datum")
    actor = Actor(principal.user_id, principal.username)
    codes = principal.scope.codes
    try:
        with state(current_app).db.write_session() as session:
            station = editing.get_scoped(session, station_id, codes)
            if station is None:
                raise not_found(f"no station {station_id}", field="station_id")
            try:
                data = parse_station({**_station_raw(station), **body})
            except InvalidStation as exc:
                raise _invalid(exc) from None
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
    Params(request.args, ())
    principal, secret = _write_principal()
    if not 1 <= station_id <= MAX_ID:
        raise not_found(f"no station {station_id}", field="station_id")
    expected = _if_match()
    actor = Actor(principal.user_id, principal.username)
    codes = principal.scope.codes
    try:
        with state(current_app).db.write_session() as session:
            station = editing.get_scoped(session, station_id, codes)
            if station is None:
                raise not_found(f"no station {station_id}", field="station_id")
            editing.soft_delete(session, station, codes, actor, expected)
            token_service.touch_token(session, secret)
    except (editing.VersionConflict, StaleDataError):
        raise _precondition_failed(station_id) from None
    return current_app.response_class(status=204)
