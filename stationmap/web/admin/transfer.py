"""Import (upload, preview, confirm, the spreadsheet template) and export of stations."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from stationmap import state
from stationmap.services import admin as admin_service
from stationmap.tabular import template_xlsx
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.admin.import_jobs import done_message, job_page, job_store, start_job

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


@bp.get("/import")
def import_page() -> str:
    return render_template("admin/import.html", report=None)


@bp.post("/import")
def upload_import() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, "请选择要上传的文件。")
    data = upload.read()
    # The name is only a hint for the format and a label; it is never a path.
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    me = _me()
    background = len(data) > state(current_app).settings.import_job_bytes
    store = job_store()
    job = store.create(
        data, filename, me.user_id, me.username, me.scope.codes, background=background
    )
    if background:
        start_job(store.run_check, job.token)
        return redirect(url_for("admin.import_job", token=job.token), 303)
    return job_page(store.run_check(_db(), job.token))


@bp.post("/import/<token>")
def confirm_import(token: str) -> Any:
    store = job_store()
    job = store.claim(token[:64], _me().user_id)
    if job is None:
        abort(404, "这次上传已过期、已确认或不存在，请重新上传。")
    if job.background:
        start_job(store.run_import, job.token)
        return redirect(url_for("admin.import_job", token=job.token), 303)
    job = store.run_import(_db(), job.token)
    if job.stage != "done":
        return job_page(job)
    flash(done_message(store, job))
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
