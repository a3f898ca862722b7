"""PostGIS nearest under load, this tree beside a baseline revision in the same run.

1. A PostGIS database of national stations: ``--database URL`` (already loaded, kept)
   or a temporary one of ``--stations`` stations (bench/load.py's generator and
   loader), dropped on exit.
2. Two gunicorns on it (``--workers`` sync workers each, ``load_wsgi:app``): this
   tree, and ``--baseline`` (a git revision, default ``main``, exported with ``git
   archive`` into a temporary folder and put first on ``PYTHONPATH``).
3. Both give the same answers: 40 courier positions, with and without a filter, the
   same station ids in the same order and distances within 1 mm.
4. Rounds of ``wrk -t2 -c16 -d10s`` (bench/load.py's settings and courier positions):
   trivial, nearest k=5, nearest k=5 toilet; the two servers take turns endpoint by
   endpoint, the order swapped each round, so other work on the machine falls on both
   alike. Each run's requests/s, p50, p99, the app workers' and the PostgreSQL
   backends' CPU per request (from /proc); the table gives medians over the rounds
   and each nearest's share of its own server's trivial requests/s.

Targets (issue 17): nearest >= 50 % of trivial, with the amenity filter >= 40 %, p99
<= 15 ms. Only figures are printed; the script exits 1 only if the answers differ or a
request failed.

Run: ``.venv/bin/python bench/pg_nearest.py [--database URL] [--rounds 2]``.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy import make_url

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import load  # noqa: E402 - bench/load.py, beside this file
import synthetic  # noqa: E402

from stationmap.geo.datum import in_china  # noqa: E402

ENDPOINTS = (
    load.Endpoint("trivial", "trivial"),
    load.Endpoint("nearest k=5", "nearest"),
    load.Endpoint("nearest k=5 toilet", "nearest_toilet"),
)
TARGETS = {"nearest k=5": 0.50, "nearest k=5 toilet": 0.40}
TARGET_P99_MS = 15.0
DISTANCE_TOLERANCE_M = 0.001


def cities_only() -> load.Dataset:
    """The city centres wrk's courier positions are drawn around (no stations)."""
    towns = synthetic.cities()
    inside = in_china(towns.lats, towns.lons)
    weights = towns.weights[inside]
    return load.Dataset(
        inputs=[],
        dropped_share=0.0,
        city_lats=towns.lats[inside].tolist(),
        city_lons=towns.lons[inside].tolist(),
        city_weights=(weights / weights.sum()).tolist(),
        city_sigma_km=towns.sigma_km[inside].tolist(),
    )


def export(revision: str, folder: Path) -> str:
    """``revision`` of this repository written into ``folder``; its short hash."""
    root = BENCH_DIR.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", revision],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", revision],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()


def same_answers(servers: dict[str, load.Gunicorn], dataset: load.Dataset) -> bool:
    """The servers answer 40 courier positions alike (ids in order, distances)."""
    rng = random.Random(3)
    names = list(servers)
    for i in range(40):
        city = rng.choices(range(len(dataset.city_lats)), dataset.city_weights)[0]
        lat = dataset.city_lats[city] + rng.gauss(0, 0.05)
        lon = dataset.city_lons[city] + rng.gauss(0, 0.05)
        path = f"/api/v1/stations/nearest?lat={lat:.6f}&lon={lon:.6f}&k=5"
        if i % 2:
            path += "&amenity=toilet"
        answers = []
        for name in names:
            status, body = servers[name].get(path)
            if status != 200:
                print(f"{name}: {path}: HTTP {status}: {body[:300]!r}")
                return False
            answers.append(
                [(f["id"], f["properties"]["distance_m"]) for f in json.loads(body)["features"]]
            )
        first = answers[0]
        for other in answers[1:]:
            if [i for i, _ in first] != [i for i, _ in other] or any(
                abs(a - b) > DISTANCE_TOLERANCE_M
                for (_, a), (_, b) in zip(first, other, strict=True)
            ):
                print(f"answers differ at {path}: {first} / {other}")
                return False
    return True


def report(runs: dict[tuple[str, str], list[load.Figures]], names: list[str]) -> None:
    header = (
        f"{'server':16} {'endpoint':20} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'/trivial':>8} {'app CPU ms/req':>14} {'DB CPU ms/req':>13}"
    )
    print(header)
    print("-" * len(header))
    for name in names:
        for endpoint in ENDPOINTS:
            rows = runs[name, endpoint.name]
            trivial = runs[name, "trivial"]
            shares = [
                r.requests_per_s / t.requests_per_s for r, t in zip(rows, trivial, strict=True)
            ]
            print(
                f"{name:16} {endpoint.name:20} "
                f"{statistics.median(r.requests_per_s for r in rows):7.0f} "
                f"{statistics.median(r.p50_ms for r in rows):7.2f} "
                f"{statistics.median(r.p99_ms for r in rows):7.2f} "
                f"{statistics.median(shares):8.0%} "
                f"{statistics.median(r.app_cpu_ms for r in rows):14.3f} "
                f"{statistics.median(r.db_cpu_ms for r in rows):13.3f}"
            )
    for name in names:
        for endpoint in ENDPOINTS[1:]:
            rows = runs[name, endpoint.name]
            shares = [
                r.requests_per_s / t.requests_per_s
                for r, t in zip(rows, runs[name, "trivial"], strict=True)
            ]
            share = statistics.median(shares)
            p99 = statistics.median(r.p99_ms for r in rows)
            target = TARGETS[endpoint.name]
            print(
                f"target  {name:16} {endpoint.name:20} >= {target:.0%} of trivial: "
                f"{share:.0%} {'PASS' if share >= target else 'FAIL'};  p99 <= "
                f"{TARGET_P99_MS:.0f} ms: {p99:.1f} {'PASS' if p99 <= TARGET_P99_MS else 'FAIL'}"
                f"  (rounds: {', '.join(f'{s:.0%}' for s in shares)})"
            )


