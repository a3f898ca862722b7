"""Import (upload, preview, confirm, the spreadsheet template) and export of stations."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from stationmap.services import admin as admin_service
from stationmap.services import transfer
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
        report = admin_service.preview_import(session, transfer.check_file(data, filename), codes)
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
        checked = transfer.check_file(data, filename)
        report = admin_service.apply_import(session, checked, _me().scope.codes, _actor())
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
