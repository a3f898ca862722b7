"""Reading sheets: each sheet's header found, its columns mapped and its station rows
read into one :class:`Table`, with the notes told once per sheet or column."""

from __future__ import annotations

import unicodedata

from stationmap.tabular.amenity_columns import AMENITY_PREFIX, amenity_note
from stationmap.tabular.angle_columns import angle_note
from stationmap.tabular.cell_kinds import HOURS_END, HOURS_START, clock_note, dated_note, pair_note
from stationmap.tabular.columns import TableError, column_letter
from stationmap.tabular.datum_hint import hints_in
from stationmap.tabular.layout.column_map import _columns
from stationmap.tabular.layout.coordinates import _rejoined
from stationmap.tabular.layout.header import (
    HEADER_SCAN_ROWS,
    _angle_columns,
    _find_header,
    _Header,
    _pair_coordinates,
)
from stationmap.tabular.layout.header_datum import _check_header_datum, _header_datum
from stationmap.tabular.layout.header_names import COORDINATES
from stationmap.tabular.layout.record import _CellLog, _Merges, _record
from stationmap.tabular.layout.skipped_rows import (
    _IDENTITY,
    _blank_note,
    _repeated_header,
    _sign_off,
    _skip_note,
    _units_row,
)
from stationmap.tabular.layout.table import Table, TableRow, _note
from stationmap.tabular.sheets import Budget, Grid


