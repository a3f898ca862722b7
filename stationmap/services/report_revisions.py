"""A report's way into the station editor: the change it proposes for its station's
form ("location": the reported position; "amenity": the missing or broken amenity
unticked), and the link between the revision saved from it and the report (the
report's ``revision_id``; the station's history names the report)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.models import Report, StationRevision
from stationmap.services.report_queue import CLOSED_STATUSES, EDITOR_KINDS, get_scoped
from stationmap.services.stations import utc_now


@dataclass(frozen=True)
class EditorProposal:
    """What a report proposes for its station's editor form."""

    report_id: int
    tracking_code: str
    lat: float | None
    lon: float | None
    remove_amenity: str | None


def proposal(
    session: Session, report_id: int, station_id: int, codes: frozenset[str] | None
) -> EditorProposal | None:
    """The change report ``report_id`` proposes for station ``station_id``: the
    reported position ("location"), or the missing or broken amenity removed
    ("amenity"); None when the report is not in scope, not about this station, closed or
    of another kind."""
    report = get_scoped(session, report_id, codes)
    if (
        report is None
        or report.station_id != station_id
        or report.kind not in EDITOR_KINDS
        or report.status in CLOSED_STATUSES
    ):
        return None
    lat = lon = None
    if report.kind == "location" and report.lat is not None and report.lon is not None:
        lat, lon = report.lat, report.lon
    amenity = report.needs[0] if report.kind == "amenity" and report.needs else None
    return EditorProposal(report.id, report.tracking_code, lat, lon, amenity)


def link_revision(
    session: Session, report_id: int, station_id: int, codes: frozenset[str] | None
) -> str | None:
    """Link the station's latest revision (just saved from the editor) to the report;
    the report's tracking code, or None when it is not this station's or not in scope."""
    report = get_scoped(session, report_id, codes)
    if report is None or report.station_id != station_id:
        return None
    revision_id = session.scalar(
        select(StationRevision.id)
        .where(StationRevision.station_id == station_id)
        .order_by(StationRevision.number.desc())
        .limit(1)
    )
    if revision_id is None:
        return None
    report.revision_id = revision_id
    report.updated_at = utc_now()
    return report.tracking_code


def reports_of_revisions(
    session: Session, revision_ids: Iterable[int]
) -> dict[int, tuple[int, str]]:
    """Revision id -> (id, tracking code) of the report it came from."""
    ids = sorted(set(revision_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Report.revision_id, Report.id, Report.tracking_code).where(
            Report.revision_id.in_(ids)
        )
    )
    return {int(rev): (int(rid), code) for rev, rid, code in rows if rev is not None}


def revision_number(session: Session, revision_id: int | None) -> tuple[int, int] | None:
    """(station id, number) of a revision, for the report's link to it."""
    if revision_id is None:
        return None
    row = session.execute(
        select(StationRevision.station_id, StationRevision.number).where(
            StationRevision.id == revision_id
        )
    ).first()
    return (int(row[0]), int(row[1])) if row else None
