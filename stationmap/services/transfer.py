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
from stationmap.tabular import (
    MAX_READ_SECONDS,
    Format,
    TableError,
    TableRow,
    detect_format,
    read_rows,
    write_table,
)

EXTRA_COLUMNS = ("district_code", "demo")


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[FieldError] = field(default_factory=list)
    # What a person should check, by sheet, row and column: what the reader skipped or
    # changed (sheets, columns, rows) and values converted or kept as written.
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


@dataclass
class CheckedFile:
    """A file read and checked once: its stations, where each came from (``sources``,
    in the same order: sheet, row and column letters, for messages), every error and
    note, and the number of station rows. The preview and the confirmation of an upload
    both work from this, never from the file again."""

    inputs: list[StationInput] = field(default_factory=list)
    sources: list[TableRow] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    notes: list[FieldError] = field(default_factory=list)
    rows: int = 0

    def all_notes(self) -> list[FieldError]:
        """The reader's notes, then each station's (values converted or guessed)."""
        return [*self.notes, *(note for item in self.inputs for note in item.notes)]


def check_file(
    data: bytes, filename: str | None = None, *, read_seconds: float = MAX_READ_SECONDS
) -> CheckedFile:
    """Read and check a file: the stations, every error and note (each naming its sheet,
    row and column), and the row count. Reading stops after ``read_seconds`` (a
    request's default; work outside a request may allow more)."""
    try:
        table = read_rows(data, detect_format(data, filename), max_seconds=read_seconds)
    except TableError as exc:
        return CheckedFile(errors=[exc.field_error()])
    checked = CheckedFile(notes=list(table.notes), rows=len(table.rows))
    seen: dict[str, TableRow] = {}
    for row in table.rows:
        try:
            item = parse_station(row.values, office_file=True)
        except InvalidStation as exc:
            checked.errors.extend(row.errors_with(exc.errors))
            continue
        if row.errors:
            checked.errors.extend(row.errors)
            continue
        if item.code is not None:
            if (first := seen.get(item.code)) is not None:
                sheet_en = f'sheet "{first.sheet}", ' if first.sheet is not None else ""
                sheet_zh = f"“{first.sheet}”表" if first.sheet is not None else ""
                error = FieldError(
                    "code",
                    f"{item.code} is also on {sheet_en}row {first.number}: keep one of them",
                    message_zh=f"编号 {item.code} 与{sheet_zh}第 {first.number} 行重复："
                    "同一编号只能出现一次，请删除或改正其中一行",
                )
                checked.errors.append(row.locate(error))
                continue
            seen[item.code] = row
        notes = (*row.notes, *(row.locate(n) for n in item.notes))
        checked.inputs.append(replace(item, notes=notes))
        checked.sources.append(replace(row, values={}))  # kept with the job: no values
    if not table.rows:
        checked.errors.append(
            FieldError(
                "file",
                "the file has no station rows: put one station on each row under the header",
                message_zh="文件中没有驿站数据：请在表头下每行填写一个驿站",
            )
        )
    return checked


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
    report = ImportReport(rows=checked.rows, errors=list(checked.errors), notes=checked.all_notes())
    if report.errors:
        return report
    try:
        report.result = save_inputs(
            session, checked.inputs, dry_run=not apply, actor=actor, progress=progress
        )
    except InvalidCodes as exc:
        report.errors.extend(checked.sources[i].locate(e) for i, e in exc.problems)
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
            # Hours kept as written export as written, and read back the same way.
            "opening_hours": s.opening_hours or s.opening_hours_text,
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