def _sheet_rows(
    grid: Grid, header: _Header, columns: dict[int, str], table: Table, budget: Budget
) -> int:
    """Append ``grid``'s station rows to ``table``; the number of rows read."""
    merges = _Merges(grid, header.row + 1, columns)
    lat_first = False
    for col, target in columns.items():
        if target == COORDINATES:
            text = unicodedata.normalize("NFKC", header.texts[col])
            lat_first = 0 <= text.find("纬") < text.find("经")
    letters = {t: column_letter(c) for c, t in columns.items()}
    if COORDINATES in letters:
        letters["lat"] = letters["lon"] = letters.pop(COORDINATES)
    amenity_columns = sorted(c for c, t in columns.items() if t.startswith(AMENITY_PREFIX))
    for col in amenity_columns:
        letters.setdefault("amenities", column_letter(col))
        del letters[columns[col]]
    coordinate_columns = [c for c, t in columns.items() if t in ("lat", "lon", COORDINATES)]
    angles = {a.degrees: a for a in header.angles if a.degrees in columns}
    coordinate_columns += [c for a in angles.values() for c in a.parts]
    headed = columns.keys() | header.texts.keys() | grid.hidden_columns
    # Without a 坐标 column or merged cells, each field's value is its own cell's.
    named = _header_datum(grid, header, columns, table)
    datum_col = next((c for c, t in columns.items() if t == "datum"), None)
    if named is not None and "datum" not in letters:
        letters["datum"] = column_letter(named[1])
    by_target = {t: c for c, t in columns.items()}
    pair = None
    if HOURS_START in by_target:
        start_col, end_col = by_target[HOURS_START], by_target[HOURS_END]
        pair = (start_col, end_col, header.texts[start_col], header.texts[end_col])
        letters["opening_hours"] = letters[HOURS_START]
    dated = any(
        c in coordinate_columns or columns.get(c) == "opening_hours" for _row, c in grid.serials
    )
    plain = (
        pair is None
        and not amenity_columns
        and not dated
        and COORDINATES not in columns.values()
        and not merges.ranges
        and not grid.uncomputed
        and not grid.failed
        and named is None
        and not angles
    )
    empty_columns: set[int] = set()
    hidden_rows: list[int] = []
    log = _CellLog()
    # A row naming no station (no name, code, address, coordinates, phone or contact)
    # holds only choices a template filled down: skipped, unless a merged cell or a
    # formula without its result may give it one.
    identity = {c for c, t in columns.items() if t in _IDENTITY}
    blank_rows: list[int] | None = []
    if identity & (merges.ranges.keys() | {c for _row, c in grid.uncomputed}):
        blank_rows = None
    blank_fields: set[str] = set()
    # A CSV 坐标 column with columns after it: an unquoted "lon,lat" splits into two cells.
    split_col = next(
        (c for c, t in columns.items() if t == COORDINATES and c < max(header.texts)), None
    )
    split_col = split_col if grid.title is None else None
    # A row repeating the header repeats its 名称 (checked in full only then).
    name_col = next((c for c, t in columns.items() if t == "name"), -1)
    name_text = header.texts.get(name_col)
    count = 0
    for number, values in grid.rows:
        if number <= header.row:
            continue
        budget.check_time(grid, number)
        if (len(values) == 1 or values.get(name_col) == name_text) and (
            note := _repeated_header(grid, number, values, header, columns)
        ) is not None:
            table.notes.append(note)
            continue
        if number == header.row + 1 and _units_row(values):
            table.notes.append(
                _note(
                    grid,
                    "this row under the header holds only units in brackets; skipped "
                    "(nothing to fix)",
                    "表头下的这一行只有括号里的单位说明，已跳过（无需修改）",
                    number,
                )
            )
            continue
        if (values.keys().isdisjoint(coordinate_columns) or _sign_off(values)) and (
            note := _skip_note(grid, number, values)
        ) is not None:
            table.notes.append(note)
            table.datum_hints.extend(hints_in(grid.title, [(number, values)]))
            continue
        if values.keys().isdisjoint(columns) and not any(
            (number, c) in grid.uncomputed for c in columns
        ):
            continue  # a value only in ignored columns (a 序号 with no station): no station
        if blank_rows is not None and values.keys().isdisjoint(identity):
            blank_rows.append(number)  # 坐标系 高德, 状态 运营中 filled down a template
            blank_fields.update(columns[c] for c in values if c in columns)
            continue
        if number in grid.hidden_rows:
            hidden_rows.append(number)
            continue
        if split_col is not None and not values.keys() <= headed:
            values, rejoined = _rejoined(grid, number, values, split_col, max(header.texts))
            if rejoined is not None:
                table.notes.append(rejoined)
        if not values.keys() <= headed:
            empty_columns.update(values.keys() - headed)
        if plain:
            record = {target: values.get(col) for col, target in columns.items()}
            table.rows.append(TableRow(number, record, grid.title, letters))
        else:
            record, notes, errors = _record(
                grid, number, values, columns, merges, lat_first, pair, log, header.texts, angles
            )
            if named is not None:
                errors += tuple(_check_header_datum(grid, number, record, named, header, datum_col))
            table.rows.append(TableRow(number, record, grid.title, letters, notes, errors))
        count += 1
    if blank_rows:
        table.notes.append(_blank_note(grid, header, columns, blank_rows, blank_fields))
    for col, rows in sorted(log.dated.items()):
        table.notes.append(dated_note(grid, col, columns[col], rows))
    for col, (row, shown, degrees) in sorted(log.combined.items()):
        table.notes.append(angle_note(grid, angles[col], row, shown, degrees))
    for col in amenity_columns:
        table.notes.append(amenity_note(grid, col, header.texts[col], log.marked.get(col, [])))
    for col, timed in sorted(log.timed.items()):
        numbers = [number for number, _degrees in timed]
        table.notes.append(clock_note(grid, col, columns[col], numbers, timed[0][1]))
    if pair is not None and log.paired:
        table.notes.append(pair_note(grid, pair, log.paired, log.example))
    if hidden_rows:
        shown = "、".join(str(n) for n in hidden_rows[:20])
        more_zh = f" 等 {len(hidden_rows)} 行" if len(hidden_rows) > 20 else ""
        more_en = f" ({len(hidden_rows)} in all)" if len(hidden_rows) > 20 else ""
        table.notes.append(
            _note(
                grid,
                f"hidden row(s) {shown.replace('、', ', ')}{more_en} are not read; unhide them "
                "(or clear the filter) if they hold stations to import",
                f"第 {shown}{more_zh} 行是隐藏行，未读入；如其中有要导入的驿站，"
                "请取消隐藏（或清除筛选）后重新上传",
                hidden_rows[0],
            )
        )
    for col in sorted(empty_columns):
        table.notes.append(
            _note(
                grid,
                "this column has values but no header, and is not read: give it a header "
                "such as 备注 if it should stay",
                "此列有内容但没有表头，未读入：如需保留，请填上列名（如“备注”）",
                header.row,
                col,
            )
        )
    for col, index in sorted(merges.used):
        min_row, max_row, _value = merges.ranges[col][index]
        table.notes.append(
            _note(
                grid,
                f"rows {min_row}-{max_row} of this column are one merged cell; its value is "
                "used for each of those rows",
                f"第 {min_row}–{max_row} 行的此列是合并单元格，其值已用于其中每一行",
                min_row,
                col,
            )
        )
    return count


