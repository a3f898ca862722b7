"""Import and export of stations: one function each, used by the CLI, the API and the
admin pages alike.

An import is all-or-nothing: every row is checked first, and one bad row rejects the
file with a report naming every bad row and field. Rows are matched to stations by
``code`` (updated) or created; importing the same file again changes nothing. Exports
write the columns the importer reads, so an export imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.field_values.degrees import pair_in_one_cell
from stationmap.field_values.pair_forms import misread_pair
from stationmap.geo.datum import Datum, parse_datum
from stationmap.models import Station
from stationmap.services import placement
from stationmap.services.bulk_gc import fewer_collections
from stationmap.services.revisions import Actor
from stationmap.services.station_record import station_raw
from stationmap.services.stations import (
    CodesExhausted,
    InvalidCodes,
    SaveResult,
    diff,
    save_inputs,
    stations_by_code,
)
from stationmap.station_fields import (
    FieldError,
    InvalidStation,
    StationInput,
    parse_station,
    parse_station_as_entered,
)
from stationmap.tabular import (
    MAX_READ_SECONDS,
    Format,
    TableError,
    TableRow,
    write_table,
)
from stationmap.tabular.datum_hint import DatumHint, agreed
from stationmap.tabular.gis_read import read_station_file
from stationmap.tabular.problem_list import grouped_json

EXTRA_COLUMNS = ("district_code", "demo", "version")


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[FieldError] = field(default_factory=list)
    # What a person should check, by sheet, row and column: what the reader skipped or
    # changed (sheets, columns, rows) and values converted or kept as written.
    notes: list[FieldError] = field(default_factory=list)
    result: SaveResult = field(default_factory=SaveResult)
    applied: bool = False
    #: The file does not say its datum and none was given: ask which picker it came from.
    datum_needed: bool = False
    #: The datum the importer stated for rows that do not say theirs.
    datum: Datum | None = None
    #: What the file's own words (a title, a note row, 填表说明) say about the map, when
    #: the datum is needed: the suggested answer.
    datum_hint: DatumHint | None = None
    #: Each station row as understood, for the preview (see :class:`RowView`).
    views: list[RowView] = field(default_factory=list)
    #: Rows exported before a later edit of their station; applied only when chosen.
    conflicts: list[placement.Conflict] = field(default_factory=list)
    #: Rows with an address and no coordinates, kept to be placed on the map.
    pending: list[placement.PendingRow] = field(default_factory=list)
    pending_added: int = 0
    #: The preview's rows with their small maps (:func:`placement.preview_rows`).
    preview: list[placement.PreviewRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        errors, errors_left = grouped_json(self.errors)
        notes, notes_left = grouped_json(self.notes)
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
            # The same message on many rows once, and at most SHOWN_GROUPS of them: a
            # 100,000-row file's notes would otherwise make a 100,000-item answer.
            "errors": errors,
            "errors_left_out": errors_left,
            "notes": notes,
            "notes_left_out": notes_left,
            "datum_needed": self.datum_needed,
            "datum_hint": None
            if self.datum_hint is None
            else {
                "datum": self.datum_hint.datum,
                "sheet": self.datum_hint.sheet,
                "row": self.datum_hint.row,
                "text": self.datum_hint.text,
            },
            "to_place": [
                {"row": p.row, "sheet": p.sheet, "name": p.name, "address": p.address}
                for p in self.pending
            ],
            "conflicts": [
                {
                    "row": c.row,
                    "sheet": c.sheet,
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
    #: The datum given for rows that do not state theirs (checked with it).
    datum: Datum | None = None
    #: The file does not say its datum and none was given: nothing else was checked.
    datum_needed: bool = False
    #: The map the file's own words name, when it needs a datum (a suggestion).
    datum_hint: DatumHint | None = None
    #: Each input's 版本 (the version it was exported at), in the order of ``inputs``.
    versions: list[int | None] = field(default_factory=list)
    #: Every row with coordinates, for the placement checks: where it came from (values:
    #: only the raw 纬度/经度), its datum and its index in ``inputs`` (None: refused).
    placed: list[placement.PlacedRow] = field(default_factory=list)
    #: Rows with an address and no coordinates, kept to be placed on the map.
    pending: list[placement.PendingRow] = field(default_factory=list)

    def all_notes(self) -> list[FieldError]:
        """The reader's notes, then each station's (values converted or guessed)."""
        return [*self.notes, *(note for item in self.inputs for note in item.notes)]


@fewer_collections()
def check_file(
    data: bytes,
    filename: str | None = None,
    *,
    read_seconds: float = MAX_READ_SECONDS,
    datum: Datum | None = None,
) -> CheckedFile:
    """Read and check a file: the stations, every error and note (each naming its sheet,
    row and column), and the row count. Reading stops after ``read_seconds`` (a
    request's default; work outside a request may allow more).

    ``datum`` is the datum of rows that do not state theirs; a file without a 坐标系
    column (or with empty cells in it) is not checked further without it
    (``checked.datum_needed``, with the question as its error). The template's example
    row is refused; rows with an address and no coordinates are kept apart
    (``checked.pending``); each row's 版本 is kept (``checked.versions``)."""
    try:
        table = read_station_file(data, filename, max_seconds=read_seconds)
    except TableError as exc:
        return CheckedFile(errors=[exc.field_error()], datum=datum)
    checked = CheckedFile(notes=list(table.notes), rows=len(table.rows), datum=datum)
    if table.rows and datum is None:
        placed_rows = [(r.number, r.values) for r in table.rows if not placement.unplaced(r.values)]
        if not placement.has_datum(placed_rows):
            checked.datum_needed = True
            checked.errors.append(placement.datum_question(placed_rows))
            checked.datum_hint = agreed(table.datum_hints)
            return checked
    seen: dict[str, TableRow] = {}
    # Rows without a code by name and stored point: the same station listed twice.
    twins: dict[tuple[str, float, float], tuple[TableRow, StationInput]] = {}
    for row in table.rows:
        values = dict(row.values)
        if (pair := pair_in_one_cell(values.get("lat"), values.get("lon"))) is not None:
            values["lat"], values["lon"], axis = pair
            checked.notes.append(row.locate(_pair_note(axis, row.values[axis], pair)))
        elif (misread := misread_pair(values.get("lat"), values.get("lon"))) is not None:
            values["lat"], values["lon"], note = misread  # 86,217,000 or 86,217
            checked.notes.append(row.locate(FieldError("lat", note.message, None, note.message_zh)))
        version, problems = _version(values, row)
        checked.errors.extend(problems)
        if (example := placement.example_row(values, row)) is not None:
            checked.errors.append(example)
            continue
        values["code"] = placement.normalise_code(values.get("code"))
        if placement.unplaced(values):
            _check_unplaced(values, row, checked)
            continue
        if values.get("datum") in (None, "") and datum is not None:
            values["datum"] = datum
        spot = placement.PlacedRow(
            row.with_values({"lat": values.get("lat"), "lon": values.get("lon")}),
            _datum_of(values),
        )
        checked.placed.append(spot)
        try:
            item, spot.degrees = parse_station_as_entered(values, office_file=True)
        except InvalidStation as exc:
            checked.errors.extend(row.errors_with(exc.errors))
            continue
        spot.stored = (item.lat, item.lon)
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
        elif (twin := twins.get((item.name, item.lat, item.lon))) is not None:
            # A 汇总 sheet listing the stations of the street sheets after it.
            checked.placed.pop()
            if replace(twin[1], notes=()) == replace(item, notes=()):
                checked.notes.append(row.locate(_twin_note(twin[0])))
            else:
                checked.errors.append(row.locate(_twin_error(twin[0])))
            continue
        else:
            twins[(item.name, item.lat, item.lon)] = (row, item)
        notes = (*row.notes, *(row.locate(n) for n in item.notes))
        spot.index = len(checked.inputs)
        # (dataclasses.replace costs more than the rest of a plain row's bookkeeping)
        checked.inputs.append(item if notes == item.notes else replace(item, notes=notes))
        # The placed row, kept with the job once for both: its values only lat and lon.
        checked.sources.append(spot.row)
        checked.versions.append(version)
    if not table.rows:
        checked.errors.append(
            FieldError(
                "file",
                "the file has no station rows: put one station on each row under the header",
                message_zh="文件中没有驿站数据：请在表头下每行填写一个驿站",
            )
        )
    return checked


def _version(values: dict[str, object], row: TableRow) -> tuple[int | None, list[FieldError]]:
    """The 版本 a row was exported at, taken out of ``values`` (it is not a field)."""
    value = values.pop("version", None)
    if value is None or value == "":
        return None, []
    try:
        number = float(value)  # type: ignore[arg-type]
        if number.is_integer() and number >= 1:
            return int(number), []
    except (TypeError, ValueError):
        pass
    error = FieldError(
        "version",
        f"版本 must be the whole number the export wrote, not {value!r}; "
        "leave it as exported or empty it",
        message_zh=f"“版本”应是导出时写入的整数，而不是 {value!r}：请保持导出时的值或清空",
    )
    return None, [row.locate(error)]


def _where_zh(row: TableRow) -> str:
    return f"“{row.sheet}”表第 {row.number} 行" if row.sheet is not None else f"第 {row.number} 行"


def _where_en(row: TableRow) -> str:
    return (
        f'sheet "{row.sheet}", row {row.number}' if row.sheet is not None else f"row {row.number}"
    )


def _twin_note(first: TableRow) -> FieldError:
    """The note on a row repeating an earlier one whole (a 汇总 sheet and a street's)."""
    return FieldError(
        "name",
        f"the same station as {_where_en(first)} (name, place and every other value): "
        "imported once",
        message_zh=f"与{_where_zh(first)}是同一个驿站（名称、位置和其他内容都相同），只导入一次",
    )


def _twin_error(first: TableRow) -> FieldError:
    """The error on a row with an earlier row's name and place but other values."""
    return FieldError(
        "name",
        f"has the name and place of {_where_en(first)} but other values: keep one row for "
        "the station, or correct the name or the coordinates if they are two stations",
        message_zh=f"与{_where_zh(first)}名称、位置相同，但其他内容不同：同一驿站请只保留一行"
        "（改好其内容），如是两个驿站，请改正名称或经纬度",
    )


def _pair_note(axis: str, pasted: object, pair: tuple[str, str, str]) -> FieldError:
    """The note on a picker's pair found whole in one coordinate cell."""
    name_zh = "经度" if axis == "lon" else "纬度"
    return FieldError(
        axis,
        f"the cell holds a pair, {pasted!r}: read as latitude {pair[0]} and longitude "
        f"{pair[1]}; check the point, or put each number in its own column",
        message_zh=f"{name_zh}单元格中是一对坐标“{pasted}”：已拆成纬度 {pair[0]}、经度 {pair[1]}，"
        "请核对位置，或把两个数分别填入“纬度”“经度”两列",
    )


def _datum_of(values: dict[str, object]) -> Datum:
    try:
        return parse_datum(str(values.get("datum") or "wgs84"))
    except ValueError:
        return "wgs84"


def _check_unplaced(values: dict[str, object], row: TableRow, checked: CheckedFile) -> None:
    """A row with an address and no coordinates: its other values checked (with a
    stand-in point that is never stored), then kept to be placed on the map. A row whose
    坐标 cell the reader could not split has coordinates, just unreadable ones: its
    errors refuse it, as they would refuse a row with a point."""
    if row.errors:
        checked.errors.extend(row.errors)
        return
    try:
        item = parse_station({**values, "lat": 0.0, "lon": 0.0, "datum": "wgs84"}, office_file=True)
    except InvalidStation as exc:
        checked.errors.extend(row.errors_with(exc.errors))
        return
    checked.pending.append(placement.pending_row(item, row.number, row.sheet))


def check_rows(
    data: bytes, filename: str | None = None, datum: Datum | None = None
) -> tuple[list[StationInput], list[FieldError], int]:
    """Read and check a file; returns the stations, every error, and the row count."""
    checked = check_file(data, filename, datum=datum)
    return checked.inputs, checked.errors, checked.rows


@fewer_collections()
def import_checked(
    session: Session,
    checked: CheckedFile,
    *,
    apply: bool = True,
    actor: Actor | None = None,
    progress: Callable[[int, int], None] | None = None,
    scope: frozenset[str] | None = None,
    overwrite: Collection[str] | bool = False,
    source: str = "",
) -> ImportReport:
    """:func:`import_stations` for a file already read by :func:`check_file`.

    Where each point lands is checked here (:func:`placement.check_placement`): swapped
    经度/纬度 and, for ``scope`` (the importer's districts; ``None``: all), points
    outside it are refused naming the district they lie in. Rows without a code that
    find the copy an import without the datum made take its code. A row exported
    before a later edit of its station (its 版本 is older) is a conflict: left out
    unless its code is in ``overwrite`` (or ``overwrite`` is true). Rows to place on the
    map are kept (``source``: the file's name) when applied."""
    report = ImportReport(
        rows=checked.rows,
        errors=list(checked.errors),
        notes=list(checked.notes),
        datum_needed=checked.datum_needed,
        datum=checked.datum,
        datum_hint=checked.datum_hint,
        pending=list(checked.pending),
    )
    views = [
        RowView(src.number, src.sheet, item, notes=list(item.notes), version=version)
        for src, item, version in zip(
            checked.sources, checked.inputs, checked.versions, strict=True
        )
    ]
    report.views = views
    if checked.datum_needed:
        return report
    found = placement.check_placement(session, checked.placed, scope)
    # A row whose axes are swapped says so instead of "纬度 must be between -90 and 90".
    report.errors[:] = [
        e
        for e in report.errors
        if not ((e.sheet, e.row) in found.swapped and e.field in ("lat", "lon"))
    ]
    report.errors.extend(found.errors)
    # Each station's district as placement found it at the point it is saved at (by
    # index in ``checked.inputs``): the save takes these instead of locating again.
    located: dict[int, str | None] = {}
    for spot, district in found.districts.items():
        if (index := checked.placed[spot].index) is not None:
            views[index].district_code = district
            if checked.placed[spot].stored is not None:
                located[index] = district
    for spot, notes in found.notes.items():
        if (index := checked.placed[spot].index) is not None:
            views[index].notes.extend(notes)
    if report.errors:
        report.notes.extend(n for view in views for n in view.notes)
        return report
    _match_wrong_datum(session, views, checked.placed)
    report.notes.extend(n for view in views for n in view.notes)
    report.conflicts = _conflicts(session, views)
    chosen = {c.code for c in report.conflicts} if overwrite is True else set(overwrite or ())
    skipped = {c.code for c in report.conflicts if c.code not in chosen}
    kept = [i for i, view in enumerate(views) if view.item.code not in skipped]
    try:
        report.result = save_inputs(
            session,
            [views[i].item for i in kept],
            districts=[located[i] for i in kept] if all(i in located for i in kept) else None,
            dry_run=not apply,
            actor=actor,
            progress=progress,
        )
    except InvalidCodes as exc:
        report.errors.extend(checked.sources[kept[i]].locate(e) for i, e in exc.problems)
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
    if apply and report.pending:
        who = actor.name if actor is not None else ""
        report.pending_added = placement.save_pending(session, report.pending, scope, who, source)
    report.applied = apply
    return report


def _match_wrong_datum(
    session: Session, views: list[RowView], placed: list[placement.PlacedRow]
) -> None:
    """Rows that find the copy an import without the datum made take its code (and
    a note saying so), so that this import moves it instead of adding another."""
    items = []
    for spot in placed:
        # The numbers as entered, however written (decimal, 度分秒, full-width digits).
        if spot.index is None or (degrees := spot.entered()) is None:
            continue
        items.append((views[spot.index].item, *degrees))
    matched = placement.match_wrong_datum(session, items)
    for spot in placed:
        if spot.index is None or (station := matched.get(id(views[spot.index].item))) is None:
            continue
        view = views[spot.index]
        view.item = replace(view.item, code=station.code)
        view.notes.append(
            spot.row.locate(
                FieldError(
                    "code",
                    f"matched station {station.code} by name; it was stored from these "
                    "numbers as GPS coordinates: its position will be corrected",
                    message_zh=f"按名称匹配到驿站 {station.code}：它此前按 GPS 坐标导入了这些"
                    "数值，本次导入将更正其位置",
                )
            )
        )


def _conflicts(session: Session, views: list[RowView]) -> list[placement.Conflict]:
    versioned = [v for v in views if v.version is not None and v.item.code]
    stored = stations_by_code(session, [v.item.code for v in versioned if v.item.code])
    out = []
    for view in versioned:
        station = stored.get(view.item.code or "")
        if station is None or view.version is None or station.version <= view.version:
            continue
        changes = diff(station, view.item)
        if changes:
            out.append(
                placement.Conflict(
                    view.row,
                    station.code,
                    station.name,
                    view.version,
                    station.version,
                    changes,
                    view.sheet,
                )
            )
    return out


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
    column is refused without it (``report.datum_needed``). ``scope`` and
    ``overwrite``: see :func:`import_checked`."""
    return import_checked(
        session,
        check_file(data, filename, datum=datum),
        apply=apply,
        actor=actor,
        scope=scope,
        overwrite=overwrite,
        source=filename or "",
    )


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
            **station_raw(s),
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
