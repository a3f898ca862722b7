"""The district's queue of workers' reports: the list with filters and bulk actions, one
report with its history and the form that moves it on. A report outside the user's
districts answers 404 exactly as a missing one; a viewer reads and changes nothing
(the package's guard refuses their writes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from stationmap import catalog
from stationmap.models import REPORT_KINDS, REPORT_STATUSES
from stationmap.services import report_queue as queue
from stationmap.services import report_revisions
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.auth import same_site_path
from stationmap.web.i18n import current_lang, tr
from stationmap.web.params import whole_number

STATUS_WORDS = queue.STATUS_WORDS
KIND_WORDS = queue.KIND_WORDS
FIELD_WORDS = {
    "status": ("状态", "Status"),
    "assignee": ("负责人", "Assignee"),
    "reply": ("回复", "Reply"),
    "note": ("内部备注", "Internal note"),
    "version": ("版本", "Version"),
    "report": ("报告", "Report"),
    "kind": ("类型", "Kind"),
    "older_than": ("时长", "Age"),
    "district": ("区县", "District"),
    "action": ("操作", "Action"),
}
# A bulk action and the state it moves the chosen reports to.
BULK_ACTIONS = {"assign": "assigned", "in_progress": "in_progress", "resolve": "resolved"}
BULK_ACTIONS["reject"] = "rejected"


def words(table: dict[str, tuple[str, str]], code: str | None) -> str:
    if code is None:
        return "—"
    zh, en = table.get(code, (code, code))
    return tr(zh, en)


_AMENITY_WORDS = {t.code: (t.zh, t.en) for t in catalog.AMENITIES}


def needs(codes: list[str]) -> str:
    """Amenity codes in brackets as the page's words: （饮用水、卫生间） or " (Toilet)"."""
    if not codes:
        return ""
    joined = tr("、", ", ").join(words(_AMENITY_WORDS, code) for code in codes)
    return tr(f"（{joined}）", f" ({joined})")


def labelled(field: str, message: str) -> str:
    """An admin message naming its field: "状态：…" / "Status: …"."""
    return words(FIELD_WORDS, field) + tr("：", ": ") + message


def _error_text(exc: queue.QueueError) -> str:
    return labelled(exc.field or "report", exc.text(current_lang()))


def _stale_text() -> str:
    return labelled(
        "version",
        tr(
            "报告刚被他人修改，请刷新后重试。", "the report changed meanwhile; reload and try again"
        ),
    )


def _age(row: queue.ReportRow, now: datetime) -> str:
    hours = row.age_hours(now)
    if hours < 1:
        return tr(f"{int(hours * 60)} 分钟", f"{int(hours * 60)} min")
    if hours < 48:
        return tr(f"{int(hours)} 小时", f"{int(hours)} h")
    return tr(f"{int(hours // 24)} 天", f"{int(hours // 24)} days")


def _filter_from_args() -> tuple[queue.ReportFilter, dict[str, str]]:
    args = {
        name: request.args.get(name, "")[:20].strip()
        for name in ("status", "kind", "district", "older_than", "station", "unanswered", "after")
    }
    if args["status"] == "open":
        statuses: tuple[str, ...] = queue.OPEN_STATUSES
    else:
        statuses = (args["status"],) if args["status"] else ()
    older: float | None = None
    if args["older_than"]:
        try:
            older = float(args["older_than"])
        except ValueError:
            older = -1.0  # refused below, naming the field
    flt = queue.ReportFilter(
        statuses=statuses,
        kinds=(args["kind"],) if args["kind"] else (),
        district=args["district"] or None,
        older_than_hours=older,
        station=args["station"] or None,
        unanswered=args["unanswered"] == "1",
        after_id=whole_number(args["after"], 9) or 0,
    )
    return flt, args


