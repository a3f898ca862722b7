"""How fast is the in-process nearest index, against a bare KD-tree and a brute scan?

For each size (10,000, 100,000 and 1,000,000 synthetic stations by default) this prints
the index build time and single-query latency (median and p99, microseconds) for k=5:

* ``bare cKDTree``: ``cKDTree(ecef).query(point, k=5)`` over the same ECEF points with
  scipy's default build options, query points converted beforehand: the floor.
* ``index._tree``: the same lookup on the index's own tree (built unbalanced and
  uncompacted), to separate the tree's cost from the wrapper's.
* ``index``: ``NearestIndex.nearest`` with no filter, ``amenity=toilet`` (60 % of
  stations) and ``amenity=aed`` (5 %); exact geodesic (Karney) answers.
* ``brute haversine``: numpy haversine to every station and ``argpartition`` (on fewer
  queries at large sizes).

and checks that the index answers equal ``NearestIndex.brute_force`` on a sample.

Run: ``/work/venv/bin/python bench/nearest.py [--sizes 10000,100000] [--queries 2000]``.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import courier_positions, generate

from stationmap.geo.distance import ecef_m
from stationmap.geo.nearest import Filters, Hit, NearestIndex

K = 5
EARTH_RADIUS_M = 6_371_008.8
TZ = ZoneInfo("Asia/Shanghai")
# Brute-force scans per size: about 2e8 station-distances in all (200 queries at 1M).
BRUTE_BUDGET = 200_000_000
TARGET_INDEX_X = 3.0
TARGET_FILTERED_X = 10.0
FILTERS: dict[str, Filters] = {
    "index": Filters(),
    "index amenity=toilet": Filters(amenities=frozenset({"toilet"})),
    "index amenity=aed": Filters(amenities=frozenset({"aed"})),
}
EXACT_FILTER_CYCLE = (
    FILTERS["index"],
    FILTERS["index amenity=toilet"],
    FILTERS["index amenity=aed"],
    FILTERS["index amenity=aed"],
)
EXACT_CYCLE_TEXT = "none, toilet, aed, aed"


@contextmanager
def gc_paused() -> Iterator[None]:
    """Creating a million small objects with the collector on takes twice as long;
    the set-up is not what is measured."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@dataclass(frozen=True)
class Timing:
    name: str
    samples_ns: npt.NDArray[np.int64]

    @property
    def median_us(self) -> float:
        return float(np.median(self.samples_ns)) / 1000.0

    @property
    def p99_us(self) -> float:
        return float(np.percentile(self.samples_ns, 99)) / 1000.0


@dataclass(frozen=True)
class Method:
    name: str
    call: Callable[[int], object]  # answers query number i
    count: int  # how many queries to time


def time_interleaved(methods: list[Method], warmup: int = 50) -> dict[str, Timing]:
    """Latency of each method's ``call(i)``, one call at a time. The methods take turns
    query by query, so a burst of load from elsewhere on the machine falls on all of them
    alike and the ratios stay fair."""
    for method in methods:
        for i in range(min(warmup, method.count)):
            method.call(i)
    gc.collect()
    samples = {m.name: np.empty(m.count, dtype=np.int64) for m in methods}
    clock = time.perf_counter_ns
    for i in range(max(m.count for m in methods)):
        for method in methods:
            if i < method.count:
                start = clock()
                method.call(i)
                samples[method.name][i] = clock() - start
    return {m.name: Timing(m.name, samples[m.name]) for m in methods}


class Haversine:
    """Brute force on a sphere: every distance, then ``argpartition`` for the k best."""

    def __init__(self, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]) -> None:
        self.lat_r = np.radians(lats)
        self.lon_r = np.radians(lons)
        self.cos_lat = np.cos(self.lat_r)

    def nearest(self, lat: float, lon: float, k: int) -> tuple[npt.NDArray[np.intp], list[float]]:
        lat_q, lon_q = math.radians(lat), math.radians(lon)
        half = np.sin((self.lat_r - lat_q) * 0.5)
        a = half * half
        half = np.sin((self.lon_r - lon_q) * 0.5)
        a += math.cos(lat_q) * self.cos_lat * half * half
        best = np.argpartition(a, k)[:k]
        best = best[np.argsort(a[best], kind="stable")]
        return best, [2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(x)) for x in a[best].tolist()]


