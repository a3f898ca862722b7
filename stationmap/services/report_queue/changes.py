"""Moving reports through their states: one report, a bulk choice or a group, each
checked against the version the administrator saw, all or none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from stationmap.models import (
    REPORT_STATUSES,
    Report,
    ReportEvent,
)
from stationmap.services import users as user_service
from stationmap.services.editing import in_scope
from stationmap.services.report_queue.reading import get_scoped, similar_to
from stationmap.services.report_queue.terms import (
    CLOSED_STATUSES,
    MAX_BULK,
    MAX_NOTE,
    MAX_REPLY,
    NEXT,
    REOPEN_TO,
    STATUS_WORDS,
    Change,
    QueueError,
    ReadOnly,
    ReportNotFound,
    StaleReport,
    one_of,
    quoted,
)
from stationmap.services.stations import utc_now
from stationmap.services.users import Principal


def _clean(text: str, limit: int, field: str) -> str:
    value = text.replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise QueueError(
            field,
            f"不能超过 {limit} 个字符",
            f"at most {limit} characters",
            f"{field} is longer than {limit} characters",
        )
    return value


def _target(report: Report, change: Change, me: Principal) -> str:
    """The state ``change`` moves ``report`` to, if ``me`` may move it there."""
    to = change.status or report.status
    if to not in REPORT_STATUSES:
        raise one_of("status", STATUS_WORDS, REPORT_STATUSES)
    now_zh, now_en = quoted(STATUS_WORDS, report.status)
    to_zh, to_en = quoted(STATUS_WORDS, to)
    if to == report.status and to != "assigned":
        if report.status in CLOSED_STATUSES and not (change.reply or change.note):
            raise QueueError(
                "status", f"报告已是{now_zh}，已结束", f"the report is already {now_en}"
            )
        return to
    if report.status in CLOSED_STATUSES:
        if to == REOPEN_TO and me.role == "superadmin":
            return to
        reopen_zh, reopen_en = quoted(STATUS_WORDS, REOPEN_TO)
        raise QueueError(
            "status",
            f"报告已是{now_zh}，已结束；只有超级管理员可以重新打开（改为{reopen_zh}）",
            f"the report is {now_en}, closed: only a superadmin reopens it (to {reopen_en})",
        )
    if to not in NEXT[report.status]:
        raise QueueError(
            "status",
            f"报告不能从{now_zh}改为{to_zh}",
            f"a report cannot go from {now_en} to {to_en}",
        )
    return to


def _assignee_id(session: Session, report: Report, username: str | None) -> int:
    if not username:
        raise QueueError("assignee", "请选择负责人", "assignee is required to assign a report")
    user = user_service.get_user(session, username)
    if (
        user is None
        or user.disabled_at is not None
        or user.role not in ("superadmin", "district_admin")
        or not user_service.scope_of(session, user).covers(report.district_code)
    ):
        raise QueueError(
            "assignee",
            f"{username[:64]} 不是负责该区县的管理员",
            f"{username[:64]} is not an active administrator of the report's district",
        )
    return user.id


def check_change(
    session: Session, report: Report, change: Change, me: Principal, expected_version: int
) -> tuple[str, int | None, str, str]:
    """Check ``change`` of ``report`` by ``me`` without writing: the new state, the
    assignee's id, the cleaned reply and note. Raises :class:`QueueError`."""
    if not me.scope.can_write:
        raise ReadOnly(None, "您的账户只能查看，不能修改。", "this account is read-only")
    if not in_scope(me.scope.codes, report.district_code):
        raise ReportNotFound("report", "没有这个报告", "no such report in your districts")
    if report.version != expected_version:
        raise StaleReport(report.tracking_code, report.version, expected_version)
    reply = _clean(change.reply, MAX_REPLY, "reply")
    note = _clean(change.note, MAX_NOTE, "note")
    to = _target(report, change, me)
    if to == report.status and to != "assigned" and not (reply or note):
        raise QueueError(
            "status",
            "请改变状态，或填写回复或备注",
            "change the status, or give a reply or a note",
        )
    assignee_id = report.assignee_id
    keeps_assignee = change.status is None and not change.assignee  # a reply or note only
    if to == "assigned" and not keeps_assignee:
        assignee_id = _assignee_id(session, report, change.assignee)
        if to == report.status and assignee_id == report.assignee_id and not (reply or note):
            raise QueueError("assignee", "负责人没有变化", "the report is already assigned to them")
    return to, assignee_id, reply, note


