"""Legacy Excel workbooks (.xls, as WPS and older office templates save them) import as
the same workbook saved as .xlsx does: the same rows, values, notes and errors.

The .xls files are written with xlwt from the openpyxl workbooks the XLSX tests use, so
the expected answer is the XLSX reader's (openpyxl), a different reader of a different
format; values the XLSX tests assert on are asserted here in plain numbers too."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import openpyxl
import pytest
import xlwt

from stationmap.tabular import TableError, detect_format, read_rows
from tests.unit import test_cells_office_values as office_values
from tests.unit import test_cells_time_and_date_cells as time_cells
from tests.unit import test_tabular_office as office
from tests.unit import test_tabular_office_layouts as layouts

#: Excel's error values and their codes in an .xls file (xlwt's own table misspells #N/A).
ERROR_CODES = {
    "#NULL!": 0,
    "#DIV/0!": 7,
    "#VALUE!": 15,
    "#REF!": 23,
    "#NAME?": 29,
    "#NUM!": 36,
    "#N/A": 42,
}


def xls_from(data: bytes) -> bytes:
    """The XLSX workbook ``data`` written again as .xls: values, date and time formats,
    error values, merged ranges, hidden sheets, rows and columns."""
    source = openpyxl.load_workbook(io.BytesIO(data), data_only=True)  # stored results
    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, xlwt.XFStyle] = {}
    for sheet in source.worksheets:
        out = book.add_sheet(sheet.title, cell_overwrite_ok=True)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                r, c = cell.row - 1, cell.column - 1
                if cell.data_type == "e":
                    out.row(r).set_cell_error(c, ERROR_CODES[cell.value])
                    continue
                if cell.is_date or isinstance(cell.value, datetime | date | time):
                    number_format = cell.number_format
                    if number_format == "General":
                        number_format = "h:mm" if isinstance(cell.value, time) else "yyyy-mm-dd"
                    style = styles.setdefault(
                        number_format, xlwt.easyxf(num_format_str=number_format)
                    )
                    out.write(r, c, cell.value, style)
                else:
                    out.write(r, c, cell.value)
        for merged in sheet.merged_cells.ranges:
            out.merge(
                merged.min_row - 1, merged.max_row - 1, merged.min_col - 1, merged.max_col - 1
            )
        for dimension in sheet.column_dimensions.values():
            if dimension.hidden:
                for column in range(dimension.min, dimension.max + 1):
                    out.col(column - 1).hidden = True
        for number, dimension in sheet.row_dimensions.items():
            if dimension.hidden:
                out.row(number - 1).hidden = True
        if sheet.sheet_state != "visible":
            out.visibility = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


WORKBOOKS = {
    # title rows, a guide sheet, two district sheets, merged cells, a hidden column
    # and a hidden sheet, total and note rows, full-width digits, 坐标 cells
    "office": office.office_workbook,
    "time cells as daily hours": lambda: time_cells._xlsx(
        ["驿站名称", "经度", "纬度", "开门时间", "关门时间"],
        [["新城区驿站", 111.67, 40.83, time(8, 30), time(18, 0)], ["空", 111.6, 40.8]],
        {"D": "h:mm", "E": "h:mm"},
    ),
    "a time alone as hours": lambda: time_cells._xlsx(
        ["驿站名称", "经度", "纬度", "开放时间"],
        [["新城区驿站", 111.67, 40.83, time(8, 0)]],
        {"D": "h:mm"},
    ),
    "a date typed as a coordinate": lambda: time_cells._xlsx(
        ["驿站名称", "经度", "纬度"],
        [["新城区驿站", datetime(2026, 4, 25), 40.83]],
        {"B": "yyyy/m/d"},
    ),
    "dates in start and end columns": lambda: time_cells._xlsx(
        ["驿站名称", "经度", "纬度", "开始时间", "结束时间"],
        [["新城区驿站", 111.67, 40.83, date(2025, 3, 1), date(2025, 12, 31)]],
        {"D": "yyyy-mm-dd", "E": "yyyy-mm-dd"},
    ),
    "error values": lambda: office_values._with_error_values(
        {
            "B2": '<c r="B2" t="e"><f>VLOOKUP(A2,坐标!A:C,2,0)</f><v>#N/A</v></c>',
            "C3": '<c r="C3" t="e"><v>#REF!</v></c>',
        }
    ),
    "map-named coordinate headers": lambda: layouts._coordinate_book(
        ["高德经度", "高德纬度", "联系电话"],
        [["甲驿站", 111.91, 40.79, 13912345678], ["乙驿站", 111.92, 40.8, "0471-6123456"]],
    ),
    "a pair in one cell": lambda: layouts._coordinate_book(
        ["坐标"], [["甲驿站", "116.404,39.915"]]
    ),
}


@pytest.mark.parametrize("name", sorted(WORKBOOKS))
def test_an_xls_workbook_reads_as_the_same_workbook_saved_as_xlsx(name):
    data = WORKBOOKS[name]()
    legacy = xls_from(data)
    assert detect_format(legacy, "驿站名单.xls") == "xls"
    expected, got = read_rows(data, "xlsx"), read_rows(legacy, "xls")
    assert expected.rows  # every workbook here has rows to compare
    assert got.rows == expected.rows
    assert got.notes == expected.notes


def test_coordinates_formatted_as_dates_read_the_number_the_cell_stores():
    """openpyxl hands over such a cell as a date rounded to the millisecond, so this
    .xls is written directly: 111.670123 shows as 1900/4/20 16:04 and is read exactly."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("驿站")
    for column, text in enumerate(["驿站名称", "经度", "纬度"]):
        sheet.write(0, column, text)
    sheet.write(1, 0, "新城区驿站")
    sheet.write(1, 1, 111.670123, xlwt.easyxf(num_format_str="yyyy/m/d h:mm"))
    sheet.write(1, 2, 40.831234, xlwt.easyxf(num_format_str="yyyy/m/d"))
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_rows(buffer.getvalue(), "xls")
    (row,) = table.rows
    assert (row.values["lon"], row.values["lat"]) == (111.670123, 40.831234)
    assert row.errors == ()
    expected = read_rows(
        time_cells._xlsx(
            ["驿站名称", "经度", "纬度"],
            [["新城区驿站", 111.670123, 40.831234]],
            {"B": "yyyy/m/d h:mm", "C": "yyyy/m/d"},
        ),
        "xlsx",
    )
    assert table.notes == expected.notes
    (lon_note,) = (n for n in table.notes if n.field == "lon")
    assert "已按单元格中存的数值（即输入的经度）读入" in lon_note.message_zh


