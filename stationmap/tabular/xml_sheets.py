"""Excel 2003 XML workbooks (SpreadsheetML: ``<Workbook xmlns="urn:schemas-microsoft-com:
office:spreadsheet">``, what some systems' 导出Excel writes under an ``.xls`` name), read
into the same :class:`~stationmap.tabular.sheets.Grid` as a workbook's sheet.

Each ``<Worksheet ss:Name>`` is a sheet; ``ss:Index`` on a row or cell skips to that row
or column; ``ss:MergeAcross``/``ss:MergeDown`` are merged ranges; ``ss:Hidden`` rows and
columns and a sheet whose options say ``SheetHidden`` are kept as the XLSX reader keeps
them. ``Number`` cells are numbers (an ``int`` when whole, as the ``.xls`` reader gives
them), ``DateTime`` cells the date or time Excel shows (ISO text) with the number behind
it in ``serials``, ``Error`` cells their text in ``failed``.

Parsed with defusedxml, which refuses a DOCTYPE (entity expansion, external entities),
streamed: each cell is dropped from the tree once read, elements may nest at most
:data:`MAX_DEPTH` deep, and the read deadline is checked on every element.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime, timedelta
from typing import Any

from stationmap.tabular.columns import TableError
from stationmap.tabular.sheets import (
    MAX_COLUMNS,
    MAX_ROW_NUMBER,
    Budget,
    Grid,
    check_merge_count,
    clean,
    clean_text,
)
from stationmap.tabular.xls_sheets import _number

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
X = "{urn:schemas-microsoft-com:office:excel}"
MAX_DEPTH = 64  # a workbook nests about 10 deep (rich text in a cell a few more)
MAX_CELL_ELEMENTS = 10_000  # elements inside one cell (rich text runs)
_DECLARED = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([A-Za-z0-9_.:-]+)", re.I)
_EXPAT = frozenset(("utf-8", "utf8", "utf-16", "us-ascii", "ascii", "iso-8859-1", "latin-1"))
_GB = frozenset(("gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn"))
_DAY_ZERO = datetime(1899, 12, 31)  # Excel's serial 0 ("1900-01-00"), before its leap bug
_DAY_LEAP = datetime(1899, 12, 30)  # serial 0 counted back from 1900-03-01 (serial 61)


def _attr(element: Any, name: str) -> str | None:
    """An attribute as Excel writes it (``ss:Index``), or without the prefix."""
    value: str | None = element.get(SS + name)
    if value is None:
        value = element.get(name)
    return value


def _int(element: Any, name: str, default: int) -> int:
    try:
        return int(_attr(element, name) or default)
    except ValueError:
        return default


def _utf8(data: bytes) -> bytes:
    """The workbook as expat reads it: a legacy encoding (GBK ...), which expat does not
    know, decoded here and declared UTF-8."""
    declared = _DECLARED.match(data[:200])
    if declared is None or declared.group(2).decode().lower() in _EXPAT:
        return data
    name = declared.group(2).decode().lower()
    try:
        text = data.decode("gb18030" if name in _GB else name)
    except (LookupError, UnicodeDecodeError):
        raise TableError(
            f"The XML workbook declares the encoding {name!r} but is not written in it: "
            "open it in Excel or WPS and save it as .xlsx, then upload that.",
            message_zh=f"此 XML 格式表格声明的编码 {name} 与内容不符："
            "请用 Excel 或 WPS 打开，另存为 .xlsx 后上传",
        ) from None
    return _DECLARED.sub(rb"\1utf-8", text.encode("utf-8"), count=1)


def _dated(text: str) -> tuple[object, float] | None:
    """A ``DateTime`` cell as Excel shows it and its serial number (1900 date system)."""
    try:
        shown = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    zero = _DAY_ZERO if shown < datetime(1900, 3, 1) else _DAY_LEAP
    serial = (shown.replace(tzinfo=None) - zero) / timedelta(days=1)
    return (shown.time() if 0 <= serial < 1 else shown), serial


class _Sheet:
    """One worksheet being read."""

    def __init__(self, element: Any, index: int) -> None:
        self.grid = Grid(title=_attr(element, "Name") or f"Sheet{index}", index=index)
        self.row = 0
        self.column = 0  # the next cell's 0-based column
        self.column_position = 0  # the next <Column>'s
        self.values: dict[int, object] = {}
        self.spans: list[tuple[int, int, int, int]] = []
        self.hidden_rows: set[int] = set()
        self.hidden_columns: set[int] = set()
        self.uncomputed: set[tuple[int, int]] = set()

    def start_row(self, element: Any) -> None:
        self.row = _int(element, "Index", self.row + 1)
        self.column = 0
        if _attr(element, "Hidden") in ("1", "true"):
            self.hidden_rows.add(self.row)

    def end_row(self, element: Any, budget: Budget) -> None:
        if self.values:
            values, self.values = self.values, {}
            budget.add_row(self.grid, self.row, max(values))
            self.grid.rows.append((self.row, values))
        self.row += max(_int(element, "Span", 0), 0)  # rows repeated, empty

    def column_element(self, element: Any) -> None:
        first = _int(element, "Index", self.column_position + 1) - 1
        last = first + max(_int(element, "Span", 0), 0)
        if _attr(element, "Hidden") in ("1", "true"):
            self.hidden_columns.update(range(max(first, 0), min(last + 1, MAX_COLUMNS)))
        self.column_position = last + 1

    def cell(self, element: Any) -> None:
        column = _int(element, "Index", self.column + 1) - 1
        across = min(max(_int(element, "MergeAcross", 0), 0), MAX_COLUMNS)
        down = min(max(_int(element, "MergeDown", 0), 0), MAX_ROW_NUMBER)
        self.column = column + across + 1
        if (across or down) and 0 <= column < MAX_COLUMNS:
            self.spans.append((self.row, column, self.row + down, column + across))
        data = element.find(SS + "Data")
        if data is None:
            if _attr(element, "Formula"):
                self.uncomputed.add((self.row, column))
            return
        kind = _attr(data, "Type") or "String"
        text = "".join(data.itertext())
        value: object = None
        if kind == "Number":
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            value = _number(number) if math.isfinite(number) else clean_text(text)
        elif kind == "DateTime" and (dated := _dated(text)) is not None:
            value = clean(dated[0])
            self.grid.serials[(self.row, column)] = dated[1]
        elif kind == "Boolean" and text.strip() in ("0", "1"):
            value = text.strip() == "1"
        else:
            value = clean_text(text)
            if kind == "Error" and value is not None:
                self.grid.failed.add((self.row, column))
        if value is not None:
            self.values[column] = value

    def finish(self) -> Grid:
        grid = self.grid
        last = max((number for number, _ in grid.rows), default=0)
        for first_row, first_col, last_row, last_col in self.spans:
            if min(last_row, last) > first_row or last_col > first_col:
                grid.merges.append((first_row, first_col, min(last_row, last), last_col))
        check_merge_count(grid, len(grid.merges))
        grid.hidden_rows = frozenset(self.hidden_rows)
        grid.hidden_columns = frozenset(self.hidden_columns)
        grid.uncomputed = frozenset(self.uncomputed)
        return grid


def _refused(exc: Exception, sheet: _Sheet | None) -> TableError:
    import defusedxml

    if isinstance(exc, defusedxml.DefusedXmlException):
        return TableError(
            "The XML workbook declares a DOCTYPE or entities, which Excel never writes; "
            "the file is rejected as unsafe. Open it in Excel or WPS and save it as .xlsx.",
            message_zh="此 XML 格式表格含有 Excel 不会写入的 DOCTYPE/ENTITY 声明，文件不安全，"
            "已拒绝：请用 Excel 或 WPS 打开，另存为 .xlsx 后上传",
        )
    en = f"the XML workbook cannot be read ({exc}): open it in Excel or WPS and save it as .xlsx"
    zh = f"此 XML 格式表格无法读取（{exc}）：请用 Excel 或 WPS 打开，另存为 .xlsx 后上传"
    if sheet is None:
        return TableError(en[:1].upper() + en[1:], message_zh=zh)
    return sheet.grid.error(en, zh, sheet.row or None)


def _too_deep(what_en: str, what_zh: str) -> TableError:
    return TableError(
        f"The XML workbook {what_en}; it is rejected as unsafe. Open it in Excel or WPS "
        "and save it as .xlsx.",
        message_zh=f"此 XML 格式表格{what_zh}，文件不安全，已拒绝：请用 Excel 或 WPS 打开，"
        "另存为 .xlsx 后上传",
    )


def xml_grids(data: bytes, budget: Budget) -> list[Grid]:
    """Every worksheet of an Excel 2003 XML workbook.

    Raises
    ------
    TableError
        For a DOCTYPE or entities, malformed XML, nesting past :data:`MAX_DEPTH`, no
        worksheet, or past the budget's rows, columns or deadline.
    """
    from defusedxml.ElementTree import iterparse

    grids: list[Grid] = []
    stack: list[Any] = []
    sheet: _Sheet | None = None
    in_cell = 0  # elements open inside the current cell, the cell included
    cell_elements = 0
    events = iterparse(io.BytesIO(_utf8(data)), ("start", "end"), forbid_dtd=True)
    try:
        for event, element in events:
            budget.check_time(sheet.grid if sheet else None, sheet.row if sheet else None)
            tag = element.tag
            if event == "start":
                stack.append(element)
                if len(stack) > MAX_DEPTH:
                    raise _too_deep(f"nests more than {MAX_DEPTH} deep", f"嵌套超过 {MAX_DEPTH} 层")
                if in_cell or tag == SS + "Cell":
                    in_cell += 1
                    cell_elements += 1
                    if cell_elements > MAX_CELL_ELEMENTS:
                        raise _too_deep(
                            f"has more than {MAX_CELL_ELEMENTS:,} elements in one cell",
                            f"的一个单元格中有超过 {MAX_CELL_ELEMENTS:,} 个元素",
                        )
                elif tag == SS + "Worksheet":
                    sheet = _Sheet(element, len(grids) + 1)
                elif tag == SS + "Row" and sheet is not None:
                    sheet.start_row(element)
                continue
            stack.pop()
            if in_cell:
                in_cell -= 1
                if in_cell:
                    continue  # the cell's content, read when the cell ends
                cell_elements = 0
                if sheet is not None:
                    sheet.cell(element)
            elif sheet is not None and tag == SS + "Row":
                sheet.end_row(element, budget)
            elif sheet is not None and tag == SS + "Column":
                sheet.column_element(element)
            elif sheet is not None and tag == X + "Visible":
                sheet.grid.hidden = (element.text or "").strip() != "SheetVisible"
            elif sheet is not None and tag == SS + "Worksheet":
                grids.append(sheet.finish())
                sheet = None
            if stack:
                stack[-1].remove(element)  # read: dropped, so memory stays small
    except TableError:
        raise
    except Exception as exc:  # defusedxml's refusals, expat's ParseError
        budget.check_time()
        raise _refused(exc, sheet) from exc
    if not grids:
        raise TableError(
            "The XML workbook has no worksheet.",
            message_zh="此 XML 格式表格中没有工作表：请把驿站名单放在工作表中再上传",
        )
    return grids
