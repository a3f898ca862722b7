"""Where a PostGIS nearest request's time goes, in one process: CPU per request of this
process (the app) and of the PostgreSQL backends serving it (from /proc), for the
trivial endpoint, the nearest request through the test client (k=5 as wrk asks, and
the courier page's k), and the nearest service alone (the statement and its rows, no
Flask, no JSON).

Run by ``bench/pg_nearest.py --inprocess N`` once per code version (the package found
first on ``PYTHONPATH``); prints one JSON object: ``{name: [app_us, db_us]}``.
``python bench/pg_spans.py DATABASE_URL ADMIN_URL N``. Not part of the test suite.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flask import Response, jsonify
from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

from stationmap import create_app
from stationmap.app_state import state
from stationmap.geo.datum import in_china
from stationmap.geo.nearest import Filters
from stationmap.web.public import NEAREST_K

WARMUP = 50
KM_PER_DEG_LAT = 111.32
CLK_TCK = os.sysconf("SC_CLK_TCK")


def couriers(seed: int) -> Callable[[], tuple[float, float]]:
    """Courier positions as bench/load.py's wrk script draws them."""
    towns = synthetic.cities()
    inside = in_china(towns.lats, towns.lons)
    lats, lons = towns.lats[inside].tolist(), towns.lons[inside].tolist()
    sigmas, weights = towns.sigma_km[inside].tolist(), towns.weights[inside].tolist()
    rng = random.Random(seed)

    def draw() -> tuple[float, float]:
        i = rng.choices(range(len(lats)), weights)[0]
        lat = lats[i] + rng.gauss(0, sigmas[i]) / KM_PER_DEG_LAT
        km_per_deg_lon = KM_PER_DEG_LAT * math.cos(math.radians(lats[i]))
        return lat, lons[i] + rng.gauss(0, sigmas[i]) / km_per_deg_lon

    return draw


def main(url: str, admin_url: str, n: int) -> dict[str, list[float]]:
    instance = tempfile.mkdtemp(prefix="stationmap-pg-spans-")
    app = create_app(
        {
            "DATABASE_URL": url,
            "STATIONMAP_ENV": "development",
            "INSTANCE_PATH": instance,
            "STATIONMAP_API_RATE_LIMIT": "off",
        }
    )

    def trivial_view() -> Response:
        return jsonify({"ok": True})

    app.add_url_rule("/bench/trivial", "bench_trivial", trivial_view)
    client = app.test_client()
    search = state(app).nearest
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    database = make_url(url).database
    draw = couriers(5)
    at = datetime.now(UTC)

    def backends_cpu() -> float:
        with admin.connect() as conn:
            pids = conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = :d "
                    "AND backend_type = 'client backend'"
                ),
                {"d": database},
            ).scalars()
            total = 0.0
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += (int(fields[11]) + int(fields[12])) / CLK_TCK
        return total

    def request(extra: str, k: int = 5) -> Callable[[], None]:
        def run() -> None:
            lat, lon = draw()
            reply = client.get(f"/api/v1/stations/nearest?lat={lat:.6f}&lon={lon:.6f}&k={k}{extra}")
            assert reply.status_code == 200, reply.status_code

        return run

    def service(amenities: frozenset[str]) -> Callable[[], None]:
        def run() -> None:
            lat, lon = draw()
            search.nearest(lat, lon, 5, Filters(amenities=amenities, states_at=at), at)

        return run

    def trivial() -> None:
        assert client.get("/bench/trivial").status_code == 200

    out: dict[str, list[float]] = {}
    for name, run in (
        ("trivial request", trivial),
        ("nearest request", request("")),
        ("nearest toilet request", request("&amenity=toilet")),
        # What the courier page asks (web/public.py NEAREST_K).
        ("nearest k=10 request", request("", NEAREST_K)),
        ("nearest k=10 toilet request", request("&amenity=toilet", NEAREST_K)),
        ("nearest service", service(frozenset())),
        ("nearest toilet service", service(frozenset({"toilet"}))),
    ):
        for _ in range(WARMUP):
            run()
        db_before, app_before = backends_cpu(), time.process_time()
        for _ in range(n):
            run()
        app_s, db_s = time.process_time() - app_before, backends_cpu() - db_before
        out[name] = [1e6 * app_s / n, 1e6 * db_s / n]
    admin.dispose()
    state(app).db.dispose()
    shutil.rmtree(instance, ignore_errors=True)
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
