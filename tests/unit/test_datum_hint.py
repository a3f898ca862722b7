"""A file without a 坐标系 column often says its map in words: in its title, in a note
under the list or on a 填表说明 sheet. Those words are found (only when they are about
coordinates and name one map) and offered as the suggested answer."""

from __future__ import annotations

import io

import openpyxl
import pytest

from stationmap.services.transfer import check_file
from stationmap.tabular import read_rows
from stationmap.tabular.datum_hint import DatumHint, agreed, datum_named


@pytest.mark.parametrize(
    ("text", "datum"),
    [
        ("注：坐标为高德地图拾取", "gcj02"),
        ("坐标用腾讯地图坐标拾取器获取", "gcj02"),
        ("（坐标采用百度坐标）", "bd09"),
        ("经纬度由百度地图拾取", "bd09"),
        ("经纬度用手机GPS测得", "wgs84"),
        ("坐标系：CGCS2000", "wgs84"),
        ("坐标从天地图拾取", "wgs84"),
        ("经纬度为ＷＧＳ８４", "wgs84"),  # full width
        ("Coordinates from AMap (GCJ-02)", "gcj02"),
        ("地址可在百度搜索", None),  # not about coordinates
        ("坐标用高德或百度拾取均可", None),  # two maps: no answer
        ("坐标请认真填写", None),  # no map
        ("坐标为高德地图拾取。" + "填表要求" * 60, None),  # a paragraph, not a statement
    ],
)
def test_a_sentence_about_coordinates_that_names_one_map_names_its_datum(text, datum):
    assert datum_named(text) == datum


def _book(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LIST = [["驿站名称", "经度", "纬度"], ["甲驿站", 111.67, 40.83], ["乙驿站", 111.68, 40.84]]


def test_a_title_a_note_row_and_a_guide_sheet_are_where_the_words_are_found():
    data = _book(
        ("填表说明", [["填表说明"], ["1. 每个驿站一行"], ["2. 坐标用百度坐标拾取器获取"]]),
        ("新城区", [["新城区驿站名单（坐标采用百度坐标）"], *LIST, ["注：坐标为百度地图拾取"]]),
    )
    hints = read_rows(data, "xlsx").datum_hints
    assert hints == [
        DatumHint("bd09", "填表说明", 3, "2. 坐标用百度坐标拾取器获取"),
        DatumHint("bd09", "新城区", 5, "注：坐标为百度地图拾取"),
        DatumHint("bd09", "新城区", 1, "新城区驿站名单（坐标采用百度坐标）"),
    ]
    assert agreed(hints) == hints[0]


def test_words_naming_different_maps_suggest_nothing():
    data = _book(("新城区", [["新城区驿站名单（高德坐标）"], *LIST, ["注：坐标为百度地图拾取"]]))
    table = read_rows(data, "xlsx")
    assert {h.datum for h in table.datum_hints} == {"gcj02", "bd09"}
    assert agreed(table.datum_hints) is None
    assert check_file(data, "名单.xlsx").datum_hint is None


def test_the_suggestion_comes_with_the_datum_question_and_never_answers_it():
    data = _book(("新城区", [*LIST, ["注：坐标为高德地图拾取"]]))
    checked = check_file(data, "名单.xlsx")
    assert checked.datum_needed and checked.datum is None
    assert checked.datum_hint == DatumHint("gcj02", "新城区", 4, "注：坐标为高德地图拾取")
    assert checked.datum_hint.said("zh") == "工作表“新城区”第 4 行写着“注：坐标为高德地图拾取”"
    assert checked.datum_hint.said("en") == 'row 4 of sheet "新城区" says “注：坐标为高德地图拾取”'
    # A file that says its datum in a column needs no suggestion.
    stated = _book(
        (
            "新城区",
            [
                ["驿站名称", "经度", "纬度", "坐标系"],
                ["甲驿站", 111.67, 40.83, "wgs84"],
                ["注：坐标为高德地图拾取"],
            ],
        )
    )
    assert check_file(stated, "名单.xlsx").datum_hint is None


def test_words_in_the_station_rows_themselves_are_not_a_suggestion():
    """A station's own address or name mentioning a map is not the file's statement."""
    rows = [
        ["驿站名称", "经度", "纬度", "详细地址"],
        ["甲驿站", 111.67, 40.83, "高德大厦一层（坐标在门口）"],
    ]
    assert read_rows(_book(("新城区", rows)), "xlsx").datum_hints == []