def in_process(
    url: str, admin_url: str, sources: dict[str, Path | None], n: int, rounds: int
) -> None:
    """bench/pg_spans.py under each source in turns, ``rounds`` times; medians."""
    spans: dict[str, list[dict[str, list[float]]]] = {name: [] for name in sources}
    for round_no in range(rounds):
        names = list(sources) if round_no % 2 == 0 else list(sources)[::-1]
        for name in names:
            env = dict(os.environ)
            source = sources[name]
            if source is not None:
                env["PYTHONPATH"] = str(source)
            child = subprocess.run(
                [sys.executable, str(BENCH_DIR / "pg_spans.py"), url, admin_url, str(n)],
                env=env,
                capture_output=True,
                text=True,
                timeout=1800,
                check=False,
            )
            if child.returncode != 0:
                raise RuntimeError(f"pg_spans.py under {name} failed:\n{child.stderr[-3000:]}")
            spans[name].append(json.loads(child.stdout.strip().splitlines()[-1]))
    print(f"in process, {n} requests per kind, {rounds} rounds (medians), CPU us per request")
    names = list(sources)
    print(f"{'':24}" + "".join(f"{name + ' app':>20}{'DB':>8}" for name in names))
    for kind in spans[names[0]][0]:
        cells = ""
        for name in names:
            app_us = statistics.median(r[kind][0] for r in spans[name])
            db_us = statistics.median(r[kind][1] for r in spans[name])
            cells += f"{app_us:20.0f}{db_us:8.0f}"
        print(f"{kind:24}{cells}")
    print(flush=True)


def _raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--database", help="a loaded PostGIS database to use (kept)")
    parser.add_argument("--stations", type=int, default=200_000)
    parser.add_argument("--baseline", default="main", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per warm-up run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--inprocess",
        type=int,
        default=0,
        metavar="N",
        help="first measure N requests of each kind in one process per version "
        "(bench/pg_spans.py), --rounds times",
    )
    parser.add_argument("--no-wrk", action="store_true", help="skip the wrk runs")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("STATIONMAP_TEST_POSTGRES_URL") or load.DEFAULT_POSTGRES_URL,
        help="a superuser URL on 127.0.0.1 (a temporary database is made there)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    load._check_local(args.database or args.postgres_url)
    signal.signal(signal.SIGTERM, _raise_exit)
    signal.signal(signal.SIGHUP, _raise_exit)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    with contextlib.ExitStack() as cleanup:
        folder = Path(tempfile.mkdtemp(prefix="stationmap-pg-nearest-"))
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        if args.database:
            url = args.database
            dataset = cities_only()
        else:
            dataset = load.national_dataset(args.stations)
            url = load.create_database(args.postgres_url)
            cleanup.callback(load.drop_database, args.postgres_url, url)
            print(f"postgis: {load.load(url, dataset.inputs, folder)}", flush=True)
        lua = folder / "load.lua"
        load.write_lua(lua, dataset)
        base = folder / "baseline"
        base.mkdir()
        base_name = f"{args.baseline} ({export(args.baseline, base)})"
        sources: dict[str, Path | None] = {base_name: base, "this tree": None}
        if args.inprocess:
            in_process(url, args.postgres_url, sources, args.inprocess, args.rounds)
        if args.no_wrk:
            return 0
        servers: dict[str, load.Gunicorn] = {}
        for name, source in sources.items():
            instance = folder / f"instance-{len(servers)}"
            instance.mkdir()
            server = load.Gunicorn(
                url, instance, folder / f"gunicorn-{len(servers)}.log", args.workers, source=source
            )
            cleanup.callback(server.stop)
            servers[name] = server
        for server in servers.values():
            server.wait_ready()
        if not same_answers(servers, dataset):
            return 1
        watcher = load.DbBackends(args.postgres_url, str(make_url(url).database))
        cleanup.callback(watcher.close)
        for server in servers.values():
            for endpoint in ENDPOINTS:
                load.run_wrk(
                    server.port, lua, endpoint.mode, args.warmup, args.threads, args.connections
                )
        names = list(servers)
        runs: dict[tuple[str, str], list[load.Figures]] = {
            (name, e.name): [] for name in names for e in ENDPOINTS
        }
        failures = 0
        for round_no in range(args.rounds):
            order = names if round_no % 2 == 0 else names[::-1]
            for endpoint in ENDPOINTS:
                for name in order:
                    figures = load.measured_run(name, servers[name], lua, endpoint, args, watcher)
                    failures += figures.bad
                    runs[name, endpoint.name].append(figures)
                    print(
                        f"  round {round_no + 1} {name:16} {endpoint.name:20} "
                        f"{figures.requests_per_s:7.0f} req/s  p99 {figures.p99_ms:6.2f} ms  "
                        f"app {figures.app_cpu_ms:.3f} DB {figures.db_cpu_ms:.3f} ms/req  "
                        f"load average {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
        print()
        print(
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s; gunicorn "
            f"{args.workers} sync workers per server; {args.rounds} rounds (medians); "
            f"load average now {os.getloadavg()[0]:.2f}"
        )
        report(runs, names)
        if failures:
            print(f"FAIL: {failures} non-2xx responses or socket errors")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
