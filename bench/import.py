"""Time a 100,000-row CSV import beside a bare ``executemany`` of the same rows.

    .venv/bin/python bench/import.py [--rows N] [--postgres URL] [--rounds R] [--tree PATH]

Makes a CSV of N stations (default 100,000) at points inside 新城区 (150102), then, R
rounds taking turns (default 2), on fresh databases (SQLite; with ``--postgres`` also a
new database on the PostgreSQL server URL names, dropped afterwards) times:

- ``import``: :func:`transfer.import_stations` as the command line runs it (read, every
  check, placement, codes, revisions, one transaction);
- ``baseline``: the same rows (name, code, lat, lon, district, timestamps) inserted
  into the station table with one bare DBAPI ``executemany``, nothing checked.

Prints, for each, the wall seconds, this process's CPU seconds and (PostgreSQL on this
machine) the server backend's CPU seconds read from /proc, the best of the rounds, their
ratios, and the load average before and after; for the import also per phase (read and
check, placement, matching rows without a code by name, stations written, revisions
written, the rest). Not part of the test
run. ``--tree PATH`` times the stationmap package of another work tree (a worktree of
main as the baseline) with this same script.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
if "--tree" in sys.argv:  # before stationmap is imported: the other tree's package
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
    sys.path.insert(0, sys.argv[sys.argv.index("--tree") + 1])

from import_job import _rows

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.services import districts as district_service
from stationmap.services import placement, stations, transfer
from stationmap.services.revisions import Actor

DISTRICT = "150102"
# (module, function, phase): the import's steps timed apart, each where it is called
# from (the module attribute its caller looks up).
PHASES = (
    (transfer, "check_file", "read and check"),
    (placement, "check_placement", "placement"),
    (stations, "_by_name_and_place", "match by name"),
    (stations, "_insert_new", "stations"),
    (stations, "_record_revisions", "revisions"),
)


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


class Timer:
    """Wall seconds, this process's CPU seconds and, for a PostgreSQL backend on this
    machine (its process id given), the backend's CPU seconds (/proc, user + system)."""

    def __init__(self, backend_pid: int | None) -> None:
        self.backend_pid = backend_pid
        self.wall = self.cpu = self.server = 0.0

    def _server(self) -> float:
        if self.backend_pid is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")  # the server runs elsewhere
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> Timer:
        self._wall, self._cpu, self._srv = time.perf_counter(), time.process_time(), self._server()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
        self.server = self._server() - self._srv


def _backend_pid(connection: Any, dialect: str) -> int | None:
    if dialect != "postgresql":
        return None
    cursor = connection.cursor()
    cursor.execute("SELECT pg_backend_pid()")
    pid = int(cursor.fetchone()[0])
    cursor.close()
    return pid


def _baseline(app: Any, data: bytes) -> Timer:
    """A bare executemany of the file's rows: no reading library, no checks."""
    engine = state(app).db.engine
    raw = engine.raw_connection()
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    sql = (
        "INSERT INTO station (code, name, lat, lon, entered_datum, district_code, "
        "host_type, phone, contact, address, services, status, is_demo, version, "
        f"created_at, updated_at) VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, "
        f"'{DISTRICT}', 'other', '', '', '', '[]', 'active', false, 1, {mark}, {mark})"
    )
    with Timer(_backend_pid(raw, engine.dialect.name)) as timer:
        lines = data.decode("utf-8").splitlines()[1:]
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = []
        for i, line in enumerate(lines):
            name, lat, lon, datum = line.split(",")
            rows.append((f"{DISTRICT}-{i + 1:05d}", name, float(lat), float(lon), datum, now, now))
        cursor = raw.cursor()
        cursor.executemany(sql, rows)
        raw.commit()
    raw.close()
    return timer


@contextlib.contextmanager
def _phases(backend_pid: int | None, out: dict[str, Timer]) -> Iterator[None]:
    """Time each of :data:`PHASES` while it runs (``out``: phase -> its timer)."""
    saved = [(module, name, getattr(module, name)) for module, name, _ in PHASES]

    def timed(function: Any, phase: str) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            with Timer(backend_pid) as timer:
                result = function(*args, **kwargs)
            out[phase] = timer
            return result

        return run

    for (module, name, function), (_, _, phase) in zip(saved, PHASES, strict=True):
        setattr(module, name, timed(function, phase))
    try:
        yield
    finally:
        for module, name, function in saved:
            setattr(module, name, function)


def _import(app: Any, data: bytes) -> Timer:
    database = state(app).db
    phases: dict[str, Timer] = {}
    with database.write_session() as session:
        raw = session.connection().connection.driver_connection
        pid = _backend_pid(raw, database.engine.dialect.name)
        with Timer(pid) as timer, _phases(pid, phases):
            report = transfer.import_stations(
                session, data, "bench.csv", actor=Actor(None, "bench")
            )
            assert report.ok and report.applied, report.errors[:3]
            session.commit()
    rest = (
        timer.wall - sum(t.wall for t in phases.values()),
        timer.cpu - sum(t.cpu for t in phases.values()),
        timer.server - sum(t.server for t in phases.values()),
    )
    parts = [f"{p} {t.wall:.2f}/{t.cpu:.2f}/{t.server:.2f}" for p, t in phases.items()]
    parts.append(f"rest {rest[0]:.2f}/{rest[1]:.2f}/{rest[2]:.2f}")
    print("    phases (wall/CPU/server s): " + ", ".join(parts))
    return timer


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tree", help="time the stationmap package of this work tree")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="stationmap-bench-import-"))
    servers: list[str | None] = [None] if args.postgres is None else [None, args.postgres]
    data = b""
    best: dict[tuple[str, str], Timer] = {}
    print(f"stationmap from {Path(stations.__file__).resolve().parents[2]}")
    print(f"load average before: {_load()}")
    for turn in range(args.rounds):
        for server in servers:
            backend = "PostgreSQL" if server else "SQLite"
            for kind in ("baseline", "import"):
                place = folder / f"{turn}-{backend}-{kind}"
                url = _fresh(kind, place, server)
                place.mkdir(parents=True, exist_ok=True)
                try:
                    app = _app(url, place)
                    if not data:
                        data = _rows(app, args.rows)
                        print(f"{args.rows} rows ({len(data) / 1e6:.1f} MB)")
                    timer = (_baseline if kind == "baseline" else _import)(app, data)
                    state(app).db.dispose()
                finally:
                    _drop(url, server)
                srv = f", server CPU {timer.server:5.2f} s" if server else ""
                print(
                    f"round {turn + 1} {backend:10} {kind:8}: wall {timer.wall:6.2f} s, "
                    f"CPU {timer.cpu:6.2f} s{srv}  (load {_load()})"
                )
                old = best.get((backend, kind))
                if old is None or timer.cpu + timer.server < old.cpu + old.server:
                    best[(backend, kind)] = timer
    print(f"best of {args.rounds} (by CPU), load average after: {_load()}")
    for server in servers:
        backend = "PostgreSQL" if server else "SQLite"
        base, done = best[(backend, "baseline")], best[(backend, "import")]
        print(
            f"{backend:10} baseline (bare executemany): wall {base.wall:6.2f} s, CPU "
            f"{base.cpu:6.2f} s, server {base.server:5.2f} s"
        )
        print(
            f"{backend:10} import (checked, one transaction): wall {done.wall:6.2f} s "
            f"({done.wall / base.wall:.1f}x), CPU {done.cpu:6.2f} s "
            f"({done.cpu / base.cpu:.1f}x), server {done.server:5.2f} s"
        )


if __name__ == "__main__":
    main()
