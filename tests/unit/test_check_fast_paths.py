"""Reading and checking a row take quick paths for what a CSV file holds (plain text cells,
plain decimal degrees, rows without a formula guard or a line break, sheets without 坐标
cells or merged cells). Each test here gives the same value by a quick path and by the
full one (text and another type, a row with and without a cell that needs more than
stripping) and expects the same answer, written out here."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from stationmap.station_fields import (
    FIELDS,
    InvalidStation,
    parse_station,
    parse_station_as_entered,
)
from stationmap.tabular import Format, read_rows


class Cell(str):
    """Text of another type than ``str`` (as a library might hand a cell over): it takes
    the full type check, where plain text does not."""


BASE: dict[str, Any] = {"name": "青城驿站", "lat": "40.8", "lon": "111.7"}


def _errors(raw: dict[str, Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(InvalidStation) as caught:
        parse_station(raw)
    return [(e.field, e.message, e.message_zh) for e in caught.value.errors]


@pytest.mark.parametrize(
    ("field", "values", "expected"),
    [
        ("name", ["青城驿站", Cell("青城驿站"), " 青城驿站 "], "青城驿站"),
        ("phone", ["13912345678", Cell("13912345678"), 13912345678.0, 13912345678], "13912345678"),
        ("address", ["人民路 1 号", Cell("人民路 1 号")], "人民路 1 号"),
        ("status", ["暂停", Cell("暂停"), "suspended"], "suspended"),
    ],
)
def test_text_and_other_types_of_the_same_value_give_the_same_station(
    field: str, values: list[object], expected: str
) -> None:
    for value in values:
        assert getattr(parse_station({**BASE, field: value}), field) == expected, value


@pytest.mark.parametrize("value", ["40.8", " 40.8 ", Cell("40.8"), 40.8, "４０．８", "北纬40°48′"])
def test_a_latitude_in_any_form_is_the_same_number(value: object) -> None:
    assert parse_station({**BASE, "lat": value}).lat == 40.8


def test_an_unpaired_surrogate_is_refused_alike_in_text_and_in_another_type() -> None:
    expected = [
        (
            "name",
            "contains an invalid character (an unpaired UTF-16 surrogate such as \\ud800): "
            "type the text again",
            "名称含有无效字符（不成对的 UTF-16 代理码，如 \\ud800）：请重新输入这段文字",
        )
    ]
    assert _errors({**BASE, "name": "青城\ud800"}) == expected
    assert _errors({**BASE, "name": Cell("青城\ud800")}) == expected


@pytest.mark.parametrize("value", ["91", Cell("91"), 91])
def test_a_latitude_out_of_range_gets_one_message_in_text_and_as_a_number(value: object) -> None:
    assert _errors({**BASE, "lat": value}) == [
        (
            "lat",
            "must be between -90 and 90 degrees, e.g. 44.305; not 91",
            "纬度应为 -90 到 90 之间的度数，例如 44.305；现为 91",
        )
    ]


def test_type_errors_are_listed_in_field_order_whatever_order_the_row_gives() -> None:
    raw: dict[str, Any] = {
        "status": ["active"],
        "amenities": [{"code": "water"}],
        "lon": "111.7",
        "lat": "40.8",
        "name": {"zh": "青城驿站"},
    }
    assert list(raw) != [f for f in FIELDS if f in raw]  # not given in field order
    assert _errors(raw) == [
        (
            "name",
            "must be text, not an object ({...})",
            "名称应为文字，不能是对象（{…}）：请改为一段文字",
        ),
        (
            "amenities",
            "must be text or a list of texts, not a list holding an object ({...})",
            "服务设施应为文字或文字列表，不能是含有对象（{…}）的列表：请改为文字，多项用“；”分开",
        ),
        ("status", "must be text, not a list", "状态应为文字，不能是列表：请改为一段文字"),
    ]


def test_the_degrees_carried_to_the_placement_checks_are_as_entered() -> None:
    lat = 40 + 58 / 60 + 16.5 / 3600
    station, degrees = parse_station_as_entered(
        {**BASE, "lat": "北纬40°58′16.5″", "lon": "111.7", "datum": "gcj02"}
    )
    assert degrees == (lat, 111.7)  # as written, in GCJ-02
    assert abs(station.lat - lat) > 1e-4  # the station itself is stored in WGS-84
    station, degrees = parse_station_as_entered({**BASE, "lat": "40.971258", "lon": 111.738961})
    assert degrees == (40.971258, 111.738961)
    assert (station.lat, station.lon) == (40.971258, 111.738961)


def test_a_refused_row_carries_no_degrees() -> None:
    with pytest.raises(InvalidStation):
        parse_station_as_entered({**BASE, "lat": "91"})


def _values(data: bytes, fmt: Format = "csv") -> list[dict[str, object]]:
    return [row.values for row in read_rows(data, fmt).rows]


def test_csv_cells_are_stripped_and_unguarded_whatever_else_is_in_their_row() -> None:
    text = (
        "name,lat,lon,address\r\n"
        " 站A ,40.8,111.7, 人民路 \r\n"  # nothing but spaces to strip
        '\'=站B,40.8,111.7," a\r\nb "\r\n'  # a formula guard and a line break in one row
        "O'Brien站,40.8,111.7,'人民路\r\n"  # an apostrophe that guards nothing
        "''站C, 40.8 ,111.7,\r\n"
        '站D,40.8,111.7,"x\ry"\r\n'  # a bare carriage return inside a cell
    )
    assert _values(text.encode()) == [
        {"name": "站A", "lat": "40.8", "lon": "111.7", "address": "人民路"},
        {"name": "=站B", "lat": "40.8", "lon": "111.7", "address": "a\nb"},
        {"name": "O'Brien站", "lat": "40.8", "lon": "111.7", "address": "'人民路"},
        {"name": "'站C", "lat": "40.8", "lon": "111.7", "address": None},
        {"name": "站D", "lat": "40.8", "lon": "111.7", "address": "x\ny"},
    ]


def _book(merge: str | None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "纬度", "经度", "地址", "备注"])
    sheet.append(["站A", 40.8, 111.7, "人民路", "甲"])
    sheet.append(["站B", 40.9, 111.8, None, None])
    if merge is not None:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_merged_station_cell_gives_its_value_to_each_row_and_an_ignored_one_does_not() -> None:
    first = {"name": "站A", "lat": 40.8, "lon": 111.7, "address": "人民路"}
    second = {"name": "站B", "lat": 40.9, "lon": 111.8}
    assert _values(_book(None), "xlsx") == [first, {**second, "address": None}]
    assert _values(_book("E2:E3"), "xlsx") == [first, {**second, "address": None}]  # 备注
    assert _values(_book("D2:D3"), "xlsx") == [first, {**second, "address": "人民路"}]


def test_a_field_after_one_that_is_no_station_field_is_still_checked() -> None:
    fields = (
        "code, name, address, lat, lon, datum, host_type, amenities, worker_groups, "
        "opening_hours, phone, contact, services, status"
    )
    names_zh = (
        "编码、名称、地址、纬度、经度、坐标系、承建类型、服务设施、"
        "服务人群、开放时间、电话、联系人、服务项目、状态"
    )
    assert _errors({"colour": "红", "name": ["青城驿站"], "lat": "40.8", "lon": "111.7"}) == [
        (
            "colour",
            f"is not a station field; the fields are {fields}",
            f"“colour”不是驿站字段：请删去，或改用以下字段之一：{names_zh}",
        ),
        ("name", "must be text, not a list", "名称应为文字，不能是列表：请改为一段文字"),
    ]


def test_the_degrees_are_carried_from_a_check_with_the_rules_of_the_api_by_default() -> None:
    with pytest.raises(InvalidStation) as caught:
        parse_station_as_entered({**BASE, "host_type": "粮油店"})
    assert [e.field for e in caught.value.errors] == ["host_type"]
    station, degrees = parse_station_as_entered({**BASE, "host_type": "粮油店"}, office_file=True)
    assert (station.host_type, degrees) == ("other", (40.8, 111.7))


@pytest.mark.parametrize("field", ["name", "address", "phone", "contact", "code", "opening_hours"])
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("\x07", "contains control characters: remove line breaks and tabs"),
        ("\u202e", "contains invisible text-direction controls (U+202A-U+202E, U+2066-U+2069)"),
    ],
)
def test_a_control_character_in_one_field_of_a_clean_row_is_found(
    field: str, bad: str, message: str
) -> None:
    # Rows are looked over whole first: one character in one field still refuses it.
    value = {"phone": "0471-661" + bad + "2345", "code": "150102-" + bad + "0001"}.get(
        field, "青城" + bad + "驿站"
    )
    found = [(f, m) for f, m, _zh in _errors({**BASE, field: value}) if "control" in m]
    assert [(f, m[: len(message)]) for f, m in found] == [(field, message)]


@pytest.mark.parametrize("field", ["name", "address", "contact"])
def test_a_refused_text_is_not_checked_again(field: str) -> None:
    # A lone surrogate refuses the value; its length is not reported as well.
    found = _errors({**BASE, field: "\ud800" + "长" * 400})
    assert [f for f, _en, _zh in found] == [field]
    assert "长" not in found[0][1] and "超过" not in found[0][2]
