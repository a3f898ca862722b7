"""Load test at national scale: 200,000 stations, SQLite and PostGIS in the same run.

1. Generates a national dataset (``--stations``, default 200,000) with
   ``bench/synthetic.py``: about 300 city centres, dense scatter around them and a
   rural background; every point outside China's land outline
   (:func:`stationmap.geo.datum.in_china`) is dropped, and more are drawn until enough
   remain.
2. Loads it, through the service layer in one transaction (``save_inputs``, what the
   importer calls), into (a) a temporary SQLite file and (b) a temporary PostGIS
   database on the server of ``--postgres-url``; both get ``stationmap init-db`` first.
3. For each backend, serves the app with gunicorn (2 sync workers on 127.0.0.1, a free
   port, ``bench/load_wsgi.py``) and loads it with ``wrk -t2 -c16 -d10s --latency``:

   * ``trivial``: ``/bench/trivial``, the framework's floor;
   * ``nearest``: ``/api/v1/stations/nearest?lat=..&lon=..&k=5``;
   * ``nearest toilet``: the same with ``&amenity=toilet``;
   * ``bbox``: ``/api/v1/stations?bbox=<2 x 2 km>&limit=100``.

   Each request is a courier somewhere near a city: wrk's Lua script (written by this
   script into its temporary folder) picks a city by weight and scatters the point by
   that city's spread, so no two requests are alike.
4. Prints requests/s, p50 and p99, the ratio to the trivial endpoint, and the CPU each
   request costs in the app workers and in the PostgreSQL backends (from /proc), then
   the targets: nearest on SQLite >= 50 % of trivial throughput; PostGIS p99 < 50 ms.

wrk, gunicorn and PostgreSQL share this machine's cores, so the figures are for the
whole stack on one box. All traffic stays on 127.0.0.1; every wait is bounded; the
temporary database, folder and processes are removed on exit, also on Ctrl-C.

Run: ``/work/venv/bin/python bench/load.py [--stations 200000] [--duration 10]``.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import numpy as np
from sqlalchemy import create_engine, make_url, text

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import runner  # noqa: E402 - bench/runner.py, beside this file
import synthetic  # noqa: E402 - bench/synthetic.py, beside this file

from stationmap import create_app  # noqa: E402
from stationmap.app_state import state  # noqa: E402
from stationmap.geo.datum import in_china  # noqa: E402
from stationmap.services.stations import save_inputs  # noqa: E402
from stationmap.station_fields import StationInput, parse_station  # noqa: E402

HOST = runner.HOST
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_SQLITE_RATIO = 0.5
TARGET_POSTGIS_P99_MS = 50.0
BOX_HALF_KM = 1.0
KM_PER_DEG_LAT = 111.32
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Endpoint:
    name: str
    mode: str  # what the Lua script builds


ENDPOINTS = (
    Endpoint("trivial", "trivial"),
    Endpoint("nearest k=5", "nearest"),
    Endpoint("nearest k=5 toilet", "nearest_toilet"),
    Endpoint("bbox 2x2 km", "bbox"),
)


# -- the dataset ------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    inputs: list[StationInput]
    dropped_share: float  # of generated points that fell outside China
    city_lats: list[float]
    city_lons: list[float]
    city_weights: list[float]
    city_sigma_km: list[float]


def national_dataset(count: int, seed: int = 7) -> Dataset:
    """``count`` stations inside China, checked by ``parse_station`` as an import would."""
    drawn = int(count * 1.2)
    for _ in range(8):  # bounded: each round draws 30 % more
        data = synthetic.generate(drawn, seed)
        inside = in_china(data.lats, data.lons)
        if int(inside.sum()) >= count:
            break
        drawn = int(drawn * 1.3)
    else:
        raise RuntimeError("could not draw enough stations inside China")
    keep = set(np.flatnonzero(inside)[:count].tolist())
    inputs = [parse_station(row) for i, row in enumerate(data.raw_rows()) if i in keep]
    towns = synthetic.cities()
    towns_inside = in_china(towns.lats, towns.lons)
    weights = towns.weights[towns_inside]
    return Dataset(
        inputs=inputs,
        dropped_share=1.0 - float(inside.mean()),
        city_lats=towns.lats[towns_inside].tolist(),
        city_lons=towns.lons[towns_inside].tolist(),
        city_weights=(weights / weights.sum()).tolist(),
        city_sigma_km=towns.sigma_km[towns_inside].tolist(),
    )


# -- wrk's Lua script -------------------------------------------------------------------
LUA_TEMPLATE = """-- Written by bench/load.py: one courier position per request, near a city
-- picked by weight, scattered by that city's spread (normal, Box-Muller).
--   wrk -s load.lua URL -- MODE      (MODE: trivial, nearest, nearest_toilet, bbox)
local cities = {
%(cities)s
}
local mode = "nearest"
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
end

