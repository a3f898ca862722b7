"""The admin pages: dashboard, station editor with history, import and export, API
tokens. Every view needs a login session; every write needs the CSRF token and a role
that may write; every station is looked up within the user's districts, so another
district's station answers 404 exactly as a missing one does."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm.exc import StaleDataError

from stationmap import catalog, state
from stationmap.geo.datum import DATUMS, Datum, from_wgs84, parse_datum, to_wgs84
from stationmap.geo.hours import HoursError, describe, parse_hours
from stationmap.models import Station
from stationmap.render.map import Tiles, tiles_from_config
from stationmap.services import admin as admin_service
from stationmap.services import districts as district_service
from stationmap.services import printing as printing_service
from stationmap.services import revisions as revision_service
from stationmap.services import stations as station_service
from stationmap.services import tokens as token_service
from stationmap.services.revisions import Actor
from stationmap.services.users import Principal
from stationmap.station_fields import FieldError, InvalidStation, StationInput, parse_station
from stationmap.tabular import template_xlsx
from stationmap.web.auth import UNSAFE, check_csrf, current, load_principal
from stationmap.web.public import _tile_origins as tile_origins

bp = Blueprint("admin", __name__, url_prefix="/admin")

FORM_FIELDS = (
    "name",
    "address",
    "lat",
    "lon",
    "datum",
    "host_type",
    "opening_hours",
    "phone",
    "contact",
    "services",
    "status",
)
STATUS_ZH = {"active": "运营中", "suspended": "暂停", "closed": "已关闭"}
ACTION_ZH = {
    "baseline": "初始状态",
    "create": "新建",
    "update": "修改",
    "restore": "恢复",
    "delete": "删除",
    "undelete": "撤销删除",
    "verify": "核实",
    "import": "导入",
}
FIELD_ZH = {
    "code": "编码",
    "name": "名称",
    "address": "地址",
    "lat": "纬度",
    "lon": "经度",
    "datum": "坐标系",
    "entered_datum": "录入坐标系",
    "district_code": "区县",
    "host_type": "承建类型",
    "amenities": "服务设施",
    "worker_groups": "服务人群",
    "opening_hours": "开放时间",
    "phone": "电话",
    "contact": "联系人",
    "services": "服务项目",
    "status": "状态",
    "verified_at": "核实时间",
    "deleted_at": "删除时间",
    "file": "文件",
}
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


def _db():  # type: ignore[no-untyped-def]
    return state(current_app).db


def _me() -> Principal:
    principal = current()
    assert principal is not None  # the guard below makes sure
    return principal


def _actor() -> Actor:
    me = _me()
    return Actor(me.user_id, me.username)


@bp.before_request
def _guard() -> Any:
    if request.endpoint == "admin.upload_import":
        request.max_content_length = state(current_app).settings.import_max_bytes
    load_principal()
    if current() is None:
        if request.method in UNSAFE:
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    check_csrf()
    if request.method in UNSAFE and not _me().scope.can_write:
        abort(403, "您的账户只能查看，不能修改。This account is read-only.")
    return None


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _context() -> dict[str, Any]:
    from flask import g

    return {
        "principal": current(),
        "csrf_token": g.get("csrf") or "",
        "catalog": catalog,
        "STATUS_ZH": STATUS_ZH,
        "ACTION_ZH": ACTION_ZH,
        "FIELD_ZH": FIELD_ZH,
        "show": _show,
    }


def _show(value: Any) -> str:
    """A value as people read it in a diff or a conflict page."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


# -- dashboard and lists ----------------------------------------------------------------
@bp.get("/")
def dashboard() -> str:
    with _db().session() as session:
        figures = admin_service.dashboard(session, _me().scope.codes)
    return render_template("admin/dashboard.html", d=figures)


@bp.get("/stations")
def station_list() -> str:
    text = request.args.get("q", "")[:100].strip()
    deleted = request.args.get("deleted") == "1"
    with _db().session() as session:
        rows = station_service.scoped_stations(
            session, _me().scope.codes, text=text, deleted=deleted
        )
    return render_template(
        "admin/stations.html", stations=rows, q=text, deleted=deleted, title="驿站"
    )


