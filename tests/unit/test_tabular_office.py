"""County offices' own station lists: title and filler rows, several sheets, merged cells,
office columns, 坐标 cells, total rows; every note names its sheet, row and column."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest

from stationmap.tabular import TableError, read_rows, sheets

SHEET_NOTES = {
    "guide": (
        "填表说明",
        None,
        None,
        "前 30 行中没有驿站表头（含“名称”“经度”“纬度”等列名的行），此表已跳过",
    ),
}


def workbook_bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def office_workbook() -> bytes:
    """A 填表说明 sheet first, two district sheets laid out differently, a hidden sheet."""
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "填表说明"
    guide.append(["填表说明"])
    guide.append(["1. 经度、纬度用百度坐标拾取器获取"])
    guide.append(["2. 每个驿站一行，名称、经度、纬度必填"])

    manas = book.create_sheet("玛纳斯县")
    manas.append(["玛纳斯县红色驿站名单（2025年）"])
    manas.merge_cells("A1:L1")
    manas.append(["填报单位：玛纳斯县总工会", None, None, None, None, "填报日期：2025年3月1日"])
    manas.append(
        [
            "序号",
            "*驿站名称（必填）",
            "所属乡镇（街道）",
            "详细地址",
            "经\u3000度",  # an ideographic space
            "纬度(必填)",
            "负责人",
            "联系\n电话",
            "开放时间",
            "服务内容",
            "驿站 类型",
            "备注",
        ]
    )
    manas.append(
        [
            1,
            "玛纳斯县总工会驿站",
            "玛纳斯镇",
            "团结路1号",
            86.21,
            44.3,
            "王女士",
            "0994-6612345",
            "全天24小时",
            "饮水、充电",
            "工会",
            "新建",
        ]
    )
    manas.append([2, "凤凰镇驿站", "凤凰镇", "凤凰路2号", 86.3, 44.4, None, None, None, None])
    manas.append(
        [
            3,
            "乐土驿站",
            "乐土驿镇",
            "乐土驿路3号",
            "８６．１",
            "４４．２",
            "李先生",
            None,
            "8:00-20:00",
            None,
            "社区",
        ]
    )
    manas.merge_cells("I4:I5")  # one 开放时间 for rows 4-5
    manas.merge_cells("J4:J6")  # one 服务内容 for rows 4-6
    manas.append([])
    manas.append(["合计：3个"])
    manas.append(["注：坐标为百度坐标"])
    manas.append([4])  # a numbered row the office left blank
    manas.column_dimensions["C"].hidden = True

    hutubi = book.create_sheet("呼图壁县")
    hutubi.append(["名称", "坐标", "联系人", "坐标系"])
    hutubi.append(["呼图壁驿站", "86.9,44.2", "张三", "百度"])
    hutubi.append(["雀尔沟驿站", "44.19，86.88", None, None])
    hutubi.append(["五工台驿站", "86.9", None, None])

    old = book.create_sheet("旧表")
    old.append(["名称", "经度", "纬度"])
    old.append(["旧驿站", 86, 44])
    old.sheet_state = "hidden"
    return workbook_bytes(book)


MANAS_COLUMNS = {
    "name": "B",
    "address": "D",
    "lon": "E",
    "lat": "F",
    "contact": "G",
    "phone": "H",
    "opening_hours": "I",
    "services": "J",
    "host_type": "K",
}


def test_every_station_sheet_is_read_with_merged_cells_carried_down():
    table = read_rows(office_workbook(), "xlsx")
    got = [(r.sheet, r.number, r.values) for r in table.rows]
    manas = {"contact": None, "phone": None, "host_type": None}
    assert got == [
        (
            "玛纳斯县",
            4,
            {
                "name": "玛纳斯县总工会驿站",
                "address": "团结路1号",
                "lon": 86.21,
                "lat": 44.3,
                "contact": "王女士",
                "phone": "0994-6612345",
                "opening_hours": "全天24小时",
                "services": "饮水、充电",
                "host_type": "工会",
            },
        ),
        (
            "玛纳斯县",
            5,
            {
                **manas,
                "name": "凤凰镇驿站",
                "address": "凤凰路2号",
                "lon": 86.3,
                "lat": 44.4,
                "opening_hours": "全天24小时",
                "services": "饮水、充电",
            },
        ),
        (
            "玛纳斯县",
            6,
            {
                **manas,
                "name": "乐土驿站",
                "address": "乐土驿路3号",
                "lon": "８６．１",  # the values engineer's parse_station reads these
                "lat": "４４．２",
                "contact": "李先生",
                "opening_hours": "8:00-20:00",
                "services": "饮水、充电",
                "host_type": "社区",
            },
        ),
        (
            "呼图壁县",
            2,
            {"name": "呼图壁驿站", "lon": "86.9", "lat": "44.2", "contact": "张三"}
            | {"datum": "百度"},
        ),
        (
            "呼图壁县",
            3,
            {"name": "雀尔沟驿站", "lon": "86.88", "lat": "44.19"}
            | {"contact": None, "datum": None},
        ),
        (
            "呼图壁县",
            4,
            {"name": "五工台驿站", "lon": None, "lat": None} | {"contact": None, "datum": None},
        ),
    ]
    assert [dict(r.columns) for r in table.rows[:3]] == [MANAS_COLUMNS] * 3
    assert dict(table.rows[3].columns) == {
        "name": "A",
        "lon": "B",
        "lat": "B",
        "contact": "C",
        "datum": "D",
    }


def test_notes_say_which_sheets_columns_and_rows_were_skipped_and_where():
    table = read_rows(office_workbook(), "xlsx")
    assert [(n.sheet, n.row, n.column, n.message_zh) for n in table.notes] == [
        SHEET_NOTES["guide"],
        ("玛纳斯县", None, None, "第 3 行是表头（第 1–2 行为标题等，未读入）；读入 3 行驿站"),
        ("玛纳斯县", 3, "A", "“序号”列不是驿站字段，已忽略（无需修改）"),
        (
            "玛纳斯县",
            3,
            "C",
            "隐藏列“所属乡镇（街道）”未读入；如需读入，请取消隐藏",
        ),
        ("玛纳斯县", 3, "L", "“备注”列不是驿站字段，已忽略（无需修改）"),
        (
            "玛纳斯县",
            8,
            "A",
            "“合计：3个”是合计或说明行，不是驿站，已跳过（无需修改）",
        ),
        (
            "玛纳斯县",
            9,
            "A",
            "“注：坐标为百度坐标”是合计或说明行，不是驿站，已跳过（无需修改）",
        ),
        ("玛纳斯县", 4, "I", "第 4–5 行的此列是合并单元格，其值已用于其中每一行"),
        ("玛纳斯县", 4, "J", "第 4–6 行的此列是合并单元格，其值已用于其中每一行"),
        ("呼图壁县", None, None, "第 1 行是表头；读入 3 行驿站"),
        (
            "旧表",
            None,
            None,
            "此表是隐藏的工作表，未读入；如其中有驿站，请取消隐藏",
        ),
    ]
    english = [n.message for n in table.notes]
    assert english[1] == ("header in row 3 (rows 1-2 above it not read); 3 station row(s) read")
    assert english[5] == (
        "'合计：3个' is a total or note row, not a station: skipped (nothing to fix)"
    )


def test_a_coordinate_cell_is_split_and_a_lat_lon_order_is_swapped_with_a_note():
    rows = read_rows(office_workbook(), "xlsx").rows
    swapped, bad = rows[4], rows[5]
    assert [(n.field, n.sheet, n.row, n.column, n.message_zh) for n in swapped.notes] == [
        (
            "lat",
            "呼图壁县",
            3,
            "B",
            "坐标“44.19,86.88”看起来是纬度在前，"
            "已按经度 86.88、纬度 44.19 读入：请在地图上核对位置",
        )
    ]
    assert rows[3].notes == () and rows[3].errors == ()
    assert [(e.field, e.row, e.column, e.message_zh) for e in bad.errors] == [
        (
            "lon",
            4,
            "B",
            "坐标“86.9”不是“经度,纬度”两个数：请写成如 86.214,44.305",
        )
    ]
    assert "are not two numbers lon,lat: write them as 86.214,44.305" in bad.errors[0].message


@pytest.mark.parametrize(
    ("header", "cell", "lon", "lat"),
    [
        ("坐标（经度,纬度）", "86.214, 44.305", "86.214", "44.305"),
        ("经纬度", "(86.214 44.305)", "86.214", "44.305"),
        ("坐标(纬度,经度)", "44.305;86.214", "86.214", "44.305"),
        ("坐标（纬度，经度）", "86.214,44.305", "86.214", "44.305"),  # clearly lon first
        ("坐标", "８６．２１４，４４．３０５", "86.214", "44.305"),
        ("坐标", "-70.25,-33.5", "-70.25", "-33.5"),  # outside China: kept as written
    ],
)
def test_coordinate_cells_in_the_forms_offices_write(header, cell, lon, lat):
    book = openpyxl.Workbook()
    book.active.append(["名称", header])
    book.active.append(["A", cell])
    [row] = read_rows(workbook_bytes(book), "xlsx").rows
    assert (row.values["lon"], row.values["lat"]) == (lon, lat)


def test_a_location_error_from_checking_values_points_at_its_column():
    from stationmap.station_fields import FieldError, InvalidStation, parse_station

    rows = read_rows(office_workbook(), "xlsx").rows
    broken = dict(rows[1].values, phone="call me")
    with pytest.raises(InvalidStation) as caught:
        parse_station(broken)
    [error] = [e for e in rows[1].errors_with(caught.value.errors) if e.field == "phone"]
    assert (error.field, error.sheet, error.row, error.column) == ("phone", "玛纳斯县", 5, "H")
    # the reader's own error wins over a second one about the same field
    # (a bad 坐标 cell gives no second error about lon or lat) but not one about another
    required = [FieldError("lat", "is required"), FieldError("lon", "is required")]
    other = FieldError("datum", "unknown datum")
    assert rows[5].errors_with([*required, other]) == [
        *rows[5].errors,
        FieldError("datum", "unknown datum", 4, sheet="呼图壁县", column="D"),
    ]


def test_header_found_under_title_rows_in_csv_too_with_total_rows_skipped():
    text = (
        "呼图壁县驿站名单,,\r\n填报单位：呼图壁县总工会,,\r\n驿站名称,经度,纬度\r\n"
        "呼图壁驿站,86.9,44.2\r\n,,\r\n合计：1个,,\r\n"
    )
    for data in (text.encode("gbk"), text.encode("utf-8-sig")):
        table = read_rows(data, "csv")
        assert [(r.sheet, r.number, r.values) for r in table.rows] == [
            (None, 4, {"name": "呼图壁驿站", "lon": "86.9", "lat": "44.2"})
        ]
        assert [(n.row, n.column, n.message_zh) for n in table.notes] == [
            (None, None, "第 3 行是表头（第 1–2 行为标题等，未读入）；读入 1 行驿站"),
            (6, "A", "“合计：1个”是合计或说明行，不是驿站，已跳过（无需修改）"),
        ]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("联系人", "contact"),
        ("负责人", "contact"),
        ("驿站类型", "host_type"),
        ("类型", "host_type"),
        ("驿站名称", "name"),
        ("详细地址", "address"),
        ("联系电话", "phone"),
        ("服务内容", "services"),
        ("坐标系", "datum"),
        ("坐标类型", "datum"),
        ("坐标来源", "datum"),
        ("开放时间（必填）", "opening_hours"),
        ("＊联系电话：", "phone"),
        (" 详细\n地址 ", "address"),
        ("【服务内容】", None),  # the whole header in brackets names nothing
    ],
)
def test_header_aliases_and_decorations(header, field):
    out = io.StringIO()
    writer = csv.writer(out)
    name = [] if field == "name" else ["名称"]
    writer.writerow(["经度", "纬度", *name, header])
    writer.writerow(["86", "44", *(["A"] if name else []), "x"])
    [row] = read_rows(out.getvalue().encode(), "csv").rows
    expected = {"lon": "86", "lat": "44"} | ({"name": "A"} if name else {})
    assert row.values == expected | ({field: "x"} if field else {})


def test_full_width_headers_match():
    data = "名称,ＬＯＮ,ｌａｔｉｔｕｄｅ\nA,86,44\n".encode()
    [row] = read_rows(data, "csv").rows
    assert row.values == {"name": "A", "lon": "86", "lat": "44"}


def test_no_station_header_anywhere_is_refused_naming_the_sheet():
    book = openpyxl.Workbook()
    book.active.title = "驿站名单"
    book.active.append(["玛纳斯县驿站名单"])
    book.active.append(["站名", "位置"])
    book.active.append(["A", "B"])
    with pytest.raises(TableError) as caught:
        read_rows(workbook_bytes(book), "xlsx")
    assert caught.value.message_zh == (
        "第 1 张表“驿站名单”：找不到表头（前 30 行中）。请确认表头行含有“名称”“经度”“纬度”等列名"
    )
    assert caught.value.sheet == "驿站名单"
    assert str(caught.value).startswith('Sheet 1 "驿站名单": no header row found')


def test_a_hidden_required_column_is_refused_with_how_to_fix():
    book = openpyxl.Workbook()
    book.active.append(["名称", "经度", "纬度"])
    book.active.append(["A", 86, 44])
    book.active.column_dimensions["C"].hidden = True
    with pytest.raises(TableError) as caught:
        read_rows(workbook_bytes(book), "xlsx")
    assert caught.value.message_zh == (
        "第 1 张表“Sheet”第 1 行：表头有问题：C 列“纬度”是隐藏列：请取消隐藏。"
    )
    assert (caught.value.sheet, caught.value.row) == ("Sheet", 1)


# --- caps: cost follows the stored cells, not the size a sheet declares ----------------


def small_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["名称", "经度", "纬度"])
    book.active.append(["A", 86, 44])
    return workbook_bytes(book)


def hostile(rows_xml: str, dimension: str, after: str = "") -> bytes:
    """:func:`small_workbook` with ``rows_xml`` added to its sheet, which declares
    ``dimension``; ``after`` goes after the sheet data (merged ranges)."""
    data = small_workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', xml)
    xml = xml.replace("</sheetData>", rows_xml + "</sheetData>" + after)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            part = xml.encode() if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            dst.writestr(info.filename, part)
    return out.getvalue()


def counted_read(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[tuple[int, dict[str, object]]] | TableError]:
    """The rows the reader visited (each row it parses passes the deadline check with its
    number) and what it read. A reader that walked a declared grid or the gap below a
    far row would visit about a million rows; one that reads stored cells visits a few."""
    visited: list[int] = []
    check = sheets.Budget.check_time

    def counting(self: sheets.Budget, grid: object = None, row: int | None = None) -> None:
        if row is not None:
            visited.append(row)
        check(self, grid, row)  # type: ignore[arg-type]

    monkeypatch.setattr(sheets.Budget, "check_time", counting)
    try:
        result: list[tuple[int, dict[str, object]]] | TableError = [
            (r.number, r.values) for r in read_rows(data, "xlsx").rows
        ]
    except TableError as exc:
        result = exc
    return len(visited), result


def test_a_value_at_row_two_billion_is_refused_at_once_naming_the_limit(monkeypatch):
    data = hostile(
        '<row r="2000000000"><c r="A2000000000" t="inlineStr"><is><t>x</t></is></c></row>',
        "A1:C2000000000",
    )
    assert len(data) < 6_000  # the file was 1.6 KB and held a worker 30 s
    visited, error = counted_read(data, monkeypatch)
    assert visited <= 10
    assert isinstance(error, TableError)
    assert error.message_zh == (
        "第 1 张表“Sheet”第 2000000000 行 A 列：有内容超出 Excel 最大行号 1,048,576（上限）："
        "请删除该内容或用 Excel 重新保存此表"
    )
    assert "beyond Excel's last row 1,048,576 (the limit)" in str(error)


def test_a_value_in_column_xfd_is_refused_at_once_naming_the_limit(monkeypatch):
    visited, error = counted_read(
        hostile('<row r="3"><c r="XFD3"><v>1</v></c></row>', "A1:XFD3"), monkeypatch
    )
    assert visited <= 10
    assert isinstance(error, TableError)
    assert (error.sheet, error.row, error.column) == ("Sheet", 3, "XFD")
    assert error.message_zh == (
        "第 1 张表“Sheet”第 3 行 XFD 列：有内容超出 200 列的上限（GR 列之后）："
        "请删除该列的内容后重新上传"
    )


@pytest.mark.parametrize(
    ("rows_xml", "dimension", "after"),
    [
        ('<row r="3"><c r="XFD3" s="0"/></row>', "A1:XFD1048576", ""),  # formatting only
        (
            "",
            "A1:XFD1048576",
            '<mergeCells count="1"><mergeCell ref="A5:XFD1048576"/></mergeCells>',
        ),
        ('<row r="1048576" hidden="1"/>', "A1:C1048576", ""),
    ],
)
def test_a_sheet_declaring_its_whole_grid_reads_its_stored_cells_quickly(
    rows_xml, dimension, after, monkeypatch
):
    visited, rows = counted_read(hostile(rows_xml, dimension, after), monkeypatch)
    assert visited <= 10
    assert rows == [(2, {"name": "A", "lon": 86, "lat": 44})]


def test_a_station_far_below_the_others_is_read_without_walking_the_gap(monkeypatch):
    visited, rows = counted_read(
        hostile(
            '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>B</t></is></c>'
            '<c r="B1000000"><v>87</v></c><c r="C1000000"><v>45</v></c></row>',
            "A1:C1000000",
        ),
        monkeypatch,
    )
    assert visited <= 10  # openpyxl's iter_rows yields each of the 999,997 empty rows
    assert rows == [
        (2, {"name": "A", "lon": 86, "lat": 44}),
        (1000000, {"name": "B", "lon": 87, "lat": 45}),
    ]


def test_too_many_rows_are_refused_naming_the_limit(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_DATA_ROWS", 3)
    text = "名称,经度,纬度\n" + "".join(f"S{i},86,44\n" for i in range(3))
    with pytest.raises(TableError) as caught:
        read_rows(text.encode(), "csv")
    assert caught.value.message_zh == (
        "第 4 行：文件中有内容的行超过 3 行的上限：请分成几个较小的文件后上传"
    )
    assert len(read_rows(text[: text.rindex("S2")].encode(), "csv").rows) == 2


def test_too_wide_a_csv_is_refused_naming_the_limit():
    text = "名称,经度,纬度\nA,86,44" + "," * 300 + "x\n"
    with pytest.raises(TableError, match=r"beyond column GR \(the limit of 200 columns\)"):
        read_rows(text.encode(), "csv")


def test_reading_stops_at_its_deadline_with_a_message_naming_it():
    with pytest.raises(TableError) as caught:
        read_rows(small_workbook(), "xlsx", max_seconds=0)
    assert caught.value.message_zh == (
        "读取超过 0 秒的上限，已停止：文件太大或太复杂，请分成几个较小的文件后上传"
    )
    assert "stopped at the limit of 0 seconds" in str(caught.value)


def test_the_deadline_also_stops_openpyxl_inside_a_large_part(monkeypatch):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("驿站")
    sheet.append(["名称", "经度", "纬度", "详细地址"])
    for i in range(20_000):  # 40,000 distinct shared strings, parsed as the book opens
        sheet.append([f"驿站{i}", 86, 44, f"某路{i}号"])
    data = workbook_bytes(book)
    # A clock that moves one second each time the reader looks at it: the deadline
    # falls after 40 looks, while the book is still opening (it looks about 120
    # times before the first row), however fast or loaded the machine is.
    ticks = iter(range(10**6))
    monkeypatch.setattr(sheets, "time", SimpleNamespace(monotonic=lambda: float(next(ticks))))
    with pytest.raises(TableError) as caught:
        read_rows(data, "xlsx", max_seconds=40)
    assert next(ticks) <= 43  # stopped at the deadline, not after reading the part
    assert caught.value.sheet is None  # stopped while the book opened, before any sheet
    assert caught.value.message_zh.endswith(
        "读取超过 40 秒的上限，已停止：文件太大或太复杂，请分成几个较小的文件后上传"
    )


#: The start of an Excel 2003 XML workbook, as some systems' "export to Excel" writes it.
SPREADSHEET_2003 = (
    b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
)


@pytest.mark.parametrize(
    ("data", "name", "start"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "a.xls",
            "无法按 Excel .xls 工作簿读取此文件",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "a.doc",
            "这是 WPS/Office 的 .doc 文件",
        ),
        (b"", "a.csv", "文件是空的"),
        (b"<html><body></body></html>", "a.csv", "这像是网页或 XML 文件"),
        (
            "<html><body><p>暂无数据</p></body></html>".encode(),
            "导出.xls",
            "此文件名为 .xls，实际是网页或 XML 格式的文件，其中没有表格",
        ),
        (SPREADSHEET_2003, "a.xls", "此 XML 格式表格无法读取"),  # cut short
        (b"%PDF-1.4", "a.pdf", "这不是表格文件"),
        (b"name,lat,lon\n", "a.xlsx", "文件名是 .xlsx，但内容不是 Excel 工作簿"),
        (b"PK\x03\x04broken", "a.xlsx", "工作簿已损坏"),
        (b"\xff\xff\xff,lat\n", "a.csv", "无法识别文件的文字编码"),
        ('名称,经度,纬度\nA,86,"'.encode() + b"x" * 140_000 + b'"\n', "a.csv", "第 2 行无法读取"),
    ],
)
def test_a_file_refused_is_refused_in_chinese_saying_how_to_fix(data, name, start):
    from stationmap.tabular import detect_format

    with pytest.raises(TableError) as caught:
        read_rows(data, detect_format(data, name))
    assert caught.value.message_zh.startswith(start)
    assert "：请" in caught.value.message_zh
    assert caught.value.field_error().text("zh") == caught.value.message_zh
    assert caught.value.field_error().text("en") == str(caught.value)


def test_a_two_row_header_with_sub_columns_under_a_merged_coordinate_header():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["昌吉市驿站名单"])
    sheet.append(["序号", "驿站名称", "坐标", None, "负责人"])
    sheet.append([None, None, "经度", "纬度", None])
    for merged in ("A2:A3", "B2:B3", "C2:D2", "E2:E3"):
        sheet.merge_cells(merged)
    sheet.append([1, "昌吉驿站", 87.3, 44.0, "马女士"])
    table = read_rows(workbook_bytes(book), "xlsx")
    assert [(r.number, r.values, dict(r.columns)) for r in table.rows] == [
        (
            4,
            {"name": "昌吉驿站", "lon": 87.3, "lat": 44.0, "contact": "马女士"},
            {"name": "B", "lon": "C", "lat": "D", "contact": "E"},
        )
    ]
    assert table.notes[0].message_zh == (
        "第 2–3 行是表头（第 1 行为标题等，未读入）；读入 1 行驿站"
    )


@pytest.mark.parametrize(
    "tail",
    [
        "以上共2个驿站",
        "共2个",
        "共 12 家",
        "数据截至2025年3月1日",
        "截止2025年3月",
        "玛纳斯县总工会（盖章）",
        "（盖章）",
        "2025年3月1日",
    ],
)
def test_a_line_under_the_list_in_the_name_column_is_skipped_with_a_note(tail):
    """Was: read as a station without coordinates, whose empty 坐标系 made the whole file
    ask which map its coordinates came from."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["序号", "驿站名称", "经度", "纬度", "坐标系"])
    sheet.append([1, "甲驿站", 86.217123, 44.305123, "高德"])
    sheet.append([None, tail])
    out = io.BytesIO()
    book.save(out)
    table = read_rows(out.getvalue(), "xlsx")
    assert [row.values["name"] for row in table.rows] == ["甲驿站"]
    assert f"“{tail}”是合计或说明行，不是驿站，已跳过（无需修改）" in [
        n.message_zh for n in table.notes
    ]