def _xls(rows: list[list[object]], title: str = "驿站") -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(title)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_whole_numbers_are_read_as_typed_and_decimals_exactly():
    """An .xls stores every number as a float: 13912345678 is no 13912345678.0 here, as
    an XLSX reader gives it."""
    data = _xls(
        [
            ["驿站名称", "经度", "纬度", "联系电话"],
            ["甲驿站", 111.670123, 40.831234, 13912345678],
        ]
    )
    (row,) = read_rows(data, "xls").rows
    assert row.values["lon"] == 111.670123 and row.values["lat"] == 40.831234
    assert row.values["phone"] == 13912345678 and type(row.values["phone"]) is int


def test_a_password_protected_xls_is_refused_saying_to_remove_the_password(monkeypatch):
    import xlrd

    def encrypted(**_kwargs):
        raise xlrd.XLRDError("Workbook is encrypted")

    monkeypatch.setattr(xlrd, "open_workbook", encrypted)
    with pytest.raises(TableError) as caught:
        read_rows(_xls([["驿站名称", "经度", "纬度"]]), "xls")
    assert caught.value.message_zh.startswith("此工作簿设了打开密码：请")
    assert "password" in str(caught.value)


def test_reading_an_xls_stops_at_its_deadline_naming_it():
    rows = [["驿站名称", "经度", "纬度"]] + [[f"驿站{i}", 111.6, 40.8] for i in range(50)]
    with pytest.raises(TableError) as caught:
        read_rows(_xls(rows), "xls", max_seconds=0)
    assert "读取超过 0 秒的上限，已停止" in caught.value.message_zh


def test_too_many_rows_in_an_xls_are_refused_naming_the_limit(monkeypatch):
    from stationmap.tabular import sheets

    monkeypatch.setattr(sheets, "MAX_DATA_ROWS", 3)
    rows = [["驿站名称", "经度", "纬度"]] + [[f"驿站{i}", 111.6, 40.8] for i in range(5)]
    with pytest.raises(TableError) as caught:
        read_rows(_xls(rows), "xls")
    assert "文件中有内容的行超过 3 行的上限" in caught.value.message_zh
    assert caught.value.sheet == "驿站"
