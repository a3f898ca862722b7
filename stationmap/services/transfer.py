"""Import and export of stations: one function each, used by the CLI, the API and the
admin pages alike.

An import is all-or-nothing: every row is checked first, and one bad row rejects the
file with a report naming every bad row and field. Rows are matched to stations by
``code`` (updated) or created; importing the same file again changes nothing. Exports
write the columns the importer reads, so an export imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.models import Station
from stationmap.services.revisions import Actor
from stationmap.services.stations import CodesExhausted, InvalidCodes, SaveResult, save_inputs
from stationmap.station_fields import FieldError, InvalidStation, StationInput, parse_station
from stationmap.tabular import Format, TableError, detect_format, read_table, write_table

EXTRA_COLUMNS = ("district_code", "demo")


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[FieldError] = field(default_factory=list)
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
        }


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass
class CheckedFile:
    """A file read and checked once: the stations with the row each came from (for
    messages), every error, and how many rows the file had. The preview and the
    confirmation of an upload both work from this, never from the file again."""

    inputs: list[StationInput] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    rows: int = 0


def check_file(data: bytes, filename: str | None = None) -> CheckedFile:
    """Read and check a file: the stations, every error, and the row count."""
    try:
        fmt = detect_format(data, filename)
        rows = read_table(data, fmt)
    except TableError as exc:
        return CheckedFile(errors=[FieldError("file", str(exc))])
    out = CheckedFile(rows=len(rows))
    seen: dict[str, int] = {}
    for row_number, raw in rows:
        try:
            item = parse_station(raw)
        except InvalidStation as exc:
            out.errors.extend(replace(e, row=row_number) for e in exc.errors)
            continue
        if item.code is not None:
            if item.code in seen:
                out.errors.append(
                    FieldError(
                        "code",
                        f"{item.code} is also on row {seen[item.code]}; a code may appear once",
                        row_number,
                        message_zh=f"编号 {item.code} 与第 {seen[item.code]} 行重复；"
                        "每个编号只能出现一次",
                    )
                )
                continue
            seen[item.code] = row_number
        out.inputs.append(item)
        out.row_numbers.append(row_number)
    if not rows:
        out.errors.append(
            FieldError(
                "file",
                "the file has no station rows",
                message_zh="文件里没有驿站行，请检查表头和内容",
            )
        )
    return out


def check_rows(
    data: bytes, filename: str | None = None
) -> tuple[list[StationInput], list[FieldError], int]:
    """Read and check a file; returns the stations, every error, and the row count."""
    checked = check_file(data, filename)
    return checked.inputs, checked.errors, checked.rows


def import_checked(
    session: Session,
    checked: CheckedFile,
    *,
    apply: bool = True,
    actor: Actor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """:func:`import_stations` for a file already read by :func:`check_file`."""
    report = ImportReport(rows=checked.rows, errors=list(checked.errors))
    if report.errors:
        return report
    try:
        report.result = save_inputs(
            session, checked.inputs, dry_run=not apply, actor=actor, progress=progress
        )
    except InvalidCodes as exc:
        report.errors.extend(replace(e, row=checked.row_numbers[i]) for i, e in exc.problems)
        return report
    except CodesExhausted as exc:
        report.errors.append(
            FieldError(
                "code",
                f"district {exc.prefix} has used every station serial; ask the system "
                "administrator",
                message_zh=f"区县 {exc.prefix} 的驿站序号已用完，请联系系统管理员",
            )
        )
        return report
    report.applied = apply
    return report


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
    return import_checked(session, check_file(data, filename), apply=apply, actor=actor)


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
