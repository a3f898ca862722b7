"""Files named .xls that hold a web-page table (HTML) or an Excel 2003 XML workbook
(SpreadsheetML), as many systems' 导出Excel buttons write them, import as the workbook
they stand for: the same rows, merged cells, hidden rows and notes; hostile ones are
refused quickly with a message saying how to fix them."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from stationmap.tabular import TableError, detect_format, read_rows, sheets
from stationmap.tabular.sheets import Budget

EXCEL_HTML_HEAD = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns="http://www.w3.org/TR/REC-html40">'
)


def county_page() -> bytes:
    """A county list as a government system exports it: GBK, named by a meta tag, a title
    row spanning every column, 序号 merged over two rows, 开放时间 merged over two rows,
    line breaks and &nbsp; in cells, tags inside cells, a hidden row, a hidden cell."""
    page = f"""{EXCEL_HTML_HEAD}
<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<style>td {{ mso-number-format:"\\@"; }}</style></head>
<body><table border="1">
<tr><td colspan="7" align="center"><b>玛纳斯县户外劳动者驿站名单</b></td></tr>
<tr><th>序号</th><th>驿站名称</th><th>经度</th><th>纬度</th><th>坐标系</th>
<th>开放时间</th><th>服务内容</th></tr>
<tr><td rowspan="2">1</td><td><font color="red">凤凰&nbsp;驿站</font></td>
<td style='mso-number-format:"\\@"'>86.2131</td><td>44.3051</td><td>GCJ-02</td>
<td rowspan="2">08:00-20:00</td><td>饮水<br>充电<br/>  休息 </td></tr>
<tr><td><span>文化&amp;体育</span>驿站</td><td>86.2141</td><td>44.3061</td><td>GCJ-02</td>
<td>&#x70ed;饭<span style="display:none">内部备注</span></td></tr>
<tr style="display:none"><td>3</td><td>隐藏驿站</td><td>86.2</td><td>44.3</td><td>GCJ-02</td>
<td>全天</td><td></td></tr>
<tr><td>4</td><td>东城驿站</td><td>86.2151</td><td>44.3071</td><td>GCJ-02</td>
<td>全天</td><td>饮水<td style="display:none">旧名</td></tr>
</table></body></html>"""
    return page.encode("gbk")


def test_a_county_list_exported_as_a_gbk_web_page_imports_as_its_workbook_would():
    data = county_page()
    assert detect_format(data, "玛纳斯县驿站名单.xls") == "xls"
    table = read_rows(data, "xls")
    assert [(r.number, r.values) for r in table.rows] == [
        (
            3,
            {
                "name": "凤凰 驿站",
                "lon": "86.2131",
                "lat": "44.3051",
                "datum": "GCJ-02",
                "opening_hours": "08:00-20:00",
                "services": "饮水\n充电\n休息",
            },
        ),
        (
            4,
            {
                "name": "文化&体育驿站",
                "lon": "86.2141",
                "lat": "44.3061",
                "datum": "GCJ-02",
                "opening_hours": "08:00-20:00",  # the merged cell's value
                "services": "热饭",
            },
        ),
        (
            6,
            {
                "name": "东城驿站",
                "lon": "86.2151",
                "lat": "44.3071",
                "datum": "GCJ-02",
                "opening_hours": "全天",
                "services": "饮水",
            },
        ),
    ]
    assert table.rows[0].columns["services"] == "G"
    notes = [n.message_zh for n in table.notes]
    assert notes[0].startswith("此文件是网页格式的表格（HTML")
    assert notes[1] == "第 2 行是表头（第 1 行为标题等，未读入）；读入 3 行驿站"
    assert any(n.startswith("第 5 行是隐藏行，未读入") for n in notes)
    assert any(n == "第 3–4 行的此列是合并单元格，其值已用于其中每一行" for n in notes)
    assert table.notes[0].text("en").startswith("The file is a web-page table (HTML")


def grids(data: bytes) -> list[sheets.Grid]:
    from stationmap.tabular.html_sheets import html_grids

    return html_grids(data, Budget())


def test_spans_place_each_cell_where_excel_puts_it_and_are_merged_ranges():
    page = b"""<table>
