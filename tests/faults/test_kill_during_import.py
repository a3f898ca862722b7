"""``stationmap import-stations`` killed with SIGKILL while it writes: the database stays
exactly as it was (all or nothing) and consistent, the app keeps answering, and the
same import run again completes; a third run changes nothing.

The kill lands in the write phase, not merely some time after start: on PostgreSQL
when the importing backend is seen running an INSERT (and the insert counters show
rows written, then thrown away); on SQLite when the uncommitted transaction's pages
have spilled into the WAL file. Runs on SQLite and, when configured, on PostgreSQL.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from stationmap import create_app
from stationmap.app_state import state
from stationmap.station_fields import FIELDS
from tests.faults.support import cli_command, cli_environ, wait_until

pytestmark = pytest.mark.faults

# The write phase lasts seconds on either backend: a wide target. On SQLite the file must
# be large enough that its uncommitted pages outgrow the bulk write's page cache
# (services/bulk_rows.BULK_CACHE_KIB, 32 MiB, about 16,000 stations with their rows and
# history) and spill into the WAL well before the commit, which is what the watch sees.
ROWS = {"postgres": 15_000, "sqlite": 60_000}
NAME_PREFIX = "压力测试驿站 "  # the file's stations, counted by name: the server assigns codes
CENTRE = (25.04, 102.71)  # Kunming, WGS-84
WAL_SPILL_BYTES = 1024 * 1024
START_TIMEOUT_S = 90.0
IMPORT_TIMEOUT_S = 300.0
NEAREST = f"/api/v1/stations/nearest?lat={CENTRE[0]}&lon={CENTRE[1]}&k=5"


def _write_csv(path: Path, rows: int) -> tuple[int, int]:
    """A station file of ``rows`` rows around Kunming, without codes (the server assigns
    each the next serial of the district its point lies in, or 000000 outside the shipped
    ones); returns the amenity and worker-group rows the import must create."""
    rng = random.Random(20240601)
    amenity_rows = group_rows = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(FIELDS[1:11])  # name ... phone
        for i in range(rows):
            amenities = ["water", "toilet"] if i % 3 else ["water", "phone_charging", "toilet"]
            groups = ["courier"] if i % 2 else ["courier", "food_delivery"]
            amenity_rows += len(amenities)
            group_rows += len(groups)
            writer.writerow(
                [
                    f"{NAME_PREFIX}{i}",
                    f"测试路 {i} 号",
                    f"{CENTRE[0] + rng.uniform(-0.25, 0.25):.6f}",
                    f"{CENTRE[1] + rng.uniform(-0.25, 0.25):.6f}",
                    "wgs84",
                    "community",
                    ";".join(amenities),
                    ";".join(groups),
                    "Mo-Su 08:00-20:00",
                    "0871-1234567",
                ]
            )
    return amenity_rows, group_rows


@dataclass(frozen=True)
class Snapshot:
    stations: int
    amenity_rows: int
    group_rows: int
    data_version: int
    imported: int  # stations of this file (by name)


def _snapshot(url: str) -> Snapshot:
    """Counted on a fresh connection (no state of the app's pool involved)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            one = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM station), "
                    "(SELECT count(*) FROM station_amenity), "
                    "(SELECT count(*) FROM station_worker_group), "
                    "(SELECT coalesce(max(data_version), 0) FROM dataset_state), "
                    "(SELECT count(*) FROM station WHERE name LIKE :prefix)"
                ),
                {"prefix": NAME_PREFIX + "%"},
            ).one()
    finally:
        engine.dispose()
    return Snapshot(*(int(v) for v in one))


def _nearest_codes(client: FlaskClient) -> list[str]:
    response = client.get(NEAREST)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    features = response.get_json()["features"]
    assert len(features) == 5
    return [f["properties"]["code"] for f in features]


