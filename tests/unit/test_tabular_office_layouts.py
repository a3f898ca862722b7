"""Office layouts that once went wrong without a word: a 经纬度 header merged over its
two columns, one station spread over rows under a merged 名称 cell, formulas saved
without their results, rows hidden by the office. Each is read as meant or refused,
naming the sheet, row and column."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from stationmap.tabular import TableError, read_rows


def _bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("header", "lon_col", "lat_col"),
    [("经纬度", "C", "D"), ("坐标（经度、纬度）", "C", "D"), ("纬经度", "D", "C")],
)
def test_a_coordinate_header_merged_over_two_columns_reads_one_number_from_each(
    header, lon_col, lat_col
):
    """Was: the 坐标 cell read alone (one number, "not two numbers") and the second
    column's numbers ignored as headerless."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["序号", "驿站名称", header, None, "详细地址"])
    sheet.merge_cells("C1:D1")
    first, second = (111.91, 40.79) if lon_col == "C" else (40.79, 111.91)
    sheet.append([1, "甲驿站", first, second, "赛罕区1号"])
    sheet.append(
        [
            2,
            "乙驿站",
            "１１１．９２" if lon_col == "C" else "40.80",
            "40.80" if lon_col == "C" else "111.92",
            None,
        ]
    )
    table = read_rows(_bytes(book), "xlsx")
    assert [(r.values["lon"], r.values["lat"]) for r in table.rows] == [
        (111.91, 40.79),
        ("１１１．９２" if lon_col == "C" else "111.92", "40.80"),
    ]
    assert all(not r.errors for r in table.rows)
    assert table.rows[0].columns["lon"] == lon_col
    assert table.rows[0].columns["lat"] == lat_col
    words = {"C": "经度", "D": "纬度"} if lon_col == "C" else {"C": "纬度", "D": "经度"}
    assert any(
        n.message_zh.endswith(f"C 列按{words['C']}、D 列按{words['D']}读入，请核对")
        for n in table.notes
    ), [n.message_zh for n in table.notes]
    assert not any("没有表头" in n.message_zh for n in table.notes)


def test_a_coordinate_header_over_one_column_still_holds_both_numbers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["驿站名称", "经纬度", "备注"])
    sheet.append(["甲驿站", "111.91,40.79", "无"])
    (row,) = read_rows(_bytes(book), "xlsx").rows
    assert (row.values["lon"], row.values["lat"]) == ("111.91", "40.79")


def test_one_station_over_rows_of_a_merged_name_cell_is_refused_on_each_later_row():
    """Was: each row stored as a station of its own, the same name at the same point."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["驿站名称", "经度", "纬度", "联系电话"])
    sheet.append(["甲驿站", 111.91, 40.79, "13812345678"])
    sheet.append([None, None, None, "13912345678"])
    sheet.append([None, None, None, "0471-1234567"])
    sheet.append(["乙驿站", 111.92, 40.80, "13712345678"])
    for cells in ("A2:A4", "B2:B4", "C2:C4"):
        sheet.merge_cells(cells)
    rows = read_rows(_bytes(book), "xlsx").rows
    refused = {(r.number, e.field, e.column, e.sheet) for r in rows for e in r.errors}
    assert refused == {(3, "name", "A", "赛罕区"), (4, "name", "A", "赛罕区")}
    message = rows[1].errors[0].message_zh
    assert "第 2–4 行的名称是一个合并单元格" in message and "只占一行" in message
    assert "rows 2-4 share one merged name cell" in str(rows[1].errors[0].message)


def test_hours_merged_over_two_stations_are_still_carried_down_without_an_error():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["驿站名称", "经度", "纬度", "开放时间"])
    sheet.append(["甲驿站", 111.91, 40.79, "8:00-20:00"])
    sheet.append(["乙驿站", 111.92, 40.80, None])
    sheet.merge_cells("D2:D3")
    rows = read_rows(_bytes(book), "xlsx").rows
    assert [r.values["opening_hours"] for r in rows] == ["8:00-20:00"] * 2
    assert not any(r.errors for r in rows)


def _with_formulas(cached: dict[str, str]) -> bytes:
    """A workbook whose B2, C2 and A3 are formulas; ``cached`` gives the results the
    file stores (as Excel does once it has calculated), by cell."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["驿站名称", "经度", "纬度"])
    sheet.append(["甲驿站", "=111.9+0.01", "=40.7+0.09"])
    sheet.append(['="乙"&"驿站"', 111.92, 40.80])
    data = _bytes(book)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = part.decode()
                for cell, value in cached.items():
                    text, count = re.subn(
                        rf'(<c r="{cell}")(>.*?</f>)<v\s*/>',
                        rf'\1 t="str"\2<v>{value}</v>' if cell == "A3" else rf"\1\2<v>{value}</v>",
                        text,
                    )
                    assert count == 1, cell
                part = text.encode()
            target.writestr(info, part)
    return out.getvalue()


