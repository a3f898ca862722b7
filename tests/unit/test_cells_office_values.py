"""Values as county offices' files carry them: a sign-off row under the list whose
cells fall in the 经度 column, coordinates pasted with invisible characters, typed with
the Chinese full stop or a text apostrophe, phones Excel showed in scientific notation."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from stationmap.field_values import ValueProblem
from stationmap.field_values.degrees import parse_degrees
from stationmap.field_values.phones import read_phone
from stationmap.geo.hours import HoursError
from stationmap.geo.hours_office import clock_of, read_office_hours
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
    assert "“填表人：张三”是合计或说明行，不是驿站，已跳过（无需修改）" in [
        note.message_zh for note in table.notes
    ]


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
        "坐标 111.69,40.85 没有加引号，其中的逗号把这一行多分出了一格；"
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
    ("text", "phone"),
    [
        ("13912345678.0", "13912345678"),
        ("04716123456.00", "0471-6123456"),
        ("0471-6123456.0", "0471-6123456"),  # was read as 0471-61234560
        ("13912345678.0/13812345678.0", "13912345678 / 13812345678"),
        ("13,912,345,678", "13912345678"),  # a 数值 cell with thousands separators
    ],
)
def test_a_phone_written_out_as_a_float_is_read_as_its_digits(text, phone):
    assert read_phone(text).phone == phone


def _with_error_values(cells: dict[str, str]) -> bytes:
    """A workbook whose cells ``cells`` (B2: its XML) hold Excel error values, as Excel
    saves a formula that failed: openpyxl writes no cached results, so the sheet's XML
    is edited."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["名称", "经度", "纬度", "坐标系"])
    sheet.append(["甲驿站", 111.69, 40.85, "wgs84"])
    sheet.append(["乙驿站", 111.70, 40.86, "wgs84"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, xml in cells.items():
                    text = re.sub(rf'<c r="{ref}"[^>]*>.*?</c>', xml, text)
                data = text.encode()
            zout.writestr(item, data)
    return out.getvalue()


def test_excel_error_values_are_refused_saying_the_formula_failed_and_why():
    data = _with_error_values(
        {
            "B2": '<c r="B2" t="e"><f>VLOOKUP(A2,坐标!A:C,2,0)</f><v>#N/A</v></c>',
            "C3": '<c r="C3" t="e"><v>#REF!</v></c>',
        }
    )
    first, second = read_rows(data, "xlsx").rows
    ((error_1,), (error_2,)) = first.errors, second.errors
    assert (error_1.field, error_1.row, error_1.sheet, error_1.column) == ("lon", 2, "驿站", "B")
    assert error_1.message_zh == (
        "此单元格是公式算出的错误值 #N/A：查找公式（如 VLOOKUP）没有找到要找的值。"
        "请改正公式，或把它改为要填的值"
    )
    assert (error_2.field, error_2.row, error_2.column) == ("lat", 3, "C")
    assert "错误值 #REF!：公式引用的单元格已被删除" in error_2.message_zh


def test_template_rows_with_only_filled_down_choices_are_skipped_with_one_note():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(["序号", "站点名称", "经度", "纬度", "坐标系", "状态"])
    sheet.append([1, "甲驿站", 111.69, 40.85, "高德", "运营中"])
    for number in range(2, 8):  # a template's rows, its drop-downs filled down
        sheet.append([number, None, None, None, "高德", "运营中"])
    sheet.append([8, None, 111.70, 40.86, "高德", "运营中"])  # a station without a name
    out = io.BytesIO()
    book.save(out)
    table = read_rows(out.getvalue(), "xlsx")
    assert [row.number for row in table.rows] == [2, 9]
    assert (
        "第 3-8 行（共 6 行）只填了坐标系、状态，没有名称、地址和坐标，"
        "不是驿站，已跳过（无需修改；不需要的话可删去这些行）"
    ) in [note.message_zh for note in table.notes]


@pytest.mark.parametrize(
    "cell",
    [
        "经度：111.69 纬度：40.85",
        "纬度40.85，经度111.69",
        "lng:111.69,lat:40.85",
        "latitude=40.85 longitude=111.69",
    ],
)
def test_a_coordinate_cell_naming_each_axis_is_read_by_the_names(cell):
    data = f'名称,经纬度,坐标系\n甲驿站,"{cell}",wgs84\n'.encode()
    (row,) = read_rows(data, "csv").rows
    assert (row.values["lon"], row.values["lat"]) == ("111.69", "40.85")
    assert row.errors == ()


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("早8点-晚8点", "Mo-Su 08:00-20:00"),
        ("早8:00-晚9:30", "Mo-Su 08:00-21:30"),
        ("全年无休 8:00-20:00", "Mo-Su 08:00-20:00"),  # 无休 is no 休 (closed)
        ("8:00-20:00 无休", "Mo-Su 08:00-20:00"),
    ],
)
def test_hours_written_with_early_late_and_no_rest_are_converted(text, hours):
    assert read_office_hours(text).opening_hours == hours


def test_a_late_clock_in_a_start_or_end_cell_is_on_the_evening():
    assert (clock_of("晚8点"), clock_of("早8点")) == ("20:00", "08:00")


@pytest.mark.parametrize(
    ("text", "hours"),
    [("早8点-晚12点", "Mo-Su 08:00-24:00"), ("早上8点-晚上12点", "Mo-Su 08:00-24:00")],
)
def test_twelve_in_the_evening_is_midnight(text, hours):
    assert read_office_hours(text).opening_hours == hours
    assert clock_of("晚上12点") == "24:00"


def test_a_lone_evening_time_is_shown_as_the_end_of_the_example_span():
    with pytest.raises(HoursError) as caught:
        read_office_hours("21:00")
    assert "如 08:00-21:00（每天）" in caught.value.message_zh
