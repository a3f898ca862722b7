"""Time a large upload through the import job: read and check once, preview, import.

    .venv/bin/python bench/import_job.py [ROWS] [DATABASE_URL]

Makes a CSV of ROWS stations (default 200,000) at points inside 新城区 (150102), as a
district administrator of 150102 would upload it, on a fresh SQLite file (or the empty
database DATABASE_URL names), and prints the file size and each step's seconds.
Not part of the test run.
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.services import districts as district_service
from stationmap.services import transfer
from stationmap.services.import_jobs import JobStore

DISTRICT = "150102"


def _rows(app: object, count: int) -> bytes:
    database = state(app).db  # type: ignore[arg-type]
    rng = np.random.default_rng(11)
    with database.session() as session:
        row = district_service.get_district(session, DISTRICT)
        assert row is not None and row.min_lat is not None
        lats: list[float] = []
        lons: list[float] = []
        while len(lats) < count:
            lat = rng.uniform(row.min_lat, row.max_lat, count)
            lon = rng.uniform(row.min_lon, row.max_lon, count)
            inside = district_service.locate_many(session, lat.tolist(), lon.tolist())
            for a, b, d in zip(lat, lon, inside, strict=True):
                if d == DISTRICT and len(lats) < count:
                    lats.append(round(float(a), 6))
                    lons.append(round(float(b), 6))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "lat", "lon", "datum"])  # a file that says its datum
    for i, (lat, lon) in enumerate(zip(lats, lons, strict=True)):
        writer.writerow([f"站{i}", lat, lon, "wgs84"])
    return out.getvalue().encode("utf-8")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    folder = Path(tempfile.mkdtemp(prefix="stationmap-bench-"))
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app(
        {"DATABASE_URL": url, "INSTANCE_PATH": str(folder), "STATIONMAP_ENV": "development"}
    )
    database = state(app).db
    upgrade(database)
    with database.write_session() as session:
        district_service.load_shipped(session)
    data = _rows(app, count)
    print(f"{count} rows, {len(data) / 1e6:.1f} MB")
    started = time.perf_counter()
    checked = transfer.check_file(data, "big.csv")
    print(f"read and check once: {time.perf_counter() - started:.1f} s")
    store = JobStore(folder / "import-jobs")
    job = store.create(data, "big.csv", None, "bench", frozenset({DISTRICT}), background=True)
    started = time.perf_counter()
    job = store.run_check(database, job.token)
    print(f"job check + preview: {time.perf_counter() - started:.1f} s -> {job.stage}")
    size = (store.root / job.token / "checked").stat().st_size
    print(f"kept checked rows: {size / 1e6:.1f} MB")
    assert store.claim(job.token, None) is not None
    started = time.perf_counter()
    job = store.run_import(database, job.token)
    print(f"job import: {time.perf_counter() - started:.1f} s -> {job.stage} {job.reason}")
    del checked


if __name__ == "__main__":
    main()