def test_formulas_saved_without_results_are_refused_naming_each_cell():
    """Was: 经度必填 / 名称必填, as if the cells were empty."""
    rows = read_rows(_with_formulas({}), "xlsx").rows
    found = {(r.number, e.field, e.column) for r in rows for e in r.errors}
    assert found == {(2, "lon", "B"), (2, "lat", "C"), (3, "name", "A")}
    error = rows[0].errors[0]
    assert error.sheet == "赛罕区"
    assert "公式" in error.message_zh and "没有保存它的计算结果" in error.message_zh
    assert "formula" in error.message


def test_formulas_with_their_results_read_the_results():
    rows = read_rows(_with_formulas({"B2": "111.91", "C2": "40.79", "A3": "乙驿站"}), "xlsx").rows
    assert [(r.values["name"], r.values["lon"], r.values["lat"]) for r in rows] == [
        ("甲驿站", 111.91, 40.79),
        ("乙驿站", 111.92, 40.8),
    ]
    assert not any(r.errors for r in rows)


def test_hidden_rows_are_not_read_and_the_note_names_them():
    """Was: a row the office hid (a closed station, rows filtered out) imported as any
    other, without a word."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["驿站名称", "经度", "纬度"])
    sheet.append(["甲驿站", 111.91, 40.79])
    sheet.append(["乙驿站（已撤销）", 111.92, 40.80])
    sheet.append(["丙驿站", 111.93, 40.81])
    sheet.append(["丁驿站（已撤销）", 111.94, 40.82])
    sheet.row_dimensions[3].hidden = True
    sheet.row_dimensions[5].hidden = True
    table = read_rows(_bytes(book), "xlsx")
    assert [r.values["name"] for r in table.rows] == ["甲驿站", "丙驿站"]
    (note,) = [n for n in table.notes if "隐藏行" in n.message_zh]
    assert (note.sheet, note.row) == ("赛罕区", 3)
    assert "第 3、5 行是隐藏行，未读入" in note.message_zh
    assert "hidden row(s) 3, 5 are not read" in note.message


def _coordinate_book(headers: list[str], rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["驿站名称", *headers])
    for row in rows:
        sheet.append(row)
    return _bytes(book)


@pytest.mark.parametrize(
    ("headers", "datum"),
    [
        (["高德经度", "高德纬度"], "gcj02"),
        (["百度经度", "百度纬度"], "bd09"),
        (["GPS经度", "GPS纬度"], "wgs84"),
        (["经度（高德坐标）", "纬度（高德坐标）"], "gcj02"),
        (["腾讯地图经度", "腾讯地图纬度"], "gcj02"),
    ],
)
def test_coordinate_headers_that_name_their_map_are_read_in_that_datum(headers, datum):
    """Was: no header found at all (高德经度 is no alias), or (经度（高德坐标）) read with
    the bracket dropped, so the file asked for a datum its headers already give."""
    data = _coordinate_book(headers, [["甲驿站", 111.91, 40.79], ["乙驿站", 111.92, 40.80]])
    table = read_rows(data, "xlsx")
    assert [(r.values["lon"], r.values["lat"], r.values["datum"]) for r in table.rows] == [
        (111.91, 40.79, datum),
        (111.92, 40.8, datum),
    ]
    assert table.rows[0].columns["datum"] == "B"
    assert any(f"列名“{headers[0]}”说明坐标来自" in n.message_zh for n in table.notes)
    english = {"gcj02": "AMap/Tencent (GCJ-02)", "bd09": "Baidu (BD-09)", "wgs84": "GPS (WGS-84)"}
    assert any(f"come from {english[datum]}" in n.message for n in table.notes)


@pytest.mark.parametrize(("header", "datum"), [("百度坐标", "bd09"), ("高德经纬度", "gcj02")])
def test_a_picker_cell_under_a_header_naming_its_map(header, datum):
    (row,) = read_rows(_coordinate_book([header], [["甲驿站", "116.404,39.915"]]), "xlsx").rows
    assert (row.values["lon"], row.values["lat"], row.values["datum"]) == (
        "116.404",
        "39.915",
        datum,
    )


def test_a_datum_cell_that_contradicts_its_header_is_refused_on_that_cell():
    data = _coordinate_book(
        ["高德经度", "高德纬度", "坐标系"],
        [["甲驿站", 111.91, 40.79, "百度"], ["乙驿站", 111.92, 40.80, "高德地图"]],
    )
    first, second = read_rows(data, "xlsx").rows
    ((error,),) = [first.errors]
    assert (error.field, error.row, error.column) == ("datum", 2, "D")
    assert "坐标系写的是“百度”，但列名“高德经度”说明坐标来自高德" in error.message_zh
    assert not second.errors and second.values["datum"] == "高德地图"


def test_headers_naming_two_maps_refuse_the_sheet():
    with pytest.raises(TableError) as caught:
        read_rows(_coordinate_book(["高德经度", "百度纬度"], [["甲驿站", 111.91, 40.79]]), "xlsx")
    assert caught.value.row == 1 and caught.value.sheet == "赛罕区"
    assert "B 列“高德经度”、C 列“百度纬度” 的列名写的是不同的地图" in caught.value.message_zh


@pytest.mark.parametrize("header", ["经度(E)", "经度（°）", "坐标(经度,纬度)"])
def test_brackets_that_name_no_map_give_no_datum(header):
    row = [111.91] if "纬" not in header else ["111.91,40.79"]
    headers = [header] if "纬" in header else [header, "纬度"]
    (read,) = read_rows(_coordinate_book(headers, [["甲驿站", *row, 40.79]]), "xlsx").rows
    assert read.values.get("datum") is None


@pytest.mark.parametrize(
    "cell",
    [
        "39°54′27″N 116°23′29″E",
        "N39°54′27″,E116°23′29″",
        "北纬39°54′27″ 东经116°23′29″",
        "39度54分27秒N，116度23分29秒E",
        "116°23′29″E,39°54′27″N",
    ],
)
def test_a_coordinate_cell_marked_with_hemispheres_is_read_in_their_order(cell):
    """Was: a latitude-first cell marked N and E refused with "经度标着 N: check whether
    the 经度 and 纬度 columns are swapped", though there is one column and the marks say
    which number is which."""
    from stationmap.field_values.degrees import parse_degrees

    (row,) = read_rows(_coordinate_book(["坐标"], [["甲驿站", cell]]), "xlsx").rows
    assert not row.errors
    lat = 39 + 54 / 60 + 27 / 3600
    lon = 116 + 23 / 60 + 29 / 3600
    assert parse_degrees(row.values["lat"], "lat") == pytest.approx(lat, abs=1e-9)
    assert parse_degrees(row.values["lon"], "lon") == pytest.approx(lon, abs=1e-9)


@pytest.mark.parametrize(("name", "kind"), [("名单.et", ".et"), ("名单.wps", ".wps")])
def test_a_wps_file_is_refused_by_its_own_name_saying_to_save_as_xlsx(name, kind):
    """Was: called "旧版 Excel .xls 文件", which the office does not have."""
    from stationmap.tabular import detect_format

    with pytest.raises(TableError) as caught:
        detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name)
    assert f"这是 WPS/Office 的 {kind} 文件" in caught.value.message_zh
    assert "另存为 .xlsx" in caught.value.message_zh and ".xls 文件" not in caught.value.message_zh
    assert f"{kind} file" in str(caught.value)


def test_a_two_row_header_with_group_cells_over_columns_that_are_not_fields():
    """Was: 乡镇（街道） | 社区 under a merged 所属区域 made the second row no sub-header, so
    the header was taken to be row 3 alone and refused: "缺少名称列" (名称 is B2:B3)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["赛罕区驿站统计表"])
    sheet.merge_cells("A1:H1")
    sheet.append(["序号", "驿站名称", "所属区域", None, "位置", None, "联系电话", "备注"])
    sheet.append([None, None, "乡镇（街道）", "社区", "经度", "纬度", None, None])
    for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:F2", "G2:G3", "H2:H3"):
        sheet.merge_cells(cells)
    sheet.append([1, "甲驿站", "敕勒川路街道", "某社区", 111.91, 40.79, "13812345678", None])
    table = read_rows(_bytes(book), "xlsx")
    (row,) = table.rows
    assert row.number == 4
    assert row.values == {"name": "甲驿站", "lon": 111.91, "lat": 40.79, "phone": "13812345678"}
    assert any("第 2–3 行是表头" in n.message_zh for n in table.notes)


