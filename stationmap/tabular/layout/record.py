"""One row's values by field: cells merged down into it, a 坐标 cell split, dated or
timed coordinates, amenity marks, angles over columns of their own."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from stationmap.station_fields import FieldError, split_list
from stationmap.tabular.amenity_columns import AMENITY_PREFIX, mark_error, read_mark
from stationmap.tabular.angle_columns import Angle, angle_value
from stationmap.tabular.cell_kinds import (
    clock_coordinate,
    clock_degrees_text,
    dated_coordinate,
    dated_hours,
    failed_formula,
    pair_hours,
)
from stationmap.tabular.layout.coordinates import _split_coordinates
from stationmap.tabular.layout.header_names import COORDINATES
from stationmap.tabular.layout.table import _note
from stationmap.tabular.sheets import Grid


class _Merges:
    """Values of cells merged down a column, looked up by (row, column)."""

    def __init__(self, grid: Grid, first_row: int, columns: Iterable[int]) -> None:
        wanted = set(columns)
        cells = dict(grid.rows)
        self.ranges: dict[int, list[tuple[int, int, object]]] = {}
        for min_row, min_col, max_row, _max_col in sorted(grid.merges):
            if min_col in wanted and max_row > min_row and min_row >= first_row:
                value = cells.get(min_row, {}).get(min_col)
                if value is not None:
                    self.ranges.setdefault(min_col, []).append((min_row, max_row, value))
        self.starts = {c: [r[0] for r in ranges] for c, ranges in self.ranges.items()}
        self.used: set[tuple[int, int]] = set()

    def value(self, row: int, col: int) -> object:
        if col not in self.ranges:
            return None
        index = bisect.bisect_right(self.starts[col], row) - 1
        if index < 0:
            return None
        min_row, max_row, value = self.ranges[col][index]
        if min_row < row <= max_row:
            self.used.add((col, index))
            return value
        return None

    def span(self, row: int, col: int) -> tuple[int, int]:
        """The first and last rows of the merged cell that gave ``row`` its value."""
        index = bisect.bisect_right(self.starts[col], row) - 1
        min_row, max_row, _value = self.ranges[col][index]
        return min_row, max_row


def _uncomputed(grid: Grid, row: int, col: int, target: str) -> FieldError:
    """The error of a formula cell whose result the file does not hold."""
    error = _note(
        grid,
        "this cell is a formula, but the file holds no result for it (it was written by a "
        "program and never calculated): open the file in Excel or WPS, save it and upload "
        "it again, or replace the formula by its value",
        "此单元格是公式，但文件中没有保存它的计算结果（文件由程序生成，未经计算）："
        "请用 Excel 或 WPS 打开此文件、保存后重新上传，或把公式改为数值",
        row,
        col,
    )
    return replace(error, field="lon" if target == COORDINATES else target)


def _merged_station(
    grid: Grid, row: int, col: int, target: str, span: tuple[int, int]
) -> FieldError:
    """The error of a row whose 名称 (or 编号) is a cell merged down from the row above:
    one station over several rows would be stored once per row."""
    first, last = span
    what_en, what_zh = ("name", "名称") if target == "name" else ("code", "编号")
    error = _note(
        grid,
        f"rows {first}-{last} share one merged {what_en} cell, so each of them would be "
        "stored as a station of its own: put one station on one row (several phones in one "
        "cell, separated by /), or unmerge the cells and give each station its own "
        f"{what_en}",
        f"第 {first}–{last} 行的{what_zh}是一个合并单元格，每行都会被当成一个驿站重复导入："
        "一个驿站请只占一行（多个电话写在同一格，用 / 分开）；如是不同的驿站，"
        f"请取消合并，分别填写{what_zh}",
        row,
        col,
    )
    return replace(error, field=target)


@dataclass
class _CellLog:
    """The rows of a sheet whose cells were read in a way told once per column: date-
    formatted coordinates (by column), hours from a 开始时间 / 结束时间 pair."""

    dated: dict[int, list[int]] = field(default_factory=dict)
    #: 经度/纬度 typed as 度:分:秒 and stored as times, by column: (row, degrees).
    timed: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    paired: list[int] = field(default_factory=list)
    example: str = ""
    #: Amenity columns (饮水 ✓): the rows marked as having each, by column.
    marked: dict[int, list[int]] = field(default_factory=dict)
    #: Angles over columns of their own: the first row read, as written, and its degrees.
    combined: dict[int, tuple[int, str, float]] = field(default_factory=dict)


def _record(
    grid: Grid,
    number: int,
    values: dict[int, object],
    columns: dict[int, str],
    merges: _Merges,
    lat_first: bool,
    pair: tuple[int, int, str, str] | None,
    log: _CellLog,
    header_texts: Mapping[int, str],
    angles: Mapping[int, Angle],
) -> tuple[dict[str, object], tuple[FieldError, ...], tuple[FieldError, ...]]:
    """Row ``number``'s values by field, with the values of cells merged down into it
    and a 坐标 cell split, and the notes and errors about it."""
    record: dict[str, object] = {
        t: None for t in columns.values() if t != COORDINATES and not t.startswith(AMENITY_PREFIX)
    }
    notes: list[FieldError] = []
    errors: list[FieldError] = []
    ticked: list[str] | None = None  # the amenities its amenity columns mark, if any says
    for col, target in columns.items():
        value = values.get(col)
        if target.startswith(AMENITY_PREFIX):
            mark = read_mark(value if value is not None else merges.value(number, col))
            if mark is None:
                errors.append(mark_error(grid, number, col, header_texts[col], value))
            elif value is not None or mark:
                ticked = ticked if ticked is not None else []
                if mark:
                    ticked.append(target.removeprefix(AMENITY_PREFIX))
                    log.marked.setdefault(col, []).append(number)
            continue
        if value is None and (number, col) in grid.uncomputed:
            errors.append(_uncomputed(grid, number, col, target))
        elif (number, col) in grid.failed:
            errors.append(failed_formula(grid, number, col, target, value))
            value = None
        elif value is None:
            value = merges.value(number, col)
            if value is not None and target in ("name", "code"):
                errors.append(_merged_station(grid, number, col, target, merges.span(number, col)))
        if col in angles:
            record[target] = _angle(grid, number, angles[col], value, values, errors, log)
            continue
        if target in ("lat", "lon") and (serial := grid.serials.get((number, col))) is not None:
            if (degrees := clock_coordinate(target, serial)) is not None:
                value = clock_degrees_text(degrees)
                log.timed.setdefault(col, []).append((number, degrees))
            else:
                value, error = dated_coordinate(grid, number, col, target, value, serial)
                if error is None:
                    log.dated.setdefault(col, []).append(number)
                else:
                    errors.append(error)
        # A date (one day or more; a time alone is the hours reader's to speak of).
        if target == "opening_hours" and grid.serials.get((number, col), 0.0) >= 1:
            value, said = dated_hours(grid, number, col, value, grid.serials[(number, col)])
            (notes if value is not None else errors).append(said)
        if target == COORDINATES:
            if value is None:
                record.update(lat=None, lon=None)
                continue
            split, more_notes, more_errors = _split_coordinates(grid, number, col, value, lat_first)
            record.update(split)
            notes += more_notes
            errors += more_errors
        else:
            record[target] = value
    if ticked is not None:
        given = split_list(record.get("amenities"))
        record["amenities"] = [*given, *(c for c in ticked if c not in given)]
    if pair is not None:
        if (error := pair_hours(grid, number, record, pair)) is not None:
            errors.append(error)
        elif record["opening_hours"] is not None:
            log.paired.append(number)
            log.example = log.example or str(record["opening_hours"])
    return record, tuple(notes), tuple(errors)


def _angle(
    grid: Grid,
    number: int,
    angle: Angle,
    degrees: object,
    values: dict[int, object],
    errors: list[FieldError],
    log: _CellLog,
) -> float | None:
    """Row ``number``'s degrees of an angle over columns of its own; an error in
    ``errors`` when a cell is refused (or was already: a formula without its result)."""
    uncomputed = [c for c in angle.parts if (number, c) in grid.uncomputed]
    errors.extend(_uncomputed(grid, number, c, angle.axis) for c in uncomputed)
    if uncomputed or any(e.field == angle.axis for e in errors):
        return None
    value, shown = angle_value(grid, number, angle, degrees, values)
    if isinstance(shown, FieldError):
        errors.append(shown)
    elif value is not None:
        log.combined.setdefault(angle.degrees, (number, shown, value))
    return value
