"""The cells of a file's sheets, read with bounded cost: :class:`Grid`, :func:`xlsx_grids`,
:func:`csv_grid` (legacy ``.xls`` workbooks: :mod:`~stationmap.tabular.xls_sheets`).

An XLSX sheet may declare any size (a cell at row 2,000,000,000 or in column XFD): the
sheet XML is streamed and only the cells stored in it are looked at, never the empty
space between them. The caps (:data:`MAX_DATA_ROWS`, :data:`MAX_COLUMNS`,
:data:`MAX_ROW_NUMBER`, :data:`MAX_READ_SECONDS`) refuse a file with a message naming the
limit. Merged ranges and hidden columns are kept for :mod:`~stationmap.tabular.layout`.
"""

from __future__ import annotations

import functools
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from stationmap.tabular.columns import GUARDED, TableError, column_letter

MAX_DATA_ROWS = 200_000  # rows with a value, over all sheets of a file
MAX_COLUMNS = 200  # a value beyond column GR refuses the file
MAX_ROW_NUMBER = 1_048_576  # Excel's last row: a row beyond it was not written by Excel
MAX_READ_SECONDS = 20.0  # below a worker's 30 s timeout
MAX_MERGED_RANGES = 100_000


@dataclass
class Grid:
    """One sheet's stored, non-empty cells.

    ``rows`` holds ``(row number as the spreadsheet shows it, {0-based column: value})``
    in file order, only rows with a value; ``merges`` the merged ranges as ``(first
    row, first column, last row, last column)`` (rows 1-based, columns 0-based);
    ``title`` is ``None`` for a CSV file and ``index`` the sheet's 1-based position.
    """

    title: str | None = None
    index: int = 1
    rows: list[tuple[int, dict[int, object]]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_columns: frozenset[int] = frozenset()
    hidden: bool = False
    #: Rows hidden in the sheet (Excel's 隐藏 or a filter), by number.
    hidden_rows: frozenset[int] = frozenset()
    #: Formula cells the file holds no result for, as ``(row, 0-based column)``.
    uncomputed: frozenset[tuple[int, int]] = frozenset()
    #: Numbers an XLSX file stores in cells formatted as a date or a time, by ``(row,
    #: 0-based column)``: the cell's value is the date or time Excel shows (as ISO
    #: text), this the number behind it (116.4 shown as 1900/4/25 9:36), exactly.
    serials: dict[tuple[int, int], float] = field(default_factory=dict)
    #: Cells holding an Excel error value (#N/A, #REF! ...: a formula that failed), by
    #: ``(row, 0-based column)``; the cell's value is the error's text.
    failed: set[tuple[int, int]] = field(default_factory=set)

    def where(self, row: int | None = None, column: int | None = None) -> tuple[str, str]:
        """Where a cell is, in Chinese and English: ``第 1 张表“驿站”第 3 行 B 列``."""
        zh: list[str] = []
        en: list[str] = []
        if self.title is not None:
            zh.append(f"第 {self.index} 张表“{self.title}”")
            en.append(f'sheet {self.index} "{self.title}"')
        if row is not None:
            zh.append(f"第 {row} 行")
            en.append(f"row {row}")
        if column is not None:
            zh.append(
                f" {column_letter(column)} 列" if row is not None else f"{column_letter(column)} 列"
            )
            en.append(f"column {column_letter(column)}")
        text_en = ", ".join(en)
        return "".join(zh), text_en[:1].upper() + text_en[1:]

    def error(
        self, en: str, zh: str, row: int | None = None, column: int | None = None
    ) -> TableError:
        """A :class:`TableError` at this place, its messages starting with the place."""
        where_zh, where_en = self.where(row, column)
        return TableError(
            f"{where_en}: {en}" if where_en else en[:1].upper() + en[1:],
            row,
            message_zh=f"{where_zh}：{zh}" if where_zh else zh,
            sheet=self.title,
            column=None if column is None else column_letter(column),
            # The place is all in sheet, row and column, but for the sheet's number.
            words=(en, zh) if where_zh else None,
        )


class Budget:
    """The caps shared by every sheet of one file: data rows and the read deadline."""

    def __init__(self, max_seconds: float = MAX_READ_SECONDS) -> None:
        self.deadline = time.monotonic() + max_seconds
        self.max_seconds = max_seconds
        self.rows = 0

    def check_time(self, grid: Grid | None = None, row: int | None = None) -> None:
        if time.monotonic() > self.deadline:
            en = (
                f"reading stopped at the limit of {self.max_seconds:g} seconds; the file "
                "is too large or too complex: split it into smaller files"
            )
            zh = (
                f"读取超过 {self.max_seconds:g} 秒的上限，已停止：文件太大或太复杂，"
                "请分成几个较小的文件后上传"
            )
            if grid is None:
                raise TableError(en[:1].upper() + en[1:], message_zh=zh)
            raise grid.error(en, zh, row)

    def add_row(self, grid: Grid, row: int, column: int) -> None:
        self.rows += 1
        if self.rows > MAX_DATA_ROWS:
            raise grid.error(
                f"the file has more than {MAX_DATA_ROWS:,} rows with values (the limit): "
                "split it into smaller files",
                f"文件中有内容的行超过 {MAX_DATA_ROWS:,} 行的上限：请分成几个较小的文件后上传",
                row,
            )
        if row > MAX_ROW_NUMBER:
            raise grid.error(
                f"a value lies beyond Excel's last row {MAX_ROW_NUMBER:,} (the limit): "
                "delete it or save the sheet again in Excel",
                f"有内容超出 Excel 最大行号 {MAX_ROW_NUMBER:,}（上限）："
                "请删除该内容或用 Excel 重新保存此表",
                row,
                column,
            )
        if column >= MAX_COLUMNS:
            raise grid.error(
                f"a value lies beyond column {column_letter(MAX_COLUMNS - 1)} "
                f"(the limit of {MAX_COLUMNS} columns): delete that column's contents",
                f"有内容超出 {MAX_COLUMNS} 列的上限（{column_letter(MAX_COLUMNS - 1)} 列之后）："
                "请删除该列的内容后重新上传",
                row,
                column,
            )


_UNGUARDED = (*GUARDED, "'")  # what may follow the ``'`` that writing.guard_text adds


def clean_text(text: str) -> str | None:
    """A text cell as the readers give it: stripped, with ``\\n`` line breaks and without
    the export's formula guard; ``None`` for an empty cell."""
    if text[:1] == "'" and text[1:2] in _UNGUARDED:
        text = text[1:]  # undo writing.guard_text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip() or None


def clean(value: object) -> object:
    """A cell as the readers give it: text as :func:`clean_text` gives it, ISO dates,
    numbers; ``None`` for an empty cell."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, datetime) and value.time() == clock() and value.tzinfo is None:
        value = value.date()
    if isinstance(value, date | clock):
        return value.isoformat()
    if isinstance(value, timedelta):  # a cell formatted [h]:mm
        return str(value)
    return value


def _row_values(cells: list[str]) -> dict[int, object]:
    """A CSV row's cells that are not empty, by column, as :func:`clean_text` gives them."""
    joined = "".join(cells)
    if "'" in joined or "\r" in joined:  # a formula guard to undo or a line break to change
        return {i: text for i, cell in enumerate(cells) if (text := clean_text(cell)) is not None}
    return {i: text for i, cell in enumerate(cells) if (text := cell.strip())}  # only stripped


def csv_grid(rows: Iterator[tuple[int, list[str]]], budget: Budget) -> Grid:
    """A CSV file's numbered rows as a grid (no title, merges or hidden columns)."""
    grid = Grid()
    for number, cells in rows:
        budget.check_time(grid, number)  # empty rows too: a file of line breaks is no cheaper
        values = _row_values(cells)
        if values:
            budget.add_row(grid, number, max(values))
            grid.rows.append((number, values))
    return grid


def check_merge_count(grid: Grid, count: int) -> None:
    """Refuse a sheet with more than :data:`MAX_MERGED_RANGES` merged ranges."""
    if count > MAX_MERGED_RANGES:
        raise grid.error(
            f"the sheet has {count:,} merged ranges (the limit is "
            f"{MAX_MERGED_RANGES:,}): unmerge the cells",
            f"此表有 {count:,} 处合并单元格，超过 {MAX_MERGED_RANGES:,} 的上限：请取消合并单元格",
        )


def _merges(parser: Any, grid: Grid) -> list[tuple[int, int, int, int]]:
    from openpyxl.utils.cell import range_boundaries

    cells = parser.merged_cells.mergeCell if parser.merged_cells else []
    check_merge_count(grid, len(cells))
    out = []
    for cell in cells:
        min_col, min_row, max_col, max_row = range_boundaries(cell.ref)
        out.append((min_row, min_col - 1, max_row, max_col - 1))
    return out


def _hidden_columns(parser: Any) -> frozenset[int]:
    hidden: set[int] = set()
    for attrs in parser.column_dimensions.values():
        if attrs.get("hidden") in ("1", "true"):
            first = int(attrs["min"]) - 1
            last = min(int(attrs.get("max", attrs["min"])), MAX_COLUMNS) - 1
            hidden.update(range(first, last + 1))
    return frozenset(hidden)


def _hidden_rows(parser: Any) -> frozenset[int]:
    return frozenset(
        int(row)
        for row, attrs in parser.row_dimensions.items()
        if attrs.get("hidden") in ("1", "true")
    )


# A formula element, or an error value (t="e": #N/A, most often a formula's result).
_FORMULA_TAGS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b't="e"')
_CHUNK = 1024 * 1024


