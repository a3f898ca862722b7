"""Import and export of stations: one function each, used by the CLI, the API and the
admin pages alike.

An import is all-or-nothing: every row is checked first, and one bad row rejects the
file with a report naming every bad row and field. Rows are matched to stations by
``code`` (updated) or created; importing the same file again changes nothing. Exports
write the columns the importer reads, so an export imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.models import Station
from stationmap.services.revisions import Actor
from stationmap.services.stations import SaveResult, save_inputs
from stationmap.station_fields import FieldError, InvalidStation, StationInput, parse_station
from stationmap.tabular import Format, TableError, detect_format, read_table, write_table

EXTRA_COLUMNS = ("district_code", "demo")


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[FieldError] = field(default_factory=list)
    # Values read with a guess or a change (a phone's lost 0, amenities read from the
    # services), each on its row: shown in the preview for a person to check.
    notes: list[FieldError] = field(default_factory=list)
    result: SaveResult = field(default_factory=SaveResult)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "applied": self.applied,
            "created": self.result.created,
            "updated": self.result.updated,
            "unchanged": len(self.result.unchanged),
            "changes": {
                code: {name: [_plain(old), _plain(new)] for name, (old, new) in fields.items()}
                for code, fields in self.result.changes.items()
            },
            "errors": [e.as_dict() for e in self.errors],
            "notes": [n.as_dict() for n in self.notes],
        }


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def check_rows(
    data: bytes, filename: str | None = None
) -> tuple[list[StationInput], list[FieldError], int]:
    """Read and check a file; returns the stations, every error, and the row count."""
    try:
        fmt = detect_format(data, filename)
        rows = read_table(data, fmt)
    except TableError as exc:
        return [], [FieldError("file", str(exc))], 0
    inputs: list[StationInput] = []
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for row_number, raw in rows:
        try:
            item = parse_station(raw, office_file=True)
        except InvalidStation as exc:
            errors.extend(replace(e, row=row_number) for e in exc.errors)
            continue
        item = replace(item, notes=tuple(replace(n, row=row_number) for n in item.notes))
        if item.code is not None:
            if item.code in seen:
                errors.append(
                    FieldError(
                        "code",
                        f"{item.code} is also on row {seen[item.code]}: keep one of the rows",
                        row_number,
                        message_zh=f"编码 {item.code} 与第 {seen[item.code]} 行重复：请只保留一行",
                    )
                )
                continue
            seen[item.code] = row_number
        inputs.append(item)
    if not rows:
        errors.append(
            FieldError(
                "file",
                "the file has no station rows: put one station on each row under the header",
                message_zh="文件中没有驿站数据：请在表头下每行填写一个驿站",
            )
        )
    return inputs, errors, len(rows)


def import_stations(
    session: Session,
    data: bytes,
    filename: str | None = None,
    *,
    apply: bool = True,
    actor: Actor | None = None,
) -> ImportReport:
    """Check ``data`` and, if every row is valid and ``apply`` is set, save it all in the
    caller's transaction. Without ``apply`` (a preview) nothing is written. With an
    ``actor`` (a user, or the command line) each created or changed station gets an
    ``import`` revision naming them."""
    inputs, errors, count = check_rows(data, filename)
    report = ImportReport(rows=count, errors=errors)
    report.notes = [note for item in inputs for note in item.notes]
    if errors:
        return report
    report.result = save_inputs(session, inputs, dry_run=not apply, actor=actor)
    report.applied = apply
    return report


def export_rows(
    session: Session, district_codes: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    stmt = select(Station).where(Station.deleted_at.is_(None)).order_by(Station.code)
    if district_codes is not None:
        stmt = stmt.where(Station.district_code.in_(sorted(district_codes)))
    return [
        {
            "code": s.code,
            "name": s.name,
            "address": s.address,
            "lat": s.lat,
            "lon": s.lon,
            "datum": "wgs84",
            "host_type": s.host_type,
            "amenities": s.amenities,
            "worker_groups": s.worker_groups,
            "opening_hours": s.opening_hours,
            "phone": s.phone,
            "contact": s.contact,
            "services": list(s.services),
            "status": s.status,
            "district_code": s.district_code,
            "demo": s.is_demo,
        }
        for s in session.scalars(stmt)
    ]


def export_stations(
    session: Session, fmt: Format, district_codes: Iterable[str] | None = None
) -> bytes:
    """The stations (optionally only those in ``district_codes``) as CSV, XLSX or
    GeoJSON that :func:`import_stations` reads back unchanged."""
    return write_table(export_rows(session, district_codes), fmt, extra_columns=EXTRA_COLUMNS)