def _queue_page(errors: Sequence[str] = (), status: int = 200) -> Any:
    me = _me()
    flt, args = _filter_from_args()
    now = datetime.now(UTC)
    try:
        with _db().session() as session:
            lines, last_id = queue.list_lines(session, me.scope.codes, flt, now)
            assignees = queue.candidates(session, me.scope.codes) if me.scope.can_write else []
    except queue.QueueError as exc:
        lines, last_id, assignees = [], None, []
        errors, status = [*errors, _error_text(exc)], 400
    return render_template(
        "admin/reports.html",
        lines=lines,
        args=args,
        next_after=last_id,
        errors=errors,
        now=now,
        age=_age,
        words=words,
        needs=needs,
        STATUS_WORDS=STATUS_WORDS,
        KIND_WORDS=KIND_WORDS,
        statuses=REPORT_STATUSES,
        kinds=REPORT_KINDS,
        assignees=assignees,
    ), status


@bp.get("/reports")
def report_list() -> Any:
    return _queue_page()


def _versions(values: list[str]) -> dict[int, int]:
    out: dict[int, int] = {}
    for value in values[: queue.MAX_BULK + 1]:
        id_text, _, version_text = value.partition(":")
        report_id, version = whole_number(id_text, 9), whole_number(version_text, 9)
        if report_id is None or version is None:
            abort(400, tr("报告选择有误，请刷新页面。", "report: the choice is malformed; reload"))
        out[report_id] = version
    return out


def _action_change() -> queue.Change | None:
    """The change the bulk or group form asks for; None when it names no action."""
    action = request.form.get("action", "")
    if action not in BULK_ACTIONS:
        return None
    return queue.Change(
        status=BULK_ACTIONS[action],
        assignee=request.form.get("assignee", "")[:64] or None,
        reply=request.form.get("reply", "")[: queue.MAX_REPLY + 1],
        note=request.form.get("note", "")[: queue.MAX_NOTE + 1],
    )


def _no_action() -> str:
    return labelled("action", tr("请选择操作", "choose one"))


@bp.post("/reports/bulk")
def bulk_reports() -> Any:
    change = _action_change()
    if change is None:
        return _queue_page([_no_action()], 422)
    versions = _versions(request.form.getlist("report"))
    try:
        with _db().write_session() as session:
            done = queue.apply_bulk(session, versions, change, _me())
            count = len(done)
    except queue.QueueError as exc:
        return _queue_page([_error_text(exc)], exc.status)
    except StaleDataError:  # changed by another request between the check and the write
        return _queue_page([_stale_text()], 412)
    flash(tr(f"已更新 {count} 个报告", f"{count} reports updated"))
    back = same_site_path(request.form.get("back"))
    return redirect(back or url_for("admin.report_list"), 303)


def _scoped_or_404(session: Any, report_id: int) -> Any:
    """The report if it is in the user's districts; else a 404 (as a missing one)."""
    report = queue.get_scoped(session, report_id, _me().scope.codes)
    if report is None:
        abort(
            404,
            tr("没有这个报告，或它不在您负责的区县内。", "No such report in your districts."),
        )
    return report


def _detail_page(report_id: int, errors: Sequence[str] = (), status: int = 200) -> Any:
    me = _me()
    with _db().session() as session:
        report = _scoped_or_404(session, report_id)
        row = queue.row_of(session, report)
        events = list(report.events)
        assignees = queue.assignable(session, report.district_code) if me.scope.can_write else []
        revision = report_revisions.revision_number(session, report.revision_id)
    return render_template(
        "admin/report_detail.html",
        r=row,
        events=events,
        errors=errors,
        assignees=assignees,
        revision=revision,
        words=words,
        needs=needs,
        STATUS_WORDS=STATUS_WORDS,
        KIND_WORDS=KIND_WORDS,
        next_states=_next_states(row.status),
        editor_kind=row.kind in queue.EDITOR_KINDS and row.station_id is not None,
    ), status


def _next_states(status: str) -> list[str]:
    allowed = set(queue.NEXT[status]) | ({status} if status not in queue.CLOSED_STATUSES else set())
    if status in queue.CLOSED_STATUSES and _me().role == "superadmin":
        allowed |= {queue.REOPEN_TO, status}
    return [s for s in REPORT_STATUSES if s in allowed]


@bp.get("/reports/<int:report_id>")
def report_detail(report_id: int) -> Any:
    return _detail_page(report_id)