def read_grids(grids: list[Grid], budget: Budget | None = None) -> Table:
    """The station rows of every sheet that has a station header; notes for the rest.

    Raises
    ------
    TableError
        When no sheet has a station header, or a station header has duplicate or
        missing columns.
    """
    budget = budget or Budget()
    table = Table()
    taken = 0
    headerless: list[Grid] = []
    for grid in grids:
        if grid.hidden:
            table.notes.append(
                _note(
                    grid,
                    "the sheet is hidden and is not read; unhide it if it holds stations",
                    "此表是隐藏的工作表，未读入；如其中有驿站，请取消隐藏",
                )
            )
            continue
        header = _find_header(grid)
        if header is None:
            headerless.append(grid)
            table.datum_hints.extend(hints_in(grid.title, grid.rows[:HEADER_SCAN_ROWS]))
            if grid.rows and grid.title is not None:
                table.notes.append(
                    _note(
                        grid,
                        f"no station header in the first {HEADER_SCAN_ROWS} rows (a row "
                        "naming 名称, 经度, 纬度); the sheet is skipped",
                        f"前 {HEADER_SCAN_ROWS} 行中没有驿站表头"
                        "（含“名称”“经度”“纬度”等列名的行），此表已跳过",
                    )
                )
            continue
        at = len(table.notes)
        _pair_coordinates(grid, header, table)
        _angle_columns(header)
        columns = _columns(grid, header, table)
        count = _sheet_rows(grid, header, columns, table, budget)
        taken += 1
        top = header.first or header.row
        table.datum_hints.extend(hints_in(grid.title, [r for r in grid.rows if r[0] < top]))
        span_zh, span_en = ("1", "row 1") if top == 2 else (f"1–{top - 1}", f"rows 1-{top - 1}")
        above = f"（第 {span_zh} 行为标题等，未读入）" if top > 1 else ""
        above_en = f" ({span_en} above it not read)" if top > 1 else ""
        rows_zh, rows_en = header.rows_text
        table.notes.insert(
            at,
            _note(
                grid,
                f"header in {rows_en}{above_en}; {count} station row(s) read",
                f"{rows_zh}是表头{above}；读入 {count} 行驿站",
            ),
        )
    if not taken:
        first = next((g for g in headerless if g.rows), headerless[0] if headerless else None)
        if first is None or not first.rows:
            raise TableError(
                "The file has no header row: it is empty.",
                message_zh="文件是空的，没有表头：请确认上传的是驿站名单",
            )
        raise first.error(
            f"no header row found in the first {HEADER_SCAN_ROWS} rows. Make sure the "
            "header row holds column names such as 名称 (name), 经度 (lon), 纬度 (lat)",
            f"找不到表头（前 {HEADER_SCAN_ROWS} 行中）。请确认表头行含有“名称”“经度”“纬度”等列名",
        )
    return table
