"""Workers' reports in the v1 API, without a token: report a problem with a station,
ask for a station where none is, and read a report's public state by tracking code.

Abuse: per-client limits counted in the report table (429 with ``Retry-After``), a
honeypot field ``website`` (filled: a believable answer and nothing stored), identical
reports from one client merged, and length limits. Cookies play no part, so a page
elsewhere gains nothing by posting here in a visitor's name."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request

from stationmap import report_fields
from stationmap.app_state import state
from stationmap.services import reports as report_service
from stationmap.web.api import bp
from stationmap.web.api.common import _now, _session, _settings, invalid_fields, json_object
from stationmap.web.errors import ApiError, not_found
from stationmap.web.guards import MAX_ID
from stationmap.web.params import Params

# JSON types each field must have (forms send text; the API is exact, as documented).
_NUMBER = "number"
FIELD_TYPES: dict[str, str] = {
    "kind": "string",
    "amenity": "string",
    "lat": _NUMBER,
    "lon": _NUMBER,
    "datum": "string",
    "needs": "array",
    "text": "string",
    "phone": "string",
    "lang": "string",
    "website": "string",
}
STATION_REPORT_FIELDS = frozenset(FIELD_TYPES) - {"needs"}
DEMAND_FIELDS = frozenset(FIELD_TYPES) - {"kind", "amenity"}


def _has_type(value: object, kind: str) -> bool:
    if kind == _NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str if kind == "string" else list)


def client_key() -> str:
    """The reporter's client as the report table keeps it: a keyed hash of the address
    the app sees (after ProxyFix, when proxies are configured)."""
    return report_fields.client_hash(_settings().secret_key, request.remote_addr or "unknown")


def _body(allowed: frozenset[str]) -> dict[str, Any]:
    body = json_object("report fields")
    for name in body:
        if name not in allowed:
            raise ApiError(
                422,
                "unknown_field",
                f"unknown field {str(name)[:40]!r}; allowed: {', '.join(sorted(allowed))}",
                field=str(name)[:40],
            )
        value = body[name]
        if value is not None and not _has_type(value, FIELD_TYPES[name]):
            raise ApiError(
                422, "invalid_value", f"{name} must be a JSON {FIELD_TYPES[name]}", field=name
            )
    if body.get("lang") not in (None, "zh", "en"):
        raise ApiError(422, "invalid_value", "lang must be zh or en", field="lang")
    return body


def rate_limited(exc: report_service.RateLimited) -> Response:
    error = ApiError(
        429,
        "rate_limited",
        f"too many reports from this client; try again in {exc.retry_after_s} seconds / "
        f"报告太多，请 {exc.retry_after_s} 秒后再试",
    )
    response = jsonify(error.body())
    response.status_code = 429
    response.headers["Retry-After"] = str(exc.retry_after_s)
    return response


def _answer(code: str, status: str, merged: bool) -> Response:
    url = f"{request.script_root}/r/{code}"
    response = jsonify({"tracking_code": code, "status": status, "url": url, "merged": merged})
    # A merge stores no new report: 200 with the first one's code.
    response.status_code = 200 if merged else 201
    response.headers["Location"] = f"{request.script_root}/api/v1/reports/{code}"
    response.headers["Cache-Control"] = "no-store"
    return response


def _submit(body: dict[str, Any], station_id: int | None, *, demand: bool) -> Response:
    if body.get("website"):
        return _answer(report_fields.decoy_code(), "new", merged=False)
    lang = body.get("lang")
    try:
        data = report_fields.parse_report(
            body, demand=demand, lang=lang if isinstance(lang, str) else "zh"
        )
    except report_fields.InvalidReport as exc:
        raise invalid_fields(exc.errors, chinese=True) from None
    try:
        with state(current_app).db.write_session() as session:
            done = report_service.submit_report(
                session,
                data,
                station_id,
                client_key(),
                _now(),
                _settings().report_rates,
                reported_closed_min=_settings().reported_closed_min,
            )
    except report_fields.InvalidReport as exc:
        raise invalid_fields(exc.errors, chinese=True) from None
    except report_service.NoSuchStation:
        raise not_found(f"no station {station_id}", field="station_id") from None
    except report_service.RateLimited as exc:
        return rate_limited(exc)
    return _answer(done.tracking_code, done.status, done.merged)


@bp.post("/stations/<int(signed=True):station_id>/reports")
def create_station_report(station_id: int) -> Response:
    Params(request.args, ())
    if not 1 <= station_id <= MAX_ID:
        raise not_found("no station has this id", field="station_id")
    return _submit(_body(STATION_REPORT_FIELDS), station_id, demand=False)


@bp.post("/demand")
def create_demand_report() -> Response:
    Params(request.args, ())
    return _submit(_body(DEMAND_FIELDS), None, demand=True)


def public_report_json(view: report_service.PublicReport) -> dict[str, Any]:
    station = {"name": view.station_name, "code": view.station_code} if view.station_name else None
    return {
        "tracking_code": view.tracking_code,
        "kind": view.kind,
        "status": view.status,
        "created_at": view.created_at.isoformat(),
        "updated_at": view.updated_at.isoformat(),
        "station": station,
        "needs": list(view.needs),
        "text": view.text,
        "replies": [
            {"at": r.at.isoformat(), "to_status": r.to_status, "reply": r.reply}
            for r in view.replies
        ],
    }


@bp.get("/reports/<code>")
def report_status(code: str) -> Response:
    Params(request.args, ())
    wanted = report_fields.normal_code(code[:40])
    view = None
    if wanted is not None:
        with _session() as session:
            view = report_service.public_report(session, wanted)
    if view is None:
        raise not_found("no report has this tracking code", field="tracking_code")
    response = jsonify(public_report_json(view))
    response.headers["Cache-Control"] = "no-store"
    return response