@bp.post("/reports/<int:report_id>")
def change_report(report_id: int) -> Any:
    version = whole_number(request.form.get("version", ""), 9)
    if version is None:
        abort(400, tr("表单缺少版本，请刷新页面。", "version: the form has none; reload the page"))
    change = queue.Change(
        status=request.form.get("status", "")[:20] or None,
        assignee=request.form.get("assignee", "")[:64] or None,
        reply=request.form.get("reply", "")[: queue.MAX_REPLY + 1],
        note=request.form.get("note", "")[: queue.MAX_NOTE + 1],
    )
    try:
        with _db().write_session() as session:
            report = _scoped_or_404(session, report_id)
            queue.apply_change(session, report, change, _me(), version)
    except queue.QueueError as exc:
        return _detail_page(report_id, [_error_text(exc)], exc.status)
    except StaleDataError:  # changed by another request between the check and the write
        return _detail_page(report_id, [_stale_text()], 412)
    flash(tr("已保存", "Saved"))
    return redirect(url_for("admin.report_detail", report_id=report_id), 303)


def _group_page(report_id: int, errors: Sequence[str] = (), status: int = 200) -> Any:
    me = _me()
    with _db().session() as session:
        report = _scoped_or_404(session, report_id)
        rows = queue.rows_of(session, queue.similar_to(session, report, me.scope.codes))
        assignees = queue.assignable(session, report.district_code) if me.scope.can_write else []
    return render_template(
        "admin/report_group.html",
        first=rows[0],
        rows=rows[: queue.MAX_BULK],
        too_many=len(rows) > queue.MAX_BULK,
        report_id=report_id,
        errors=errors,
        assignees=assignees,
        words=words,
        needs=needs,
        STATUS_WORDS=STATUS_WORDS,
        KIND_WORDS=KIND_WORDS,
    ), status


@bp.get("/reports/<int:report_id>/similar")
def similar_reports(report_id: int) -> Any:
    return _group_page(report_id)


@bp.post("/reports/<int:report_id>/similar")
def change_similar_reports(report_id: int) -> Any:
    change = _action_change()
    if change is None:
        return _group_page(report_id, [_no_action()], 422)
    versions = _versions(request.form.getlist("report"))
    try:
        with _db().write_session() as session:
            count = len(queue.apply_group(session, report_id, versions, change, _me()))
    except queue.QueueError as exc:
        return _group_page(report_id, [_error_text(exc)], exc.status)
    except StaleDataError:  # changed by another request between the check and the write
        return _group_page(report_id, [_stale_text()], 412)
    flash(tr(f"已更新 {count} 个报告", f"{count} reports updated"))
    return redirect(url_for("admin.report_list", status="open"), 303)


# -- the station editor's side: a report's proposal in its form, the revision link -----
def report_form(session: Any, text: str, station_id: int, form: dict[str, Any]) -> dict[str, Any]:
    """The editor's form values a report (``report`` id) proposes for the station: the
    reported position ("location"), the missing or broken amenity unticked ("amenity"),
    and the report's id and code, so saving links the revision to it."""
    report_id = whole_number(text, 9)
    if report_id is None:
        return {}
    found = report_revisions.proposal(session, report_id, station_id, _me().scope.codes)
    if found is None:
        return {}
    out: dict[str, Any] = {"report": str(found.report_id), "report_code": found.tracking_code}
    if found.lat is not None and found.lon is not None:
        out |= {"lat": f"{found.lat:.7f}", "lon": f"{found.lon:.7f}", "datum": "wgs84"}
    if found.remove_amenity is not None:
        out["amenities"] = [a for a in form.get("amenities", []) if a != found.remove_amenity]
    return out


def link_report(session: Any, text: str, station_id: int, changes: dict[str, Any]) -> int | None:
    """After the editor saved ``changes`` from report ``text`` (an id): link the new
    revision to the report; its id, or None when nothing was linked."""
    report_id = whole_number(text, 9)
    if not changes or report_id is None:
        return None
    code = report_revisions.link_revision(session, report_id, station_id, _me().scope.codes)
    if code is None:
        return None
    flash(
        tr(
            f"修改已关联报告 {code}，请回复并结束报告。",
            f"Linked to report {code}; reply and close it.",
        )
    )
    return int(text)


def revision_reports(session: Any, revision_ids: list[int]) -> dict[int, tuple[int, str]]:
    """For the station history page: revision id -> (report id, tracking code)."""
    return report_revisions.reports_of_revisions(session, revision_ids)