function init(args)
  mode = args[1] or "nearest"
  math.randomseed(%(seed)d + 7919 * (thread_number or 0))
end

local function courier()
  local u = math.random()
  local lo, hi = 1, #cities
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cities[mid][3] < u then lo = mid + 1 else hi = mid end
  end
  local c = cities[lo]
  local r = math.sqrt(-2 * math.log(1 - math.random())) * c[4]
  local t = 2 * math.pi * math.random()
  local lat = c[1] + r * math.cos(t) / %(km_per_deg)f
  local lon = c[2] + r * math.sin(t) / (%(km_per_deg)f * math.cos(math.rad(c[1])))
  return lat, lon
end

function request()
  local lat, lon = courier()
  local path
  if mode == "trivial" then
    path = "/bench/trivial"
  elseif mode == "nearest" then
    path = string.format("/api/v1/stations/nearest?lat=%%.6f&lon=%%.6f&k=5", lat, lon)
  elseif mode == "nearest_toilet" then
    path = string.format(
      "/api/v1/stations/nearest?lat=%%.6f&lon=%%.6f&k=5&amenity=toilet", lat, lon)
  elseif mode == "bbox" then
    local dlat = %(half_km)f / %(km_per_deg)f
    local dlon = dlat / math.cos(math.rad(lat))
    path = string.format("/api/v1/stations?bbox=%%.6f,%%.6f,%%.6f,%%.6f&limit=100",
      lon - dlon, lat - dlat, lon + dlon, lat + dlat)
  else
    error("unknown mode " .. tostring(mode))
  end
  return wrk.format("GET", path)
