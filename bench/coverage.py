"""How long do district coverage and 10 site suggestions take?

A 40 x 40 km square district near 呼和浩特 (UTM zone 49), 1,000 stations and 10,000
demand points placed at random (fixed seed) and 5,000 grid cells (50 x 100). Prints CPU
seconds (process time) and wall seconds for:

* ``coverage``: :func:`district_coverage` for 500 m, 1 km and 2 km, demand share and
  per-grid figures at 1 km (target under 2 s);
* ``baseline coverage``: the plain way, measured in the same run: a shapely
  ``unary_union`` of every station's buffer per radius, clipped to the district, and
  each grid cell intersected with the 1 km union;
* ``10 suggestions``: :func:`suggest_sites` over the default candidate lattice (target
  under 10 s);
* ``baseline suggestion round``: one greedy round done exactly on polygons (each
  candidate's disc minus the covered area), the cost a naive greedy pays 10 times.

Run: ``.venv/bin/python bench/coverage.py``. Not part of the test suite.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from shapely.geometry import box

from stationmap.geo.coverage import DemandPoint, GridCell, Projection, district_coverage
from stationmap.geo.nearest import IndexedStation
from stationmap.geo.siting import suggest_sites

LAT0, LON0 = 40.80, 111.70
SIDE_M = 40_000.0


def timed(label: str, fn: Callable[[], Any]) -> tuple[Any, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{label:<28} {cpu:7.2f} s CPU {wall:7.2f} s wall")
    return out, cpu


def main() -> None:
    rng = np.random.default_rng(16)
    proj = Projection.for_geometry(shapely.Point(LON0, LAT0))
    cx, cy = proj.xy([LAT0], [LON0])
    x0, y0 = float(cx[0]) - SIDE_M / 2, float(cy[0]) - SIDE_M / 2
    district_xy = box(x0, y0, x0 + SIDE_M, y0 + SIDE_M)
    district_xy = shapely.segmentize(district_xy, 500)
    district = proj.to_wgs84(district_xy)
    sx = rng.uniform(x0, x0 + SIDE_M, 1000)
    sy = rng.uniform(y0, y0 + SIDE_M, 1000)
    s_lat, s_lon = proj.latlon(sx, sy)
    stations = [
        IndexedStation(i, float(a), float(b))
        for i, (a, b) in enumerate(zip(s_lat, s_lon, strict=True))
    ]
    d_lat, d_lon = proj.latlon(
        rng.uniform(x0, x0 + SIDE_M, 10_000), rng.uniform(y0, y0 + SIDE_M, 10_000)
    )
    demand = [
        DemandPoint(float(a), float(b), float(w))
        for a, b, w in zip(d_lat, d_lon, rng.integers(1, 20, 10_000), strict=True)
    ]
    w, h = SIDE_M / 100, SIDE_M / 50
    cells_xy = [
        box(x0 + i * w, y0 + j * h, x0 + (i + 1) * w, y0 + (j + 1) * h)
        for j in range(50)
        for i in range(100)
    ]
    grids = [GridCell(f"G{n:04d}", f"网格{n}", proj.to_wgs84(c)) for n, c in enumerate(cells_xy)]
    print(
        f"load: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores; "
        f"1,000 stations, 5,000 grid cells, 10,000 demand points, {SIDE_M / 1000:.0f} km square"
    )

    result, cov_cpu = timed(
        "coverage", lambda: district_coverage(district, stations, demand=demand, grids=grids)
    )

    def baseline() -> list[float]:
        shares = []
        radius_scale = float(proj.scale([LAT0], [LON0])[0])
        covered_1k = None
        for r in (500.0, 1000.0, 2000.0):
            union = shapely.unary_union(
                [
                    shapely.Point(a, b).buffer(r * radius_scale, 16)
                    for a, b in zip(sx, sy, strict=True)
                ]
            )
            covered = union.intersection(district_xy)
            shares.append(covered.area / district_xy.area)
            if r == 1000.0:
                covered_1k = covered
        [c.intersection(covered_1k).area for c in cells_xy]
        return shares

    base_shares, base_cpu = timed("baseline coverage", baseline)
    print(
        "shares  ",
        [f"{b.share:.4f}" for b in result.bands],
        "baseline",
        [f"{s:.4f}" for s in base_shares],
    )

    sites, site_cpu = timed(
        "10 suggestions",
        lambda: suggest_sites(district, s_lat, s_lon, 10, radius_m=1000, demand=demand),
    )
    for site in sites[:3]:
        print("  ", site.reason_en)

    def naive_round() -> float:
        covered = result_covered_1k()
        cand_x, cand_y = np.meshgrid(
            np.arange(x0 + 250, x0 + SIDE_M, 500), np.arange(y0 + 250, y0 + SIDE_M, 500)
        )
        discs = shapely.buffer(shapely.points(cand_x.ravel(), cand_y.ravel()), 1000, quad_segs=16)
        gains = shapely.area(shapely.difference(shapely.intersection(discs, district_xy), covered))
        return float(gains.max())

    def result_covered_1k() -> Any:
        discs = proj.reach(s_lat, s_lon, 1000.0)
        return shapely.union_all(discs).intersection(district_xy)

    _, round_cpu = timed("baseline suggestion round", naive_round)
    print(
        f"coverage {cov_cpu:.2f} s CPU (target < 2 s) vs baseline {base_cpu:.2f} s: "
        f"{base_cpu / max(cov_cpu, 1e-9):.1f}x; 10 suggestions {site_cpu:.2f} s CPU "
        f"(target < 10 s) vs a naive exact greedy ~{10 * round_cpu:.1f} s (10 x one round)"
    )


if __name__ == "__main__":
    main()
