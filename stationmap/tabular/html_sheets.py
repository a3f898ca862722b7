"""Web-page tables saved as ``.xls`` (what many government and company systems' 导出Excel
buttons write: an HTML page holding a ``<table>``), read into the same
:class:`~stationmap.tabular.sheets.Grid` as a workbook's sheet, so every check after
reading is the same.

Each ``<table>`` is a sheet, named by its ``<caption>``, else by the ``<x:Name>`` of the
page's ``<x:ExcelWorksheet>`` (Excel's own web pages), else by the page's ``<title>`` when
it holds one table, else 表1, 表2 ...; each ``<tr>`` a row, numbered from 1 as Excel
numbers them when it opens the page. ``rowspan``/``colspan`` are merged ranges,
``<tr style="display:none">`` a hidden row, ``<col style="display:none">`` a hidden
column; a cell hidden so (or by ``mso-hide:all``) is ignored, as is text of elements
hidden inside a cell. A cell's value is its text, as a CSV cell's is (whitespace runs
are one space, ``<br>`` a line break, ``&nbsp;`` a space, entities decoded): numbers stay
text, so later checks treat them as they treat a CSV file's. Excel's own web pages keep
the number behind a rounded one (``<td x:num="86.213123">86.21</td>``): where both are
plain numbers, that number is the cell's text, as Excel reads it back (a date or a time
shown, ``x:num="0.375"`` behind ``9:00``, stays as shown).

Parsed with the standard library's :mod:`html.parser` (nothing is fetched or run);
the page is given to the parser a megabyte at a time, and the read deadline is
checked between and on every tag and text the parser reports; the rows and
columns are capped by the :class:`~stationmap.tabular.sheets.Budget`, and tables may
nest at most :data:`MAX_TABLE_DEPTH` deep, :data:`MAX_TABLES` in all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from stationmap.tabular.columns import TableError
from stationmap.tabular.sheets import MAX_COLUMNS, Budget, Grid, check_merge_count, clean_text

MAX_TABLES = 1_000
MAX_TABLE_DEPTH = 16
MAX_SPAN = 65_534  # the HTML standard's largest rowspan
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all", re.I)
_PLAIN_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_SPACES = re.compile(r"[ \t\n\r\f\xa0]+")
#: A sheet's name in the ``<x:ExcelWorksheet>`` of Excel's own web pages (in a comment).
_SHEET_NAME = re.compile(r"<x:Name>([^<]*)</x:Name>", re.I)
_TABLE = re.compile(r"<table", re.I)
FEED_CHARS = 1 << 20  # the parser is given the page a megabyte at a time
HEAD_CHARS = 65_536  # where the sheet names are looked for, before the first table
_VOID = frozenset(("br", "col", "img", "input", "hr", "meta", "link", "wbr", "area", "base"))
_IGNORED = frozenset(("script", "style", "template", "noscript"))
#: Chinese and Western names of the legacy Chinese code pages: read as GB18030, their superset.
_GB = frozenset(("gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn"))


def decode_page(data: bytes) -> str:
    """The page's text: by its byte-order mark, else the charset its ``<meta>`` names,
    else UTF-8, else GB18030 (old systems write GBK without saying so)."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return _decode(data, codec)
    codecs = ["utf-8", "gb18030"]
    if found := _META_CHARSET.search(data[:16384]):
        name = found.group(1).decode("ascii").lower()
        codecs.insert(0, "gb18030" if name in _GB else name)
    for codec in codecs:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    raise TableError(
        "Cannot read the web page's text: it is neither in the charset it names nor "
        "UTF-8 nor GBK. Open it in Excel or WPS and save it as .xlsx, then upload that.",
        message_zh="无法识别此网页格式表格的文字编码（不是其声明的编码，也不是 UTF-8 或 GBK）："
        "请用 Excel 或 WPS 打开，另存为 .xlsx 后上传",
    )


def _decode(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise TableError(
            f"Cannot read the web page's text: it is not {codec.upper()} as its byte-order "
            f"mark says (invalid byte at position {exc.start}). Save it again as .xlsx.",
            message_zh=f"此网页格式表格的文字不是其开头标记所说的 {codec.upper()} 编码"
            f"（第 {exc.start} 字节无效）：请用 Excel 或 WPS 打开，另存为 .xlsx 后上传",
        ) from None


@dataclass
class _Table:
    """One ``<table>`` being read: its grid, the open row and cell, and the columns that
    cells spanning rows from above still cover."""

    grid: Grid
    row: int = 0
    column: int = 0
    cell: list[str] | None = None
    cell_span: tuple[int, int, int] = (0, 1, 1)  # first column, columns, rows
    cell_hidden: bool = False
    cell_number: str | None = None  # Excel's x:num, the number behind the text shown
    values: dict[int, object] = field(default_factory=dict)
    covered: dict[int, int] = field(default_factory=dict)  # column -> last row covered
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    col_position: int = 0  # the next <col>'s column
    caption: list[str] | None = None
    caption_text: str = ""


def _span(value: str | None, largest: int) -> int:
    if value is None:
        return 1
    try:
        number = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), largest)


