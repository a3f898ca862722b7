"""Reports as the queue shows them (:class:`ReportRow`), read within a user's
districts: one report, a listing, the reports like one, who may be assigned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, and_, cast, select
from sqlalchemy.orm import Session, aliased

from stationmap.models import (
    Report,
    Station,
    User,
)
from stationmap.report_fields import normal_code
from stationmap.services import users as user_service
from stationmap.services.districts import codes_within
from stationmap.services.editing import in_scope
from stationmap.services.report_queue.terms import (
    MAX_BULK,
    MAX_LIMIT,
    OPEN_STATUSES,
    ReportFilter,
    check_filter,
)
from stationmap.services.stations import utc_now


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


def conditions(
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


def groupable(entity: Any) -> Any:
    """Reports that group with others like them: open, about a station."""
    return and_(entity.status.in_(OPEN_STATUSES), entity.station_id.is_not(None))


def same_key(a: Any, b: Any) -> Any:
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
        Report.id > flt.after_id, *conditions(session, Report, codes, flt, now)
    )
    limit = max(1, min(flt.limit, MAX_LIMIT))
    reports = list(session.scalars(stmt.order_by(Report.id).limit(limit + 1)))
    more = len(reports) > limit
    reports = reports[:limit]
    return _rows(session, reports), (reports[-1].id if more and reports else None)


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
        .where(groupable(Report), same_key(Report, other))
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