def _run_import(url: str, path: Path) -> str:
    result = subprocess.run(
        [*cli_command(), "import-stations", str(path)],
        env=cli_environ(url),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=IMPORT_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class _Postgres:
    """Watches the import's own backend, found by a unique application_name."""

    def __init__(self, url: str) -> None:
        self.tag = f"faults-import-{uuid.uuid4().hex[:10]}"
        self.import_url = url + ("&" if "?" in url else "?") + f"application_name={self.tag}"
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.inserts_before = self._station_inserts()

    def _station_inserts(self) -> int:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            return int(
                conn.execute(
                    text("SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'station'")
                ).scalar()
                or 0
            )

    def _queries(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    text("SELECT query FROM pg_stat_activity WHERE application_name = :tag"),
                    {"tag": self.tag},
                ).scalars()
            )

    def writing(self) -> bool:
        # the stations go in by COPY (stationmap/services/bulk_rows.py); INSERT elsewhere
        writes = ("INSERT INTO STATION", "COPY STATION")
        return any(q.lstrip().upper().startswith(writes) for q in self._queries())

    def settle(self) -> None:
        """Wait until the killed client's backend has noticed and rolled back."""
        assert wait_until(lambda: not self._queries(), timeout_s=30, interval_s=0.1), (
            "the killed import's backend is still there"
        )

    def rows_were_written(self) -> bool:
        # Inserted-then-aborted rows still count in n_tup_ins, once the backend's
        # statistics are flushed (at its exit).
        return wait_until(
            lambda: self._station_inserts() > self.inserts_before, timeout_s=10, interval_s=0.2
        )

    def close(self) -> None:
        self.engine.dispose()


class _Sqlite:
    """Watches the WAL file: an uncommitted transaction larger than the page cache
    spills its pages there before it commits."""

    def __init__(self, url: str) -> None:
        database = make_url(url).database
        assert database
        self.path = Path(database)
        self.wal = Path(database + "-wal")
        self.import_url = url

    def wal_bytes(self) -> int:
        try:
            return self.wal.stat().st_size
        except FileNotFoundError:
            return 0

    def writing(self) -> bool:
        return self.wal_bytes() >= WAL_SPILL_BYTES

    def settle(self) -> None:
        pass

    def rows_were_written(self) -> bool:
        return self.wal_bytes() >= WAL_SPILL_BYTES

    def check_integrity(self) -> None:
        with sqlite3.connect(self.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()

    def close(self) -> None:
        pass


def _kill_while_writing(watch: _Postgres | _Sqlite, path: Path) -> None:
    process = subprocess.Popen(
        [*cli_command(), "import-stations", str(path)],
        env=cli_environ(watch.import_url),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        caught = wait_until(
            lambda: watch.writing() or process.poll() is not None,
            timeout_s=START_TIMEOUT_S,
            interval_s=0.02,
        )
        assert caught and process.poll() is None, (
            "the import ended (or never wrote) before it could be killed mid-write; "
            f"raise ROWS. returncode={process.poll()}"
        )
        time.sleep(0.2)  # a few more batches into the transaction
        assert process.poll() is None, "the import committed before the kill: raise ROWS"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_sigkill_mid_import_changes_nothing_and_a_rerun_completes(
    app: Flask, backend: str, tmp_path: Path
) -> None:
    url = state(app).settings.database_url
    path = tmp_path / "stations.csv"
    rows = ROWS[backend]
    amenity_rows, group_rows = _write_csv(path, rows)
    client = app.test_client()
    before = _snapshot(url)
    nearest_before = _nearest_codes(client)
    assert before.imported == 0 and before.stations > 0
    state(app).db.dispose()  # the test holds no connection while the import runs

    watch: _Postgres | _Sqlite = _Postgres(url) if backend == "postgres" else _Sqlite(url)
    try:
        _kill_while_writing(watch, path)
        watch.settle()
        assert watch.rows_were_written(), "the kill did not land in the write phase"

        # All or nothing: not one row of the killed import, the version untouched.
        assert _snapshot(url) == before
        if isinstance(watch, _Sqlite):
            watch.check_integrity()
        assert _nearest_codes(client) == nearest_before
        fresh = create_app(  # a new process's view: index built from the recovered file
            {"DATABASE_URL": url, "STATIONMAP_ENV": "testing", "INSTANCE_PATH": str(tmp_path)}
        )
        try:
            assert _nearest_codes(fresh.test_client()) == nearest_before
        finally:
            state(fresh).db.dispose()

        # The same import again runs to completion...
        output = _run_import(url, path)
        assert f"created {rows}, updated 0, unchanged 0" in output, output
        after = _snapshot(url)
        assert after.stations == before.stations + rows
        assert after.imported == rows
        assert after.amenity_rows == before.amenity_rows + amenity_rows
        assert after.group_rows == before.group_rows + group_rows
        assert after.data_version > before.data_version
        # ...and the serving app sees it (the in-process index follows the version).
        nearest = client.get(NEAREST).get_json()["features"]
        assert nearest and all(f["properties"]["name"].startswith(NAME_PREFIX) for f in nearest)

        # A third run finds everything in place and changes nothing.
        output = _run_import(url, path)
        assert f"created 0, updated 0, unchanged {rows}" in output, output
        assert _snapshot(url) == after
        if isinstance(watch, _Sqlite):
            watch.check_integrity()
    finally:
        watch.close()