def test_a_row_of_units_under_the_header_is_skipped_with_a_note():
    """Was: read as a station: 名称必填, 经度 “（度）” is no number."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["驿站名称", "经度", "纬度", "联系电话"])
    sheet.append([None, "（度）", "(°)", None])
    sheet.append(["甲驿站", 111.91, 40.79, "13812345678"])
    table = read_rows(_bytes(book), "xlsx")
    assert [r.number for r in table.rows] == [3]
    assert any(n.row == 2 and "单位说明，已跳过" in n.message_zh for n in table.notes)


@pytest.mark.parametrize(
    ("value", "places"),
    [
        ("40.79", 2),
        ("４０．７９１２", 4),
        (" 111.9 ", 1),
        (112, 0),
        (40.8, 1),
        (111.912345, 6),
        ("40°47′27″", None),
        ("1e-05", None),
        (float("nan"), None),
        (True, None),
        (None, None),
    ],
)
def test_decimal_places_of_degrees_as_written(value, places):
    from stationmap.field_values.degrees import decimal_places

    assert decimal_places(value) == places


def test_a_repeated_header_and_section_headings_are_skipped_with_notes():
    """Was: a block pasted under the first with its own header, and 一、城区驿站 on a row
    of its own, read as stations (经度“经度” is no number; 经度必填)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "赛罕区"
    sheet.append(["序号", "驿站名称", "经度", "纬度"])
    sheet.append([None, "一、城区驿站"])
    sheet.append([1, "甲驿站", 111.91, 40.79])
    sheet.append([None, "（二）乡镇驿站"])
    sheet.append(["序号", "驿站名称", "经度", "纬度"])
    sheet.append([2, "乙驿站", 111.92, 40.80])
    sheet.append([3, "三、四驿站", 111.93, 40.81])  # a name, with its point: a station
    table = read_rows(_bytes(book), "xlsx")
    assert [(r.number, r.values["name"]) for r in table.rows] == [
        (3, "甲驿站"),
        (6, "乙驿站"),
        (7, "三、四驿站"),
    ]
    skipped = {n.row: n.message_zh for n in table.notes if "已跳过" in n.message_zh}
    assert sorted(skipped) == [2, 4, 5]
    assert "“一、城区驿站”是分类标题" in skipped[2] and "重复了表头" in skipped[5]


