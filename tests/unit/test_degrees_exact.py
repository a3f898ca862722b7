"""Degrees as offices and pickers write them, held exactly where a mutation run of
``field_values/degrees.py`` found no unit test holding them: which of two numbers in one
cell is the longitude (Xinjiang's pairs are both under 90), Excel's day numbers of 1900
dates, the limits of a cell's length, and what each refusal says (the value, both
languages). Expected values are written by hand: Excel numbers 1900-01-01 as day 1 and
counts a 29 February 1900 that never was (day 60), so 1 March 1900 is day 61."""

from __future__ import annotations

import pytest

from stationmap.field_values import ValueProblem
from stationmap.field_values.degrees import parse_degrees, split_pair


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        # Urumqi: both numbers could be a latitude; the larger is the longitude (China).
        ("43.8256, 87.6168", ("43.8256", "87.6168")),
        ("87.6168, 43.8256", ("43.8256", "87.6168")),
        ("87.6168，43.8256", ("43.8256", "87.6168")),
        ("0.5, 0", ("0", "0.5")),  # the rule holds at zero too
        ("0, 0.5", ("0", "0.5")),
        ("39°54'26.4\"N 116°23'51.6\"E", ("39°54'26.4\"N", "116°23'51.6\"E")),
        ("北纬 39.9 东经 116.4", ("北纬 39.9", "东经 116.4")),
        ("东经 86.2 北纬 44.3", ("北纬 44.3", "东经 86.2")),
    ],
)
def test_a_pair_in_one_cell_is_split_with_the_longitude_found(text, pair):
    assert split_pair(text) == pair


@pytest.mark.parametrize("text", ["北纬44, 北纬45", "东经86, 东经87", "44.3", "a, b", "1, 2, 3"])
def test_what_is_no_latitude_and_longitude_pair_is_none(text):
    assert split_pair(text) is None


def test_a_pair_up_to_twice_the_longest_value_and_five_separating_characters_is_read():
    lat, lon = "40." + "1" * 57, "111." + "2" * 56  # 60 characters each, the longest read
    assert split_pair(f"{lat} ,   {lon}") == (lat, lon)  # 125 characters
    assert split_pair(f"{lat} ,    {lon}") is None  # 126


def test_a_value_of_sixty_characters_is_read_and_one_more_is_refused_naming_it():
    assert parse_degrees(" " * 56 + "44.3", "lat") == 44.3
    text = "44." + "3" * 56 + "°"  # 60 characters, not plain decimals
    assert parse_degrees(text, "lat") == pytest.approx(44.3333333)
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(text + " ", "lat")
    assert f"现为“{text[:40]}…”" in caught.value.message_zh  # shown cut after 40 characters


@pytest.mark.parametrize(("text", "serial"), [("1900/1/1", 1), ("1900/2/28", 59)])
def test_a_1900_date_before_the_false_leap_day_is_its_day_of_the_year(text, serial):
    _assert_day(text, "lat", serial)


@pytest.mark.parametrize(
    ("text", "serial"),
    [("1900/2/29", 60), ("1900-03-01", 61), ("1900年3月2日", 62), ("3/30/1900", 90)],
)
def test_from_the_false_leap_day_on_excel_counts_one_day_more(text, serial):
    _assert_day(text, "lat", serial)


def _assert_day(text: str, axis: str, serial: int) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(text, axis, from_sheet=True)
    assert f"在 Excel 中是数 {serial}，原来可能是 {serial} 点几度" in caught.value.message_zh
    assert f"is Excel's day {serial}: the latitude was perhaps {serial}.x" in caught.value.message


@pytest.mark.parametrize("text", ["1900/3/31", "1900/2/30"])
def test_a_date_past_any_latitude_or_no_date_at_all_gets_no_day_number(text):
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(text, "lat", from_sheet=True)
    assert "在 Excel 中是数" not in caught.value.message_zh
    assert f"纬度“{text}”是一个日期，不是度数" in caught.value.message_zh
    assert f"is the date '{text}', not degrees" in caught.value.message


@pytest.mark.parametrize(("value", "day"), [(18264, "1950/1/1"), (73050, "2099/12/31")])
def test_excels_day_numbers_from_1950_to_2099_are_named_as_dates(value, day):
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(value, "lon", from_sheet=True)
    assert caught.value.message_zh.startswith(
        f"经度是 {value}，不是度数，而是 Excel 中日期 {day} 对应的数："
    )
    assert f"is {value}, which is no degree but Excel's number of the date {day}" in (
        caught.value.message
    )
    assert "set the longitude column's cell format to General or Number" in caught.value.message
    assert "(e.g. 86.217)" in caught.value.message