def same_hits(got: list[Hit], want: list[Hit]) -> bool:
    return len(got) == len(want) and all(
        g.id == w.id and abs(g.distance_m - w.distance_m) <= 1e-6
        for g, w in zip(got, want, strict=True)
    )


@dataclass
class SizeResult:
    n: int
    build_s: float
    kd_build_s: float
    timings: dict[str, Timing]
    exact: tuple[int, int]
    haversine_same: tuple[int, int]


def run_size(n: int, queries: int, exact_queries: int) -> SizeResult:
    print(f"\n== N = {n:,} stations ==", flush=True)
    start = time.perf_counter()
    with gc_paused():
        synthetic = generate(n)
        stations = synthetic.indexed()
    print(f"generated in {time.perf_counter() - start:.1f} s", flush=True)

    # Built as the app builds it, collector on.
    gc.collect()
    start = time.perf_counter()
    index = NearestIndex(stations, TZ)
    build_s = time.perf_counter() - start
    del stations
    gc.collect()

    ecef = ecef_m(synthetic.lats, synthetic.lons)
    start = time.perf_counter()
    bare = cKDTree(ecef)
    kd_build_s = time.perf_counter() - start
    haversine = Haversine(synthetic.lats, synthetic.lons)
    del synthetic, ecef

    start = time.perf_counter()
    q_lats, q_lons = courier_positions(queries)
    q_lat_list, q_lon_list = q_lats.tolist(), q_lons.tolist()
    q_ecef = ecef_m(q_lats, q_lons)
    q_points = [q_ecef[i] for i in range(queries)]
    q_tuples = [tuple(p) for p in q_ecef.tolist()]

    tree = index._tree
    tree_methods = [
        Method("bare cKDTree", lambda i: bare.query(q_points[i], k=K), queries),
        Method("index._tree", lambda i: tree.query(q_tuples[i], k=K), queries),
    ] + [
        Method(name, lambda i, f=f: index.nearest(q_lat_list[i], q_lon_list[i], K, f), queries)
        for name, f in FILTERS.items()
    ]
    timings = time_interleaved(tree_methods)
    # Alone: a scan sweeps tens of megabytes through the cache, which would slow the
    # tree lookups taking turns with it.
    brute_count = max(1, min(queries, BRUTE_BUDGET // n))
    sphere: dict[int, list[int]] = {}

    def brute(i: int) -> None:
        sphere[i] = haversine.nearest(q_lat_list[i], q_lon_list[i], K)[0].tolist()

    timings |= time_interleaved([Method("brute haversine", brute, brute_count)], warmup=3)
    print(f"timed queries in {time.perf_counter() - start:.1f} s", flush=True)

    # Sphere against ellipsoid: does the haversine scan pick the same five stations?
    sphere_same = sum(
        sphere[i] == [h.position for h in index.nearest(q_lat_list[i], q_lon_list[i], K)]
        for i in range(brute_count)
    )

    # Exactness against the reference scan. It runs pyproj over every station that
    # passes the filter (1-2 s a query at 1M unfiltered, a tenth of that for aed), so
    # half the sample is the rare filter, which also exercises the filtered-scan path.
    start = time.perf_counter()
    equal = 0
    variants = list(EXACT_FILTER_CYCLE)
    for j in range(exact_queries):
        i = (j * 7919) % queries  # spread over the query set
        filters = variants[j % len(variants)]
        got = index.nearest(q_lat_list[i], q_lon_list[i], K, filters)
        want = index.brute_force(q_lat_list[i], q_lon_list[i], K, filters)
        equal += same_hits(got, want)
    print(f"checked against brute_force in {time.perf_counter() - start:.1f} s", flush=True)

    result = SizeResult(
        n, build_s, kd_build_s, timings, (equal, exact_queries), (sphere_same, brute_count)
    )
    print_size(result)
    return result


def print_size(result: SizeResult) -> None:
    print(
        f"build: NearestIndex {result.build_s:.2f} s "
        f"(bare cKDTree over the same points {result.kd_build_s:.2f} s)"
    )
    bare = result.timings["bare cKDTree"].median_us
    brute = result.timings["brute haversine"].median_us
    print(
        f"{'k=5 single query':24} {'n':>6} {'median us':>10} {'p99 us':>10} "
        f"{'x bare KD':>10} {'x brute':>9}"
    )
    for timing in result.timings.values():
        print(
            f"{timing.name:24} {timing.samples_ns.size:6d} {timing.median_us:10.1f} "
            f"{timing.p99_us:10.1f} {timing.median_us / bare:10.2f} "
            f"{timing.median_us / brute:9.4f}"
        )
    equal, total = result.exact
    print(
        f"exact: {'yes' if equal == total else 'no'} "
        f"({equal}/{total} queries equal index.brute_force; filters in turn {EXACT_CYCLE_TEXT})"
    )
    same, total = result.haversine_same
    print(f"haversine scan picks the same 5 stations, same order: {same}/{total}")


def print_summary(results: list[SizeResult]) -> None:
    """The cross-size table and the targets."""
    print("\n== summary: median us (x bare cKDTree) ==")
    names = list(results[0].timings)
    print(f"{'':24}" + "".join(f"{f'N={r.n:,}':>22}" for r in results))
    print(f"{'index build s':24}" + "".join(f"{r.build_s:22.2f}" for r in results))
    for name in names:
        cells = []
        for r in results:
            t = r.timings[name]
            cells.append(
                f"{t.median_us:11.1f} ({t.median_us / r.timings['bare cKDTree'].median_us:6.1f}x)"
            )
        print(f"{name:24}" + "".join(f"{c:>22}" for c in cells))
    print(
        f"{'exact':24}"
        + "".join(f"{'yes' if r.exact[0] == r.exact[1] else 'no':>22}" for r in results)
    )

    largest = max(results, key=lambda r: r.n)
    bare = largest.timings["bare cKDTree"].median_us
    print(f"\n== targets at N={largest.n:,} (medians) ==")
    checks = [("index", TARGET_INDEX_X)] + [
        (name, TARGET_FILTERED_X) for name in FILTERS if name != "index"
    ]
    for name, limit in checks:
        ratio = largest.timings[name].median_us / bare
        ok = ratio <= limit
        print(
            f"{name:24} {ratio:6.2f}x bare KD  (target <= {limit:g}x)  {'PASS' if ok else 'MISS'}"
        )
    brute_ratio = largest.timings["index"].median_us / largest.timings["brute haversine"].median_us
    print(f"{'index / brute haversine':24} {brute_ratio:8.4f}  ({1 / brute_ratio:,.0f}x faster)")
    if any(r.exact[0] != r.exact[1] for r in results):
        print("exactness: MISS (index answers differ from brute_force)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="comma-separated station counts (default: %(default)s)",
    )
    parser.add_argument("--queries", type=int, default=2000, help="query points per size")
    parser.add_argument(
        "--exact-queries", type=int, default=48, help="queries checked against brute_force"
    )
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) <= K or args.queries < 1:
        parser.error(f"sizes must be more than k={K} and queries at least 1")
    print(f"k={K}; {args.queries} courier positions near cities; times are per single query")
    print(f"cores: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    results = [run_size(n, args.queries, args.exact_queries) for n in sizes]
    print_summary(results)
    print(
        f"\ntotal {time.perf_counter() - started:.0f} s (python {sys.version.split()[0]}); "
        f"load average at end: {os.getloadavg()[0]:.2f} (this bench counts for about 1 of it)"
    )
    # A slow answer is a figure to read; a wrong one is a failure.
    return 1 if any(r.exact[0] != r.exact[1] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
