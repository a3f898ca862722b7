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
from typing import Any

from sqlalchemy import Text, and_, cast, exists, func, not_, select
from sqlalchemy.orm import Session, aliased
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


def _conditions(
    session: Session,
    entity: Any,
    codes: frozenset[str] | None,
    flt: ReportFilter,
    now: datetime,
) -> list[Any]:
    """The filter's conditions on ``entity`` (``Report`` or an alias of it), without the
    page's cursor."""
    conds: list[Any] = []
    if codes is not None:
        conds.append(entity.district_code.in_(sorted(codes)))
    if flt.district is not None:
        conds.append(entity.district_code.in_(sorted(codes_within(session, flt.district))))
    if flt.statuses:
        conds.append(entity.status.in_(flt.statuses))
    if flt.kinds:
        conds.append(entity.kind.in_(flt.kinds))
    if flt.older_than_hours is not None:
        conds.append(entity.created_at <= now - timedelta(hours=flt.older_than_hours))
    if flt.station:
        conds.append(entity.station_id.in_(select(Station.id).where(Station.code == flt.station)))
    if flt.unanswered:
        conds.append(entity.first_reply_at.is_(None))
    return conds


def _groupable(entity: Any) -> Any:
    """Reports that group with others like them: open, about a station."""
    return and_(entity.status.in_(OPEN_STATUSES), entity.station_id.is_not(None))


def _same_key(a: Any, b: Any) -> Any:
    """The same station, kind and needs (the amenity, for an amenity report). ``needs``
    is JSON written by one serializer, so equal lists are equal text."""
    return and_(
        a.station_id == b.station_id,
        a.kind == b.kind,
        cast(a.needs, Text) == cast(b.needs, Text),
    )


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
    stmt = select(Report).where(
        Report.id > flt.after_id, *_conditions(session, Report, codes, flt, now)
    )
    limit = max(1, min(flt.limit, MAX_LIMIT))
    reports = list(session.scalars(stmt.order_by(Report.id).limit(limit + 1)))
    more = len(reports) > limit
    reports = reports[:limit]
    return _rows(session, reports), (reports[-1].id if more and reports else None)


@dataclass(frozen=True)
class QueueLine:
    """One line of the queue: a report, or the first of the open reports about the same
    station, kind and amenity that match the filter (``count`` of them, made between
    ``first_at`` and ``latest_at``; ``statuses``: how many are in each state;
    ``replied``: how many have had a reply; ``repeats``: their repeats together;
    ``assignees``: how many each assignee has, ``None`` for none, most first). A group's
    line says these of the whole group, not of its first report."""

    row: ReportRow
    count: int
    first_at: datetime
    latest_at: datetime
    statuses: tuple[tuple[str, int], ...]
    replied: int
    repeats: int
    assignees: tuple[tuple[str | None, int], ...]

    @property
    def more(self) -> int:
        return self.count - 1


