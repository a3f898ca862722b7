"""Time a 100,000-row CSV import beside a bare ``executemany`` of the same rows.

    .venv/bin/python bench/import.py [--rows N] [--postgres URL]

Makes a CSV of N stations (default 100,000) at points inside 新城区 (150102), then on a
fresh database (SQLite, or a new database on the PostgreSQL server URL names, dropped
afterwards) times:

- ``import``: :func:`transfer.import_stations` as the command line runs it (read, every
  check, placement, codes, revisions, one transaction);
- ``baseline``: the same rows (name, code, lat, lon, district, timestamps) inserted
  into the station table with one bare DBAPI ``executemany``, nothing checked.

Prints both and their ratio. Not part of the test run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_job import _rows

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.services import districts as district_service
from stationmap.services import transfer
from stationmap.services.revisions import Actor

DISTRICT = "150102"


def _fresh(kind: str, folder: Path, server: str | None) -> str:
    if server is None:
        return f"sqlite:///{folder / (kind + '.sqlite3')}"
    name = f"stationmap_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def _drop(url: str, server: str | None) -> None:
    if server is None:
        return
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _app(url: str, folder: Path) -> Any:
    app = create_app(
        {"DATABASE_URL": url, "INSTANCE_PATH": str(folder), "STATIONMAP_ENV": "development"}
    )
    upgrade(state(app).db)
    with state(app).db.write_session() as session:
        district_service.load_shipped(session)
    return app


def _baseline(app: Any, data: bytes) -> float:
    """A bare executemany of the file's rows: no reading library, no checks."""
    lines = data.decode("utf-8").splitlines()[1:]
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for i, line in enumerate(lines):
        name, lat, lon, datum = line.split(",")
        rows.append((f"{DISTRICT}-{i + 1:05d}", name, float(lat), float(lon), datum, now, now))
    engine = state(app).db.engine
    raw = engine.raw_connection()
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    sql = (
        "INSERT INTO station (code, name, lat, lon, entered_datum, district_code, "
        "host_type, phone, contact, address, services, status, is_demo, version, "
        f"created_at, updated_at) VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, "
        f"'{DISTRICT}', 'other', '', '', '', '[]', 'active', false, 1, {mark}, {mark})"
    )
    started = time.perf_counter()
    cursor = raw.cursor()
    cursor.executemany(sql, rows)
    raw.commit()
    seconds = time.perf_counter() - started
    raw.close()
    return seconds


def _import(app: Any, data: bytes) -> float:
    database = state(app).db
    started = time.perf_counter()
    with database.write_session() as session:
        report = transfer.import_stations(session, data, "bench.csv", actor=Actor(None, "bench"))
        assert report.ok and report.applied, report.errors[:3]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="stationmap-bench-import-"))
    urls = {kind: _fresh(kind, folder, args.postgres) for kind in ("import", "baseline")}
    try:
        apps = {kind: _app(url, folder / kind) for kind, url in urls.items()}
        data = _rows(apps["import"], args.rows)
        backend = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{args.rows} rows ({len(data) / 1e6:.1f} MB) on {backend}")
        base = _baseline(apps["baseline"], data)
        seconds = _import(apps["import"], data)
        print(f"baseline (bare executemany): {base:6.2f} s")
        print(f"import (checked, one transaction): {seconds:6.2f} s  ({seconds / base:.1f}x)")
        for app in apps.values():
            state(app).db.dispose()
    finally:
        for url in urls.values():
            _drop(url, args.postgres)


if __name__ == "__main__":
    main()
