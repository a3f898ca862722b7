"""Figures of the report queue per district, for the dashboard: open reports, the median
time to the first reply and to the end (resolved or rejected), reports per station and
the oldest report still unanswered. ``codes`` is the user's district scope (``None``:
every district)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stationmap.models import District, Report, Station
from stationmap.services.report_queue import OPEN_STATUSES
from stationmap.services.stations import utc_now


@dataclass(frozen=True)
class Unanswered:
    report_id: int
    tracking_code: str
    created_at: datetime
    age_hours: float


@dataclass(frozen=True)
class DistrictFigures:
    district_code: str | None
    name: str
    reports: int
    open: int
    # Hours, over the reports that have had a first reply / have ended (None: none has).
    median_first_reply_h: float | None
    median_resolution_h: float | None
    stations: int
    # Reports about a station (every kind but "demand") per live station of the district.
    per_station: float | None
    oldest_unanswered: Unanswered | None


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 3600


def figures(
    session: Session, codes: frozenset[str] | None, now: datetime | None = None
) -> list[DistrictFigures]:
    """One row per district with reports in scope, by district code."""
    now = now or utc_now()
    stmt = select(
        Report.id,
        Report.tracking_code,
        Report.district_code,
        Report.kind,
        Report.status,
        Report.created_at,
        Report.first_reply_at,
        Report.resolved_at,
    )
    stations_stmt = (
        select(Station.district_code, func.count())
        .where(Station.deleted_at.is_(None))
        .group_by(Station.district_code)
    )
    if codes is not None:
        stmt = stmt.where(Report.district_code.in_(sorted(codes)))
        stations_stmt = stations_stmt.where(Station.district_code.in_(sorted(codes)))
    by_district: dict[str | None, list[Any]] = {}
    for row in session.execute(stmt):
        by_district.setdefault(row.district_code, []).append(row)
    station_counts = dict(session.execute(stations_stmt).all())
    names = dict(session.execute(select(District.code, District.name)).all())
    out = []
    for code in sorted(by_district, key=lambda c: c or ""):
        rows = by_district[code]
        replies = [_hours(r.first_reply_at, r.created_at) for r in rows if r.first_reply_at]
        ends = [_hours(r.resolved_at, r.created_at) for r in rows if r.resolved_at]
        waiting = [r for r in rows if r.status in OPEN_STATUSES and r.first_reply_at is None]
        oldest = min(waiting, key=lambda r: (r.created_at, r.id), default=None)
        stations = int(station_counts.get(code, 0))
        about_stations = sum(1 for r in rows if r.kind != "demand")
        out.append(
            DistrictFigures(
                district_code=code,
                name=names.get(code, code or "—"),
                reports=len(rows),
                open=sum(1 for r in rows if r.status in OPEN_STATUSES),
                median_first_reply_h=median(replies) if replies else None,
                median_resolution_h=median(ends) if ends else None,
                stations=stations,
                per_station=about_stations / stations if stations else None,
                oldest_unanswered=Unanswered(
                    oldest.id,
                    oldest.tracking_code,
                    oldest.created_at,
                    _hours(now, oldest.created_at),
                )
                if oldest is not None
                else None,
            )
        )
    return out
