"""Import (upload, preview, confirm, the spreadsheet template) and export of stations."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from stationmap.app_state import state
from stationmap.geo.datum import Datum, parse_datum
from stationmap.services import admin as admin_service
from stationmap.services import placement
from stationmap.services.import_jobs import JobState, JobStore
from stationmap.services.placement import DATUM_ZH
from stationmap.tabular import template_xlsx
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.admin.import_jobs import done_message, job_page, job_store, start_job
from stationmap.web.errors import error_page
from stationmap.web.i18n import tr

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


def _size(limit: int) -> tuple[str, str]:
    """A byte limit as people read it: ``5 MiB`` or ``2,000 字节`` / ``2,000 bytes``."""
    if limit >= 1024 * 1024:
        return f"{limit / 1024 / 1024:g} MiB", f"{limit / 1024 / 1024:g} MiB"
    return f"{limit:,} 字节", f"{limit:,} bytes"


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_exc: RequestEntityTooLarge) -> Response:
    """An upload past the limit, said in the interface's language with what to do
    (was Werkzeug's English "The data value transmitted exceeds the capacity limit")."""
    limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
    zh, en = _size(limit)
    return error_page(
        413,
        tr("文件太大", "File too large"),
        tr(
            f"上传的文件超过 {zh} 的上限，未导入任何内容：请删去无关的工作表、列和图片，"
            "或分成几个较小的文件后再上传（也可由服务器管理员用命令 "
            "stationmap import-stations 导入）。",
            f"The upload is larger than the limit of {en}; nothing was imported. Remove "
            "sheets, columns and pictures that are not needed, or split the file, and upload "
            "again (or have the server's administrator run stationmap import-stations).",
        ),
    )


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
        abort(400, tr("坐标系只能是 wgs84、gcj02 或 bd09。", "datum must be wgs84, gcj02 or bd09."))


@bp.post("/import")
def upload_import() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, tr("请选择要上传的文件。", "Choose a file to upload."))
    data = upload.read()
    # The name is only a hint for the format and a label; it is never a path.
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    me = _me()
    background = len(data) > state(current_app).settings.import_job_bytes
    store = job_store()
    job = store.create(
        data,
        filename,
        me.user_id,
        me.username,
        me.scope.codes,
        background=background,
        datum=_asked_datum(),
    )
    return _check(store, job)


def _check(store: JobStore, job: JobState) -> Any:
    """Check a job's upload: in a thread (the browser goes to the job's page) for a
    large file, else here, answering with the preview."""
    if job.background:
        start_job(store.run_check, job.token)
        return redirect(url_for("admin.import_job", token=job.token), 303)
    return job_page(store.run_check(_db(), job.token))


@bp.post("/import/<token>/preview")
def repreview_import(token: str) -> Any:
    """The kept upload checked again, with the datum the user chose for a file that
    does not say (in the background, as the first check, for a large file)."""
    datum = _asked_datum()
    if datum is None:
        abort(400, tr("请选择坐标系。", "Choose the coordinate system."))
    store = job_store()
    job = store.recheck(token[:64], _me().user_id, datum)
    if job is None:
        abort(
            404,
            tr(
                "这次上传已过期或不存在，请重新上传。",
                "This upload expired or does not exist; upload again.",
            ),
        )
    return _check(store, job)


@bp.post("/import/<token>")
def confirm_import(token: str) -> Any:
    overwrite = [code[:20] for code in request.form.getlist("overwrite")][:10000]
    store = job_store()
    job = store.claim(token[:64], _me().user_id, overwrite)
    if job is None:
        abort(
            404,
            tr(
                "这次上传已过期、已确认或不存在，请重新上传。",
                "This upload expired, was confirmed already or does not exist; upload again.",
            ),
        )
    if job.background:
        start_job(store.run_import, job.token)
        return redirect(url_for("admin.import_job", token=job.token), 303)
    job = store.run_import(_db(), job.token)
    if job.stage != "done":
        return job_page(job)
    flash(done_message(store, job))
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
        abort(
            400,
            tr("格式只能是 csv、xlsx 或 geojson。", "format must be csv, xlsx or geojson"),
        )
    lang = request.args.get("lang") or None
    if lang not in (None, "zh", "en"):
        abort(
            400,
            tr(
                "参数 lang（表头语言）只能是 zh（中文）或 en（英文）。",
                "lang (the headers' language) must be zh (Chinese) or en (English).",
            ),
        )
    include_demo = request.args.get("demo") == "1"
    with _db().session() as session:
        data = admin_service.export_scope(
            session,
            fmt,  # type: ignore[arg-type]
            _me().scope.codes,
            include_demo=include_demo,
            lang=lang,
        )
    response = current_app.response_class(data, content_type=EXPORT_TYPES[fmt])
    response.headers["Content-Disposition"] = f"attachment; filename=stations.{fmt}"
    return response
