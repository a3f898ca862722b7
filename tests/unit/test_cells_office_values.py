"""Values as county offices' files carry them: a sign-off row under the list whose
cells fall in the 经度 column, coordinates pasted with invisible characters, typed with
the Chinese full stop or a text apostrophe, phones Excel showed in scientific notation."""

from __future__ import annotations

import io

import openpyxl
import pytest

from stationmap.field_values import ValueProblem
from stationmap.field_values.degrees import parse_degrees
from stationmap.field_values.phones import read_phone
from stationmap.tabular import read_rows


def test_a_sign_off_row_in_the_coordinate_columns_is_skipped_with_a_note():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["名称", "经度", "纬度"])
    sheet.append(["新城区驿站", 111.69, 40.85])
    sheet.append(["填表人：张三", "审核人：李四", "填报日期：2025年3月1日"])
    out = io.BytesIO()
    book.save(out)
    table = read_rows(out.getvalue(), "xlsx")
    assert [row.number for row in table.rows] == [2]
    assert (
        "第 1 张表“驿站”第 3 行 A 列：“填表人：张三”是合计或说明行，不是驿站，已跳过（无需修改）"
        in [note.message_zh for note in table.notes]
    )


def test_a_row_with_a_label_and_coordinates_is_still_read_not_dropped():
    # Only a row whose every cell is a label is a sign-off: coordinates make a station.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "经度", "纬度"])
    sheet.append(["填表人：张三", 111.69, 40.85])
    out = io.BytesIO()
    book.save(out)
    assert [row.number for row in read_rows(out.getvalue(), "xlsx").rows] == [2]


@pytest.mark.parametrize(
    ("text", "axis", "degrees"),
    [
        ("111.69\u200b", "lon", 111.69),  # a zero-width space pasted from a web page
        ("\ufeff40.85", "lat", 40.85),
        ("111。69", "lon", 111.69),  # the Chinese full stop typed for the point
        ("40。85°", "lat", 40.85),
        ("'111.69", "lon", 111.69),  # typed with an apostrophe to keep it as text
    ],
)
def test_coordinates_with_pasted_or_typed_marks_are_read(text, axis, degrees):
    assert parse_degrees(text, axis) == degrees


@pytest.mark.parametrize("text", ["111,69", "。", "'", "111。"])
def test_ambiguous_coordinates_are_still_refused(text):
    with pytest.raises(ValueProblem):
        parse_degrees(text, "lon")


@pytest.mark.parametrize("text", ["1.39123E+10", "4.71612E+09", "1.3912345E+10"])
def test_a_phone_cut_to_scientific_notation_is_refused_saying_how_to_fix_it(text):
    with pytest.raises(ValueProblem) as caught:
        read_phone(text)
    assert caught.value.message_zh == (
        f"电话“{text}”是以科学计数法显示的数字，后几位已经丢失：请在原表中把电话列"
        "的单元格格式设为“文本”，重新输入完整号码后再导出上传"
    )


@pytest.mark.parametrize(
    ("text", "phone"), [("1.3912345678E+10", "13912345678"), ("4.716123456e9", "0471-6123456")]
)
def test_a_phone_in_scientific_notation_with_every_digit_is_read_with_a_note(text, phone):
    reading = read_phone(text)
    assert reading.phone == phone
    assert f"电话“{text}”是科学计数法显示的数字" in reading.notes[0].message_zh


def test_an_unquoted_coordinate_cell_in_a_csv_is_read_as_one_cell_with_a_note():
    text = "名称,经纬度,坐标系,联系电话\n甲驿站,111.69,40.85,wgs84,13912345678\n".encode()
    table = read_rows(text, "csv")
    (row,) = table.rows
    assert row.values == {
        "name": "甲驿站",
        "lon": "111.69",
        "lat": "40.85",
        "datum": "wgs84",
        "phone": "13912345678",
    }
    assert (
        "第 2 行 B 列：坐标 111.69,40.85 没有加引号，其中的逗号把这一行多分出了一格；"
        '已按一格读入，请核对此行。以后请给坐标加上英文双引号（"111.69,40.85"），'
        "或用空格分开经度和纬度"
    ) in [note.message_zh for note in table.notes]


def test_a_csv_row_one_cell_longer_for_another_reason_is_left_as_written():
    text = '名称,经纬度,坐标系\n甲驿站,"111.69,40.85",wgs84,备注\n'.encode()
    (row,) = read_rows(text, "csv").rows
    assert (row.values["lon"], row.values["lat"], row.values["datum"]) == (
        "111.69",
        "40.85",
        "wgs84",
    )


@pytest.mark.parametrize(
    ("text", "phone"), [("13912345678.0", "13912345678"), ("04716123456.00", "0471-6123456")]
)
def test_a_phone_written_out_as_a_float_is_read_as_its_digits(text, phone):
    assert read_phone(text).phone == phone
