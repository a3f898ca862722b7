"""Import and export of stations: one function each, used by the CLI, the API and the
admin pages alike.

An import is all-or-nothing: every row is checked first, and one bad row rejects the
file with a report naming every bad row and field. Rows are matched to stations by
``code`` (updated) or created; importing the same file again changes nothing. Exports
write the columns the importer reads, so an export imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.geo.datum import Datum, parse_datum
from stationmap.models import Station
from stationmap.services import placement
from stationmap.services.revisions import Actor
from stationmap.services.stations import SaveResult, _by_code, diff, save_inputs
from stationmap.station_fields import FieldError, InvalidStation, StationInput, parse_station
from stationmap.tabular import (
    Format,
    TableError,
    detect_format,
    header_layout,
    read_table,
    write_table,
)

EXTRA_COLUMNS = ("district_code", "demo", "version")


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[FieldError] = field(default_factory=list)
    result: SaveResult = field(default_factory=SaveResult)
    applied: bool = False
    #: The file does not say its datum and none was given: ask which picker it came from.
    datum_needed: bool = False
    #: The datum the importer stated for rows that do not say theirs.
    datum: Datum | None = None
    #: Each station row as understood, for the preview (see :class:`RowView`).
    views: list[RowView] = field(default_factory=list)
    #: Rows exported before a later edit of their station; applied only when chosen.
    conflicts: list[placement.Conflict] = field(default_factory=list)
    #: Rows with an address and no coordinates, kept to be placed on the map.
    pending: list[placement.PendingRow] = field(default_factory=list)
    pending_added: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def notes(self) -> list[FieldError]:
        return [note for view in self.views for note in view.notes]

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
            "notes": [e.as_dict() for e in self.notes],
            "datum_needed": self.datum_needed,
            "to_place": [
                {"row": p.row, "name": p.name, "address": p.address} for p in self.pending
            ],
            "conflicts": [
                {
                    "row": c.row,
                    "code": c.code,
                    "file_version": c.file_version,
                    "stored_version": c.stored_version,
                    "changes": {n: [_plain(a), _plain(b)] for n, (a, b) in c.changes.items()},
                }
                for c in self.conflicts
            ],
        }


@dataclass
class RowView:
    """One station row as the import understood it: its place in the file, the station,
    the district its point lies in and the warnings a person should look at."""

    row: int
    sheet: str | None
    item: StationInput
    district_code: str | None = None
    notes: list[FieldError] = field(default_factory=list)
    version: int | None = None


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _version(
    raw: dict[str, object], row: int, where: placement.Where
) -> tuple[int | None, list[FieldError]]:
    value = raw.pop("version", None)
    if value is None or value == "":
        return None, []
    try:
        number = float(value)  # type: ignore[arg-type]
        if number.is_integer() and number >= 1:
            return int(number), []
    except (TypeError, ValueError):
        pass
    return None, [
        where.error(
            "version",
            row,
            f"版本 must be the whole number the export wrote, not {value!r}; "
            "leave it as exported or empty it.",
            f"第 {row} 行“版本”应是导出时写入的整数，而不是 {value!r}：请保持导出时的值或清空。",
        )
    ]


def check_rows(
    data: bytes, filename: str | None = None, datum: Datum | None = None
) -> tuple[list[StationInput], list[FieldError], int]:
    """Read and check a file; returns the stations, every error, and the row count."""
    checked = _check(data, filename, datum)
    return [v.item for v in checked.views], checked.errors, checked.count


@dataclass
class _Checked:
    views: list[RowView]
    errors: list[FieldError]
    count: int = 0
    datum_needed: bool = False
    raws: list[tuple[int, dict[str, object], Datum]] = field(default_factory=list)
    pending: list[placement.PendingRow] = field(default_factory=list)


def _check(data: bytes, filename: str | None, datum: Datum | None) -> _Checked:
    """The rows as stations (with their raw values and datum, for the placement checks),
    every error, the row count, and whether the file needs a datum stated."""
    try:
        fmt = detect_format(data, filename)
        rows = read_table(data, fmt)
    except TableError as exc:
        return _Checked([], [FieldError("file", str(exc), exc.row)])
    sheet, letters = header_layout(data, fmt)
    where = placement.Where(sheet, letters)
    if not rows:
        message = FieldError(
            "file",
            "The file has no station rows: fill in the 驿站 sheet under its header row.",
            None,
            "文件中没有驿站行：请在“驿站”表的表头下逐行填写驿站。",
        )
        return _Checked([], [message])
    placed_rows = [(n, raw) for n, raw in rows if not placement.unplaced(raw)]
    needed = datum is None and not placement.has_datum(placed_rows)
    if needed:
        return _Checked([], [placement.datum_question(placed_rows)], len(rows), True)
    views: list[RowView] = []
    views_pending: list[placement.PendingRow] = []
    errors: list[FieldError] = []
    raws: list[tuple[int, dict[str, object], Datum]] = []
    seen: dict[str, int] = {}
    for row_number, raw in rows:
        raw = dict(raw)
        version, problems = _version(raw, row_number, where)
        errors.extend(problems)
        if (example := placement.example_row(raw, row_number, where)) is not None:
            errors.append(example)
            continue
        raw["code"] = placement.normalise_code(raw.get("code"))
        if placement.unplaced(raw):
            _check_unplaced(raw, row_number, where, views_pending, errors)
            continue
        if raw.get("datum") in (None, "") and datum is not None:
            raw["datum"] = datum
        try:
            item = parse_station(raw)
        except InvalidStation as exc:
            errors.extend(where.place(e, row_number) for e in exc.errors)
            raws.append((row_number, raw, _datum_of(raw)))
            continue
        raws.append((row_number, raw, item.entered_datum))
        if item.code is not None:
            if item.code in seen:
                errors.append(
                    where.error(
                        "code",
                        row_number,
                        f"{item.code} is also on row {seen[item.code]}; keep one of the rows.",
                        f"第 {row_number} 行的编号 {item.code} 与第 {seen[item.code]} 行重复："
                        "请只保留其中一行。",
                    )
                )
                continue
            seen[item.code] = row_number
        views.append(
            RowView(
                row_number,
                sheet,
                item,
                notes=[where.place(n, row_number) for n in item.notes],
                version=version,
            )
        )
    return _Checked(views, errors, len(rows), False, raws, views_pending)


def _datum_of(raw: dict[str, object]) -> Datum:
    try:
        return parse_datum(str(raw.get("datum") or "wgs84"))
    except ValueError:
        return "wgs84"


def import_stations(
    session: Session,
    data: bytes,
    filename: str | None = None,
    *,
    apply: bool = True,
    actor: Actor | None = None,
    datum: Datum | None = None,
    scope: frozenset[str] | None = None,
    overwrite: Collection[str] | bool = False,
) -> ImportReport:
    """Check ``data`` and, if every row is valid and ``apply`` is set, save it all in the
    caller's transaction. Without ``apply`` (a preview) nothing is written. With an
    ``actor`` (a user, or the command line) each created or changed station gets an
    ``import`` revision naming them.

    ``datum`` is the datum of rows that do not state theirs; a file without a 坐标系
    column is refused without it (``report.datum_needed``). ``scope`` is the importer's
    districts (``None``: all): a point outside them is refused, naming the district it
    lies in. A row exported before a later edit of its station (its 版本 is older) is a
    conflict: left out unless its code is in ``overwrite`` (or ``overwrite`` is true).
    """
    checked = _check(data, filename, datum)
    views, raws = checked.views, checked.raws
    report = ImportReport(
        rows=checked.count,
        errors=checked.errors,
        datum_needed=checked.datum_needed,
        datum=datum,
        pending=checked.pending,
    )
    if checked.datum_needed:
        return report
    sheet, letters = header_layout(data, detect_format(data, filename))
    where = placement.Where(sheet, letters)
    found = placement.check_placement(session, raws, scope, where)
    # A row whose axes are swapped says so instead of "纬度 must be between -90 and 90".
    report.errors[:] = [
        e for e in report.errors if not (e.row in found.swapped and e.field in ("lat", "lon"))
    ]
    report.errors.extend(found.errors)
    for view in views:
        view.district_code = found.districts.get(view.row)
        view.notes.extend(found.notes.get(view.row, ()))
    report.views = views
    if report.errors:
        report.errors.sort(key=lambda e: e.row or 0)
        return report
    _match_wrong_datum(session, views, raws)
    report.conflicts = _conflicts(session, views)
    chosen = {c.code for c in report.conflicts} if overwrite is True else set(overwrite or ())
    skipped = {c.code for c in report.conflicts if c.code not in chosen}
    inputs = [v.item for v in views if v.item.code not in skipped]
    report.result = save_inputs(session, inputs, dry_run=not apply, actor=actor)
    if apply and report.pending:
        who = actor.name if actor is not None else ""
        report.pending_added = placement.save_pending(
            session, report.pending, scope, who, filename or ""
        )
    report.applied = apply
    return report


def _check_unplaced(
    raw: dict[str, object],
    row: int,
    where: placement.Where,
    pending: list[placement.PendingRow],
    errors: list[FieldError],
) -> None:
    """A row with an address and no coordinates: its other values checked (with a
    stand-in point that is never stored), then kept to be placed on the map."""
    try:
        item = parse_station({**raw, "lat": 0.0, "lon": 0.0, "datum": "wgs84"})
    except InvalidStation as exc:
        errors.extend(where.place(e, row) for e in exc.errors)
        return
    pending.append(placement.pending_row(item, row))


def _match_wrong_datum(
    session: Session,
    views: list[RowView],
    raws: list[tuple[int, dict[str, object], Datum]],
) -> None:
    """Rows that find the copy an import without the datum made take its code (and
    a note saying so), so that this import moves it instead of adding another."""
    raw_of = {number: raw for number, raw, _datum in raws}
    items = []
    for view in views:
        raw = raw_of.get(view.row, {})
        try:
            items.append((view.item, float(raw.get("lat")), float(raw.get("lon"))))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
    matched = placement.match_wrong_datum(session, items)
    for view in views:
        station = matched.get(id(view.item))
        if station is None:
            continue
        view.item = replace(view.item, code=station.code)
        view.notes.append(
            FieldError(
                "code",
                f"Matched station {station.code} by name; it was stored from these numbers "
                "as GPS coordinates: its position will be corrected.",
                view.row,
                f"按名称匹配到驿站 {station.code}：它此前按 GPS 坐标导入了这些数值，"
                "本次导入将更正其位置。",
                view.sheet,
            )
        )


def _conflicts(session: Session, views: list[RowView]) -> list[placement.Conflict]:
    versioned = [v for v in views if v.version is not None and v.item.code]
    stored = _by_code(session, [v.item.code for v in versioned if v.item.code])
    out = []
    for view in versioned:
        station = stored.get(view.item.code or "")
        if station is None or view.version is None or station.version <= view.version:
            continue
        changes = diff(station, view.item)
        if changes:
            out.append(
                placement.Conflict(
                    view.row, station.code, station.name, view.version, station.version, changes
                )
            )
    return out


def export_rows(
    session: Session,
    district_codes: Iterable[str] | None = None,
    *,
    include_demo: bool = False,
) -> list[dict[str, Any]]:
    """The live stations (in ``district_codes``, if given; demo stations only with
    ``include_demo``) as rows of codes, each with the version it is at."""
    stmt = select(Station).where(Station.deleted_at.is_(None)).order_by(Station.code)
    if district_codes is not None:
        stmt = stmt.where(Station.district_code.in_(sorted(district_codes)))
    if not include_demo:
        stmt = stmt.where(Station.is_demo.is_(False))
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
            "version": s.version,
        }
        for s in session.scalars(stmt)
    ]


def export_stations(
    session: Session,
    fmt: Format,
    district_codes: Iterable[str] | None = None,
    *,
    include_demo: bool = False,
    lang: str | None = None,
) -> bytes:
    """The stations (optionally only those in ``district_codes``) as CSV, XLSX or
    GeoJSON that :func:`import_stations` reads back unchanged. XLSX (and CSV with
    ``lang="zh"``) is in the office's words: Chinese headers, host types, amenities,
    worker groups, status and datum, and the district by name."""
    rows = export_rows(session, district_codes, include_demo=include_demo)
    lang = lang or ("zh" if fmt == "xlsx" else "en")
    if lang.startswith("zh") and fmt != "geojson":
        names = placement.Names.load(session)
        for row in rows:
            code = row["district_code"]
            row["district_code"] = names.table.get(code, (code,))[0] if code else "（无区县）"
            row["demo"] = "是" if row["demo"] else "否"
    return write_table(rows, fmt, extra_columns=EXTRA_COLUMNS, lang=lang)
