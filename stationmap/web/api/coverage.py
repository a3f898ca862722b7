"""District coverage: ``GET /api/v1/districts/<code>/coverage``. Public, as the other
reads; the figures follow what is stored at each request (a report is computed again
only when something it depends on changed: services.coverage.district_report)."""

from __future__ import annotations

from flask import Response, jsonify, request

from stationmap.services import coverage as coverage_service
from stationmap.web.api import bp
from stationmap.web.api.common import _geojson, _now, _session, _settings
from stationmap.web.errors import bad_request, not_found, unprocessable
from stationmap.web.params import Params

# The reach asked for is bounded: a district-wide union of 20 km discs costs seconds.
MAX_COVERAGE_RADIUS_M = 5000.0
COVERAGE_PARAMETERS = frozenset(("radius_m", "amenity", "at", "format", "speed_kmh"))
FORMATS = ("json", "geojson")


@bp.get("/districts/<code>/coverage")
def district_coverage(code: str) -> Response:
    params = Params(request.args, COVERAGE_PARAMETERS)
    radius_m = params.number("radius_m", low=50, high=MAX_COVERAGE_RADIUS_M, default=1000.0)
    speed = params.number("speed_kmh", low=1, high=60, default=15.0)
    amenities = params.codes("amenity", "amenity")
    tz = _settings().tz
    at = params.moment("at", tz, _now()) if params.args.get("at") else None
    fmt = params.text("format", "json")
    if fmt not in FORMATS:
        raise unprocessable("format must be json or geojson", field="format")
    geojson = fmt == "geojson"
    if len(code) > 12 or not code.isascii() or not code.isdigit():
        raise bad_request("code must be a district code of digits", field="code")
    with _session() as session:
        try:
            report = coverage_service.district_report(
                session,
                code,
                tz=tz,
                radius_m=radius_m,
                amenities=amenities,
                at=at,
                speed_kmh=speed or 15.0,
                layers=geojson,
            )
        except coverage_service.UnknownDistrict:
            raise not_found(f"no district {code} with a boundary", field="code") from None
        except coverage_service.CoverageError as exc:
            raise unprocessable(exc.message, field="radius_m") from None
    if geojson:
        return _geojson(coverage_service.report_geojson(report, demand_points=False))
    return jsonify(coverage_service.report_summary(report))
