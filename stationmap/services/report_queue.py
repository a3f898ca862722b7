"""The district's queue of workers' reports: list and filter them within a user's
districts, and move them through their states, each step a :class:`ReportEvent`.

States: ``new`` -> ``assigned`` (to a named administrator whose districts cover the
report's) -> ``in_progress`` -> ``resolved`` | ``rejected``. A report may also go from
``new`` or ``assigned`` straight to ``in_progress``, ``resolved`` or ``rejected``, be
assigned again to someone else, or keep its state with a reply or note only. Only a
superadmin reopens a closed report (to ``in_progress``).

Scope follows the station pages: ``codes`` is the user's district scope (``None``: every
district); a report outside it, or with no district, is "not found" for them exactly as
a missing one. A viewer reads the queue but changes nothing.

Every change is checked against the report's ``version`` (the optimistic lock the
editor and the station API use); a bulk change checks every report first and changes
all or none (the caller's transaction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from stationmap.models import (
    REPORT_KINDS,
    REPORT_STATUSES,
    Report,
    ReportEvent,
    Station,
    User,
)
from stationmap.report_fields import KIND_TERMS, normal_code
from stationmap.services import users as user_service
from stationmap.services.districts import codes_within
from stationmap.services.editing import in_scope
from stationmap.services.stations import utc_now
from stationmap.services.users import Principal

OPEN_STATUSES = ("new", "assigned", "in_progress")
CLOSED_STATUSES = ("resolved", "rejected")
# Where each state may go (besides staying, with a reply or a note).
NEXT: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned", "in_progress", "resolved", "rejected"}),
    "assigned": frozenset({"assigned", "in_progress", "resolved", "rejected"}),
    "in_progress": frozenset({"assigned", "resolved", "rejected"}),
    "resolved": frozenset(),
    "rejected": frozenset(),
}
REOPEN_TO = "in_progress"  # a superadmin only
#: Each state as administrators read it (zh, en): the pages and every message use these
#: words, never the codes (which only the API's ``code`` fields and parameters carry).
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "new": ("新报告", "New"),
    "assigned": ("已分派", "Assigned"),
    "in_progress": ("处理中", "In progress"),
    "resolved": ("已解决", "Resolved"),
    "rejected": ("不予处理", "Rejected"),
}
# The kinds in the words the reporter chose them by.
KIND_WORDS: dict[str, tuple[str, str]] = {t.code: (t.zh, t.en) for t in KIND_TERMS}
MAX_REPLY = 2000
MAX_NOTE = 2000
MAX_BULK = 200
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# The kinds whose resolution is a change to the station, made in the editor.
EDITOR_KINDS = ("location", "amenity")


class QueueError(Exception):
    """A change or a query refused; ``status`` is the HTTP status a view answers,
    ``field`` the input at fault, the messages say why in both languages."""

    status = 422
    code = "invalid_value"

    def __init__(
        self, field: str | None, message_zh: str, message_en: str, message_api: str | None = None
    ) -> None:
        super().__init__(message_en)
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en
        # For an API client, where the values it may send are codes: the English
        # message unless the codes themselves are the answer ("one of new, …").
        self.message_api = message_api or message_en

    def text(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh


def quoted(table: dict[str, tuple[str, str]], code: str) -> tuple[str, str]:
    """A state's (or kind's) words as a message quotes them: ("“处理中”", '"In progress"')."""
    zh, en = table.get(code, (code, code))
    return f"“{zh}”", f'"{en}"'


def _one_of(field: str, table: dict[str, tuple[str, str]], allowed: Sequence[str]) -> QueueError:
    return QueueError(
        field,
        "只能是 " + "、".join(table.get(c, (c, c))[0] for c in allowed),
        "must be one of " + ", ".join(table.get(c, (c, c))[1] for c in allowed),
        f"{field} must be one of {', '.join(allowed)}",
    )


class ReportNotFound(QueueError):
    status = 404
    code = "not_found"


class ReadOnly(QueueError):
    status = 403
    code = "forbidden"


class StaleReport(QueueError):
    """The report changed since the user read it (``current``: its version now)."""

    status = 412
    code = "precondition_failed"

    def __init__(self, tracking_code: str, current: int | None, expected: int) -> None:
        now = f"（现为第 {current} 版）" if current is not None else ""
        now_en = f" (now version {current}, not {expected})" if current is not None else ""
        super().__init__(
            "version",
            f"报告 {tracking_code} 已被他人修改{now}，请刷新后重试。",
            f"report {tracking_code} changed meanwhile{now_en}; read it again",
        )
        self.current = current


@dataclass(frozen=True)
class Change:
    """What a user asks of one report (or of several, in bulk). ``status`` None keeps
    the state; ``assignee`` is a username (for ``assigned``)."""

    status: str | None = None
    assignee: str | None = None
    reply: str = ""
    note: str = ""


@dataclass(frozen=True)
class ReportFilter:
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    district: str | None = None  # with the districts below it
    older_than_hours: float | None = None
    station: str | None = None  # a station code
    unanswered: bool = False  # no reply yet
    limit: int = DEFAULT_LIMIT
    after_id: int = 0


@dataclass(frozen=True)
class ReportRow:
    """A report as the queue, its detail page and the admin API show it."""

    id: int
    tracking_code: str
    kind: str
    status: str
    station_id: int | None
    station_code: str | None
    station_name: str | None
    district_code: str | None
    needs: list[str]
    lat: float | None
    lon: float | None
    text: str
    phone: str
    lang: str
    created_at: datetime
    updated_at: datetime
    first_reply_at: datetime | None
    resolved_at: datetime | None
    assignee: str | None
    repeats: int
    revision_id: int | None
    version: int

    def age_hours(self, now: datetime) -> float:
        return (now - self.created_at).total_seconds() / 3600


def check_filter(flt: ReportFilter) -> None:
    """Raise :class:`QueueError` naming the field for a value no report can have."""
    for name, values, allowed, table in (
        ("status", flt.statuses, REPORT_STATUSES, STATUS_WORDS),
        ("kind", flt.kinds, REPORT_KINDS, KIND_WORDS),
    ):
        unknown = [v for v in values if v not in allowed]
        if unknown:
            error = _one_of(name, table, allowed)
            error.message_api = (
                f"unknown {name} {', '.join(u[:20] for u in unknown)}; one of {', '.join(allowed)}"
            )
            raise error
    if flt.older_than_hours is not None and not 0 <= flt.older_than_hours <= 24 * 3650:
        raise QueueError(
            "older_than",
            "须在 0 到 87600 小时之间",
            "must be 0 to 87600 hours",
            "older_than must be 0-87600 hours",
        )


def _rows(session: Session, reports: Sequence[Report]) -> list[ReportRow]:
    station_ids = {r.station_id for r in reports if r.station_id is not None}
    user_ids = {r.assignee_id for r in reports if r.assignee_id is not None}
    stations = {
        sid: (code, name)
        for sid, code, name in session.execute(
            select(Station.id, Station.code, Station.name).where(Station.id.in_(station_ids))
        )
    }
    users = dict(session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).all())
    out = []
    for r in reports:
        code, name = stations.get(r.station_id or 0, (None, None))
        out.append(
            ReportRow(
                id=r.id,
                tracking_code=r.tracking_code,
                kind=r.kind,
                status=r.status,
                station_id=r.station_id,
                station_code=code,
                station_name=name,
                district_code=r.district_code,
                needs=list(r.needs or []),
                lat=r.lat,
                lon=r.lon,
                text=r.text,
                phone=r.phone,
                lang=r.lang,
                created_at=r.created_at,
                updated_at=r.updated_at,
                first_reply_at=r.first_reply_at,
                resolved_at=r.resolved_at,
                assignee=users.get(r.assignee_id) if r.assignee_id else None,
                repeats=r.repeats,
                revision_id=r.revision_id,
                version=r.version,
            )
        )
    return out


def row_of(session: Session, report: Report) -> ReportRow:
    return _rows(session, [report])[0]


def list_reports(
    session: Session,
    codes: frozenset[str] | None,
    flt: ReportFilter,
    now: datetime | None = None,
) -> tuple[list[ReportRow], int | None]:
    """One page of the reports in scope matching ``flt``, oldest first (id order), and
    the last id when more follow."""
    check_filter(flt)
    now = now or utc_now()
    stmt = select(Report).where(Report.id > flt.after_id)
    if codes is not None:
        stmt = stmt.where(Report.district_code.in_(sorted(codes)))
    if flt.district is not None:
        stmt = stmt.where(Report.district_code.in_(sorted(codes_within(session, flt.district))))
    if flt.statuses:
        stmt = stmt.where(Report.status.in_(flt.statuses))
    if flt.kinds:
        stmt = stmt.where(Report.kind.in_(flt.kinds))
    if flt.older_than_hours is not None:
        stmt = stmt.where(Report.created_at <= now - timedelta(hours=flt.older_than_hours))
    if flt.station:
        stmt = stmt.where(
            Report.station_id.in_(select(Station.id).where(Station.code == flt.station))
        )
    if flt.unanswered:
        stmt = stmt.where(Report.first_reply_at.is_(None))
    limit = max(1, min(flt.limit, MAX_LIMIT))
    reports = list(session.scalars(stmt.order_by(Report.id).limit(limit + 1)))
    more = len(reports) > limit
    reports = reports[:limit]
    return _rows(session, reports), (reports[-1].id if more and reports else None)


def get_scoped(session: Session, report_id: int, codes: frozenset[str] | None) -> Report | None:
    """The report if it is in scope; else None (another district's is "not found")."""
    report = session.get(Report, report_id)
    if report is None or not in_scope(codes, report.district_code):
        return None
    return report


def get_by_code(
    session: Session, tracking_code: str, codes: frozenset[str] | None
) -> Report | None:
    code = normal_code(tracking_code[:40]) or tracking_code[:16]  # as the reporter wrote it
    report = session.scalar(select(Report).where(Report.tracking_code == code))
    if report is None or not in_scope(codes, report.district_code):
        return None
    return report


def _active_admins(session: Session) -> list[tuple[str, user_service.Scope]]:
    """Active superadmins and district administrators, by name, with their scopes."""
    users = session.scalars(
        select(User)
        .where(User.disabled_at.is_(None), User.role.in_(("superadmin", "district_admin")))
        .order_by(User.username)
    )
    return [(u.username, user_service.scope_of(session, u)) for u in users]


def assignable(session: Session, district_code: str | None) -> list[str]:
    """The usernames a report of ``district_code`` may be assigned to: active
    superadmins and district administrators whose districts cover it."""
    return [name for name, scope in _active_admins(session) if scope.covers(district_code)]


def candidates(session: Session, codes: frozenset[str] | None) -> list[str]:
    """The usernames the queue's bulk form offers: active superadmins and district
    administrators sharing a district with ``codes`` (each report is checked again when
    the form is sent)."""
    return [
        name
        for name, scope in _active_admins(session)
        if codes is None or scope.codes is None or scope.codes & codes
    ]


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
        raise _one_of("status", STATUS_WORDS, REPORT_STATUSES)
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
