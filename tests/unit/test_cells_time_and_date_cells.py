"""Cells an office formatted as times or dates: opening hours in a time cell or in a
开始时间 / 结束时间 pair of columns, and 经度 / 纬度 columns formatted as dates, in an XLSX
workbook and in a CSV file exported from one."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import openpyxl
import pytest

from stationmap.field_values import ValueProblem
from stationmap.field_values.degrees import decimal_places, parse_degrees
from stationmap.geo.hours import HoursError
from stationmap.geo.hours_office import clock_of, hours_from_pair, read_office_hours
from stationmap.station_fields import InvalidStation, parse_station
from stationmap.tabular import read_rows


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (time(8, 0), "08:00"),
        (time(17, 30), "17:30"),
        (datetime(1899, 12, 30, 8, 0), "08:00"),  # Excel's day 0 with a date format
        (datetime(1904, 1, 1, 20, 0), "20:00"),  # a Mac workbook's day 0
        (timedelta(hours=9, minutes=15), "09:15"),  # a [h]:mm cell
        (1 / 3, "08:00"),  # Excel's time number, 8 h of 24
        (0.75, "18:00"),
        ("0.3333333333", "08:00"),  # the same in a CSV cell
        ("08:00:00", "08:00"),  # an XLSX time cell as the reader gives it
        ("07:59:59.997000", "08:00"),  # openpyxl rounds 1/3 of a day to the millisecond
        ("1899-12-30T08:00:00", "08:00"),
        ("1900/1/0 8:00", "08:00"),  # how Excel shows day 0 in a CSV export
        ("8:00", "08:00"),
        ("８：３０", "08:30"),
        ("8点半", "08:30"),
        ("下午6:30", "18:30"),
        ("6:30 PM", "18:30"),
        ("24:00", "24:00"),
    ],
)
def test_a_time_of_day_is_read_from_each_form_a_spreadsheet_gives(value, expected):
    assert clock_of(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "abc", "20", "25:00", 1.5, -0.1, datetime(2024, 5, 1, 8, 0), True]
)
def test_what_is_no_time_of_day_is_none(value):
    assert clock_of(value) is None


@pytest.mark.parametrize(
    ("text", "clock"), [("08:00:00", "08:00"), ("0.3333333333", "08:00"), ("8:30", "08:30")]
)
def test_one_time_in_an_hours_cell_is_refused_saying_what_to_write(text, clock):
    with pytest.raises(HoursError) as caught:
        read_office_hours(text)
    zh = caught.value.message_zh
    assert f"开放时间“{text}”" in zh
    assert "只是一个时刻，不是开放时段" in zh
    assert f"{clock}-20:00（每天）" in zh
    assert "改为“文本”" in zh and "“开始时间”“结束时间”两列" in zh
    assert f"{clock}-20:00 (every day)" in caught.value.message


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (time(8, 0), time(20, 0), "08:00-20:00"),
        ("08:30:00", "17:30:00", "08:30-17:30"),
        (1 / 3, 5 / 6, "08:00-20:00"),
        ("8:00", "0:00", "08:00-24:00"),  # closes at midnight
        ("20:00", "02:00", "20:00-02:00"),  # open over midnight
    ],
)
def test_a_start_and_an_end_column_are_daily_hours_with_a_note(start, end, hours):
    read = hours_from_pair(start, end, "上班时间", "下班时间")
    assert read.opening_hours == hours
    assert read.note_zh.startswith("“上班时间”")
    assert f"已按每天 {hours} 读入，请核对" in read.note_zh


def test_an_empty_pair_gives_no_hours():
    assert hours_from_pair(None, None, "开始时间", "结束时间").opening_hours is None


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("08:00", None, "填了“开始时间”，但“结束时间”是空的"),
        (None, "20:00", "填了“结束时间”，但“开始时间”是空的"),
        ("早上", "20:00", "“开始时间”的“早上”不是时刻"),
        ("08:00", "08:00", "构不成开放时段"),
    ],
)
def test_a_pair_that_gives_no_hours_is_refused_naming_the_column(start, end, words):
    with pytest.raises(HoursError) as caught:
        hours_from_pair(start, end, "开始时间", "结束时间")
    assert words in caught.value.message_zh


def _xlsx(header: list[str], rows: list[list[object]], formats: dict[str, str]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for column, number_format in formats.items():
        for cell in sheet[column][1:]:
            cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_time_formatted_start_and_end_columns_import_as_daily_hours():
    data = _xlsx(
        ["驿站名称", "经度", "纬度", "开门时间", "关门时间"],
        [["新城区驿站", 111.67, 40.83, time(8, 30), time(18, 0)], ["空", 111.6, 40.8]],
        {"D": "h:mm", "E": "h:mm"},
    )
    table = read_rows(data, "xlsx")
    first, second = table.rows
    assert first.values["opening_hours"] == "08:30-18:00"
    assert "hours_start" not in first.values and "hours_end" not in first.values
    assert parse_station(first.values, office_file=True).opening_hours == "08:30-18:00"
    assert second.values["opening_hours"] is None
    # One note for the pair, naming the rows read, however many there are.
    notes = [n for n in table.notes if n.field == "opening_hours"]
    assert [(n.sheet, n.row, n.column) for n in notes] == [("驿站", None, "D")]
    assert notes[0].message_zh == (
        "第 2 行（共 1 行）的“开门时间”“关门时间”已按每天的开放时间读入（第 2 行为 "
        "08:30-18:00），请核对；如周末不开，请改为开放时间列，写 Mo-Fr 08:30-18:00 这样的格式"
    )


def test_a_half_filled_pair_is_an_error_on_the_empty_cell():
    data = _xlsx(
        ["驿站名称", "经度", "纬度", "开始时间", "结束时间"],
        [["新城区驿站", 111.67, 40.83, time(8, 0), None]],
        {"D": "h:mm", "E": "h:mm"},
    )
    (row,) = read_rows(data, "xlsx").rows
    (error,) = row.errors
    assert (error.field, error.row, error.sheet, error.column) == ("opening_hours", 2, "驿站", "E")
    assert "填了“开始时间”，但“结束时间”是空的" in error.message_zh


def test_a_pair_beside_an_hours_column_is_left_unread_with_a_note():
    data = _xlsx(
        ["驿站名称", "经度", "纬度", "开放时间", "开始时间", "结束时间"],
        [["新城区驿站", 111.67, 40.83, "9:00-17:00", time(8, 0), time(20, 0)]],
        {},
    )
    table = read_rows(data, "xlsx")
    assert table.rows[0].values["opening_hours"] == "9:00-17:00"
    texts = [n.message_zh for n in table.notes]
    assert "“开始时间”列未作为开放时间读入：已有“开放时间”列" in texts


def test_a_time_cell_alone_in_the_hours_column_is_refused_saying_what_to_write():
    data = _xlsx(
        ["驿站名称", "经度", "纬度", "开放时间"],
        [["新城区驿站", 111.67, 40.83, time(8, 0)]],
        {"D": "h:mm"},
    )
    (row,) = read_rows(data, "xlsx").rows
    with pytest.raises(InvalidStation) as caught:
        parse_station(row.values, office_file=True)
    (error,) = caught.value.errors
    assert error.field == "opening_hours"
    assert "只是一个时刻，不是开放时段" in error.message_zh


def test_date_formatted_coordinates_read_the_number_the_cell_stores_with_a_note():
    # Excel shows 111.670123 formatted as a date as 1900/4/20 16:04; the file stores
    # the number typed, which is what the office meant.
    data = _xlsx(
        ["驿站名称", "经度", "纬度"],
        [["新城区驿站", 111.670123, 40.831234]],
        {"B": "yyyy/m/d h:mm", "C": "yyyy/m/d"},
    )
    table = read_rows(data, "xlsx")
    (row,) = table.rows
    assert (row.values["lon"], row.values["lat"]) == (111.670123, 40.831234)
    assert row.notes == () and row.errors == ()
    # One note a column, naming the rows read, however many there are.
    lon_note, lat_note = (n for n in table.notes if n.field in ("lon", "lat"))
    assert (lon_note.field, lon_note.row, lon_note.sheet, lon_note.column) == (
        "lon",
        None,
        "驿站",
        "B",
    )
    assert lon_note.message_zh == (
        "第 2 行（共 1 行）的经度单元格格式被设成了日期（显示成 1900 年的某一天）："
        "已按单元格中存的数值（即输入的经度）读入；请选中该列，把单元格格式设为“常规”或“数值”，"
        "以免显示成日期，并核对位置"
    )
    assert (lat_note.field, lat_note.column) == ("lat", "C")
    assert "已按单元格中存的数值（即输入的纬度）读入" in lat_note.message_zh


def test_a_date_typed_in_a_date_formatted_coordinate_is_refused_naming_the_cell():
    data = _xlsx(
        ["驿站名称", "经度", "纬度"],
        [["新城区驿站", datetime(2026, 4, 25), 40.83]],
        {"B": "yyyy/m/d"},
    )
    (row,) = read_rows(data, "xlsx").rows
    (error,) = row.errors
    assert (error.field, error.row, error.sheet, error.column) == ("lon", 2, "驿站", "B")
    assert error.message_zh == (
        "经度单元格的格式被设成了日期，其中是日期“2026/4/25”"
        "（数值 46137），不是度数：请选中该列，把单元格格式设为“常规”或“数值”，"
        "再重新输入经度，如 111.67"
    )


@pytest.mark.parametrize(
    ("text", "axis", "words"),
    [
        ("1900/4/25", "lon", "“1900/4/25”在 Excel 中是数 116，原来可能是 116 点几度"),
        ("1900-02-09", "lat", "“1900-02-09”在 Excel 中是数 40，原来可能是 40 点几度"),
        ("1900/4/25 9:36", "lon", "单元格格式被设成了日期"),
        ("2014年12月28日", "lat", "单元格格式被设成了日期"),
        ("42000", "lon", "不是度数，而是 Excel 中日期 2014/12/27 对应的数"),
        ("45,413", "lat", "不是度数，而是 Excel 中日期 2024/5/1 对应的数"),
    ],
)
def test_a_date_in_a_csv_coordinate_says_the_column_was_formatted_as_a_date(text, axis, words):
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(text, axis, from_sheet=True)
    zh = caught.value.message_zh
    assert words in zh
    assert "把单元格格式设为“常规”或“数值”" in zh


@pytest.mark.parametrize("text", ["1900/4/25", "42000"])
def test_a_date_sent_to_the_api_is_not_told_about_cell_formats(text):
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(text, "lon")
    assert "单元格格式" not in caught.value.message_zh
    assert "经度应为" in caught.value.message_zh


def test_a_date_in_a_csv_coordinate_is_refused_on_its_row_and_column():
    data = "名称,经度,纬度\n新城区驿站,1900/4/25,40.83\n".encode("gb18030")
    (row,) = read_rows(data, "csv").rows
    with pytest.raises(InvalidStation) as caught:
        parse_station(row.values, office_file=True)
    (error,) = (row.locate(e) for e in caught.value.errors)
    assert (error.field, error.row, error.column) == ("lon", 2, "B")
    assert "是一个日期，不是度数" in error.message_zh


def test_start_and_end_columns_holding_dates_are_not_hours_and_refuse_nothing():
    # 开始时间 / 结束时间 may be when a station opened and when its lease ends.
    data = _xlsx(
        ["驿站名称", "经度", "纬度", "开始时间", "结束时间"],
        [["新城区驿站", 111.67, 40.83, datetime(2023, 5, 1), datetime(2025, 12, 31)]],
        {"D": "yyyy/m/d", "E": "yyyy/m/d"},
    )
    table = read_rows(data, "xlsx")
    (row,) = table.rows
    assert row.errors == ()
    assert row.values == {"name": "新城区驿站", "lon": 111.67, "lat": 40.83}
    assert (
        "“开始时间”列未作为开放时间读入：其中是日期（如 2023-05-01），不是每天的开关门时刻"
    ) in [note.message_zh for note in table.notes]


def _dms(degrees: int, minutes: int, seconds: float) -> float:
    return degrees + minutes / 60 + seconds / 3600


@pytest.mark.parametrize(
    ("lon_cell", "lat_cell", "number_format"),
    [
        # 86:13:30 typed into Excel is taken as a duration of 86 hours: a [h]:mm:ss cell
        # storing 86/24 + ... days, which openpyxl gives as a timedelta.
        (
            timedelta(hours=86, minutes=13, seconds=30),
            timedelta(hours=44, minutes=18, seconds=39.6),
            "[h]:mm:ss",
        ),
        # The same days as plain numbers in an h:mm:ss cell (openpyxl: a datetime).
        (_dms(86, 13, 30) / 24, _dms(44, 18, 39.6) / 24, "h:mm:ss"),
    ],
)
def test_degrees_typed_as_hours_minutes_seconds_are_read_as_degrees_with_a_note(
    lon_cell, lat_cell, number_format
):
    data = _xlsx(
        ["驿站名称", "经度", "纬度"],
        [["玛纳斯驿站", lon_cell, lat_cell]],
        {"B": number_format, "C": number_format},
    )
    table = read_rows(data, "xlsx")
    (row,) = table.rows
    assert row.errors == ()
    # Excel keeps days: 86:13:30 is 3.5927 days, whose hours are the degrees typed.
    lon, lat = parse_degrees(row.values["lon"], "lon"), parse_degrees(row.values["lat"], "lat")
    assert lon == pytest.approx(_dms(86, 13, 30), abs=1e-9)
    assert lat == pytest.approx(_dms(44, 18, 39.6), abs=1e-9)
    # Read as 度分秒, not as a float with few decimals (86.225: a coarse point to check).
    assert decimal_places(row.values["lon"]) is None
    lon_note = next(n for n in table.notes if n.field == "lon")
    assert (lon_note.sheet, lon_note.column) == ("驿站", "B")
    assert "按“度:分:秒”输入" in lon_note.message_zh
    assert "已按度、分、秒读入" in lon_note.message_zh
    assert "1900 年" not in lon_note.message_zh


def test_a_time_formatted_coordinate_that_is_no_degrees_either_way_keeps_the_number():
    # 116.4 typed into a time-formatted column is stored as 116.4 (shown 9:36): the
    # number is the degrees, not its hours (2793.6).
    data = _xlsx(["驿站名称", "经度", "纬度"], [["北京驿站", 116.4, 39.9]], {"B": "h:mm"})
    (row,) = read_rows(data, "xlsx").rows
    assert (row.values["lon"], row.values["lat"]) == (116.4, 39.9)


def test_hours_typed_as_8_20_that_excel_made_a_date_are_read_as_those_hours_with_a_note():
    # Typing 8-20 (or 8/20) in a General cell, Excel stores the date 8月20日 of this year.
    data = _xlsx(
        ["驿站名称", "经度", "纬度", "开放时间"],
        [
            ["新城区驿站", 111.67, 40.83, datetime(2026, 8, 20)],
            ["回民区驿站", 111.6, 40.8, datetime(2025, 9, 17)],
        ],
        {"D": 'm"月"d"日"'},
    )
    first, second = read_rows(data, "xlsx").rows
    assert (first.values["opening_hours"], second.values["opening_hours"]) == (
        "08:00-20:00",
        "09:00-17:00",
    )
    (note,) = first.notes
    assert (note.field, note.row, note.sheet, note.column) == ("opening_hours", 2, "驿站", "D")
    assert note.message_zh == (
        "Excel 把输入的开放时间 8-20 存成了日期 8月20日（存为 2026/8/20）：已按每天 "
        "08:00-20:00 读入，请核对；以后请先把该列单元格格式设为“文本”，再输入 08:00-20:00 "
        "这样的开放时间"
    )
    assert first.errors == second.errors == ()
    assert parse_station(first.values, office_file=True).opening_hours == "08:00-20:00"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(2026, 12, 5), "2026/12/5"),  # its month after its day: no 12:00-05:00
        (datetime(2026, 8, 25), "2026/8/25"),  # no 25 o'clock
        (datetime(2026, 8, 8), "2026/8/8"),  # no span from 8 to 8
        (datetime(1900, 1, 1, 9, 30), "1900/1/1 9:30"),  # a date with a time of day
        (datetime(2026, 8, 20, 12, 0), "2026/8/20 12:00"),
    ],
)
def test_any_other_date_in_the_hours_column_is_refused_naming_the_date_and_cell(value, shown):
    data = _xlsx(
        ["驿站名称", "经度", "纬度", "开放时间"],
        [["新城区驿站", 111.67, 40.83, value]],
        {"D": "yyyy/m/d h:mm"},
    )
    (row,) = read_rows(data, "xlsx").rows
    (error,) = row.errors
    assert (error.field, error.row, error.sheet, error.column) == ("opening_hours", 2, "驿站", "D")
    assert error.message_zh == (
        f"开放时间单元格中是日期“{shown}”，不是开放时间（Excel 会把一些输入自动变成日期）："
        "请选中该列，把单元格格式设为“文本”，再重新输入开放时间，如 08:00-20:00 或 "
        "周一至周五 8:00-18:00"
    )
    assert row.values["opening_hours"] is None
