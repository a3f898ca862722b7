"""How fast does a batch of points find its districts (import placement, coverage)?

Prints, for 100,000 random points over the shipped districts' area, the time of
``DistrictLocator.locate_many`` beside two baselines measured in the same run:

* ``locate`` in a Python loop: the per-point path the batch replaces;
* ``geopandas.sjoin`` (predicate ``intersects``) of the points against the district
  polygons: what a GIS analyst would write. It answers every covering district, not
  the deepest one, so only its time is compared.

and checks that the batch answers equal the per-point ones.

Run: ``.venv/bin/python bench/locate.py [--points 100000]``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from stationmap.geo.districts import shipped_districts, shipped_locator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    lats = rng.uniform(24.0, 47.0, args.points)
    lons = rng.uniform(86.0, 132.0, args.points)
    locator = shipped_locator()

    started = time.perf_counter()
    batch = locator.locate_many(lats, lons)
    batch_s = time.perf_counter() - started

    sample = min(args.points, 20_000)
    started = time.perf_counter()
    single = [
        locator.locate(lat, lon) for lat, lon in zip(lats[:sample], lons[:sample], strict=True)
    ]
    loop_s = (time.perf_counter() - started) * args.points / sample
    assert single == batch[:sample], "locate_many disagrees with locate"

    import geopandas as gpd

    shapes = shipped_districts()
    polygons = gpd.GeoDataFrame(
        {"code": [s.code for s in shapes]}, geometry=[s.geometry for s in shapes], crs=4326
    )
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs=4326)
    started = time.perf_counter()
    gpd.sjoin(points, polygons, predicate="intersects", how="left")
    sjoin_s = time.perf_counter() - started

    found = sum(code is not None for code in batch)
    print(f"{args.points:,} points, {len(shapes)} districts, {found:,} inside one")
    print(f"{'locate_many':<28}{batch_s:8.3f} s   1.00x")
    print(f"{'locate loop (extrapolated)':<28}{loop_s:8.3f} s   {loop_s / batch_s:5.2f}x")
    print(f"{'geopandas.sjoin':<28}{sjoin_s:8.3f} s   {sjoin_s / batch_s:5.2f}x")


if __name__ == "__main__":
    main()
