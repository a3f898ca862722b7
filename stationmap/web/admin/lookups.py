"""Small JSON helpers for the station editor: the opening-hours preview, one point in
every datum, and similar stations nearby."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from stationmap.field_values import ValueProblem
from stationmap.field_values.degrees import Axis, parse_degrees
from stationmap.geo.datum import DATUMS, Datum, NoWgs84Point, from_wgs84, parse_datum, to_wgs84
from stationmap.geo.hours import HoursError
from stationmap.geo.hours_office import read_office_hours
from stationmap.services import editing
from stationmap.services.placement import DATUM_ZH
from stationmap.web.admin import bp, typed_point
from stationmap.web.admin.common import _db, _hours_note, _me
from stationmap.web.i18n import current_lang, tr
from stationmap.web.params import whole_number


@bp.get("/hours-preview")
def hours_preview() -> Response:
    """Live check of opening hours for the editor: {"ok", "text"}."""
    text = request.args.get("text", "")[:600]
    if not text.strip():
        return jsonify({"ok": True, "text": ""})
    try:
        read_office_hours(text.strip())
    except HoursError as exc:
        text = exc.message if current_lang() == "en" else exc.message_zh
        return jsonify({"ok": False, "text": text})
    return jsonify({"ok": True, "text": _hours_note(text)})


class _BadQuery(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _typed() -> tuple[str, str, bool]:
    """The query's ``lat`` and ``lon`` text; a picker's pair pasted into one of them is
    split as the save splits it (the third value says it was)."""
    form = {name: request.args.get(name, "")[:130] for name in ("lat", "lon")}
    split = typed_point.split_pasted(form, note=False) is not None
    return form["lat"][:60], form["lon"][:60], split


def _point_query() -> tuple[float, float, Datum, float, float]:
    """``lat``, ``lon`` (finite, in range) and ``datum`` from the query string, then the
    point in WGS-84."""
    values = []
    axes: tuple[Axis, Axis] = ("lat", "lon")
    typed = dict(zip(axes, _typed()[:2], strict=True))
    for name in axes:  # read as the save reads them: 86°13′01.2″, ８６．２ too
        try:
            values.append(parse_degrees(typed[name], name))
        except ValueProblem as exc:
            raise _BadQuery(name, tr(exc.message_zh, f"{name} {exc.message}")) from None
    try:
        datum = parse_datum(request.args.get("datum", "wgs84")[:20] or "wgs84")
    except ValueError as exc:
        words = "wgs84（GPS、天地图）、gcj02（高德、腾讯）或 bd09（百度）"
        raise _BadQuery("datum", tr(f"无法识别的坐标系：请选 {words}", str(exc))) from None
    try:
        w_lat, w_lon = to_wgs84(values[0], values[1], datum)
    except NoWgs84Point as exc:
        zh = (
            f"纬度 {values[0]:g}、经度 {values[1]:g} 按{DATUM_ZH[datum]}坐标换算后不在地球上"
            "（纬度须在 -90 到 90 之间，经度须在 -180 到 180 之间）：请检查经纬度和坐标系"
        )
        raise _BadQuery("lat", tr(zh, str(exc))) from None
    return values[0], values[1], datum, w_lat, w_lon


def _bad_query(exc: _BadQuery) -> Response:
    response = jsonify({"error": {"code": "bad_request", "message": str(exc), "field": exc.field}})
    response.status_code = 400
    return response


@bp.get("/coordinates")
def coordinates() -> Response:
    """One point in every datum, for the editor's map picker:
    ``?lat=&lon=&datum=`` -> ``{"wgs84": [lat, lon], "gcj02": [...], "bd09": [...]}``
    (the one conversion the server uses on save, so the marker sits where it will).
    A picker's pair pasted into ``lat`` or ``lon`` is split as the save splits it, and
    ``"split": [lat text, lon text]`` says how, for the page to fill both fields."""
    try:
        lat, lon, datum, w_lat, w_lon = _point_query()
    except _BadQuery as exc:
        return _bad_query(exc)
    out: dict[str, list[float] | list[str]] = {}
    for name in DATUMS:
        d_lat, d_lon = (lat, lon) if name == datum else from_wgs84(w_lat, w_lon, name)
        out[name] = [round(float(d_lat), 7), round(float(d_lon), 7)]
    lat_text, lon_text, split = _typed()
    if split:
        out["split"] = [lat_text, lon_text]
    return jsonify(out)


@bp.get("/duplicates")
def duplicate_stations() -> Response:
    """Stations within 50 m with a similar name, checked as the editor types or moves
    the marker: ``?name=&lat=&lon=&datum=&exclude=<station id>``. Only stations in the
    user's districts are described; others are only counted (``elsewhere``). The save
    itself checks again."""
    try:
        _lat, _lon, _datum, w_lat, w_lon = _point_query()
    except _BadQuery as exc:
        return _bad_query(exc)
    name = request.args.get("name", "")[:200].strip()
    exclude_id = whole_number(request.args.get("exclude", ""), 10)
    if not name:
        return jsonify({"duplicates": [], "elsewhere": 0})
    with _db().session() as session:
        found, elsewhere = editing.duplicates_in_scope(
            session, name, w_lat, w_lon, _me().scope.codes, exclude_id
        )
        items = [
            {
                "id": station.id,
                "code": station.code,
                "name": station.name,
                "address": station.address,
                "distance_m": round(distance_m, 1),
                "url": url_for("admin.station_edit", station_id=station.id),
            }
            for station, distance_m in found
        ]
    return jsonify({"duplicates": items, "elsewhere": elsewhere})