@bp.get("/unverified")
def unverified_stations() -> str:
    with _db().session() as session:
        rows = station_service.scoped_stations(
            session,
            _me().scope.codes,
            unverified_days=station_service.UNVERIFIED_AFTER_DAYS,
        )
    return render_template(
        "admin/stations.html",
        stations=rows,
        q="",
        deleted=False,
        title=f"超过 {station_service.UNVERIFIED_AFTER_DAYS} 天未核实的驿站",
    )


# -- the editor -------------------------------------------------------------------------
def _form_from_station(station: Station) -> dict[str, Any]:
    return {
        "name": station.name,
        "address": station.address,
        "lat": f"{station.lat:.7f}",
        "lon": f"{station.lon:.7f}",
        "datum": "wgs84",
        "host_type": station.host_type,
        "amenities": station.amenities,
        "worker_groups": station.worker_groups,
        "opening_hours": station.opening_hours or "",
        "phone": station.phone,
        "contact": station.contact,
        "services": "\n".join(station.services),
        "status": station.status,
    }


def _form_from_request() -> dict[str, Any]:
    form: dict[str, Any] = {name: request.form.get(name, "")[:5000] for name in FORM_FIELDS}
    form["amenities"] = request.form.getlist("amenities")
    form["worker_groups"] = request.form.getlist("worker_groups")
    return form


def _parse(form: dict[str, Any]) -> StationInput:
    """Only the editable fields are read: code, district, version and audit data never
    come from the client."""
    return parse_station({**form, "datum": form.get("datum") or "wgs84"})


def _boundary_codes(me: Principal) -> list[str]:
    if me.districts:
        return list(me.districts)
    with _db().session() as session:
        return [d.code for d in district_service.summaries(session) if d.level == "county"]


def _editor(
    station: Station | None,
    form: dict[str, Any],
    *,
    errors: list[FieldError] = (),  # type: ignore[assignment]
    duplicates: list[Station] = (),  # type: ignore[assignment]
    elsewhere: int = 0,
    version: int | None = None,
    status: int = 200,
) -> Response:
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.message)
    tiles = _tiles()
    html = render_template(
        "admin/station_form.html",
        station=station,
        form=form,
        errors=by_field,
        duplicates=duplicates,
        elsewhere=elsewhere,
        version=version if version is not None else (station.version if station else None),
        boundary_codes=_boundary_codes(_me()),
        hours_note=_hours_note(form.get("opening_hours") or ""),
        tiles=tiles,
        tile_layers=[
            {
                "url": layer.url,
                "attribution": layer.attribution,
                "subdomains": layer.subdomains,
                "max_zoom": layer.max_zoom,
            }
            for layer in tiles.layers
        ],
    )
    response = current_app.make_response((html, status))
    if tiles.layers:  # the base map's tile hosts are allowed as images, nothing else
        img = " ".join(["'self'", "data:", *tile_origins(tiles)])
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; img-src {img}; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
        )
    return response


def _tiles() -> Tiles:
    settings = state(current_app).settings
    return tiles_from_config(settings.tiles, settings.tianditu_key)


def _hours_note(text: str) -> str:
    if not text.strip():
        return ""
    try:
        hours = parse_hours(text.strip())
    except HoursError as exc:
        return str(exc)
    tz = state(current_app).settings.tz
    now = datetime.now(UTC)
    return describe(hours.state(now, tz), now)


def _out_of_scope_message(district: str | None) -> str:
    where = f"区县 {district}" if district else "任何已登记区县之外"
    return f"该位置在{where}，不在您负责的区县内，不能保存。"


@bp.get("/stations/new")
def new_station() -> Response:
    form = {name: "" for name in FORM_FIELDS} | {
        "datum": "wgs84",
        "host_type": "other",
        "status": "active",
        "amenities": [],
        "worker_groups": [],
    }
    return _editor(None, form)