def _has_formula(source: Any, budget: Budget) -> bool:
    """Whether a sheet's XML holds a formula element (read in chunks, a few ms per MB):
    only then does the parser look for formulas without results, which costs about 5 %
    of parsing a sheet."""
    tail = b""
    while chunk := source.read(_CHUNK):
        budget.check_time()
        text = tail + chunk
        if any(tag in text for tag in _FORMULA_TAGS):
            return True
        tail = text[-4:]
    return False


_DATED = (date, clock, timedelta)  # what openpyxl makes of a date- or time-formatted number


@functools.cache
def _parser_class() -> Any:
    """openpyxl's sheet parser, noting the formula cells that hold no result (read with
    ``data_only``, results not formulas, such a cell looks empty: a workbook written
    by a program and never opened in Excel stores formulas without their results) and
    the number stored in each cell formatted as a date or time (openpyxl gives the
    date, rounded to the millisecond and shifted a day below 1900-03-01)."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class _Parser(WorkSheetParser):  # type: ignore[misc]
        uncomputed: set[tuple[int, int]]
        serials: dict[tuple[int, int], float]
        failed: set[tuple[int, int]]

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            value = cell["value"]
            if value is None and element.find(FORMULA_TAG) is not None:
                self.uncomputed.add((cell["row"], cell["column"] - 1))
            elif cell["data_type"] == "e":
                self.failed.add((cell["row"], cell["column"] - 1))
            elif isinstance(value, _DATED) and element.get("t", "n") == "n":
                try:
                    serial = float(element.findtext(VALUE_TAG))
                except (TypeError, ValueError):
                    return cell
                self.serials[(cell["row"], cell["column"] - 1)] = serial
            return cell

    return _Parser


def _sheet_grid(sheet: Any, index: int, budget: Budget) -> Grid:
    """Stream one read-only sheet's XML: the stored cells only, whatever size it declares."""
    from openpyxl.worksheet._reader import WorkSheetParser

    grid = Grid(title=sheet.title, index=index, hidden=sheet.sheet_state != "visible")
    book = sheet.parent
    with sheet._get_source() as source:
        formulas = _has_formula(source, budget)
    with sheet._get_source() as source:  # what ReadOnlyWorksheet._cells_by_row does
        dated = bool(book._date_formats or book._timedelta_formats)
        parser = (_parser_class() if formulas or dated else WorkSheetParser)(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        uncomputed: set[tuple[int, int]] = set()
        parser.uncomputed = uncomputed
        parser.serials = grid.serials
        parser.failed = grid.failed
        number = 0
        try:
            for number, cells in parser.parse():
                budget.check_time(grid, number)
                values = {}
                for cell in cells:
                    if (value := clean(cell["value"])) is not None:
                        values[cell["column"] - 1] = value
                if values:
                    budget.add_row(grid, number, max(values))
                    grid.rows.append((number, values))
        except TableError:
            raise
        except Exception as exc:  # openpyxl raises many kinds on a damaged sheet
            budget.check_time(grid, number)
            raise grid.error(
                f"the sheet cannot be read after row {number} ({exc}): save it again in Excel",
                f"第 {number} 行之后无法读取（{exc}）：请用 Excel 重新保存此文件",
            ) from exc
    grid.merges = _merges(parser, grid)
    grid.hidden_columns = _hidden_columns(parser)
    grid.hidden_rows = _hidden_rows(parser)
    grid.uncomputed = frozenset(uncomputed)
    return grid


class _TimedFile(io.BytesIO):
    """The workbook's bytes, checking the deadline on every read: openpyxl reads each
    part (shared strings, sheets) through it in chunks, so no part, however large or
    slow to parse, runs past the deadline."""

    def __init__(self, data: bytes, budget: Budget) -> None:
        super().__init__(data)
        self.budget = budget

    def read(self, size: int | None = -1, /) -> bytes:
        self.budget.check_time()
        return super().read(size)


def xlsx_grids(data: bytes, budget: Budget) -> list[Grid]:
    """Every worksheet of an XLSX file (already checked by ``guards.check_zip``)."""
    import openpyxl
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:  # True whenever defusedxml (a dependency) is installed
        raise RuntimeError(
            "openpyxl must parse with defusedxml: install defusedxml and "
            "leave OPENPYXL_DEFUSEDXML unset"
        )
    try:
        book = openpyxl.load_workbook(_TimedFile(data, budget), read_only=True, data_only=True)
    except TableError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        budget.check_time()  # or wraps the deadline's error in its own
        raise TableError(
            f"The workbook cannot be read: {exc}",
            message_zh=f"无法读取此工作簿（{exc}）：请用 Excel 打开后另存为 .xlsx 再上传",
        ) from exc
    try:
        if not book.worksheets:
            raise TableError(
                "The workbook has no worksheet.",
                message_zh="工作簿中没有工作表：请把驿站名单放在工作表中再上传",
            )
        return [_sheet_grid(s, i, budget) for i, s in enumerate(book.worksheets, 1)]
    finally:
        book.close()
