"""How long does a worker's report take to store, and its tracking page to read?

Prints, on a fresh SQLite database with the shipped districts and the demo stations
(limits off), the mean time per request through the test client of:

* ``POST /api/v1/stations/<id>/reports`` (a station's problem);
* ``POST /api/v1/demand`` (a pin, whose district is found from the stored boundaries);
* ``GET /api/v1/reports/<code>``;

and, for the pin's district, ``districts.locate`` (only the boundaries around the pin)
beside the locator built from every stored boundary, which it replaces per request.

Run: ``.venv/bin/python bench/reports.py [--n 200]``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from typing import Any

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.services import demo, districts


def _mean_ms(n: int, call: Callable[[int], Any]) -> float:
    call(0)
    start = time.perf_counter()
    for i in range(1, n + 1):
        call(i)
    return (time.perf_counter() - start) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    n = parser.parse_args().n
    folder = tempfile.mkdtemp()
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "STATIONMAP_ENV": "testing",
            "INSTANCE_PATH": folder,
            "STATIONMAP_REPORT_RATE_SHORT": "off",
            "STATIONMAP_REPORT_RATE_DAY": "off",
            "STATIONMAP_API_RATE_LIMIT": "off",
        }
    )
    upgrade(state(app).db)
    with state(app).db.write_session() as session:
        districts.load_shipped(session)
        demo.load_demo(session)
    client = app.test_client()
    station_id = client.get("/api/v1/stations?limit=1").get_json()["features"][0]["id"]

    def station_report(i: int) -> Any:
        body = {"kind": "other", "text": f"问题 {i}"}
        return client.post(f"/api/v1/stations/{station_id}/reports", json=body)

    def demand(i: int) -> Any:
        body = {"lat": 44.0 + i * 2e-3, "lon": 86.2, "needs": ["water"]}
        return client.post("/api/v1/demand", json=body)

    code = station_report(-1).get_json()["tracking_code"]
    print(f"POST station report: {_mean_ms(n, station_report):6.2f} ms")
    print(f"POST demand pin:     {_mean_ms(n, demand):6.2f} ms")
    read = _mean_ms(n, lambda i: client.get(f"/api/v1/reports/{code}"))
    print(f"GET report:          {read:6.2f} ms")
    with state(app).db.session() as session:
        near = _mean_ms(n, lambda i: districts.locate(session, 44.0 + i * 2e-3, 86.2))
        every = _mean_ms(
            max(n // 10, 1), lambda i: districts.locator(session).locate(44.0 + i * 2e-3, 86.2)
        )
    print(f"pin district: locate {near:.2f} ms, locator over every boundary {every:.2f} ms")


if __name__ == "__main__":
    main()
