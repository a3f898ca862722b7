"""Finding the header row under title and filler rows (one row, or a second naming
sub-columns), a 经纬度 header over two columns, and angles over columns of their own."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from stationmap.tabular.angle_columns import Angle, one_row_angles, sub_row_angles
from stationmap.tabular.columns import column_letter
from stationmap.tabular.layout.coordinates import _holds_two
from stationmap.tabular.layout.header_names import COORDINATES, _layout_target
from stationmap.tabular.layout.table import Table, _note
from stationmap.tabular.sheets import Grid

HEADER_SCAN_ROWS = 30  # the header is among a sheet's first 30 rows with a value


@dataclass
class _Header:
    row: int  # the last header row: data follow it
    targets: dict[int, str]  # column -> field, read-only column or ``coordinates``
    texts: dict[int, str]
    first: int = 0  # the first header row, when a second row names sub-columns
    #: A two-row header's group cells over its sub-columns (坐标（高德） over 经度 | 纬度).
    above: dict[int, str] = field(default_factory=dict)
    #: Angles written over columns of their own (经度 over 度 | 分 | 秒).
    angles: list[Angle] = field(default_factory=list)

    @property
    def rows_text(self) -> tuple[str, str]:
        if self.first and self.first != self.row:
            return f"第 {self.first}–{self.row} 行", f"rows {self.first}-{self.row}"
        return f"第 {self.row} 行", f"row {self.row}"


def _header_row(values: dict[int, object]) -> tuple[dict[int, str], dict[int, str]]:
    texts = {c: str(v) for c, v in values.items() if isinstance(v, str)}
    targets = {c: t for c, text in texts.items() if (t := _layout_target(text)) is not None}
    return texts, targets


def _is_station_header(targets: dict[int, str]) -> bool:
    found = set(targets.values())  # a station header names a coordinate column
    return len(found) >= 2 and bool(found & {"lat", "lon", COORDINATES})


def _sub_columns(
    grid: Grid, number: int, below: dict[int, object], below_targets: dict[int, str]
) -> bool:
    """Whether the row under row ``number`` names the sub-columns of its groups: text
    only, and each cell that is no station column lies under a header cell of row
    ``number`` merged across several columns (乡镇（街道） | 社区 under 所属区域)."""
    grouped: set[int] = set()
    for min_row, min_col, _max_row, max_col in grid.merges:
        if min_row == number and max_col > min_col:
            grouped.update(range(min_col, max_col + 1))
    return all(isinstance(v, str) for v in below.values()) and all(
        c in below_targets or c in grouped for c in below
    )


def _group_texts(
    grid: Grid, number: int, texts: dict[int, str], below: dict[int, str]
) -> dict[int, str]:
    """The text of header row ``number`` over each sub-column named in the row below it:
    its own cell's, or that of a cell merged across it."""
    out = {c: texts[c] for c in below if c in texts}
    for min_row, min_col, _max_row, max_col in grid.merges:
        if min_row == number and min_col in texts:
            for col in range(min_col, max_col + 1):
                if col in below:
                    out.setdefault(col, texts[min_col])
    return out


def _find_header(grid: Grid) -> _Header | None:
    """The first row naming station columns; with the row below it when that one names
    only sub-columns (坐标 over 经度 | 纬度)."""
    scanned = grid.rows[:HEADER_SCAN_ROWS]
    for index, (number, values) in enumerate(scanned):
        texts, targets = _header_row(values)
        if index + 1 < len(scanned) and targets:
            below_number, below = scanned[index + 1]
            angles = sub_row_angles(texts, targets, below) if below_number == number + 1 else None
            if angles and _is_station_header(targets):
                parts = {c: str(below[c]) for a in angles for c in a.parts}
                return _Header(below_number, targets, {**texts, **parts}, number, angles=angles)
            below_texts, below_targets = _header_row(below)
            if (
                below_number == number + 1
                and below_targets
                and (
                    len(below_targets) == len(below)  # nothing but column names
                    or _sub_columns(grid, number, below, below_targets)
                )
            ):
                both_texts = {**texts, **below_texts}  # 经度 under 坐标 replaces it
                both = {**targets, **below_targets}
                both = {c: both[c] for c in both_texts if c in both}
                if _is_station_header(both):
                    above = _group_texts(grid, number, texts, below_texts)
                    return _Header(below_number, both, both_texts, number, above)
        if _is_station_header(targets):
            return _Header(number, targets, texts)
    return None


def _pair_coordinates(grid: Grid, header: _Header, table: Table) -> None:
    """A 经纬度 header over two columns heads a longitude and a latitude column, in the
    order it names them (纬经度: latitude first), not one 坐标 cell: each row's two cells
    are read as two numbers. Over two columns: merged across them, or (a CSV file keeps
    no merges) followed by a column without a header whose cells hold values."""
    top = header.first or header.row
    spans = {
        min_col: (min_row, max_col)
        for min_row, min_col, _max_row, max_col in grid.merges
        if top <= min_row <= header.row and max_col > min_col
    }
    for col, target in list(header.targets.items()):
        if target != COORDINATES or col + 1 in header.texts:
            continue
        row, last = spans.get(col, (header.row, col))
        merged = last == col + 1
        if not merged and (last != col or not _two_columns(grid, header.row, col)):
            continue
        _pair(grid, header, table, col, row, merged)


def _angle_columns(header: _Header) -> None:
    """Take 经度（度） | 经度（分） | 经度（秒） headers as one angle: the minute and second
    columns are read with the degrees, as no field of their own."""
    header.angles.extend(one_row_angles(header.texts, header.targets))
    for angle in header.angles:
        for col in angle.parts:
            header.targets.pop(col, None)


def _two_columns(grid: Grid, header_row: int, col: int) -> bool:
    """Whether, below the header, column ``col + 1`` holds values and no cell of ``col``
    holds two numbers: the coordinates are in two columns."""
    below = [values for number, values in grid.rows if number > header_row]
    return any(col + 1 in values for values in below) and not any(
        _holds_two(v) for values in below if (v := values.get(col)) is not None
    )


def _pair(grid: Grid, header: _Header, table: Table, col: int, row: int, merged: bool) -> None:
    """Make the 经纬度 header of ``col`` head ``col`` and ``col + 1``, with a note."""
    text = header.texts[col]
    plain = unicodedata.normalize("NFKC", text)
    first, second = ("lat", "lon") if 0 <= plain.find("纬") < plain.find("经") else ("lon", "lat")
    header.targets[col], header.targets[col + 1] = first, second
    header.texts[col + 1] = text
    names = {"lon": ("longitude", "经度"), "lat": ("latitude", "纬度")}
    a, b = column_letter(col), column_letter(col + 1)
    how_en = "is merged over" if merged else "heads"
    how_zh = "合并了" if merged else "下方是"
    table.notes.append(
        _note(
            grid,
            f"the header {text!r} {how_en} columns {a}-{b}: column {a} is read as the "
            f"{names[first][0]}, column {b} as the {names[second][0]}",
            f"表头“{text}”{how_zh} {a}–{b} 两列：{a} 列按{names[first][1]}、{b} 列按"
            f"{names[second][1]}读入，请核对",
            row,
            col,
        )
    )