def _hidden(attrs: dict[str, str | None]) -> bool:
    return "hidden" in attrs or bool(_HIDDEN.search(attrs.get("style") or ""))


class _PageParser(HTMLParser):
    def __init__(self, budget: Budget) -> None:
        super().__init__(convert_charrefs=True)
        self.budget = budget
        self.open: list[_Table] = []
        self.done: list[_Table] = []
        self.ignored = ""  # inside <script> or <style>
        self.hidden_tag = ""  # inside an element hidden within a cell
        self.hidden_depth = 0
        self.title: list[str] | None = None
        self.title_text = ""

    # -- the tags -----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.budget.check_time(self.open[-1].grid if self.open else None)
        if self.ignored:
            return
        if tag in _IGNORED:
            self.ignored = tag
            return
        table = self.open[-1] if self.open else None
        if self.hidden_tag:
            if tag not in ("td", "th", "tr", "table"):
                self.hidden_depth += tag == self.hidden_tag
                return
            self.hidden_tag = ""  # a new cell ends whatever was left open in the last
        named = dict(attrs)
        if tag == "table":
            self._start_table()
        elif tag == "title" and table is None:
            self.title = []
        elif table is None:
            return
        elif tag == "tr":
            self._end_row(table)
            self._start_row(table, _hidden(named))
        elif tag in ("td", "th"):
            self._start_cell(table, named)
        elif tag == "caption":
            table.caption = []
        elif tag == "col":
            self._col(table, named)
        elif tag == "br" and table.cell is not None:
            table.cell.append("\n")
        elif table.cell is not None and tag not in _VOID and _hidden(named):
            self.hidden_tag, self.hidden_depth = tag, 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID or self.hidden_tag or self.ignored:
            self.handle_starttag(tag, attrs)
        else:  # <td/>, <table/> ...: an element opened and closed at once
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self.budget.check_time(self.open[-1].grid if self.open else None)
        if self.ignored:
            self.ignored = "" if tag == self.ignored else self.ignored
            return
        if self.hidden_tag:
            if tag == self.hidden_tag:
                self.hidden_depth -= 1
                self.hidden_tag = self.hidden_tag if self.hidden_depth else ""
            elif tag in ("td", "th", "tr", "table"):
                self.hidden_tag = ""  # a cell ends whatever is left open in it
            else:
                return
        table = self.open[-1] if self.open else None
        if tag == "title" and self.title is not None:
            self.title_text, self.title = "".join(self.title), None
        elif table is None:
            return
        elif tag == "table":
            self._end_table(table)
        elif tag in ("td", "th"):
            self._end_cell(table)
        elif tag == "tr":
            self._end_row(table)
        elif tag == "caption" and table.caption is not None:
            table.caption_text, table.caption = "".join(table.caption), None
        elif tag in ("p", "div", "li") and table.cell is not None:
            table.cell.append("\n")  # a paragraph in a cell is a line of its own

    def handle_data(self, data: str) -> None:
        self.budget.check_time(self.open[-1].grid if self.open else None)
        if self.ignored or self.hidden_tag:
            return
        if not self.open:
            if self.title is not None:
                self.title.append(data)
            return
        table = self.open[-1]
        if table.cell is not None:
            table.cell.append(data)
        elif table.caption is not None:
            table.caption.append(data)

    # -- tables, rows and cells ---------------------------------------------------------
    def _start_table(self) -> None:
        if len(self.open) >= MAX_TABLE_DEPTH:
            raise TableError(
                f"The web page nests tables more than {MAX_TABLE_DEPTH} deep (a table in a "
                "cell of a table ...): open it in Excel or WPS and save it as .xlsx.",
                message_zh=f"此网页格式表格中的表格嵌套超过 {MAX_TABLE_DEPTH} 层："
                "请用 Excel 或 WPS 打开，另存为 .xlsx 后上传",
            )
        if len(self.done) + len(self.open) >= MAX_TABLES:
            raise TableError(
                f"The web page holds more than {MAX_TABLES:,} tables: put the station list "
                "in one table, or save it as .xlsx.",
                message_zh=f"此网页格式表格中有超过 {MAX_TABLES:,} 个表格："
                "请只保留驿站名单，或用 Excel 或 WPS 另存为 .xlsx 后上传",
            )
        index = len(self.done) + len(self.open) + 1
        self.open.append(_Table(Grid(title=f"表{index}", index=index)))

    def _end_table(self, table: _Table) -> None:
        self._end_row(table)
        last = table.row
        for first_row, first_col, last_row, last_col in table.spans:
            if min(last_row, last) > first_row or last_col > first_col:
                table.grid.merges.append((first_row, first_col, min(last_row, last), last_col))
        check_merge_count(table.grid, len(table.grid.merges))
        table.grid.hidden_rows = frozenset(table.hidden_rows)
        table.grid.hidden_columns = frozenset(table.hidden_columns)
        self.done.append(self.open.pop())

    def _start_row(self, table: _Table, hidden: bool) -> None:
        table.row += 1
        table.column = 0
        if hidden:
            table.hidden_rows.add(table.row)

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        if table.values:
            values, table.values = table.values, {}
            self.budget.add_row(table.grid, table.row, max(values))
            table.grid.rows.append((table.row, values))

    def _start_cell(self, table: _Table, attrs: dict[str, str | None]) -> None:
        self._end_cell(table)
        if table.row == 0:  # a cell before any <tr>
            self._start_row(table, False)
        column = table.column
        while table.covered.get(column, 0) >= table.row:
            column += 1
        columns = _span(attrs.get("colspan"), MAX_COLUMNS)
        rows = _span(attrs.get("rowspan"), MAX_SPAN)
        table.cell = []
        table.cell_span = (column, columns, rows)
        table.cell_hidden = _hidden(attrs)
        table.cell_number = attrs.get("x:num")
        table.column = column + columns
        if column < MAX_COLUMNS:  # beyond, a value is refused and spans are not needed
            if rows > 1:
                for covered in range(column, min(column + columns, MAX_COLUMNS)):
                    table.covered[covered] = table.row + rows - 1
            if rows > 1 or columns > 1:
                table.spans.append((table.row, column, table.row + rows - 1, column + columns - 1))

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None:
            return
        parts, table.cell = table.cell, None
        if table.cell_hidden:
            return
        text = "".join(parts)
        if "\n" in text:
            text = "\n".join(_SPACES.sub(" ", line).strip(" ") for line in text.split("\n"))
        else:
            text = _SPACES.sub(" ", text)
        value = clean_text(text)
        number = table.cell_number
        if (
            number
            and value is not None
            and _PLAIN_NUMBER.match(value)
            and _PLAIN_NUMBER.match(number)
        ):
            value = number.strip()  # 86.21 shown, 86.213123 stored: what Excel reads
        if value is not None:
            table.values[table.cell_span[0]] = value

    def _col(self, table: _Table, attrs: dict[str, str | None]) -> None:
        span = _span(attrs.get("span"), MAX_COLUMNS)
        if _hidden(attrs):
            table.hidden_columns.update(
                range(table.col_position, min(table.col_position + span, MAX_COLUMNS))
            )
        table.col_position += span


