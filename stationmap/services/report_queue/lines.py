"""The queue's lines: one per report, or one per group of open reports about the
same station, kind and amenity, with the group's figures from one aggregate query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, and_, cast, exists, func, not_, select
from sqlalchemy.orm import Session, aliased

from stationmap.models import (
    Report,
    User,
)
from stationmap.services.report_queue.reading import (
    ReportRow,
    conditions,
    groupable,
    rows_of,
    same_key,
)
from stationmap.services.report_queue.terms import (
    MAX_LIMIT,
    OPEN_STATUSES,
    ReportFilter,
    check_filter,
)
from stationmap.services.stations import utc_now


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
    conds = conditions(session, Report, codes, flt, now)
    earlier = aliased(Report)
    has_earlier = exists().where(
        earlier.id < Report.id,
        groupable(earlier),
        same_key(earlier, Report),
        *conditions(session, earlier, codes, flt, now),
    )
    stmt = select(Report).where(
        Report.id > flt.after_id, *conds, not_(and_(groupable(Report), has_earlier))
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
            .where(groupable(Report), Report.station_id.in_(sorted(station_ids)), *conds)
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
    for row in rows_of(session, leaders):
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