end
"""


def write_lua(path: Path, dataset: Dataset, seed: int = 20240601) -> None:
    cumulative = np.cumsum(dataset.city_weights)
    cumulative[-1] = 1.0
    lines = ",\n".join(
        f"  {{{lat:.5f}, {lon:.5f}, {cum:.8f}, {sigma:.3f}}}"
        for lat, lon, cum, sigma in zip(
            dataset.city_lats,
            dataset.city_lons,
            cumulative.tolist(),
            dataset.city_sigma_km,
            strict=True,
        )
    )
    path.write_text(
        LUA_TEMPLATE
        % {"cities": lines, "seed": seed, "km_per_deg": KM_PER_DEG_LAT, "half_km": BOX_HALF_KM},
        encoding="utf-8",
    )


# -- databases --------------------------------------------------------------------------
def _cli_env(url: str, instance: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        STATIONMAP_ENV="development",
        STATIONMAP_INSTANCE_PATH=str(instance),
        STATIONMAP_API_RATE_LIMIT="off",  # every wrk request comes from one address
        REDIS_URL="",
    )
    return env


def _stationmap() -> list[str]:
    script = Path(sys.executable).with_name("stationmap")
    if script.exists():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "import sys; from stationmap.console import main; sys.exit(main())",
    ]


def load(url: str, inputs: list[StationInput], instance: Path) -> str:
    """``stationmap init-db``, then every station in one transaction; then ANALYZE (on
    PostgreSQL autovacuum would do it within a minute of such a load)."""
    started = time.perf_counter()
    init = subprocess.run(
        [*_stationmap(), "init-db"],
        env=_cli_env(url, instance),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if init.returncode != 0:
        raise RuntimeError(f"init-db failed:\n{init.stdout}\n{init.stderr}")
    app = create_app(
        {"DATABASE_URL": url, "STATIONMAP_ENV": "development", "INSTANCE_PATH": str(instance)}
    )
    database = state(app).db
    try:
        with database.write_session() as session:
            result = save_inputs(session, inputs)
        if database.is_postgres:
            with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
                size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        else:
            with database.engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
            size = Path(str(make_url(url).database)).stat().st_size
    finally:
        database.dispose()
    return (
        f"{len(result.created):,} stations in {time.perf_counter() - started:.0f} s, "
        f"{int(size or 0) / 1e6:.0f} MB; " + init.stdout.strip().splitlines()[-1]
    )


def postgres_version(admin_url: str) -> str:
    engine = create_engine(admin_url)
    try:
        with engine.connect() as conn:
            server = conn.execute(text("SHOW server_version")).scalar()
            postgis = conn.execute(
                text("SELECT default_version FROM pg_available_extensions WHERE name='postgis'")
            ).scalar()
    finally:
        engine.dispose()
    return f"PostgreSQL {server}, PostGIS {postgis or 'not installed'}"


def create_database(admin_url: str) -> str:
    name = f"stationmap_load_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


# -- CPU accounting from /proc ----------------------------------------------------------
def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class DbBackends:
    """The PostgreSQL backend processes serving one database (this machine only)."""

    def __init__(self, admin_url: str, database: str) -> None:
        self.engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.database = database

    def pids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = :db "
                        "AND backend_type = 'client backend'"
                    ),
                    {"db": self.database},
                ).scalars()
            )

    def close(self) -> None:
        self.engine.dispose()


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


def _cpu_of(pids: list[int]) -> dict[int, float]:
    return {pid: _cpu_s(pid) for pid in pids}


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def machine_busy(sample_s: float = 2.0) -> float:
    """Share of all CPUs busy over ``sample_s`` (this script sleeps meanwhile)."""
    busy0, total0 = _cpu_ticks()
    time.sleep(sample_s)
    busy1, total1 = _cpu_ticks()
    return (busy1 - busy0) / max(total1 - total0, 1)


def wait_for_quiet(max_wait_s: float, threshold: float = 0.2) -> float:
    """Wait (at most ``max_wait_s``) until other work leaves the CPUs mostly idle, so it
    does not depress the figures; returns the last busy share measured."""
    deadline = time.monotonic() + max_wait_s
    busy = machine_busy()
    while busy > threshold and time.monotonic() < deadline:
        print(f"  machine {busy:.0%} busy with other work; waiting for it to settle", flush=True)
        time.sleep(5)
        busy = machine_busy()
    return busy


# -- gunicorn and wrk -------------------------------------------------------------------
class Gunicorn(runner.Gunicorn):
    """gunicorn on 127.0.0.1 serving ``load_wsgi:app`` on the database ``url`` names
    (see :class:`runner.Gunicorn`)."""

    def __init__(
        self,
        url: str,
        instance: Path,
        log: Path,
        workers: int = 2,
        worker_class: str = "sync",
        source: Path | None = None,
    ) -> None:
        """``source``: another checkout of the project to serve (its ``bench`` folder
        and, first on the path, its package), for a baseline in the same run."""
        env = _cli_env(url, instance)
        if source is not None:
            env["PYTHONPATH"] = str(source)
        super().__init__(
            "load_wsgi:app",
            env,
            log,
            workers=workers,
            worker_class=worker_class,
            chdir=BENCH_DIR if source is None else source / "bench",
            extra=["--threads", "4"] if worker_class == "gthread" else [],
        )


@dataclass
class Figures:
    backend: str
    endpoint: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int
    app_cpu_ms: float = math.nan
    db_cpu_ms: float = math.nan
    wrk_cpu_ms: float = math.nan
    ratio: float = math.nan
    other_load: float = math.nan  # share of the machine's CPU used by other work


def run_wrk(
    port: int, lua: Path, mode: str, duration_s: int, threads: int, connections: int
) -> runner.WrkResult:
    """wrk with ``lua`` in ``mode`` against the server on ``port``."""
    return runner.run_wrk(
        f"http://{HOST}:{port}/",
        duration_s,
        threads=threads,
        connections=connections,
        script=lua,
        script_args=(mode,),
    )


def _check_answers(server: Gunicorn, dataset: Dataset) -> None:
    """One request per endpoint at a city centre: 200 and a plausible answer."""
    lat, lon = dataset.city_lats[0], dataset.city_lons[0]
    dlat = BOX_HALF_KM / KM_PER_DEG_LAT
    dlon = dlat / math.cos(math.radians(lat))
    for path, minimum in (
        (f"/api/v1/stations/nearest?lat={lat}&lon={lon}&k=5", 5),
        (f"/api/v1/stations/nearest?lat={lat}&lon={lon}&k=5&amenity=toilet", 5),
        (f"/api/v1/stations?bbox={lon - dlon},{lat - dlat},{lon + dlon},{lat + dlat}&limit=100", 1),
    ):
        status, body = server.get(path)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}: {body[:300]!r}")
        found = len(json.loads(body)["features"])
        if found < minimum:
            raise RuntimeError(f"{path}: {found} features, expected at least {minimum}")


def measured_run(
    backend: str,
    server: Gunicorn,
    lua: Path,
    endpoint: Endpoint,
    args: argparse.Namespace,
    db_backends: DbBackends | None,
) -> Figures:
    """One wrk run against ``server`` with the CPU it cost the app workers, the
    PostgreSQL backends, wrk and other work on the machine."""
    workers = server.workers()
    app_before = _cpu_of(workers)
    db_pids = db_backends.pids() if db_backends else []
    db_before = _cpu_of(db_pids)
    busy_before, total_before = _cpu_ticks()
    run = run_wrk(server.port, lua, endpoint.mode, args.duration, args.threads, args.connections)
    wrk_cpu = run.wrk_cpu_s
    busy_after, total_after = _cpu_ticks()
    app_spent = _spent(app_before, _cpu_of(server.workers()))
    db_spent = _spent(db_before, _cpu_of(db_backends.pids())) if db_backends else 0.0
    # CPU time used by everything else on the machine during the run, as a share
    # of the machine: what other work took away from this measurement.
    machine_s = (total_after - total_before) / CLK_TCK
    busy_s = (busy_after - busy_before) / CLK_TCK
    other = max(busy_s - app_spent - db_spent - wrk_cpu, 0.0) / max(machine_s, 1e-9)
    per = 1000.0 / max(run.requests, 1)
    return Figures(
        backend,
        endpoint.name,
        run.requests_per_s,
        run.p50_ms,
        run.p99_ms,
        run.requests,
        run.failures,
        app_cpu_ms=app_spent * per,
        db_cpu_ms=db_spent * per if db_backends else math.nan,
        wrk_cpu_ms=wrk_cpu * per,
        other_load=other,
    )


def measure(
    backend: str,
    url: str,
    dataset: Dataset,
    folder: Path,
    lua: Path,
    args: argparse.Namespace,
    db_backends: DbBackends | None,
) -> list[Figures]:
    server = Gunicorn(
        url, folder, folder / f"gunicorn-{backend}.log", args.workers, args.worker_class
    )
    try:
        server.wait_ready()
        _check_answers(server, dataset)
        # Warm-up, not measured: each worker builds its in-process index (SQLite) or
        # opens its pooled connection (PostGIS) and fills its caches.
        for endpoint in ENDPOINTS:
            run_wrk(server.port, lua, endpoint.mode, args.warmup, args.threads, args.connections)
        rss = ", ".join(f"{_rss_mb(pid):.0f}" for pid in server.workers())
        print(f"  {backend}: worker memory after warm-up (RSS, MB): {rss}", flush=True)
        out: list[Figures] = []
        for endpoint in ENDPOINTS:
            wait_for_quiet(args.quiet_wait)
            figures = measured_run(backend, server, lua, endpoint, args, db_backends)
            out.append(figures)
            rps, p50, p99, bad, other = (
                figures.requests_per_s,
                figures.p50_ms,
                figures.p99_ms,
                figures.bad,
                figures.other_load,
            )
            print(
                f"  {backend:8} {endpoint.name:20} {rps:8.0f} req/s  p50 {p50:6.2f} ms  "
                f"p99 {p99:6.2f} ms  failures {bad}  other work {other:.0%}",
                flush=True,
            )
        trivial = out[0].requests_per_s
        for figures in out:
            figures.ratio = figures.requests_per_s / trivial if trivial else math.nan
        return out
    finally:
        server.stop()


# -- report -----------------------------------------------------------------------------
def _fmt(value: float, spec: str) -> str:
    return "-" if math.isnan(value) else format(value, spec)


def print_table(rows: list[Figures]) -> None:
    header = (
        "backend",
        "endpoint",
        "req/s",
        "p50 ms",
        "p99 ms",
        "vs trivial",
        "app CPU ms/req",
        "DB CPU ms/req",
        "wrk CPU ms/req",
        "other work",
        "failures",
    )
    table = [header] + [
        (
            r.backend,
            r.endpoint,
            f"{r.requests_per_s:,.0f}",
            f"{r.p50_ms:.2f}",
            f"{r.p99_ms:.2f}",
            f"{r.ratio:.0%}",
            _fmt(r.app_cpu_ms, ".3f"),
            _fmt(r.db_cpu_ms, ".3f"),
            _fmt(r.wrk_cpu_ms, ".3f"),
            _fmt(r.other_load, ".0%"),
            str(r.bad),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for n, row in enumerate(table):
        cells = [
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def print_targets(rows: list[Figures]) -> bool:
    ok = True
    by = {(r.backend, r.endpoint): r for r in rows}
    for name in ("nearest k=5", "nearest k=5 toilet"):
        if ("sqlite", name) in by:
            r = by["sqlite", name]
            passed = r.ratio >= TARGET_SQLITE_RATIO
            ok &= passed
            print(
                f"target  SQLite  {name:20} >= {TARGET_SQLITE_RATIO:.0%} of trivial: "
                f"{r.ratio:.0%}  {'PASS' if passed else 'FAIL'}"
            )
    for name in ("nearest k=5", "nearest k=5 toilet"):
        if ("postgis", name) in by:
            r = by["postgis", name]
            passed = r.p99_ms < TARGET_POSTGIS_P99_MS
            ok &= passed
            print(
                f"target  PostGIS {name:20} p99 < {TARGET_POSTGIS_P99_MS:.0f} ms: "
                f"{r.p99_ms:.1f} ms  {'PASS' if passed else 'FAIL'}"
            )
    failures = sum(r.bad for r in rows)
    if failures:
        ok = False
        print(f"FAIL: {failures} non-2xx responses or socket errors: figures are not valid")
    return ok


# -- main -------------------------------------------------------------------------------
def _raise_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _check_local(url: str) -> None:
    host = make_url(url).host or "127.0.0.1"
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"--postgres-url must point at this machine (127.0.0.1), not {host}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--stations", type=int, default=200_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per warm-up run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--worker-class", choices=("sync", "gthread"), default="sync", help="gthread: 4 threads"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("STATIONMAP_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL,
        help="a superuser URL on 127.0.0.1; a temporary database is made there",
    )
    parser.add_argument("--backends", default="sqlite,postgis", help="sqlite, postgis or both")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=300.0,
        help="wait up to this many seconds for other work on the machine to finish",
    )
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    if "postgis" in backends:
        _check_local(args.postgres_url)
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGHUP, _raise_exit)

    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} "
        "(other work on the machine lowers every figure)",
        flush=True,
    )
    started = time.perf_counter()
    dataset = national_dataset(args.stations)
    print(
        f"dataset: {len(dataset.inputs):,} stations inside China around "
        f"{len(dataset.city_lats)} city centres ({dataset.dropped_share:.1%} of drawn points "
        f"fell outside and were dropped; {time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    rows: list[Figures] = []
    with contextlib.ExitStack() as cleanup:
        folder = Path(tempfile.mkdtemp(prefix="stationmap-load-"))
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        lua = folder / "load.lua"
        write_lua(lua, dataset)
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'load.sqlite3'}"
                print(f"sqlite: {load(url, dataset.inputs, folder)}", flush=True)
                rows += measure(backend, url, dataset, folder, lua, args, None)
            elif backend == "postgis":
                print(f"postgis: {postgres_version(args.postgres_url)}", flush=True)
                url = create_database(args.postgres_url)
                cleanup.callback(drop_database, args.postgres_url, url)
                print(f"postgis: {load(url, dataset.inputs, folder)}", flush=True)
                watcher = DbBackends(args.postgres_url, str(make_url(url).database))
                cleanup.callback(watcher.close)
                rows += measure(backend, url, dataset, folder, lua, args, watcher)
            else:
                raise SystemExit(f"unknown backend {backend!r}")
    print()
    print(
        f"{len(dataset.inputs):,} stations; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s --latency; gunicorn {args.workers} {args.worker_class} workers; "
        f"{os.cpu_count()} CPUs; "
        f"load average now {os.getloadavg()[0]:.2f}"
    )
    print_table(rows)
    print()
    ok = print_targets(rows)
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