def html_grids(data: bytes, budget: Budget) -> list[Grid]:
    """Every ``<table>`` of a web page saved as ``.xls``, in the order they start.

    Raises
    ------
    TableError
        For a page without a table, undecodable text, tables nested too deep or too many,
        or past the budget's rows, columns or deadline.
    """
    text = decode_page(data)
    budget.check_time()
    parser = _PageParser(budget)
    for start in range(0, len(text), FEED_CHARS):  # the deadline is checked between too
        parser.feed(text[start : start + FEED_CHARS])
        budget.check_time(parser.open[-1].grid if parser.open else None)
    parser.close()
    while parser.open:  # tables the page never closed
        parser._end_table(parser.open[-1])
    tables = sorted(parser.done, key=lambda t: t.grid.index)
    if not tables:
        raise TableError(
            "This web page holds no table: open it in Excel or WPS and save it as .xlsx "
            "(Excel workbook) or CSV, then upload that.",
            message_zh="这个网页格式的文件中没有表格：请用 Excel 或 WPS 打开，"
            "另存为 .xlsx（Excel 工作簿）或 CSV 后上传",
        )
    first = _TABLE.search(text)
    head = text[: min(first.start() if first else 0, HEAD_CHARS)]
    names = [n.strip() for n in _SHEET_NAME.findall(head)]
    for number, table in enumerate(tables, 1):
        grid = table.grid
        grid.index = number
        name = _SPACES.sub(" ", table.caption_text).strip()
        if not name and len(names) == len(tables):
            name = names[number - 1]
        if not name and len(tables) == 1:
            name = _SPACES.sub(" ", parser.title_text).strip()
        grid.title = name[:100] or f"表{number}"
    return [t.grid for t in tables]