def test_a_lone_name_that_is_no_section_heading_is_still_a_station_row():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["驿站名称", "经度", "纬度"])
    sheet.append(["城区驿站"])
    (row,) = read_rows(_bytes(book), "xlsx").rows
    assert row.values == {"name": "城区驿站", "lon": None, "lat": None}


def test_a_csv_of_a_merged_coordinate_header_reads_the_headerless_column_as_latitude():
    """Excel saves a 经纬度 header merged over C:D as "经纬度," in CSV: was refused
    ("111.91" is not two numbers; column C has values but no header)."""
    text = "驿站名称,经纬度,,详细地址\n甲驿站,111.91,40.79,赛罕区1号\n乙驿站,111.92,40.80,\n"
    table = read_rows(text.encode("gb18030"), "csv")
    assert [(r.values["lon"], r.values["lat"]) for r in table.rows] == [
        ("111.91", "40.79"),
        ("111.92", "40.80"),
    ]
    assert not any(r.errors for r in table.rows)
    assert any("B 列按经度、C 列按纬度读入" in n.message_zh for n in table.notes)


def test_a_coordinate_header_beside_an_empty_headerless_column_still_holds_both_numbers():
    text = '驿站名称,经纬度,,备注\n甲驿站,"111.91,40.79",,无\n乙驿站,111.92 40.80,已核实,\n'
    rows = read_rows(text.encode(), "csv").rows
    assert [(r.values["lon"], r.values["lat"]) for r in rows] == [
        ("111.91", "40.79"),
        ("111.92", "40.80"),
    ]
    assert not any(r.errors for r in rows)


