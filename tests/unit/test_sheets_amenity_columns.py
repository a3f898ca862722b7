"""Amenities an office gives one column each (饮水 | 充电 | 卫生间 | 是否有微波炉), each
cell ticked with ✓ / √ / 是 / 有 / 1 / ● or left empty, 否 or ×: read into 服务设施, not
ignored as columns that need nothing fixed."""

from __future__ import annotations

import io

import openpyxl
import pytest

from stationmap.station_fields import parse_station
from stationmap.tabular import read_rows

HEADER = ["驿站名称", "经度", "纬度", "饮水", "充电", "卫生间", "是否有微波炉"]
# Row by row, what the office ticked, and the amenities each station has.
ROWS = [
    (["甲驿站", 86.2171, 44.3051, "✓", "√", None, "否"], {"water", "phone_charging"}),
    (["乙驿站", 86.2182, 44.3062, "是", None, "有", "×"], {"water", "toilet"}),
    (["丙驿站", 86.2193, 44.3073, 1, "●", "1", 0], {"water", "phone_charging", "toilet"}),
    (["丁驿站", 86.2204, 44.3084, None, "无", None, "✔"], {"microwave"}),
]


def _xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "城关镇"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_ticked_amenity_columns_are_the_stations_amenities():
    table = read_rows(_xlsx([cells for cells, _ in ROWS]), "xlsx")
    assert len(table.rows) == len(ROWS)
    for row, (_cells, expected) in zip(table.rows, ROWS, strict=True):
        assert row.errors == ()
        station = parse_station(row.values, office_file=True)
        assert set(station.amenities) == expected, row.number
    ignored = [n.message_zh for n in table.notes if "不是驿站字段" in n.message_zh]
    assert ignored == []
    water = next(n for n in table.notes if n.column == "D")
    assert water.message_zh == (
        "“饮水”列已按服务设施“饮用水（冷热）”读入：第 2-4 行（共 3 行）有此设施，请核对"
    )


def test_ticks_add_to_a_services_list_and_leave_unticked_rows_to_it():
    header = ["驿站名称", "经度", "纬度", "服务内容", "卫生间"]
    rows = [
        ["甲驿站", 86.2171, 44.3051, "饮水、充电", "√"],
        ["乙驿站", 86.2182, 44.3062, "饮水", None],
    ]
    table = read_rows(_xlsx(rows, header), "xlsx")
    first, second = (parse_station(r.values, office_file=True) for r in table.rows)
    assert first.amenities == ("toilet",)  # the ticks are the amenities given
    assert set(second.amenities) == {"water"}  # nothing ticked: read from 服务内容


@pytest.mark.parametrize("cell", ["2", "○", "部分", "待建"])
def test_a_cell_that_neither_ticks_nor_unticks_is_refused_naming_it(cell):
    (row,) = read_rows(_xlsx([["甲驿站", 86.2171, 44.3051, None, None, cell, None]]), "xlsx").rows
    (error,) = row.errors
    assert (error.field, error.row, error.sheet, error.column) == ("amenities", 2, "城关镇", "F")
    assert error.message_zh == (
        "“卫生间”列表示驿站是否有“卫生间”：有请填 ✓、√、是、有、1、● 之一，没有请留空或填 "
        f"否、无、×、0 之一；现为“{cell}”，请改正"
    )


@pytest.mark.parametrize(
    ("cell", "has"),
    [
        ("有（男女分设）", True),
        ("是，24小时", True),
        ("无（在建）", False),
        ("没有, 附近有公厕", False),
    ],
)
def test_a_tick_word_with_a_remark_after_it_still_says_yes_or_no(cell, has):
    (row,) = read_rows(_xlsx([["甲驿站", 86.2171, 44.3051, None, None, cell, None]]), "xlsx").rows
    assert row.errors == ()
    station = parse_station(row.values, office_file=True)
    assert ("toilet" in station.amenities) is has