<tr><td rowspan=3>A</td><td colspan=2>B</td><td>C</td></tr>
<tr><td rowspan=2 colspan=2>D</td><td>E</td></tr>
<tr><td>F</td></tr>
<tr><td>G</td><td>H</td><td rowspan=9>I</td></tr>
</table>"""
    (grid,) = grids(page)
    assert grid.rows == [
        (1, {0: "A", 1: "B", 3: "C"}),
        (2, {1: "D", 3: "E"}),
        (3, {3: "F"}),
        (4, {0: "G", 1: "H", 2: "I"}),
    ]
    # a rowspan past the table's last row ends with it, as a browser and Excel end it
    assert sorted(grid.merges) == [(1, 0, 3, 0), (1, 1, 1, 2), (2, 1, 3, 2)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('<meta charset="gbk"><table><tr><td>驿站</td></tr></table>'.encode("gbk"), "驿站"),
        (
            '<meta http-equiv=Content-Type content="text/html; charset=GB2312">'
            "<table><tr><td>驿站</td></tr></table>".encode("gb2312"),
            "驿站",
        ),
        ("<table><tr><td>驿站</td></tr></table>".encode("gbk"), "驿站"),  # no charset named
        ("<table><tr><td>驿站</td></tr></table>".encode(), "驿站"),
        ("\ufeff<table><tr><td>驿站</td></tr></table>".encode("utf-8"), "驿站"),
        ("\ufeff<table><tr><td>驿站</td></tr></table>".encode("utf-16-le"), "驿站"),
        # a page saying UTF-8 but written in GBK, as some old systems do
        ('<meta charset="utf-8"><table><tr><td>驿站</td></tr></table>'.encode("gbk"), "驿站"),
    ],
)
def test_the_page_text_is_read_in_the_charset_it_names_or_else_utf8_or_gbk(data, expected):
    assert detect_format(data, "a.xls") == "xls"
    assert grids(data)[0].rows == [(1, {0: expected})]


def test_each_table_is_a_sheet_named_by_its_caption_or_excel_sheet_name():
    excel_page = (
        EXCEL_HTML_HEAD + "<head><!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets>"
        "<x:ExcelWorksheet><x:Name>驿站名单</x:Name></x:ExcelWorksheet>"
        "</x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]--></head>"
        "<body><table><tr><td>名称</td></tr></table></body></html>"
    ).encode()
    assert [g.title for g in grids(excel_page)] == ["驿站名单"]
    page = (
        "<title>导出数据</title><table><caption>城区</caption><tr><td>a</td></tr></table>"
        "<table><tr><td>b<table><tr><td>inner</td></tr></table>c</td></tr></table>"
    ).encode()
    found = grids(page)
    assert [(g.index, g.title, g.rows) for g in found] == [
        (1, "城区", [(1, {0: "a"})]),
        (2, "表2", [(1, {0: "bc"})]),  # a table in a cell is a sheet of its own
        (3, "表3", [(1, {0: "inner"})]),
    ]
    assert [g.title for g in grids("<title>导出数据</title><table><tr><td>a</table>".encode())] == [
        "导出数据"
    ]


def test_hidden_columns_rows_and_unclosed_cells_are_read_as_excel_reads_them():
    page = b"""<table><col width=80><col span=2 style='display:none'>
