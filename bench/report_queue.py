"""How long do the report queue's first page and the dashboard's report figures take
as reports pile up?

Makes a SQLite database with the shipped districts and the demo stations, adds
``--reports`` reports (a third answered, a quarter closed, spread over two years) to the
demo stations' districts, then prints the median of ``--runs`` timings of:

* ``list_reports`` (the queue's first page of 100, open reports, one district's scope);
* ``figures`` (the dashboard's per-district figures, every district).

Run: ``.venv/bin/python bench/report_queue.py [--reports 100000]``. Not part of the tests.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.models import Report, Station
from stationmap.services import demo as demo_service
from stationmap.services import districts as district_service
from stationmap.services import report_figures
from stationmap.services import report_queue as queue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "STATIONMAP_ENV": "testing",
            "INSTANCE_PATH": str(folder),
        }
    )
    database = state(app).db
    upgrade(database)
    with database.write_session() as session:
        district_service.load_shipped(session)
        demo_service.load_demo(session)
    rng = random.Random(1)
    now = datetime.now(UTC)
    with database.write_session() as session:
        stations = list(session.execute(select(Station.id, Station.district_code)))
        rows = []
        for _ in range(args.reports):
            station_id, district = rng.choice(stations)
            created = now - timedelta(hours=rng.uniform(0, 2 * 365 * 24))
            answered = rng.random() < 1 / 3
            closed = rng.random() < 1 / 4
            rows.append(
                {
                    "tracking_code": secrets.token_hex(6),
                    "kind": rng.choice(("closed", "amenity", "location", "other")),
                    "station_id": station_id,
                    "district_code": district,
                    "needs": [],
                    "text": "驿站没开门",
                    "phone": "",
                    "lang": "zh",
                    "status": "resolved" if closed else "new",
                    "client_hash": "",
                    "fingerprint": "",
                    "repeats": 0,
                    "created_at": created,
                    "updated_at": created,
                    "first_reply_at": created + timedelta(hours=2) if answered else None,
                    "resolved_at": created + timedelta(hours=9) if closed else None,
                    "version": 1,
                }
            )
        session.execute(insert(Report), rows)
    scope = frozenset({stations[0][1]}) if stations[0][1] else None

    def timed(run) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(args.runs):
            with database.session() as session:
                started = time.perf_counter()
                run(session)
                times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    page_ms = timed(
        lambda s: queue.list_reports(s, scope, queue.ReportFilter(statuses=queue.OPEN_STATUSES))
    )
    figures_ms = timed(lambda s: report_figures.figures(s, None, now))
    print(f"reports: {args.reports:,} over {len(stations)} stations")
    print(f"queue, first page of open reports (one district): {page_ms:.1f} ms")
    print(f"dashboard report figures (every district):       {figures_ms:.1f} ms")
    database.dispose()


if __name__ == "__main__":
    main()