def apply_change(
    session: Session,
    report: Report,
    change: Change,
    me: Principal,
    expected_version: int,
    now: datetime | None = None,
) -> ReportEvent:
    """Check and make ``change`` of ``report`` by ``me``: its state, the event (who,
    when, from, to, reply, note), the first reply's time and the closing time.
    Raises :class:`QueueError` (nothing written)."""
    to, assignee_id, reply, note = check_change(session, report, change, me, expected_version)
    now = now or utc_now()
    event = ReportEvent(
        report_id=report.id,
        created_at=now,
        user_id=me.user_id,
        actor=me.username[:100],
        from_status=report.status,
        to_status=to,
        reply=reply,
        note=note,
    )
    if reply and report.first_reply_at is None:
        report.first_reply_at = now
    if to in CLOSED_STATUSES and report.status not in CLOSED_STATUSES:
        report.resolved_at = now
    elif to not in CLOSED_STATUSES:
        report.resolved_at = None
    report.status = to
    report.assignee_id = assignee_id
    report.updated_at = now
    report.events.append(event)
    code = report.tracking_code
    try:
        session.flush()
    except StaleDataError:  # another transaction changed it after this one read it
        raise StaleReport(code, None, expected_version) from None
    return event


def apply_bulk(
    session: Session,
    versions: dict[int, int],
    change: Change,
    me: Principal,
    now: datetime | None = None,
) -> list[Report]:
    """Make the same ``change`` (with one reply) of every report in ``versions`` (id ->
    the version the user saw), or of none: every report is checked before any is
    changed, and a refusal names the report. Raises :class:`QueueError`."""
    if not versions:
        raise QueueError("report", "请至少选择一个报告", "choose at least one report")
    if len(versions) > MAX_BULK:
        raise QueueError(
            "report", f"一次最多处理 {MAX_BULK} 个报告", f"at most {MAX_BULK} reports at once"
        )
    reports = []
    for report_id, version in sorted(versions.items()):
        report = get_scoped(session, report_id, me.scope.codes)
        if report is None:
            raise ReportNotFound(
                "report", f"没有编号 {report_id} 的报告", f"no report {report_id} in your districts"
            )
        try:
            check_change(session, report, change, me, version)
        except QueueError as exc:
            exc.message_zh = f"{report.tracking_code}：{exc.message_zh}"
            exc.message_en = f"{report.tracking_code}: {exc.message_en}"
            raise
        reports.append(report)
    now = now or utc_now()
    for report in reports:
        apply_change(session, report, change, me, versions[report.id], now)
    return reports


class GroupChanged(QueueError):
    """The group gained or lost reports since the user read it."""

    status = 412
    code = "precondition_failed"


def _no_op(report: Report, change: Change, assignee_id: int | None) -> bool:
    """Whether ``change`` leaves ``report`` as it is (a group's member already there)."""
    if change.reply.strip() or change.note.strip() or change.status != report.status:
        return False
    return change.status != "assigned" or assignee_id == report.assignee_id


def apply_group(
    session: Session,
    report_id: int,
    versions: dict[int, int],
    change: Change,
    me: Principal,
    now: datetime | None = None,
) -> list[Report]:
    """Make ``change`` (one reply for all) of every open report like ``report_id``, or of
    none. ``versions`` (id -> version) are the reports the user saw: a group that has
    gained or lost a report since is refused (:class:`GroupChanged`), a report changed
    since is stale. A member already in the state asked for, with no reply or note, is
    left as it is. Raises :class:`QueueError`."""
    report = get_scoped(session, report_id, me.scope.codes)
    if report is None:
        raise ReportNotFound(
            "report", f"没有编号 {report_id} 的报告", f"no report {report_id} in your districts"
        )
    members = similar_to(session, report, me.scope.codes)
    if len(members) > MAX_BULK:
        raise QueueError(
            "report", f"一次最多处理 {MAX_BULK} 个报告", f"at most {MAX_BULK} reports at once"
        )
    if {m.id for m in members} != set(versions):
        raise GroupChanged(
            "report",
            f"这组相同的报告现有 {len(members)} 条（您看到的是 {len(versions)} 条），"
            "请刷新后再操作。",
            f"the group now has {len(members)} reports (you saw {len(versions)}); "
            "reload and act again",
        )
    named = user_service.get_user(session, change.assignee) if change.assignee else None
    assignee_id = named.id if named is not None else None
    todo = []
    for member in members:
        if member.version != versions[member.id]:
            raise StaleReport(member.tracking_code, member.version, versions[member.id])
        if not _no_op(member, change, assignee_id):
            todo.append(member)
    if not todo:
        raise QueueError(
            "status",
            "请改变状态，或填写回复或备注",
            "change the status, or give a reply or a note",
        )
    return apply_bulk(session, {m.id: versions[m.id] for m in todo}, change, me, now)