<tr><td>a<td>b<td>c<td>d
<tr hidden><td>e
<tr><td>f</td><td><script>var x = "<td>no</td>";</script>g</td>
</table>"""
    (grid,) = grids(page)
    assert grid.rows == [
        (1, {0: "a", 1: "b", 2: "c", 3: "d"}),
        (2, {0: "e"}),
        (3, {0: "f", 1: "g"}),
    ]
    assert grid.hidden_columns == frozenset({1, 2})
    assert grid.hidden_rows == frozenset({2})


SPREADSHEET = """<?xml version="1.0" encoding="{encoding}"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">
<Worksheet ss:Name="填表说明"><Table>
 <Row><Cell><Data ss:Type="String">每个驿站一行</Data></Cell></Row>
</Table></Worksheet>
<Worksheet ss:Name="城区">
 <Table ss:ExpandedColumnCount="7" ss:ExpandedRowCount="9" x:FullColumns="1">
  <Column ss:Index="6" ss:Hidden="1" ss:Span="1"/>
  <Row><Cell ss:MergeAcross="4"><Data ss:Type="String">城区驿站名单</Data></Cell></Row>
  <Row ss:Index="3">
   <Cell><Data ss:Type="String">驿站名称</Data></Cell>
   <Cell ss:Index="3"><Data ss:Type="String">经度</Data></Cell>
   <Cell><Data ss:Type="String">纬度</Data></Cell>
   <Cell><Data ss:Type="String">开放时间</Data></Cell>
   <Cell><Data ss:Type="String">内部编号</Data></Cell>
  </Row>
  <Row>
   <Cell><Data ss:Type="String"><html:B>凤凰</html:B>驿站</Data></Cell>
   <Cell ss:Index="3"><Data ss:Type="Number">86.2131</Data></Cell>
   <Cell><Data ss:Type="Number">44</Data></Cell>
   <Cell ss:MergeDown="1"><Data ss:Type="String">08:00-20:00</Data></Cell>
   <Cell><Data ss:Type="Number">7</Data></Cell>
  </Row>
  <Row ss:Hidden="1"><Cell><Data ss:Type="String">隐藏驿站</Data></Cell>
   <Cell ss:Index="3"><Data ss:Type="Number">86.1</Data></Cell></Row>
  <Row ss:Index="7"><Cell><Data ss:Type="String">东城驿站</Data></Cell>
   <Cell ss:Index="3"><Data ss:Type="Number">86.2151</Data></Cell>
   <Cell><Data ss:Type="Number">44.3071</Data></Cell>
   <Cell><Data ss:Type="DateTime">1899-12-31T08:30:00.000</Data></Cell></Row>
 </Table>
