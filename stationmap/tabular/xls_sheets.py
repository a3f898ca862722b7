"""Legacy Excel workbooks (``.xls``, Excel 97-2003 and older, as WPS and many office
templates still save them), read into the same :class:`~stationmap.tabular.sheets.Grid`
as an XLSX sheet, so every check after reading is the same.

What the XLSX reader keeps is kept here too: merged ranges, hidden rows, columns and
sheets, error values (``#N/A``), and the number behind a date- or time-formatted cell
(``serials``). An ``.xls`` file stores every number as a float; a whole number is given
as an ``int``, as the XLSX reader gives a number typed without decimals. Formulas always
have their results stored in this format. The file is at most 65,536 rows by 256
columns a sheet, and is read whole by ``xlrd`` (bounded by the upload's size); the
deadline is checked between rows.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from stationmap.tabular.columns import TableError
from stationmap.tabular.sheets import Budget, Grid, check_merge_count, clean

_EMPTY, _TEXT, _NUMBER, _DATE, _BOOLEAN, _ERROR, _BLANK = range(7)  # xlrd's XL_CELL_*
_EXACT_INT = 2.0**53


def _number(value: float) -> int | float:
    """A stored float as the XLSX reader gives the typed number: 3.0 -> 3."""
    if value.is_integer() and abs(value) < _EXACT_INT:
        return int(value)
    return value


def _dated(value: float, datemode: int) -> object:
    """A date- or time-formatted number as Excel shows it (ISO text, as :func:`clean`
    gives an XLSX date cell): below 1, a time of day."""
    from xlrd.xldate import xldate_as_datetime

    shown: datetime = xldate_as_datetime(value, datemode)
    return shown.time() if 0 <= value < 1 else shown


def _open(data: bytes) -> Any:
    import xlrd

    try:
        return xlrd.open_workbook(
            file_contents=data,
            formatting_info=True,  # merged ranges, hidden rows and columns
            on_demand=True,
            logfile=io.StringIO(),  # xlrd writes its warnings to stdout otherwise
        )
    except Exception as exc:  # xlrd raises many kinds on a damaged or foreign file
        text = str(exc)
        if "encrypted" in text.lower():
            raise TableError(
                "The workbook is protected with a password: remove the password in Excel "
                "(File > Info > Protect Workbook) or save a copy as .xlsx without one, "
                "then upload that.",
                message_zh="此工作簿设了打开密码：请在 Excel/WPS 中取消密码（或另存为不带密码的 "
                ".xlsx）后上传",
            ) from exc
        raise TableError(
            f"The file cannot be read as an Excel .xls workbook ({text}): open it in "
            "Excel or WPS and save it as .xlsx or CSV, then upload that.",
            message_zh=f"无法按 Excel .xls 工作簿读取此文件（{text}）："
            "请用 Excel 或 WPS 打开，另存为 .xlsx 或 CSV 后上传",
        ) from exc


def _sheet_grid(book: Any, index: int, budget: Budget) -> Grid:
    from xlrd import error_text_from_code

    sheet = book.sheet_by_index(index - 1)
    grid = Grid(title=sheet.name, index=index, hidden=sheet.visibility != 0)
    for number in range(1, sheet.nrows + 1):
        budget.check_time(grid, number)
        values: dict[int, object] = {}
        kinds = sheet.row_types(number - 1)
        for column, value in enumerate(sheet.row_values(number - 1)):
            kind = kinds[column]
            if kind in (_EMPTY, _BLANK):
                continue
            if kind == _NUMBER:
                values[column] = _number(value)
            elif kind == _DATE:
                try:
                    shown = _dated(value, book.datemode)
                except Exception:  # xlrd: negative or past year 9999; keep the number
                    values[column] = _number(value)
                    continue
                values[column] = clean(shown)
                grid.serials[(number, column)] = float(value)
            elif kind == _BOOLEAN:
                values[column] = bool(value)
            elif kind == _ERROR:
                values[column] = error_text_from_code.get(value, "#VALUE!")
                grid.failed.add((number, column))
            elif (text := clean(value)) is not None:
                values[column] = text
        if values:
            budget.add_row(grid, number, max(values))
            grid.rows.append((number, values))
    check_merge_count(grid, len(sheet.merged_cells))
    grid.merges = [(rlo + 1, clo, rhi, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
    grid.hidden_rows = frozenset(r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden)
    grid.hidden_columns = frozenset(c for c, info in sheet.colinfo_map.items() if info.hidden)
    book.unload_sheet(index - 1)
    return grid


def xls_grids(data: bytes, budget: Budget) -> list[Grid]:
    """Every worksheet of a legacy ``.xls`` workbook."""
    book = _open(data)
    try:
        budget.check_time()
        if book.nsheets == 0:
            raise TableError(
                "The workbook has no worksheet.",
                message_zh="工作簿中没有工作表：请把驿站名单放在工作表中再上传",
            )
        return [_sheet_grid(book, i, budget) for i in range(1, book.nsheets + 1)]
    finally:
        book.release_resources()