@pytest.mark.parametrize("value", [18263, 73051])
def test_numbers_outside_those_years_are_only_out_of_range(value):
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(value, "lon", from_sheet=True)
    assert caught.value.message_zh == (
        f"经度应为 -180 到 180 之间的度数，例如 86.217；现为 {value}"
    )


@pytest.mark.parametrize(("text", "axis"), [("90", "lat"), ("-90", "lat"), ("180", "lon")])
def test_the_ends_of_each_axis_are_degrees(text, axis):
    assert parse_degrees(text, axis) == float(text)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_value_is_required_in_both_languages(value):
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(value, "lat")
    assert caught.value.message == "is required: give the latitude in degrees, e.g. 44.305"
    assert caught.value.message_zh == "纬度必填：请填写度数，例如 44.305"


def test_a_value_of_another_type_names_the_type():
    with pytest.raises(ValueProblem) as caught:
        parse_degrees([44.3], "lat")
    assert caught.value.message == "must be a number or text such as 44.305, not a list"


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        (
            "86.5°13′",  # decimals only on the last part
            "must be a number of degrees such as 86.217 or 86°13′01.2″E, not '86.5°13′'",
            "经度应为度数，例如 86.217 或 86°13′01.2″E；现为“86.5°13′”，请改正",
        ),
        (
            "86°13.5′20″",
            "must be a number of degrees such as 86.217 or 86°13′01.2″E, not '86°13.5′20″'",
            "经度应为度数，例如 86.217 或 86°13′01.2″E；现为“86°13.5′20″”，请改正",
        ),
        (
            "86°61′",
            "has minutes or seconds of 60 or more in '86°61′': write degrees°minutes′seconds″ "
            "with minutes and seconds below 60",
            "经度“86°61′”的分或秒不小于 60：请按 度°分′秒″ 填写，分和秒都应小于 60",
        ),
        (
            "-86.2W",
            "has both a minus sign and S or W in '-86.2W': keep only one of them",
            "经度“-86.2W”同时有负号和南纬/西经：请只保留其中一个",
        ),
        (
            "1234567°",
            "must be between -180 and 180 degrees, e.g. 86.217; not 1234567°",
            "经度应为 -180 到 180 之间的度数，例如 86.217；现为 1234567°",
        ),
        (
            "٨٦.٢",
            "uses the digit '٨', which is not 0-9: type the number with the digits 0-9, "
            "e.g. 86.217",
            "经度含有非 0-9 的数字“٨”：请用 0-9 输入，例如 86.217",
        ),
        (
            "86.2N",
            "is marked 'N', which is a latitude: check whether the longitude and latitude "
            "columns are swapped",
            "经度标着“N”，这是纬度的方向：请检查经度、纬度两列是否填反",
        ),
        (
            "40.8, 111.7",
            "holds a pair of coordinates, '40.8, 111.7', where one number of degrees goes: "
            "put the latitude and the longitude in their own fields",
            "经度处填的是一对坐标“40.8, 111.7”：请把纬度、经度分别填入各自的格或栏",
        ),
    ],
)
def test_each_refusal_shows_the_value_and_how_to_write_it(text, en, zh):
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(text, "lon")
    assert (caught.value.message, caught.value.message_zh) == (en, zh)


def test_a_huge_whole_number_is_out_of_range_showing_it():
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(12345678, "lon")
    assert caught.value.message_zh == "经度应为 -180 到 180 之间的度数，例如 86.217；现为 12345678"


def test_a_date_past_any_latitude_is_refused_without_a_day_number_said_whole():
    with pytest.raises(ValueProblem) as caught:
        parse_degrees("1900/3/31", "lat", from_sheet=True)
    assert caught.value.message_zh == (
        "纬度“1900/3/31”是一个日期，不是度数：原表中此列的单元格格式被设成了日期，导出时写成了"
        "日期，原来的度数已无法准确还原；请在原表中选中纬度列，把单元格格式设为“常规”或“数值”，"
        "核对或重新输入纬度（如 44.305）后再导出上传"
    )


def test_a_date_cell_of_sixty_characters_is_still_named_as_a_date():
    text = " " * 51 + "1900/4/25"  # 60 characters, the longest read
    with pytest.raises(ValueProblem) as caught:
        parse_degrees(text, "lon", from_sheet=True)
    assert "在 Excel 中是数 116，原来可能是 116 点几度" in caught.value.message_zh


@pytest.mark.parametrize(("text", "degrees"), [("'111.69", 111.69), ("'东经111.69", 111.69)])
def test_excels_text_mark_before_a_value_is_dropped(text, degrees):
    assert parse_degrees(text, "lon") == degrees