</Worksheet>
<Worksheet ss:Name="乡镇"><Table>
  <Row><Cell><Data ss:Type="String">名称</Data></Cell>
   <Cell><Data ss:Type="String">经度</Data></Cell>
   <Cell><Data ss:Type="String">纬度</Data></Cell></Row>
  <Row ss:Index="4"><Cell ss:Index="1"><Data ss:Type="String">乡镇驿站</Data></Cell>
   <Cell><Data ss:Type="Number">86.3</Data></Cell>
   <Cell><Data ss:Type="Number">44.1</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>"""


@pytest.mark.parametrize("encoding", ["UTF-8", "gb2312"])
def test_an_excel_2003_xml_workbook_with_two_sheets_and_index_gaps_imports(encoding):
    data = SPREADSHEET.format(encoding=encoding).encode("gbk" if encoding == "gb2312" else "utf-8")
    assert detect_format(data, "导出.xls") == "xls"
    table = read_rows(data, "xls")
    assert [(r.sheet, r.number, r.values, dict(r.columns)) for r in table.rows] == [
        (
            "城区",
            4,
            {"name": "凤凰驿站", "lon": 86.2131, "lat": 44, "opening_hours": "08:00-20:00"},
            {"name": "A", "lon": "C", "lat": "D", "opening_hours": "E"},
        ),
        (
            "城区",
            7,
            {"name": "东城驿站", "lon": 86.2151, "lat": 44.3071, "opening_hours": "08:30:00"},
            {"name": "A", "lon": "C", "lat": "D", "opening_hours": "E"},
        ),
        (
            "乡镇",
            4,
            {"name": "乡镇驿站", "lon": 86.3, "lat": 44.1},
            {"name": "A", "lon": "B", "lat": "C"},
        ),
    ]
    notes = [n.message_zh for n in table.notes]
    assert notes[0].startswith("此文件是 Excel 2003 XML 格式的表格")
    assert (
        "第 5 行是隐藏行，未读入；如其中有要导入的驿站，请取消隐藏（或清除筛选）后重新上传" in notes
    )
    # the hidden column F (内部编号) is ignored, the merged 开放时间 carried to row 5 only
    assert any("F 列" in (n.column or "") or n.column == "F" for n in table.notes)


def test_an_xml_workbook_cell_keeps_its_type_merges_and_the_number_behind_a_date():
    from stationmap.tabular.xml_sheets import xml_grids

    guide, town, village = xml_grids(SPREADSHEET.format(encoding="utf-8").encode(), Budget())
    assert (guide.title, guide.rows) == ("填表说明", [(1, {0: "每个驿站一行"})])
    assert town.rows[2] == (4, {0: "凤凰驿站", 2: 86.2131, 3: 44, 4: "08:00-20:00", 5: 7})
    assert isinstance(town.rows[2][1][3], int) and isinstance(town.rows[2][1][5], int)
    assert town.merges == [(1, 0, 1, 4), (4, 4, 5, 4)]
    assert town.hidden_rows == frozenset({5}) and town.hidden_columns == frozenset({5, 6})
    assert town.serials == {(7, 4): 8.5 / 24}  # 08:30 is 0.354... of a day
    assert village.rows[-1] == (4, {0: "乡镇驿站", 1: 86.3, 2: 44.1})


def test_xml_dates_booleans_errors_and_hidden_sheets():
    from stationmap.tabular.xml_sheets import xml_grids

    data = b"""<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="a"><Table><Row>