def list_lines(
    session: Session,
    codes: frozenset[str] | None,
    flt: ReportFilter,
    now: datetime | None = None,
) -> tuple[list[QueueLine], int | None]:
    """One page of the queue's lines, oldest first, and the last line's id when more
    follow. Open reports about the same station, kind and amenity that match ``flt`` are
    one line, placed by the first of them; closed reports are a line each, so a report
    that comes after its group was closed starts a new line. The page holds at most
    ``flt.limit`` lines whatever the size of a group (the group's figures are one
    aggregate query)."""
    check_filter(flt)
    now = now or utc_now()
    conds = _conditions(session, Report, codes, flt, now)
    earlier = aliased(Report)
    has_earlier = exists().where(
        earlier.id < Report.id,
        _groupable(earlier),
        _same_key(earlier, Report),
        *_conditions(session, earlier, codes, flt, now),
    )
    stmt = select(Report).where(
        Report.id > flt.after_id, *conds, not_(and_(_groupable(Report), has_earlier))
    )
    limit = max(1, min(flt.limit, MAX_LIMIT))
    leaders = list(session.scalars(stmt.order_by(Report.id).limit(limit + 1)))
    more = len(leaders) > limit
    leaders = leaders[:limit]
    station_ids = {r.station_id for r in leaders if r.status in OPEN_STATUSES and r.station_id}
    groups: dict[tuple[int | None, str, str], list[_Part]] = {}
    if station_ids:
        needs_text = cast(Report.needs, Text)
        for sid, kind, needs, *part in session.execute(
            select(
                Report.station_id,
                Report.kind,
                needs_text,
                Report.status,
                Report.assignee_id,
                func.count(),
                func.min(Report.created_at),
                func.max(Report.created_at),
                func.count(Report.first_reply_at),
                func.coalesce(func.sum(Report.repeats), 0),
            )
            .where(_groupable(Report), Report.station_id.in_(sorted(station_ids)), *conds)
            .group_by(Report.station_id, Report.kind, needs_text, Report.status, Report.assignee_id)
        ):
            groups.setdefault((sid, kind, needs), []).append(_Part(*part))
    keys = {}
    if station_ids:
        keys = dict(
            session.execute(
                select(Report.id, cast(Report.needs, Text)).where(
                    Report.id.in_([r.id for r in leaders if r.station_id in station_ids])
                )
            ).all()
        )
    assignee_ids = {p.assignee_id for parts in groups.values() for p in parts} - {None}
    names = dict(
        session.execute(select(User.id, User.username).where(User.id.in_(assignee_ids))).all()
    )
    lines = []
    for row in _rows(session, leaders):
        parts = (
            groups.get((row.station_id, row.kind, keys[row.id]), [])
            if row.id in keys and row.status in OPEN_STATUSES
            else []
        )
        if not parts:
            lines.append(_single_line(row))
        else:
            lines.append(_group_line(row, parts, names))
    return lines, (leaders[-1].id if more and leaders else None)


@dataclass(frozen=True)
class _Part:
    """A group's reports in one state with one assignee: the aggregate query's row."""

    status: str
    assignee_id: int | None
    count: int
    first_at: datetime
    latest_at: datetime
    replied: int
    repeats: int


def _single_line(row: ReportRow) -> QueueLine:
    return QueueLine(
        row,
        1,
        row.created_at,
        row.created_at,
        ((row.status, 1),),
        int(row.first_reply_at is not None),
        row.repeats,
        ((row.assignee, 1),),
    )


def _group_line(row: ReportRow, parts: list[_Part], names: dict[int, str]) -> QueueLine:
    statuses = tuple(
        (s, sum(p.count for p in parts if p.status == s))
        for s in OPEN_STATUSES
        if any(p.status == s for p in parts)
    )
    by_assignee: dict[str | None, int] = {}
    for p in parts:
        name = names.get(p.assignee_id) if p.assignee_id is not None else None
        by_assignee[name] = by_assignee.get(name, 0) + p.count
    assignees = tuple(
        sorted(by_assignee.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    )
    return QueueLine(
        row,
        sum(p.count for p in parts),
        min(p.first_at for p in parts),
        max(p.latest_at for p in parts),
        statuses,
        sum(p.replied for p in parts),
        sum(int(p.repeats) for p in parts),
        assignees,
    )


def similar_to(session: Session, report: Report, codes: frozenset[str] | None) -> list[Report]:
    """The open reports in scope like ``report`` (the same station, kind and amenity),
    ``report`` among them, oldest first, at most ``MAX_BULK + 1``; just ``report`` when
    it is closed or about no station."""
    if report.status not in OPEN_STATUSES or report.station_id is None:
        return [report]
    other = aliased(Report)
    stmt = (
        select(Report)
        .join(other, other.id == report.id)
        .where(_groupable(Report), _same_key(Report, other))
    )
    if codes is not None:
        stmt = stmt.where(Report.district_code.in_(sorted(codes)))
    return list(session.scalars(stmt.order_by(Report.id).limit(MAX_BULK + 1)))


def rows_of(session: Session, reports: Sequence[Report]) -> list[ReportRow]:
    return _rows(session, reports)


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
