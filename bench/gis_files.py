"""Time GIS exports and imports of N synthetic stations (default 10,000): each format
written (GCJ-02, so the datum conversion is in it) and the GeoPackage and Shapefile read
back into station rows, beside a baseline from the same run: the same rows written and
read as CSV by the spreadsheet path. CPU time of this process (GDAL runs in it), best of
``--repeat``. The database is not involved.

    python bench/gis_files.py [--rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import generate
from stationmap.tabular import read_rows, write_table
from stationmap.tabular.gis_read import read_station_file
from stationmap.tabular.gis_write import EXTRA_COLUMNS, GIS_FORMATS, write_gis


def rows(n: int) -> list[dict[str, object]]:
    made = generate(n)
    return [
        {
            "code": f"652324-{i + 1:06d}",
            "name": f"合成驿站{i + 1}号（社区党群服务中心）",
            "address": f"某县某街道{i + 1}号",
            "lat": lat,
            "lon": lon,
            "datum": "wgs84",
            "host_type": host,
            "amenities": list(amenities),
            "worker_groups": list(groups),
            "opening_hours": hours,
            "phone": "0994-6612345",
            "contact": "王女士",
            "services": ["免费饮水", "手机充电"],
            "status": "active",
            "district_code": "652324",
            "demo": False,
            "version": 1,
        }
        for i, (lat, lon, amenities, host, groups, hours) in enumerate(
            zip(
                made.lats.tolist(),
                made.lons.tolist(),
                made.amenities,
                made.host_types,
                made.worker_groups,
                made.opening_hours,
                strict=True,
            )
        )
    ]


def cpu(work: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = rows(args.rows)
    csv = write_table(data, "csv", extra_columns=EXTRA_COLUMNS)
    base_write = cpu(lambda: write_table(data, "csv", extra_columns=EXTRA_COLUMNS), args.repeat)
    base_read = cpu(lambda: read_rows(csv, "csv", max_seconds=600), args.repeat)
    print(f"{args.rows:,} stations; CPU seconds, best of {args.repeat}")
    print(f"  baseline CSV write      {base_write:6.2f}  ({len(csv):,} bytes)")
    print(f"  baseline CSV read       {base_read:6.2f}")
    for fmt in GIS_FORMATS:
        out = write_gis(data, fmt, "gcj02").data
        took = cpu(lambda fmt=fmt: write_gis(data, fmt, "gcj02"), args.repeat)
        print(
            f"  {fmt:8} write (gcj02)  {took:6.2f}  x{took / base_write:4.1f} of CSV"
            f"  ({len(out):,} bytes)"
        )
        if fmt in ("gpkg", "shp"):
            took = cpu(lambda out=out: read_station_file(out), args.repeat)
            print(f"  {fmt:8} read           {took:6.2f}  x{took / base_read:4.1f} of CSV")


if __name__ == "__main__":
    main()