<Cell><Data ss:Type="DateTime">2024-03-05T00:00:00.000</Data></Cell>
<Cell><Data ss:Type="DateTime">1900-02-28T12:00:00.000</Data></Cell>
<Cell><Data ss:Type="Boolean">1</Data></Cell>
<Cell ss:Formula="=1/0"><Data ss:Type="Error">#DIV/0!</Data></Cell>
<Cell><Data ss:Type="Number">1e400</Data></Cell>
<Cell ss:Formula="=A1"/></Row></Table>
<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible>
</WorksheetOptions></Worksheet></Workbook>"""
    (grid,) = xml_grids(data, Budget())
    assert grid.rows == [
        (1, {0: "2024-03-05", 1: "1900-02-28T12:00:00", 2: True, 3: "#DIV/0!", 4: "1e400"})
    ]
    # 2024-03-05 is serial 45356 (2024-01-01 is 45292); 1900-02-28 is 59 (before the leap bug)
    assert grid.serials == {(1, 0): 45356.0, (1, 1): 59.5}
    assert grid.failed == {(1, 3)} and grid.uncomputed == frozenset({(1, 5)})
    assert grid.hidden


def refused(data: bytes, name: str = "导出.xls", max_seconds: float = 20.0) -> TableError:
    started = time.monotonic()
    with pytest.raises(TableError) as caught:
        read_rows(data, detect_format(data, name), max_seconds=max_seconds)
    assert time.monotonic() - started < 5  # refused quickly
    error = caught.value
    assert "请" in error.message_zh  # says how to fix it
    return error


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (
            b"<html><body><p>\xe6\x97\xa0</p></body></html>",
            "此文件名为 .xls，实际是网页或 XML 格式的文件，其中没有表格",
        ),
        (
            b'<?xml version="1.0"?><root/>',
            "此文件名为 .xls，实际是网页或 XML 格式的文件，其中没有表格",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Workbook xmlns='
            b'"urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell>'
            b'<Data ss:Type="String">&lol2;</Data></Cell></Row></Table></Worksheet></Workbook>',
            "此 XML 格式表格含有 Excel 不会写入的 DOCTYPE/ENTITY 声明",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">&x;</Workbook>',
            "此 XML 格式表格含有 Excel 不会写入的 DOCTYPE/ENTITY 声明",
        ),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "此 XML 格式表格无法读取",
        ),
        (
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
            + b"<a>" * 100_000
            + b"</a>" * 100_000
            + b"</Workbook>",
            "此 XML 格式表格嵌套超过 64 层",
        ),
        (b"<table>" + b"<tr><td><table>" * 20_000, "此网页格式表格中的表格嵌套超过 16 层"),
        (b"<table></table>" * 1_001, "此网页格式表格中有超过 1,000 个表格"),
        (
            b"<table><tr><td>a</td></tr></table>",
            "第 1 张表“表1”：找不到表头（前 30 行中）。请确认表头行含有“名称”“经度”“纬度”",
        ),
    ],
)
def test_a_hostile_or_empty_web_or_xml_file_is_refused_quickly_saying_how_to_fix(data, start):
    assert refused(data).message_zh.startswith(start)


@pytest.mark.parametrize(
    "data",
    [
        b"<table><tr>" + b"<td>1</td>" * 2_000_000,  # 20 MB of cells
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table>'
        + b"<Row><Cell><Data>1</Data></Cell></Row>" * 500_000,
    ],
    ids=["web page", "xml workbook"],
)
def test_a_huge_file_is_stopped_at_the_read_deadline(monkeypatch, data):
    # A clock that moves one second each time the reader looks at it: the deadline
    # falls after 40 looks, however fast the machine is.
    ticks = iter(range(10**8))
    monkeypatch.setattr(sheets, "time", SimpleNamespace(monotonic=lambda: float(next(ticks))))
    with pytest.raises(TableError) as caught:
        read_rows(data, detect_format(data, "a.xls"), max_seconds=40)
    assert next(ticks) <= 43
    assert caught.value.message_zh.endswith(
        "读取超过 40 秒的上限，已停止：文件太大或太复杂，请分成几个较小的文件后上传"
    )


def test_rows_and_columns_past_the_limits_are_refused_naming_them(monkeypatch):
    wide = b"<table><tr>" + b"<td colspan=199></td><td>a</td><td>b</td></tr></table>"
    assert refused(wide).message_zh == (
        "第 1 张表“表1”第 1 行 GS 列："
        "有内容超出 200 列的上限（GR 列之后）：请删除该列的内容后重新上传"
    )
    monkeypatch.setattr(sheets, "MAX_DATA_ROWS", 1_000)  # the budget's cap, smaller
    many = b"<table>" + b"<tr><td>a</td></tr>" * 1_001 + b"</table>"
    assert refused(many).message_zh == (
        "第 1 张表“表1”第 1001 行：文件中有内容的行超过 1,000 行的上限：请分成几个较小的文件后上传"
    )


#: A sheet as Excel's "Save as web page" (单个文件网页 / 网页) writes it: GB2312, the sheet's name
#: in a conditional comment, x:num beside the shown numbers, a hidden last row that only
#: sets column widths, marked sections, styles.
EXCEL_SAVED_PAGE = """<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:x="urn:schemas-microsoft-com:office:excel"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=ProgId content=Excel.Sheet>
<style>
<!--table {mso-displayed-decimal-separator:"\\.";}
br {mso-data-placement:same-cell;}
.xl65 {mso-number-format:"0\\.00";}
-->
</style>
<!--[if gte mso 9]><xml>
 <x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet>
 <x:Name>昌吉市</x:Name><x:WorksheetOptions><x:Selected/></x:WorksheetOptions>
 </x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook>