@pytest.mark.parametrize(
    ("lon_header", "lat_header"),
    [("经度坐标", "纬度坐标"), ("X坐标（经度）", "Y坐标（纬度）"), ("X(经度)", "Y(纬度)")],
)
def test_coordinate_headers_with_words_around_the_axis_are_read(lon_header, lat_header):
    """Was: no header found (经度坐标 and X坐标（经度） match no alias)."""
    data = _coordinate_book([lon_header, lat_header], [["甲驿站", 111.91, 40.79]])
    (row,) = read_rows(data, "xlsx").rows
    assert (row.values["lon"], row.values["lat"]) == (111.91, 40.79)
    assert row.values.get("datum") is None


def test_projected_x_y_headers_are_still_no_coordinate_columns():
    with pytest.raises(TableError, match="no header row found"):
        read_rows(_coordinate_book(["X坐标", "Y坐标"], [["甲驿站", 4512345.6, 37512345.7]]), "xlsx")


@pytest.mark.parametrize(
    ("group", "datum"), [("坐标（高德）", "gcj02"), ("百度坐标", "bd09"), ("高德经纬度", "gcj02")]
)
def test_a_group_header_naming_its_map_over_longitude_and_latitude_gives_the_datum(group, datum):
    """Was: the sub-column headers 经度 | 纬度 replaced the group header above them, and
    the file asked which map its coordinates came from though the header said it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["驿站名称", group, None, "地址"])
    sheet.append([None, "经度", "纬度", None])
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("D1:D2")
    sheet.append(["甲驿站", 86.21712, 44.30512, "玛纳斯县"])
    table = read_rows(_bytes(book), "xlsx")
    (row,) = table.rows
    assert (row.values["lon"], row.values["lat"], row.values["datum"]) == (
        86.21712,
        44.30512,
        datum,
    )
    assert any(f"列名“{group}”说明坐标来自" in n.message_zh for n in table.notes)


def test_degree_and_second_columns_without_minutes_still_say_to_write_the_angle_in_one():
    """Was: told the three columns are one field and to keep one of them, which keeps
    whole degrees (55 km off) and drops the minutes and seconds. Columns that are no
    whole angle (no 分 beside 度 and 秒) are still refused, saying how to write it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["驿站名称", "经度（度）", "经度（秒）", "纬度"])
    sheet.append(["甲驿站", 86, 781.2, 44.305123])
    with pytest.raises(TableError) as refused:
        read_rows(_bytes(book), "xlsx")
    zh = refused.value.message_zh
    assert "B 列“经度（度）”、C 列“经度（秒）” 是经度的度、分、秒" in zh
    assert "请合并成一列，写成如 86°13′01.2″ 的度分秒，或 86.217 这样的度数" in zh
    assert "请只保留一列" not in zh


