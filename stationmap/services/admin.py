"""Administration work that spans services: imports and exports limited to a user's
districts (with history), restoring a revision, and the dashboard figures.

``codes`` is always the user's district scope (``None``: every district).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stationmap import catalog
from stationmap.models import District, Station, StationAmenity, StationRevision
from stationmap.services import editing, placement, revisions, transfer
from stationmap.services import stations as station_service
from stationmap.services.revisions import Actor
from stationmap.services.station_record import StationCard, input_from_snapshot, station_card
from stationmap.station_fields import FieldError
from stationmap.tabular import Format

#: Rows shown one by one (with their small maps) in an import's preview; a larger file
#: shows its first rows, its summary, errors, notes and conflicts in full.
PREVIEW_ROWS = 2000


# -- import -------------------------------------------------------------------------------
def _scope_errors(
    session: Session,
    checked: transfer.CheckedFile,
    report: transfer.ImportReport,
    codes: frozenset[str] | None,
) -> list[FieldError]:
    """Every row whose matched station lies outside ``codes`` (where each row's point
    lies is checked by the import itself, naming the district)."""
    if codes is None or checked.errors:
        return []
    inputs = checked.inputs
    out: list[FieldError] = []
    existing = station_service.stations_by_code(session, [d.code for d in inputs if d.code])
    for source, data_row in zip(checked.sources, inputs, strict=True):
        station = existing.get(data_row.code) if data_row.code else None
        if station is not None and not editing.in_scope(codes, station.district_code):
            out.append(
                source.locate(
                    FieldError(
                        "code",
                        f"{data_row.code} belongs to a station outside your districts; remove "
                        "the row or leave its code empty for a new station",
                        message_zh=f"编号 {data_row.code} 属于您负责区县以外的驿站；"
                        "请删除该行，或把编号留空作为新驿站",
                    )
                )
            )
    for code, station in station_service.stations_by_code(session, report.result.updated).items():
        if station is not None and not editing.in_scope(codes, station.district_code):
            message = f"{code}: 匹配到您负责区县以外的驿站"
            if not any(e.message_zh == message for e in out):
                out.append(
                    FieldError(
                        "code",
                        f"{code}: matches a station outside your districts",
                        message_zh=message,
                    )
                )
    return out


def preview_import(
    session: Session,
    checked: transfer.CheckedFile,
    codes: frozenset[str] | None,
    overwrite: Collection[str] = (),
    *,
    with_rows: bool = True,
) -> transfer.ImportReport:
    """What importing the checked file would do, with scope errors added, and (with
    ``with_rows``) the preview's rows with their small maps; writes nothing.
    ``overwrite``: the codes of conflicting rows the user chose."""
    report = transfer.import_checked(
        session, checked, apply=False, scope=codes, overwrite=overwrite
    )
    if not report.datum_needed:
        report.errors.extend(_scope_errors(session, checked, report, codes))
        report.errors.sort(key=lambda e: e.row or 0)
    if with_rows:
        shown = report.views[:PREVIEW_ROWS]
        report.preview = placement.preview_rows(session, shown, report.result, report.conflicts)
    return report


def apply_import(
    session: Session,
    checked: transfer.CheckedFile,
    codes: frozenset[str] | None,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
    overwrite: Collection[str] = (),
    source: str = "",
) -> transfer.ImportReport:
    """Check again under the write lock and, if all is well, import everything and
    record a revision per created or changed station; otherwise change nothing."""
    station_service.lock_writes(session)
    report = preview_import(session, checked, codes, overwrite, with_rows=False)
    if not report.ok:
        return report
    return transfer.import_checked(
        session,
        checked,
        apply=True,
        actor=actor,
        progress=progress,
        scope=codes,
        overwrite=overwrite,
        source=source,
    )


def export_scope(
    session: Session,
    fmt: Format,
    codes: frozenset[str] | None,
    *,
    include_demo: bool = False,
    lang: str | None = None,
) -> bytes:
    return transfer.export_stations(session, fmt, codes, include_demo=include_demo, lang=lang)


# -- restore --------------------------------------------------------------------------------
def restore_revision(
    session: Session,
    station: Station,
    number: int,
    codes: frozenset[str] | None,
    actor: Actor,
    expected_version: int,
) -> dict[str, tuple[Any, Any]]:
    """Bring back the state after revision ``number`` (itself a new revision).
    Raises LookupError when there is no such revision."""
    revision = revisions.get_revision(session, station.id, number)
    if revision is None:
        raise LookupError(number)
    return editing.update_station(
        session,
        station,
        input_from_snapshot(revision.snapshot),
        codes,
        actor,
        expected_version,
        action="restore",
        restored_from=number,
    )


# -- dashboard ------------------------------------------------------------------------------
@dataclass
class Dashboard:
    total: int = 0
    by_district: list[tuple[str | None, str, int]] = field(default_factory=list)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    by_host_type: list[tuple[str, str, int]] = field(default_factory=list)
    by_amenity: list[tuple[str, str, int]] = field(default_factory=list)
    unverified: int = 0
    deleted: int = 0
    recent: list[tuple[StationRevision, StationCard]] = field(default_factory=list)
    # To do: stations whose hours were kept as the office wrote them (a person must
    # decide what they mean); the first 100 by code.
    hours_to_decide: list[StationCard] = field(default_factory=list)
    hours_to_decide_count: int = 0


def _zh(kind: str, code: str) -> str:
    terms = {
        "host_type": catalog.HOST_TYPES,
        "amenity": catalog.AMENITIES,
        "status": catalog.STATUSES,
    }.get(kind, ())
    for term in terms:
        if term.code == code:
            return term.zh
    return code


def dashboard(session: Session, codes: frozenset[str] | None) -> Dashboard:
    def scoped(stmt: Any) -> Any:
        if codes is not None:
            stmt = stmt.where(Station.district_code.in_(sorted(codes)))
        return stmt

    live = Station.deleted_at.is_(None)
    out = Dashboard()
    names = dict(session.execute(select(District.code, District.name)).all())
    rows = session.execute(
        scoped(select(Station.district_code, func.count()).where(live)).group_by(
            Station.district_code
        )
    ).all()
    out.by_district = sorted(
        ((code, names.get(code, "（无区县）"), int(n)) for code, n in rows),
        key=lambda r: r[0] or "",
    )
    out.total = sum(r[2] for r in out.by_district)
    for attr, kind, target in (
        (Station.status, "status", out.by_status),
        (Station.host_type, "host_type", out.by_host_type),
    ):
        counts = session.execute(scoped(select(attr, func.count()).where(live)).group_by(attr))
        target.extend(sorted(((c, _zh(kind, c), int(n)) for c, n in counts), key=lambda r: -r[2]))
    amenity_counts: Counter[str] = Counter(
        dict(
            session.execute(
                scoped(
                    select(StationAmenity.amenity, func.count())
                    .join(Station, Station.id == StationAmenity.station_id)
                    .where(live)
                ).group_by(StationAmenity.amenity)
            ).all()
        )
    )
    out.by_amenity = [
        (code, _zh("amenity", code), int(n)) for code, n in amenity_counts.most_common()
    ]
    cutoff = datetime.now(UTC) - timedelta(days=editing.UNVERIFIED_AFTER_DAYS)
    out.unverified = int(
        session.scalar(
            scoped(
                select(func.count())
                .select_from(Station)
                .where(live, (Station.verified_at.is_(None)) | (Station.verified_at < cutoff))
            )
        )
        or 0
    )
    out.deleted = int(
        session.scalar(
            scoped(select(func.count()).select_from(Station).where(Station.deleted_at.is_not(None)))
        )
        or 0
    )
    out.recent = [(rev, station_card(st)) for rev, st in revisions.recent(session, codes, 15)]
    undecided = live & Station.opening_hours_text.is_not(None)
    out.hours_to_decide_count = int(
        session.scalar(scoped(select(func.count()).select_from(Station).where(undecided))) or 0
    )
    out.hours_to_decide = [
        station_card(st)
        for st in session.scalars(
            scoped(select(Station).where(undecided)).order_by(Station.code).limit(100)
        )
    ]
    return out
