"""Import jobs in the admin: the job page (progress while it runs, then the preview, the
result or the reason it failed) and its JSON, and starting a job's work in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, jsonify, render_template, url_for
from flask.typing import ResponseReturnValue

from stationmap.db import Database
from stationmap.services.import_jobs import JobState, JobStore
from stationmap.services.placement import DATUM_ZH
from stationmap.tabular.problem_list import (
    SHOWN_GROUPS,
    group_problems,
    left_out,
    problems_csv,
)
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.i18n import current_lang, tr

STAGE_ZH = {
    "checking": "正在读取和检查文件",
    "ready": "检查完毕，等待确认",
    "rejected": "文件有错误，未导入任何内容",
    "importing": "正在导入",
    "done": "导入完成",
    "failed": "处理失败",
}
STAGE_EN = {
    "checking": "Reading and checking the file",
    "ready": "Checked, waiting for your confirmation",
    "rejected": "The file has errors; nothing was imported",
    "importing": "Importing",
    "done": "Import finished",
    "failed": "Failed",
}


def job_store() -> JobStore:
    return JobStore(Path(current_app.instance_path) / "import-jobs")


def start_job(work: Callable[[Database, str], JobState], token: str) -> None:
    """Run ``work(database, token)`` in a thread of this process; its state is in the
    job's folder, so any worker answers for it."""
    thread = threading.Thread(
        target=work, args=(_db(), token), name=f"import-{token[:8]}", daemon=True
    )
    thread.start()


def done_message(store: JobStore, job: JobState) -> str:
    report = store.report(job)
    if report is None:
        return tr("导入完成", "Import finished")
    result = report.result
    chosen = set(job.overwrite) & {c.code for c in report.conflicts}
    kept = len(report.conflicts) - len(chosen)
    if current_lang() == "en":
        return (
            f"Import finished: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged"
            + (
                f"; {kept} rows in conflict were not imported (the newer changes in the "
                "system were kept)"
                if kept
                else ""
            )
            + (
                f"; {report.pending_added} rows with an address and no coordinates went to "
                "the list of stations to place"
                if report.pending_added
                else ""
            )
        )
    return (
        f"导入完成：新建 {len(result.created)}，更新 {len(result.updated)}，"
        f"未变 {len(result.unchanged)}"
        + (f"，{kept} 个冲突行未导入（保留了系统中较新的修改）" if kept else "")
        + (
            f"，{report.pending_added} 行有地址无坐标，已列入待定位清单"
            if report.pending_added
            else ""
        )
    )


def job_page(job: JobState) -> ResponseReturnValue:
    """The page of a job at its stage: a preview (ready, rejected) is the import page's
    own; a running job's page reloads itself every two seconds."""
    store = job_store()
    if job.stage in ("ready", "rejected"):
        report = store.report(job)
        # A file that only needs its datum stated keeps its token: the page asks.
        asks = report is not None and report.datum_needed
        token = job.token if job.stage == "ready" or asks else None
        errors = group_problems(report.errors) if report is not None else []
        notes = group_problems(report.notes) if report is not None else []
        page = render_template(
            "admin/import.html",
            report=report,
            token=token,
            job_token=job.token,
            filename=job.filename,
            rows=report.preview if report is not None else [],
            datum_names=DATUM_ZH,
            error_groups=errors[:SHOWN_GROUPS],
            errors_left=left_out(errors),
            note_groups=notes[:SHOWN_GROUPS],
            notes_left=left_out(notes),
        )
        return page, 200 if job.stage == "ready" or asks else 422
    message = done_message(store, job) if job.stage == "done" else ""
    page = render_template(
        "admin/import_job.html",
        job=job,
        stage_zh=(STAGE_EN if current_lang() == "en" else STAGE_ZH)[job.stage],
        message=message,
    )
    return page, 200


def _mine(token: str) -> JobState:
    job = job_store().get(token[:64], _me().user_id)
    if job is None:
        abort(404, tr("没有这个导入任务，或它已过期。", "No such import job, or it expired."))
    return job


@bp.get("/import/jobs/<token>")
def import_job(token: str) -> ResponseReturnValue:
    return job_page(_mine(token))


@bp.get("/import/jobs/<token>.json")
def import_job_state(token: str) -> Any:
    job = _mine(token)
    out = job.as_dict()
    if job.stage == "done":
        report = job_store().report(job)
        if report is not None:
            out["result"] = report.as_dict()
            out["result"]["problems_csv"] = url_for("admin.import_problems", token=job.token)
    return jsonify(out)


@bp.get("/import/jobs/<token>/problems.csv")
def import_problems(token: str) -> Response:
    """Every error and note of a job's check or import, one a line, as CSV: the page
    lists the first :data:`SHOWN_GROUPS` groups of each."""
    job = _mine(token)
    report = job_store().report(job)
    if report is None:
        abort(404, tr("这个导入任务还没有检查结果。", "This import job has no check result yet."))
    data = problems_csv(report.errors, report.notes, current_lang())
    response = current_app.response_class(data, content_type="text/csv; charset=utf-8")
    name = "import-problems.csv"
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response