</xml><![endif]-->
</head>
<body link=blue vlink=purple>
<table border=0 cellpadding=0 cellspacing=0 width=288 style='border-collapse:collapse'>
<col width=72 span=4 style='width:54pt'>
<tr height=19 style='height:14.25pt'>
 <td height=19 width=72 style='height:14.25pt;width:54pt'>名称</td>
 <td width=72 style='width:54pt'>经度</td>
 <td width=72 style='width:54pt'>纬度</td>
 <td width=72 style='width:54pt'>开始时间</td>
</tr>
<tr height=38 style='height:28.5pt'>
 <td height=38 class=xl66 style='height:28.5pt'>昌吉<br>驿站</td>
 <td class=xl65 align=right x:num="87.3049123">87.30</td>
 <td class=xl65 align=right x:num="44.0131">44.01</td>
 <td class=xl67 align=right x:num="0.375">9:00</td>
</tr>
<![if supportMisalignedColumns]>
<tr height=0 style='display:none'>
 <td width=72 style='width:54pt'></td>
 <td width=72 style='width:54pt'></td>
</tr>
<![endif]>
</table>
</body>
</html>"""


def test_a_sheet_excel_saved_as_a_web_page_reads_the_numbers_excel_stored():
    (grid,) = grids(EXCEL_SAVED_PAGE.encode("gb2312"))
    assert grid.title == "昌吉市"
    # the numbers behind the rounded ones; the time stays as shown, not 0.375
    assert grid.rows == [
        (1, {0: "名称", 1: "经度", 2: "纬度", 3: "开始时间"}),
        (2, {0: "昌吉\n驿站", 1: "87.3049123", 2: "44.0131", 3: "9:00"}),
    ]
    assert grid.hidden_rows == frozenset({3})
    (row,) = read_rows(EXCEL_SAVED_PAGE.encode("gb2312"), "xls").rows
    assert (row.values["lon"], row.values["lat"]) == ("87.3049123", "44.0131")


def test_an_xml_workbook_after_a_long_comment_is_read_as_xml_not_as_a_web_page():
    data = SPREADSHEET.format(encoding="utf-8").replace(
        "<?mso-application", "<!--" + "说明" * 10_000 + "--><?mso-application", 1
    )
    table = read_rows(data.encode(), detect_format(data.encode(), "a.xls"))
    assert [(r.sheet, r.number) for r in table.rows] == [("城区", 4), ("城区", 7), ("乡镇", 4)]


def test_xml_rows_repeated_by_span_and_cells_placed_after_a_merge_across():
    from stationmap.tabular.xml_sheets import xml_grids

    data = b"""<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table>
<Row ss:Span="2"/>
<Row><Cell ss:MergeAcross="2"><Data ss:Type="String">a</Data></Cell><Cell><Data
 ss:Type="String">b</Data></Cell></Row>
<Row><Cell ss:Index="3" ss:MergeDown="5"><Data ss:Type="String">c</Data></Cell></Row>
</Table></Worksheet></Workbook>"""
    (grid,) = xml_grids(data, Budget())
    assert grid.title == "Sheet1"
    # rows 1-3 are the empty row and its two repeats; MergeAcross="2" covers A-C
    assert grid.rows == [(4, {0: "a", 3: "b"}), (5, {2: "c"})]
    assert grid.merges == [(4, 0, 4, 2)]  # c's MergeDown ends with the sheet's last row


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('<td colspan="x" rowspan="-3">a</td><td>b</td>', [(1, {0: "a", 1: "b"})]),
        ('<td colspan="0">a</td><td>b</td>', [(1, {0: "a", 1: "b"})]),
        ('<td colspan=" 2 ">a</td><td>b</td>', [(1, {0: "a", 2: "b"})]),
    ],
)
def test_spans_that_are_no_positive_number_count_as_one(cell, expected):
    (grid,) = grids(f"<table><tr>{cell}</tr></table>".encode())
    assert grid.rows == expected