@bp.post("/stations/new")
def create_station() -> Any:
    form = _form_from_request()
    try:
        data = _parse(form)
    except InvalidStation as exc:
        return _editor(None, form, errors=exc.errors, status=422)
    with _db().session() as session:
        duplicates, elsewhere = _duplicates(session, data)
    if (duplicates or elsewhere) and request.form.get("confirm_duplicate") != "1":
        return _editor(None, form, duplicates=duplicates, elsewhere=elsewhere, status=409)
    try:
        with _db().write_session() as session:
            station = station_service.create_station(session, data, _me().scope.codes, _actor())
            station_id, code = station.id, station.code
    except station_service.OutOfScope as exc:
        error = FieldError("lat", _out_of_scope_message(exc.district_code))
        return _editor(None, form, errors=[error], status=422)
    flash(f"已创建 {code}")
    return redirect(url_for("admin.station_edit", station_id=station_id), 303)


def _duplicates(
    session: Any, data: Any, exclude_id: int | None = None
) -> tuple[list[Station], int]:
    """Similar stations within 50 m: those in the user's scope, and how many others
    (counted, never named: another district's stations stay out of sight)."""
    mine, elsewhere = station_service.duplicates_in_scope(
        session, data.name, data.lat, data.lon, _me().scope.codes, exclude_id
    )
    return [station for station, _ in mine], elsewhere


def _scoped_or_404(session: Any, station_id: int, *, deleted: bool = False) -> Station:
    station = station_service.get_scoped(session, station_id, _me().scope.codes, deleted=deleted)
    if station is None:
        abort(404, "没有这个驿站，或它不在您负责的区县内。")
    return station


@bp.get("/stations/<int:station_id>")
def station_edit(station_id: int) -> Response:
    with _db().session() as session:
        station = _scoped_or_404(session, station_id, deleted=True)
        return _editor(station, _form_from_station(station))


def _version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        abort(400, "the form has no version; reload the page")


@bp.post("/stations/<int:station_id>")
def update_station(station_id: int) -> Any:
    form = _form_from_request()
    version = _version()
    with _db().session() as session:
        station = _scoped_or_404(session, station_id)
        if station.deleted_at is not None:
            abort(404)
        try:
            data = _parse(form)
        except InvalidStation as exc:
            return _editor(station, form, errors=exc.errors, version=version, status=422)
        moved_or_renamed = (
            data.name != station.name
            or abs(data.lat - station.lat) > 5e-8
            or abs(data.lon - station.lon) > 5e-8
        )
        duplicates, elsewhere = (
            _duplicates(session, data, exclude_id=station.id) if moved_or_renamed else ([], 0)
        )
        if (duplicates or elsewhere) and request.form.get("confirm_duplicate") != "1":
            return _editor(
                station,
                form,
                duplicates=duplicates,
                elsewhere=elsewhere,
                version=version,
                status=409,
            )
    try:
        with _db().write_session() as session:
            station = _scoped_or_404(session, station_id)
            changes = station_service.update_station(
                session, station, data, _me().scope.codes, _actor(), version
            )
    except (station_service.VersionConflict, StaleDataError):
        return _conflict(station_id, form, data)
    except station_service.OutOfScope as exc:
        error = FieldError("lat", _out_of_scope_message(exc.district_code))
        with _db().session() as session:
            station = _scoped_or_404(session, station_id)
            return _editor(station, form, errors=[error], version=version, status=422)
    flash("已保存" if changes else "没有改动")
    return redirect(url_for("admin.station_edit", station_id=station_id), 303)


def _conflict(station_id: int, form: dict[str, Any], mine: StationInput) -> tuple[str, int]:
    """Both versions side by side; saving again is an explicit choice."""
    with _db().session() as session:
        station = _scoped_or_404(session, station_id)
        theirs = revision_service.snapshot(station)
        latest = revision_service.history(session, station.id)[:1]
        rows = []
        for name in (
            "name",
            "address",
            "lat",
            "lon",
            "host_type",
            "amenities",
            "worker_groups",
            "opening_hours",
            "phone",
            "contact",
            "services",
            "status",
        ):
            mine_value = revision_service.plain(getattr(mine, name))
            rows.append((name, mine_value, theirs.get(name), mine_value != theirs.get(name)))
        return render_template(
            "admin/conflict.html",
            station=station,
            rows=rows,
            form=form,
            latest=latest[0] if latest else None,
        ), 409


