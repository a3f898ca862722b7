"""The editor's address look-up: ``GET /admin/geocode?address=`` asks the configured
geocoder (``STATIONMAP_GEOCODER``) and answers a suggested point in every datum with a
message saying it is not yet saved. Nothing is stored here: the editor moves its marker
to the point and the administrator confirms by saving.

Answers JSON in the editor's format, errors as ``{"error": {"code", "message",
"field"}}``: 400 no address, 403 a read-only account, 404 no geocoder configured or no
place found, 502 the service failed, 504 it did not answer in time. Never a 500.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from stationmap.app_state import state
from stationmap.geo.datum import DATUMS, from_wgs84
from stationmap.services import geocoding
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.i18n import current_lang, tr

_STATUS = {"not_found": 404, "timeout": 504, "unavailable": 502}


def _error(status: int, code: str, message: str, field: str | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "field": field}}
    response = jsonify(body)
    response.status_code = status
    return response


@bp.get("/geocode")
def geocode_address() -> Response:
    geocoder = state(current_app).geocoder
    if geocoder is None:
        return _error(
            404,
            "no_geocoder",
            tr("未配置地址查找服务（STATIONMAP_GEOCODER）。", "No geocoder is configured."),
        )
    if not _me().scope.can_write:
        return _error(
            403, "read_only", tr("您的账户只能查看，不能放置驿站。", "This account is read-only.")
        )
    address = geocoding.clean_address(request.args.get("address", ""))
    if not address:
        return _error(
            400,
            "bad_request",
            tr("地址：请先填写地址再查找。", "Address: write the address first."),
            "address",
        )
    try:
        found = geocoder.locate(address)
    except geocoding.GeocodingError as exc:
        message = exc.message_en if current_lang() == "en" else exc.message_zh
        return _error(_STATUS.get(exc.kind, 502), exc.kind, message, "address")
    with _db().session() as session:
        where = geocoding.whereabouts(session, found, _me().scope.codes)
    point = {
        name: [round(float(v), 7) for v in from_wgs84(found.lat, found.lon, name)]
        for name in DATUMS
    }
    service = tr(geocoding.SERVICE_ZH[found.service], geocoding.SERVICE_EN[found.service])
    level = f"（{found.level}）" if found.level and current_lang() != "en" else ""
    message = tr(
        f"{service}建议的位置{level}在{where.name_zh}，尚未保存：请在地图上核对标记，"
        "需要时拖到准确位置，点“保存”即确认。",
        f"Suggested by the {service} in {where.name_en}; not saved yet: check the marker on "
        "the map, drag it to the exact place if needed, and Save to confirm.",
    )
    if not where.in_scope:
        message += tr(
            "注意：该位置不在您负责的区县内，请核对地址。",
            " Note: this place is outside your districts; check the address.",
        )
    return jsonify(
        {
            "service": found.service,
            "point": point,
            "matched": found.matched,
            "level": found.level,
            "district_code": where.district_code,
            "in_scope": where.in_scope,
            "message": message,
        }
    )