def angle_workbook(two_rows: bool, rows: list[list[object]]) -> bytes:
    """A county list with the degrees, minutes and seconds of each axis in columns of
    their own: under a 经度 | 纬度 header merged over 度 | 分 | 秒 (``two_rows``), or
    headed 经度（度） | 经度（分） | 经度（秒） ... in one row. Each of ``rows`` is a name,
    the longitude's three cells, the latitude's three cells and an address."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    if two_rows:
        sheet.append(["序号", "驿站名称", "经度", None, None, "纬度", None, None, "地址"])
        sheet.append([None, None, "度", "分", "秒", "度", "分", "秒", None])
        sheet.merge_cells("C1:E1")
        sheet.merge_cells("F1:H1")
    else:
        parts = [f"{axis}（{part}）" for axis in ("经度", "纬度") for part in ("度", "分", "秒")]
        sheet.append(["序号", "驿站名称", *parts, "地址"])
    for number, row in enumerate(rows, 1):
        sheet.append([number, *row])
    return _bytes(book)


def _angle_columns(two_rows: bool, lon: list[object], lat: list[object]) -> bytes:
    return angle_workbook(two_rows, [["甲驿站", *lon, *lat, "玛纳斯县"]])


@pytest.mark.parametrize("two_rows", [True, False], ids=["two-row header", "one-row header"])
def test_degrees_minutes_and_seconds_in_columns_of_their_own_are_combined(two_rows):
    """Was: the two-row form read 度 | 分 | 秒 as a station (经度 “度” is no number) and
    the one-row form refused the header, saying to write each angle in one column."""
    table = read_rows(_angle_columns(two_rows, [86, 13, 1.2], [44, "18", None]), "xlsx")
    (row,) = table.rows
    assert row.errors == ()
    assert row.number == (3 if two_rows else 2)
    assert row.values["lon"] == 86 + 13 / 60 + 1.2 / 3600
    assert row.values["lat"] == 44 + 18 / 60 + 0 / 3600  # an empty 秒 is 0
    assert (row.columns["lon"], row.columns["lat"]) == ("C", "F")
    combined = {n.column: n.message_zh for n in table.notes if "合并" in n.message_zh}
    assert sorted(combined) == ["C", "F"]
    assert "C–E 列是经度的度、分、秒，已按 度 + 分/60 + 秒/3600 合并为经度读入" in combined["C"]
    assert "F–H 列是纬度的度、分、秒" in combined["F"]
    assert not [n.message_zh for n in table.notes if n.column in ("D", "E", "G", "H")]
    if two_rows:
        assert any("第 1–2 行是表头" in n.message_zh for n in table.notes)


@pytest.mark.parametrize(
    ("lon", "lat", "field", "column", "said"),
    [
        ([86, 60, 1.2], [44, 18, 18], "lon", "D", "经度的分是 60，应不小于 0、小于 60"),
        ([86, 13, 60], [44, 18, 18], "lon", "E", "经度的秒是 60，应不小于 0、小于 60"),
        ([86, -1, 1.2], [44, 18, 18], "lon", "D", "经度的分是 -1，应不小于 0、小于 60"),
        ([86, 13, 1.2], [44, 18, "十八"], "lat", "H", "纬度的秒“十八”不是数"),
        ([86, 13, 1.2], [44, "18′", 18], "lat", "G", "纬度的分“18′”不是数"),
        (["东经86", 13, 1.2], [44, 18, 18], "lon", "C", "经度的度“东经86”不是数"),
        ([86, None, 1.2], [44, 18, 18], "lon", "D", "经度的分是空的，秒却有值"),
        ([86, 13.5, 1.2], [44, 18, 18], "lon", "D", "经度的分“13.5”带小数，后面却还有秒"),
        ([86, 13, 1.2], [44.3, 18, None], "lat", "F", "纬度的度“44.3”带小数，后面却还有分"),
    ],
    ids=[
        "minute 60",
        "second 60",
        "minute -1",
        "second text",
        "minute 18′",
        "degree 东经86",
        "no minute",
        "13.5′ then 1.2″",
        "44.3° then 18′",
    ],
)
@pytest.mark.parametrize("two_rows", [True, False], ids=["two-row header", "one-row header"])
def test_a_part_of_an_angle_that_is_no_number_or_out_of_range_is_refused_on_its_cell(
    two_rows, lon, lat, field, column, said
):
    (row,) = read_rows(_angle_columns(two_rows, lon, lat), "xlsx").rows
    assert [(e.field, e.column, e.sheet, e.row) for e in row.errors] == [
        (field, column, "驿站", 3 if two_rows else 2)
    ]
    zh = row.errors[0].message_zh
    assert said in zh, zh
    assert "请改正" in zh and ("如 86°13′01.2″" in zh or "如 44°18′18″" in zh)
