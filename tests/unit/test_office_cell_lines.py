"""An office's cell written over lines (Excel's Alt+Enter: an address on two lines, two
phone numbers, two contacts) is read as one line with a note, where the API and the
editor still refuse a line break in a one-line field."""

from __future__ import annotations

import io

import openpyxl
import pytest

from stationmap.services.transfer import check_file
from stationmap.station_fields import InvalidStation, parse_station

POINT = {"lat": "40.812345", "lon": "111.665432", "datum": "wgs84"}


@pytest.mark.parametrize(
    ("field", "cell", "stored"),
    [
        ("name", "新城区\n暖新驿站", "新城区暖新驿站"),
        ("name", "新城区 \r\n 暖新驿站", "新城区暖新驿站"),
        ("address", "呼和浩特市新城区\n某路12号\nB座", "呼和浩特市新城区某路12号 B座"),
        ("address", "Xincheng Rd\n12", "Xincheng Rd 12"),
        ("contact", "张三\n李四", "张三、李四"),
        ("phone", "0471-6000001\n13812345678", "0471-6000001 / 13812345678"),
    ],
)
def test_a_cell_over_lines_is_one_line_with_a_note(field, cell, stored):
    item = parse_station({"name": "驿站", **POINT, field: cell}, office_file=True)
    assert getattr(item, field) == stored
    note = next(n for n in item.notes if n.field == field)
    assert "Alt+Enter" in note.message_zh and "\n" not in note.message_zh


@pytest.mark.parametrize(
    ("cell", "osm"),
    [
        ("周一至周五 9:00-18:00\n周六 9:00-12:00", "Mo-Fr 09:00-18:00; Sa 09:00-12:00"),
        ("8:00-20:00\r\n节假日休息", "Mo-Su 08:00-20:00; PH off"),
    ],
)
def test_hours_over_lines_are_one_rule_a_line(cell, osm):
    """Was: refused as 开放时间含有控制字符（如换行、制表符）."""
    item = parse_station({"name": "驿站", **POINT, "opening_hours": cell}, office_file=True)
    assert item.opening_hours == osm
    note = next(n for n in item.notes if "Alt+Enter" in n.message_zh)
    assert note.field == "opening_hours"


@pytest.mark.parametrize("field", ["name", "address", "contact", "phone"])
def test_the_api_and_the_editor_still_refuse_a_line_break(field):
    with pytest.raises(InvalidStation) as refused:
        parse_station({"name": "驿站", **POINT, field: "甲\n乙"})
    assert {e.field for e in refused.value.errors} == {field}
    assert any("控制字符" in e.message_zh for e in refused.value.errors)


def test_a_tab_is_still_refused_in_an_office_file():
    with pytest.raises(InvalidStation) as refused:
        parse_station({"name": "驿站\t甲", **POINT}, office_file=True)
    assert "控制字符" in refused.value.errors[0].message_zh


def test_a_workbook_with_alt_enter_cells_imports(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "地址", "联系人", "电话", "纬度", "经度", "坐标系"])
    cells = ["新城区\n暖新驿站", "新城区\n某路12号", "张三\n李四", "13812345678\n13912345678"]
    sheet.append([*cells, 40.812345, 111.665432, "WGS84"])
    data = io.BytesIO()
    book.save(data)
    checked = check_file(data.getvalue(), "名单.xlsx")
    assert checked.errors == []
    (item,) = checked.inputs
    assert (item.name, item.address, item.contact, item.phone) == (
        "新城区暖新驿站",
        "新城区某路12号",
        "张三、李四",
        "13812345678 / 13912345678",
    )
    assert sum("Alt+Enter" in n.message_zh for n in checked.all_notes()) == 4


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("运营中", "active"),
        ("在用", "active"),
        ("正常运营", "active"),
        ("营业中", "active"),
        ("暂停使用", "suspended"),
        ("维修中", "suspended"),
        ("已停用", "closed"),
        ("已撤销", "closed"),
        ("停止运营", "closed"),
    ],
)
def test_the_status_words_offices_write_are_read(written, status):
    """An office's 运营状态 column uses its own words for the three states."""
    assert parse_station({"name": "驿站", **POINT, "status": written}, office_file=True).status == (
        status
    )


def test_an_offices_operating_status_column_is_read():
    """运营状态 is the status column: a station 维修中 is not imported as open."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "纬度", "经度", "坐标系", "运营状态"])
    sheet.append(["海东路驿站", 40.812345, 111.665432, "WGS84", "维修中"])
    sheet.append(["中山路驿站", 40.813456, 111.666543, "WGS84", "已停用"])
    data = io.BytesIO()
    book.save(data)
    checked = check_file(data.getvalue(), "名单.xlsx")
    assert checked.errors == []
    assert [item.status for item in checked.inputs] == ["suspended", "closed"]
