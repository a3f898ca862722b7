"""The read views of the v1 API: nearest stations, the station list and detail,
districts and the vocabularies. Anyone may call them; no token is needed."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from stationmap import catalog
from stationmap.app_state import state
from stationmap.geo.datum import NoWgs84Point
from stationmap.services import districts as district_service
from stationmap.services import listing
from stationmap.services import stations as station_service
from stationmap.services.nearest_search import NearestQuery, find_nearest
from stationmap.web.api import bp
from stationmap.web.api.common import (
    GEOJSON,
    _geojson,
    _now,
    _session,
    _settings,
    feature_collection,
    station_feature,
)
from stationmap.web.errors import ApiError, bad_request, not_found
from stationmap.web.guards import MAX_ID
from stationmap.web.nearest_json import nearest_collection
from stationmap.web.params import Params

MAX_K = 50
DEFAULT_K = 5
MAX_RADIUS_M = 200_000.0
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
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
    asked = NearestQuery(
        lat,
        lon,
        datum,
        k,
        frozenset(amenities),
        frozenset(host_types),
        frozenset(groups),
        open_now,
        radius_m,
    )
    try:
        answer = find_nearest(state(current_app).nearest, asked, at)
    except NoWgs84Point as exc:
        # Worded as the write API words a field's error: English, naming the field, with
        # the Chinese beside it in ``details`` (the courier page shows ``message``).
        detail = {"field": "lat", "message": exc.message, "message_zh": exc.message_zh}
        raise ApiError(
            422, "out_of_range", f"lat: {exc.message}", field="lat", details=[detail]
        ) from None
    query = {
        "lat": answer.lat,
        "lon": answer.lon,
        "datum": "wgs84",
        "given": {"lat": lat, "lon": lon, "datum": datum},
        "k": k,
        "radius_m": radius_m,
        "amenity": list(amenities),
        "open_now": open_now,
        "at": at.isoformat(),
    }
    body = nearest_collection(
        answer.results,
        query,
        script_root=request.script_root,
        app_name=settings.app_name,
        tencent_key=settings.tencent_key,
        day=at.astimezone(settings.tz).date(),
        tz=settings.tz,
    )
    return Response(body, mimetype=GEOJSON)


def with_cursor(cursor: str) -> dict[str, Any]:
    """The request's query parameters with ``cursor`` set: the next page's link."""
    return {**request.args, "cursor": cursor}


def cursor_after(params: Params) -> int:
    """The id a page starts after, from the ``cursor`` a previous page gave (0: none)."""
    cursor = params.text("cursor", max_length=100)
    if not cursor:
        return 0
    try:
        after_id = listing.decode_cursor(cursor)
        if after_id > MAX_ID:
            raise ValueError(cursor)
    except ValueError:
        raise bad_request("cursor is not one this API returned", field="cursor") from None
    return after_id


@bp.get("/stations")
def list_stations() -> Response:
    params = Params(request.args, ("bbox", "district", "amenity", "q", "limit", "cursor"))
    bbox = params.bbox()
    district = params.district_code("district")
    amenities = params.codes("amenity", "amenity")
    text = (params.text("q", max_length=100) or "").strip()
    limit = params.integer("limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT)
    after_id = cursor_after(params)
    at = _now()
    with _session() as session:
        codes = None
        if district is not None:
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
                postgis=state(current_app).db.has_postgis(),
                at=at,
            ),
        )
        features = [station_feature(s, at, full=False) for s in stations]
    next_cursor = listing.encode_cursor(last_id) if last_id is not None else None
    return feature_collection(
        {
            "type": "FeatureCollection",
            "features": features,
            "next_cursor": next_cursor,
            "links": {
                "next": url_for("api.list_stations", **with_cursor(next_cursor))
                if next_cursor
                else None
            },
        }
    )


@bp.get("/stations/<int(signed=True):station_id>")
def station_detail(station_id: int) -> Response:
    Params(request.args, ())
    if not 1 <= station_id <= MAX_ID:
        raise not_found("no station has this id", field="station_id")
    with _session() as session:
        station = station_service.get_station(session, station_id)
        if station is None:
            raise not_found(f"no station {station_id}", field="station_id")
        return _geojson(station_feature(station, _now(), full=True))


@bp.get("/districts")
def district_list() -> Response:
    params = Params(request.args, ("parent",))
    parent = params.district_code("parent")
    with _session() as session:
        known = district_service.tree(session)  # kept per process until the data moves
    if parent is not None:
        items = [known.by_code[code] for code in known.children.get(parent, [])]
    else:
        items = list(known.by_code.values())
    return jsonify(
        {
            "districts": [
                {
                    "code": d.code,
                    "name": d.name,
                    "level": d.level,
                    "parent_code": d.parent_code,
                    "bbox": list(d.bbox.lonlat()) if d.bbox else None,
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