@bp.get("/stations/<int:station_id>/history")
def station_history(station_id: int) -> str:
    with _db().session() as session:
        station = _scoped_or_404(session, station_id, deleted=True)
        items = revision_service.history(session, station.id)
        return render_template("admin/history.html", station=station, revisions=items)


@bp.post("/stations/<int:station_id>/restore/<int:number>")
def restore_revision(station_id: int, number: int) -> Any:
    version = _version()
    try:
        with _db().write_session() as session:
            station = _scoped_or_404(session, station_id)
            changes = admin_service.restore_revision(
                session, station, number, _me().scope.codes, _actor(), version
            )
    except LookupError:
        abort(404, f"没有第 {number} 版")
    except (station_service.VersionConflict, StaleDataError):
        flash("驿站已被他人修改，请查看最新历史后再恢复。")
        return redirect(url_for("admin.station_history", station_id=station_id), 303)
    except station_service.OutOfScope as exc:
        flash(_out_of_scope_message(exc.district_code))
        return redirect(url_for("admin.station_history", station_id=station_id), 303)
    flash(f"已恢复到第 {number} 版" if changes else f"第 {number} 版与当前相同，没有改动")
    return redirect(url_for("admin.station_history", station_id=station_id), 303)


def _state_change(station_id: int, action: str) -> None:
    with _db().write_session() as session:
        station = _scoped_or_404(session, station_id, deleted=action == "undelete")
        codes, actor = _me().scope.codes, _actor()
        if action == "delete":
            station_service.soft_delete(session, station, codes, actor)
        elif action == "undelete":
            if station.deleted_at is None:
                abort(409, "驿站未被删除")
            station_service.undelete(session, station, codes, actor)
        else:
            station_service.mark_verified(session, station, codes, actor)


@bp.post("/stations/<int:station_id>/delete")
def delete_station(station_id: int) -> Any:
    _state_change(station_id, "delete")
    flash("已删除。可在下方撤销。")
    return redirect(url_for("admin.station_edit", station_id=station_id), 303)


@bp.post("/stations/<int:station_id>/undelete")
def undelete_station(station_id: int) -> Any:
    _state_change(station_id, "undelete")
    flash("已撤销删除")
    return redirect(url_for("admin.station_edit", station_id=station_id), 303)


@bp.post("/stations/<int:station_id>/verify")
def verify_station(station_id: int) -> Any:
    _state_change(station_id, "verify")
    flash("已标记为已核实")
    return redirect(url_for("admin.station_edit", station_id=station_id), 303)


@bp.get("/hours-preview")
def hours_preview() -> Response:
    """Live check of opening hours for the editor: {"ok", "text"}."""
    text = request.args.get("text", "")[:600]
    if not text.strip():
        return current_app.json.response({"ok": True, "text": ""})
    try:
        parse_hours(text.strip())
    except HoursError as exc:
        return current_app.json.response({"ok": False, "text": str(exc)})
    return current_app.json.response({"ok": True, "text": _hours_note(text)})


