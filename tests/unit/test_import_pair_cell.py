"""A picker's pair put whole into a file's 经度 (or 纬度) cell, the other left empty: the
editor already split such a paste; an import refused the row ("经度应为度数"). It is now
split the same way, with a note on its cell, and stored where the office meant."""

from __future__ import annotations

import io

import openpyxl
import pytest

from stationmap.field_values.degrees import pair_in_one_cell
from stationmap.services.transfer import check_file
from tests.datum_reference import gcj02_from_wgs84, metres_apart


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (None, "111.690123,40.851234", ("40.851234", "111.690123", "lon")),  # AMap's order
        ("", "40.851234，111.690123", ("40.851234", "111.690123", "lon")),  # Tencent's
        ("111.690123, 40.851234", None, ("40.851234", "111.690123", "lat")),  # under 纬度
        ("40.85 111.69", "40.85 111.69", ("40.85", "111.69", "lon")),  # the same paste twice
        ("40.1", "111.69,40.85", None),  # the other cell has its own value: not overwritten
        (None, "111.69", None),  # one number
        (None, None, None),
        (None, 111.69, None),  # a number cell
    ],
)
def test_a_pair_in_one_cell_is_found_only_where_nothing_is_lost(lat, lon, expected):
    assert pair_in_one_cell(lat, lon) == expected


def test_an_import_stores_a_pair_pasted_into_the_longitude_cell_where_it_was_meant():
    meant = (40.851234, 111.690123)  # WGS-84
    gcj_lat, gcj_lon = gcj02_from_wgs84(*meant)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "新城区"
    sheet.append(["驿站名称", "经度", "纬度", "坐标系"])
    sheet.append(["甲驿站", f"{gcj_lon:.7f},{gcj_lat:.7f}", None, "gcj02"])
    sheet.append(["乙驿站", "111.69,40.85", "40.1", "gcj02"])
    out = io.BytesIO()
    book.save(out)
    checked = check_file(out.getvalue(), "名单.xlsx")
    (item,) = checked.inputs
    assert metres_apart(meant, (item.lat, item.lon)) < 0.01
    (note,) = [n for n in checked.notes if n.field in ("lat", "lon")]
    assert (note.sheet, note.row, note.column, note.field) == ("新城区", 2, "B", "lon")
    assert note.message_zh.startswith(f"经度单元格中是一对坐标“{gcj_lon:.7f},{gcj_lat:.7f}”：")
    assert "请核对位置" in note.message_zh and "check the point" in note.message
    # The row whose 纬度 has a value of its own is still refused, on its 经度 cell, saying
    # what is there (before: "经度应为度数，例如 86.217").
    (error,) = checked.errors
    assert (error.row, error.column) == (3, "B")
    assert (
        error.message_zh == "经度处填的是一对坐标“111.69,40.85”：请把纬度、经度分别填入各自的格或栏"
    )
    assert error.message.startswith("holds a pair of coordinates, '111.69,40.85'")
