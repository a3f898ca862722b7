"""Figures of the report queue per district, for the dashboard: open reports (each
counted, and as the queue's lines, where open reports alike are one), the median
time to the first reply and to the end (resolved or rejected), reports per station and
the oldest report still unanswered. ``codes`` is the user's district scope (``None``:
every district)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import Float, Text, case, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from stationmap.models import District, Report, Station
from stationmap.services.report_queue import OPEN_STATUSES
from stationmap.services.stations import utc_now

WINDOW = timedelta(days=365)


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
    reports: int  # made in the last WINDOW
    open: int  # open reports, each counted
    # The queue's lines of open reports: open reports about the same station, kind and
    # amenity are one line (one "group"), a report about no station a line of its own.
    open_lines: int
    # Hours, over the reports that have had a first reply / have ended (None: none has).
    median_first_reply_h: float | None
    median_resolution_h: float | None
    stations: int
    # Reports about a station (every kind but "demand") per live station of the district.
    per_station: float | None
    oldest_unanswered: Unanswered | None


def _hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 3600


class HoursBetween(ColumnElement[float]):
    """``later - earlier`` in hours, as the database computes it (UTC datetimes)."""

    inherit_cache = True
    type = Float()

    def __init__(self, later: Any, earlier: Any) -> None:
        self.later, self.earlier = later, earlier


@compiles(HoursBetween, "sqlite")
def _hours_sqlite(element: HoursBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = compiler.process(element.later, **kw), compiler.process(element.earlier, **kw)
    return f"((julianday({later}) - julianday({earlier})) * 24.0)"


@compiles(HoursBetween, "postgresql")
def _hours_postgres(element: HoursBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = compiler.process(element.later, **kw), compiler.process(element.earlier, **kw)
    return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600.0)"


def _scoped(stmt: Any, column: Any, codes: frozenset[str] | None) -> Any:
    return stmt if codes is None else stmt.where(column.in_(sorted(codes)))


def figures(
    session: Session, codes: frozenset[str] | None, now: datetime | None = None
) -> list[DistrictFigures]:
    """One row per district with reports in scope, by district code. Open reports and
    the oldest unanswered one count whatever their age; the medians and the reports per
    station are over the reports made in the last :data:`WINDOW` (so the page's cost
    does not grow with the years)."""
    now = now or utc_now()
    in_window = Report.created_at >= now - WINDOW
    counts: dict[str | None, tuple[int, int]] = {
        code: (int(total), int(about or 0))
        for code, total, about in session.execute(
            _scoped(
                select(
                    Report.district_code,
                    func.count(),
                    func.sum(case((Report.kind != "demand", 1), else_=0)),
                ).where(in_window),
                Report.district_code,
                codes,
            ).group_by(Report.district_code)
        )
    }
    # Durations in hours, computed by the database (no datetime per row in Python).
    durations: dict[str, dict[str | None, list[float]]] = {"reply": {}, "end": {}}
    for name, column in (("reply", Report.first_reply_at), ("end", Report.resolved_at)):
        stmt = select(Report.district_code, HoursBetween(column, Report.created_at)).where(
            in_window, column.is_not(None)
        )
        for code, hours in session.execute(_scoped(stmt, Report.district_code, codes)):
            durations[name].setdefault(code, []).append(float(hours))
    still_open = Report.status.in_(OPEN_STATUSES)
    open_counts = dict(
        session.execute(
            _scoped(
                select(Report.district_code, func.count()).where(still_open),
                Report.district_code,
                codes,
            ).group_by(Report.district_code)
        ).all()
    )
    needs_text = cast(Report.needs, Text)
    keys = (
        _scoped(
            select(Report.district_code.label("code")).where(
                still_open, Report.station_id.is_not(None)
            ),
            Report.district_code,
            codes,
        )
        .group_by(Report.district_code, Report.station_id, Report.kind, needs_text)
        .subquery()
    )
    open_lines: dict[str | None, int] = {
        code: int(n)
        for code, n in session.execute(select(keys.c.code, func.count()).group_by(keys.c.code))
    }
    for code, n in session.execute(
        _scoped(
            select(Report.district_code, func.count()).where(
                still_open, Report.station_id.is_(None)
            ),
            Report.district_code,
            codes,
        ).group_by(Report.district_code)
    ):
        open_lines[code] = open_lines.get(code, 0) + int(n)
    waiting = still_open & Report.first_reply_at.is_(None)
    ranked = _scoped(
        select(
            Report.id,
            Report.tracking_code,
            Report.district_code,
            Report.created_at,
            func.row_number()
            .over(partition_by=Report.district_code, order_by=(Report.created_at, Report.id))
            .label("rank"),
        ).where(waiting),
        Report.district_code,
        codes,
    ).subquery()
    oldest = {
        row.district_code: Unanswered(
            row.id, row.tracking_code, row.created_at, _hours(now, row.created_at)
        )
        for row in session.execute(select(ranked).where(ranked.c.rank == 1))
    }
    station_counts = dict(
        session.execute(
            _scoped(
                select(Station.district_code, func.count()).where(Station.deleted_at.is_(None)),
                Station.district_code,
                codes,
            ).group_by(Station.district_code)
        ).all()
    )
    names: dict[str, str] = {
        code: name for code, name in session.execute(select(District.code, District.name))
    }
    out = []
    for code in sorted(set(counts) | set(open_counts), key=lambda c: c or ""):
        total, about_stations = counts.get(code, (0, 0))
        replies = durations["reply"].get(code, [])
        ends = durations["end"].get(code, [])
        stations = int(station_counts.get(code, 0))
        out.append(
            DistrictFigures(
                district_code=code,
                name=names.get(code, code) if code is not None else "—",
                reports=total,
                open=int(open_counts.get(code, 0)),
                open_lines=open_lines.get(code, 0),
                median_first_reply_h=median(replies) if replies else None,
                median_resolution_h=median(ends) if ends else None,
                stations=stations,
                per_station=about_stations / stations if stations else None,
                oldest_unanswered=oldest.get(code),
            )
        )
    return out
