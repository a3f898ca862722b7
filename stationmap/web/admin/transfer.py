"""Import (upload, preview, confirm, the spreadsheet template) and export of stations."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from stationmap.geo.datum import Datum, parse_datum
from stationmap.services import admin as admin_service
from stationmap.services import placement
from stationmap.services.placement import DATUM_ZH
from stationmap.tabular import template_xlsx
from stationmap.web.admin import bp
from stationmap.web.admin.common import _actor, _db, _me

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


@bp.get("/import")
def import_page() -> str:
    return render_template("admin/import.html", report=None, datum_names=DATUM_ZH)


def _asked_datum() -> Datum | None:
    """The picker the user said the coordinates came from (empty: the file says)."""
    text = (request.form.get("datum") or "").strip()
    if not text:
        return None
    try:
        return parse_datum(text)
    except ValueError:
        abort(400, "坐标系只能是 wgs84、gcj02 或 bd09。")


def _report_page(
    report: Any, token: str | None, filename: str, status: int, rows: list[Any] | None = None
) -> tuple[str, int]:
    return render_template(
        "admin/import.html",
        report=report,
        token=token,
        filename=filename,
        rows=rows or [],
        datum_names=DATUM_ZH,
    ), status


def _rows(session: Any, report: Any) -> list[Any]:
    return placement.preview_rows(session, report.views, report.result, report.conflicts)


def _preview(data: bytes, filename: str, token: str | None) -> tuple[str, int]:
    """Check ``data`` as the current user would import it and render the preview; a
    file that only needs its datum stated is kept (``token``) so the page can ask."""
    codes = _me().scope.codes
    datum = _asked_datum()
    with _db().session() as session:
        report = admin_service.preview_import(session, data, filename, codes, datum)
        rows = _rows(session, report)
    kept = report.ok or report.datum_needed
    if kept and token is None:
        with _db().write_session() as session:
            token = admin_service.stash_upload(session, _me().user_id, filename, data)
    return _report_page(report, token if kept else None, filename, 200 if kept else 422, rows)


@bp.post("/import")
def upload_import() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, "请选择要上传的文件。")
    data = upload.read()
    # The name is only a hint for the format and a label; it is never a path.
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    return _preview(data, filename, None)


@bp.post("/import/<token>/preview")
def repreview_import(token: str) -> Any:
    """The preview again, with the datum the user chose for a file that does not say."""
    with _db().session() as session:
        pending = admin_service.take_upload(session, _me().user_id, token[:64])
        if pending is None:
            abort(404, "这次上传已过期或不存在，请重新上传。")
        data, filename = pending.data, pending.filename
    return _preview(data, filename, token[:64])


@bp.post("/import/<token>")
def confirm_import(token: str) -> Any:
    datum = _asked_datum()
    overwrite = [code[:20] for code in request.form.getlist("overwrite")][:10000]
    with _db().write_session() as session:
        pending = admin_service.take_upload(session, _me().user_id, token[:64])
        if pending is None:
            abort(404, "这次上传已过期或不存在，请重新上传。")
        data, filename = pending.data, pending.filename
        report = admin_service.apply_import(
            session, data, filename, _me().scope.codes, _actor(), datum, overwrite
        )
        if report.ok:
            admin_service.drop_upload(session, token)
        if not report.ok:
            return _report_page(report, None, filename, 422, _rows(session, report))
    kept = len(report.conflicts) - len(set(overwrite) & {c.code for c in report.conflicts})
    flash(
        f"导入完成：新建 {len(report.result.created)}，更新 {len(report.result.updated)}，"
        f"未变 {len(report.result.unchanged)}"
        + (f"，{kept} 个冲突行未导入（保留了系统中较新的修改）" if kept else "")
        + (
            f"，{report.pending_added} 行有地址无坐标，已列入待定位清单"
            if report.pending_added
            else ""
        )
    )
    return redirect(url_for("admin.import_page"), 303)


@bp.get("/pending")
def pending_list() -> str:
    """Imported rows with an address and no coordinates, waiting to be placed."""
    with _db().session() as session:
        rows = placement.pending_list(session, _me().scope.codes, _me().username)
    return render_template("admin/pending.html", rows=rows)


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
    lang = request.args.get("lang") or None
    if lang not in (None, "zh", "en"):
        abort(400, "lang must be zh or en")
    include_demo = request.args.get("demo") == "1"
    with _db().session() as session:
        data = admin_service.export_scope(
            session,
            fmt,  # type: ignore[arg-type]
            _me().scope.codes,
            include_demo=include_demo,
            lang=lang,
        )
    response = current_app.response_class(data, mimetype=EXPORT_TYPES[fmt])
    response.headers["Content-Disposition"] = f"attachment; filename=stations.{fmt}"
    return response