class _BadQuery(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _point_query() -> tuple[float, float, Datum]:
    """``lat``, ``lon`` (finite, in range) and ``datum`` from the query string."""
    values = []
    for name, limit in (("lat", 90.0), ("lon", 180.0)):
        try:
            value = float(request.args.get(name, "").strip()[:40])
        except ValueError:
            raise _BadQuery(name, f"{name} must be a number") from None
        if not math.isfinite(value) or abs(value) > limit:
            raise _BadQuery(name, f"{name} must be within ±{limit:g}")
        values.append(value)
    try:
        datum = parse_datum(request.args.get("datum", "wgs84")[:20] or "wgs84")
    except ValueError as exc:
        raise _BadQuery("datum", str(exc)) from None
    return values[0], values[1], datum


def _bad_query(exc: _BadQuery) -> Response:
    response = current_app.json.response(
        {"error": {"code": "bad_request", "message": str(exc), "field": exc.field}}
    )
    response.status_code = 400
    return response


@bp.get("/coordinates")
def coordinates() -> Response:
    """One point in every datum, for the editor's map picker:
    ``?lat=&lon=&datum=`` -> ``{"wgs84": [lat, lon], "gcj02": [...], "bd09": [...]}``
    (the one conversion the server uses on save, so the marker sits where it will)."""
    try:
        lat, lon, datum = _point_query()
    except _BadQuery as exc:
        return _bad_query(exc)
    w_lat, w_lon = to_wgs84(lat, lon, datum)
    out: dict[str, list[float]] = {}
    for name in DATUMS:
        d_lat, d_lon = (lat, lon) if name == datum else from_wgs84(w_lat, w_lon, name)
        out[name] = [round(float(d_lat), 7), round(float(d_lon), 7)]
    return current_app.json.response(out)


@bp.get("/duplicates")
def duplicate_stations() -> Response:
    """Stations within 50 m with a similar name, checked as the editor types or moves
    the marker: ``?name=&lat=&lon=&datum=&exclude=<station id>``. Only stations in the
    user's districts are described; others are only counted (``elsewhere``). The save
    itself checks again."""
    try:
        lat, lon, datum = _point_query()
    except _BadQuery as exc:
        return _bad_query(exc)
    name = request.args.get("name", "")[:200].strip()
    exclude = request.args.get("exclude", "")
    exclude_id = int(exclude) if exclude.isdigit() and len(exclude) < 12 else None
    if not name:
        return current_app.json.response({"duplicates": [], "elsewhere": 0})
    w_lat, w_lon = to_wgs84(lat, lon, datum)
    with _db().session() as session:
        found, elsewhere = station_service.duplicates_in_scope(
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
    return current_app.json.response({"duplicates": items, "elsewhere": elsewhere})


# -- import and export ------------------------------------------------------------------
@bp.get("/import")
def import_page() -> str:
    return render_template("admin/import.html", report=None)


def _report_page(report: Any, token: str | None, filename: str, status: int) -> tuple[str, int]:
    return render_template(
        "admin/import.html", report=report, token=token, filename=filename
    ), status


@bp.post("/import")
def upload_import() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, "请选择要上传的文件。")
    data = upload.read()
    # The name is only a hint for the format and a label; it is never a path.
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    codes = _me().scope.codes
    with _db().session() as session:
        report = admin_service.preview_import(session, data, filename, codes)
    token = None
    if report.ok:
        with _db().write_session() as session:
            token = admin_service.stash_upload(session, _me().user_id, filename, data)
    return _report_page(report, token, filename, 200 if report.ok else 422)


@bp.post("/import/<token>")
def confirm_import(token: str) -> Any:
    with _db().write_session() as session:
        pending = admin_service.take_upload(session, _me().user_id, token[:64])
        if pending is None:
            abort(404, "这次上传已过期或不存在，请重新上传。")
        data, filename = pending.data, pending.filename
        report = admin_service.apply_import(session, data, filename, _me().scope.codes, _actor())
        if report.ok:
            admin_service.drop_upload(session, token)
    if not report.ok:
        return _report_page(report, None, filename, 422)
    flash(
        f"导入完成：新建 {len(report.result.created)}，更新 {len(report.result.updated)}，"
        f"未变 {len(report.result.unchanged)}"
    )
    return redirect(url_for("admin.import_page"), 303)


@bp.get("/template.xlsx")
def import_template() -> Response:
    response = current_app.response_class(template_xlsx(), mimetype=EXPORT_TYPES["xlsx"])
    response.headers["Content-Disposition"] = "attachment; filename=stationmap-template.xlsx"
    return response


@bp.get("/export")
def export_stations() -> Response:
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORT_TYPES:
        abort(400, "format must be csv, xlsx or geojson")
    with _db().session() as session:
        data = admin_service.export_scope(session, fmt, _me().scope.codes)  # type: ignore[arg-type]
    response = current_app.response_class(data, mimetype=EXPORT_TYPES[fmt])
    response.headers["Content-Disposition"] = f"attachment; filename=stations.{fmt}"
    return response


# -- API tokens -------------------------------------------------------------------------
@bp.get("/tokens")
def token_list() -> str:
    with _db().session() as session:
        rows = token_service.list_tokens(session, _me().user_id)
    return render_template("admin/tokens.html", tokens=rows, new_token=None)


@bp.post("/tokens")
def create_token() -> str:
    name = request.form.get("name", "")[:100]
    with _db().write_session() as session:
        new = token_service.create_token(session, _me().user_id, name)
        rows = token_service.list_tokens(session, _me().user_id)
    return render_template("admin/tokens.html", tokens=rows, new_token=new)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> Any:
    with _db().write_session() as session:
        if not token_service.revoke_token(session, _me().user_id, token_id):
            abort(404)
    flash("令牌已撤销")
    return redirect(url_for("admin.token_list"), 303)


# -- printing ---------------------------------------------------------------------------
PRINT_TYPES = {"pdf": "application/pdf", "png": "image/png"}


def _printable_or_404(code: str) -> str:
    """The district ``code`` if the user may see it; 404 otherwise, exactly as for a
    district that does not exist."""
    codes = _me().scope.codes
    if not code.isascii() or not code.isalnum() or len(code) > 32:
        abort(404, "没有这个区县。")
    if codes is not None and code not in codes:
        abort(404, "没有这个区县，或它不在您负责的范围内。")
    return code


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


def _print_settings() -> Any:
    import os

    return printing_service.print_settings(
        state(current_app).settings, os.environ, current_app.config
    )


@bp.get("/print")
def print_page() -> str:
    with _db().session() as session:
        rows = printing_service.printable_districts(session, _me().scope.codes)
    return render_template("admin/print.html", districts=rows)


@bp.get("/print/<code>/map")
def print_district_map(code: str) -> Response:
    """The district's printed map as a download: PDF (map sheet, core insets, station
    table) or PNG (the map sheet at 300 dpi, for sharing in WeChat)."""
    code = _printable_or_404(code)
    paper = request.args.get("paper", "A4")
    fmt = request.args.get("format", "pdf")
    orientation = request.args.get("orientation", "portrait")
    if paper not in ("A4", "A3") or fmt not in PRINT_TYPES:
        abort(400, "paper must be A4 or A3 and format pdf or png")
    if orientation not in ("portrait", "landscape"):
        abort(400, "orientation must be portrait or landscape")
    app_state = state(current_app)
    try:
        with _db().session() as session:
            sheet = printing_service.district_map(
                session,
                code,
                _print_settings(),
                app_state.settings.tz,
                paper=paper,
                landscape=orientation == "landscape",
            )
    except printing_service.NotFound:
        abort(404, "没有这个区县。")
    except ValueError as exc:
        abort(422, str(exc))
    data = sheet.pdf() if fmt == "pdf" else sheet.png()[0]
    # The name is built here from the stored district code, never from the request.
    name = f"district-{code}-{paper}-{orientation}.{fmt}"
    return _download(data, PRINT_TYPES[fmt], name)


@bp.get("/print/<code>/posters")
def print_district_posters(code: str) -> Response:
    """One A4 door poster per active station of the district, as one PDF."""
    code = _printable_or_404(code)
    try:
        with _db().session() as session:
            batch = printing_service.posters_pdf(session, _print_settings(), district=code)
    except printing_service.NotFound:
        abort(404, "没有这个区县，或区县内没有运营中的驿站。")
    return _download(batch.pdf, PRINT_TYPES["pdf"], f"posters-{code}.pdf")
