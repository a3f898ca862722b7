"""Requests per second of ``GET /api/v1/stations/nearest`` under gunicorn, against the
floor of the stack (a trivial JSON endpoint on the same app).

Builds a temporary SQLite database with 100,000 synthetic stations (``--stations``),
serves it with gunicorn (2 sync workers) on 127.0.0.1, warms both workers up, and loads
each endpoint with ``wrk -t2 -c16 -d10s --latency`` (random courier positions from a
fixed list, so no two requests in a row are alike):

* ``trivial``: ``/bench/trivial`` returning ``{"ok": true}`` (added in ``wsgi_app.py``);
* ``nearest``: ``/api/v1/stations/nearest?lat=..&lon=..&k=5``;
* ``nearest toilet``: the same with ``&amenity=toilet``.

It prints requests/s, p50 and p99 latency and the ratio nearest/trivial (target >= 50 %).
``--rounds R`` repeats the three runs in turn and reports medians (for a busy machine);
the API rate limit is off unless ``--rate-limit`` sets one. ``--profile N`` then breaks
a nearest request down in this process and profiles N of them via the Flask test client.
wrk, gunicorn and the bench share this machine's cores; all traffic stays on 127.0.0.1.

Run: ``/work/venv/bin/python bench/api.py [--stations 100000] [--duration 10]``.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import runner
from flask import jsonify
from flask.testing import FlaskClient
from runner import WrkResult
from synthetic import courier_positions, generate

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.geo.nearest import Filters, IndexedStation, NearestIndex
from stationmap.services import districts as district_service
from stationmap.services.nearest import load_rows
from stationmap.services.stations import save_inputs
from stationmap.station_fields import parse_station
from stationmap.web import nearest_json

BENCH_DIR = Path(__file__).resolve().parent
NEAREST = "/api/v1/stations/nearest"
TRIVIAL = "/bench/trivial"
LUA = BENCH_DIR / "wrk_nearest.lua"
QUERY_POINTS = 2000
TARGET_RATIO = 0.5
ANCHOR_TRIVIAL_RPS = 6600  # REFERENCE.md, "Speed anchors"
ANCHOR_TOY_NEAREST_RPS = 3600


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    extra_query: str


ENDPOINTS = (
    Endpoint("trivial", TRIVIAL, ""),
    Endpoint("nearest k=5", NEAREST, "&k=5"),
    Endpoint("nearest k=5 toilet", NEAREST, "&k=5&amenity=toilet"),
)


def build_database(folder: Path, stations: int, rate_limit: str = "off") -> dict[str, str]:
    """A SQLite file with the shipped districts and ``stations`` synthetic stations;
    returns the environment that points the app at it. The API's per-client rate limit
    is off by default: every wrk request comes from one address."""
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "STATIONMAP_ENV": "development",
        "STATIONMAP_INSTANCE_PATH": str(folder),
        "STATIONMAP_API_RATE_LIMIT": rate_limit,
        "REDIS_URL": "",  # limiter counters in each process's memory
    }
    app = create_app({**env, "INSTANCE_PATH": str(folder)})
    database = state(app).db
    started = time.perf_counter()
    upgrade(database)
    with database.write_session() as session:
        district_service.load_shipped(session)
    synthetic = generate(stations)
    parse_start = time.perf_counter()
    inputs = [parse_station(row) for row in synthetic.raw_rows()]
    save_start = time.perf_counter()
    with database.write_session() as session:
        result = save_inputs(session, inputs)
    database.dispose()
    done = time.perf_counter()
    size_mb = (folder / "bench.sqlite3").stat().st_size / 1e6
    print(
        f"database: {len(result.created):,} stations in {done - started:.1f} s "
        f"(parse_station {save_start - parse_start:.1f} s, save_inputs {done - save_start:.1f} s; "
        f"{size_mb:.0f} MB, {env['DATABASE_URL']})",
        flush=True,
    )
    return env


def write_points(path: Path) -> None:
    lats, lons = courier_positions(QUERY_POINTS, seed=23)
    path.write_text(
        "".join(f"{lat:.6f},{lon:.6f}\n" for lat, lon in zip(lats, lons, strict=True)),
        encoding="utf-8",
    )


def run_wrk(
    base: str, endpoint: Endpoint, points: Path, duration_s: int, timeout_s: int = 10
) -> WrkResult:
    """``wrk -t2 -c16`` on ``endpoint``, the queries' points read from ``points``."""
    return runner.run_wrk(
        base + endpoint.path,
        duration_s,
        timeout_s=timeout_s,
        script=LUA,
        script_args=(str(points), endpoint.path, endpoint.extra_query),
    )


def check_answers(server: runner.Gunicorn) -> int:
    """One request per endpoint must succeed; returns the size of a nearest answer."""
    size = 0
    for endpoint in ENDPOINTS:
        status, body = server.get(f"{endpoint.path}?lat=31.2304&lon=121.4737{endpoint.extra_query}")
        if status != 200:
            raise RuntimeError(f"{endpoint.name}: HTTP {status}: {body[:300]!r}")
        if endpoint.path == NEAREST:
            features = json.loads(body)["features"]
            if len(features) != 5:
                raise RuntimeError(f"{endpoint.name}: {len(features)} features, not 5")
            size = len(body)
    return size


def print_results(rounds: list[dict[str, WrkResult]]) -> None:
    """One row per endpoint; with several rounds, the median of each figure (the ratio
    pairs each round's endpoint with that round's trivial run)."""
    names = list(rounds[0])
    ratios = {n: [r[n].requests_per_s / r["trivial"].requests_per_s for r in rounds] for n in names}
    what = "" if len(rounds) == 1 else f", median of {len(rounds)} rounds"
    print(
        f"\n{f'endpoint (wrk -t2 -c16{what})':34} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} "
        f"{'p99 ms':>7} {'requests':>9} {'non-2xx':>7} {'errors':>6} {'/trivial':>8}"
    )
    for name in names:
        runs = [r[name] for r in rounds]
        print(
            f"{name:34} {median([r.requests_per_s for r in runs]):7.0f} "
            f"{median([r.p50_ms for r in runs]):7.2f} {median([r.p90_ms for r in runs]):7.2f} "
            f"{median([r.p99_ms for r in runs]):7.2f} {sum(r.requests for r in runs):9d} "
            f"{sum(r.bad_responses for r in runs):7d} {sum(r.socket_errors for r in runs):6d} "
            f"{median(ratios[name]):8.0%}"
        )
    print(f"\ntargets: nearest/trivial >= {TARGET_RATIO:.0%} (requests/s)")
    for name in names[1:]:
        ratio = median(ratios[name])
        verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
        spread = (
            "" if len(rounds) == 1 else f"  (rounds: {', '.join(f'{x:.0%}' for x in ratios[name])})"
        )
        print(f"  {name:22} {ratio:6.1%}  {verdict}{spread}")
    trivial = median([r["trivial"].requests_per_s for r in rounds])
    print(
        f"anchors (REFERENCE.md): trivial about {ANCHOR_TRIVIAL_RPS:,}/s, toy nearest about "
        f"{ANCHOR_TOY_NEAREST_RPS:,}/s; measured trivial {trivial:,.0f}/s "
        f"({trivial / ANCHOR_TRIVIAL_RPS:.0%} of the anchor)"
    )


def _get_ns(client: FlaskClient, url: str) -> int:
    started = time.perf_counter_ns()
    response = client.get(url)
    elapsed = time.perf_counter_ns() - started
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code} for {url}")
    return elapsed


def profile_requests(env: dict[str, str], folder: Path, count: int, points: Path) -> None:
    """Where a nearest request's time goes, in this process through the Flask test
    client: a cold index build, then warm requests timed plainly (also with the cache of
    serialized station properties emptied before each, as couriers far apart would
    meet it) and under cProfile."""
    app = create_app({**env, "INSTANCE_PATH": str(folder)})
    service = state(app).nearest
    with state(app).db.session() as session:
        started = time.perf_counter()
        rows = load_rows(session)
        loaded = time.perf_counter()
    stations = [
        IndexedStation(
            r.id, r.lat, r.lon, r.amenities, r.host_type, r.worker_groups, r.opening_hours
        )
        for r in rows
    ]
    listed = time.perf_counter()
    NearestIndex(stations, service.tz)
    built = time.perf_counter()
    del rows, stations
    started_cold = time.perf_counter()
    service.nearest(31.2304, 121.4737, 5, Filters(), datetime.now(UTC))
    cold = time.perf_counter() - started_cold
    print(
        f"\n== in-process, {len(service._current()[1]):,} stations ==\n"
        f"first nearest answer {cold:.2f} s; timed apart: load_rows {loaded - started:.2f} s, "
        f"IndexedStation list {listed - loaded:.2f} s, NearestIndex build "
        f"{built - listed:.2f} s. Each worker pays this inside its first nearest request "
        "and again after any edit"
    )
    client = app.test_client()
    pairs = [line.split(",") for line in points.read_text(encoding="utf-8").split()]
    nearest_urls = [f"{NEAREST}?lat={lat}&lon={lon}&k=5" for lat, lon in pairs]
    if "bench_trivial" not in app.view_functions:
        app.add_url_rule(TRIVIAL, "bench_trivial", lambda: jsonify({"ok": True}))
    for url in nearest_urls[-200:]:  # warm
        _get_ns(client, url)
    index = service._current()[0]
    samples: dict[str, list[int]] = {
        "trivial": [],
        "nearest k=5": [],
        "nearest k=5, cold cache": [],
        "NearestIndex.nearest alone": [],
    }
    # Taking turns request by request, so load from elsewhere falls on all alike.
    for i in range(min(count, len(pairs))):
        samples["trivial"].append(_get_ns(client, TRIVIAL))
        samples["nearest k=5"].append(_get_ns(client, nearest_urls[i]))
        nearest_json.clear_cache()
        samples["nearest k=5, cold cache"].append(_get_ns(client, nearest_urls[i]))
        started = time.perf_counter_ns()
        index.nearest(float(pairs[i][0]), float(pairs[i][1]), 5)
        samples["NearestIndex.nearest alone"].append(time.perf_counter_ns() - started)
    medians = {name: median(values) / 1000.0 for name, values in samples.items()}
    print(f"{'test client, median per request':34} {'us':>8}")
    for name, value in medians.items():
        print(f"{name:34} {value:8.0f}")
    cold_us = medians["nearest k=5, cold cache"] - medians["nearest k=5"]
    print(f"serializing 5 stations' properties and links afresh: {cold_us:.0f} us a request")

    profiler = cProfile.Profile()
    profiler.enable()
    for url in (nearest_urls[count:] + nearest_urls[:count])[:count]:
        _get_ns(client, url)
    profiler.disable()
    print(f"\n== cProfile: {count} nearest requests via the test client ==")
    for key, rows_shown in (("tottime", 15), ("cumulative", 28)):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key).print_stats(rows_shown)
        text = out.getvalue()
        print(text[text.index("   ncalls") :] if "   ncalls" in text else text)
    state(app).db.dispose()


def _stop_on_signal(signum: int, _frame: FrameType | None) -> None:
    print(f"signal {signum}: stopping", file=sys.stderr)
    raise SystemExit(128 + signum)  # so that `finally` stops gunicorn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=100_000, help="stations in the database")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat the three runs, report medians"
    )
    parser.add_argument(
        "--rate-limit",
        default="off",
        help="STATIONMAP_API_RATE_LIMIT for the server, e.g. '1000000 per minute' to "
        "measure the limiter's own cost (default: %(default)s)",
    )
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per endpoint")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="then profile N nearest requests"
    )
    args = parser.parse_args(argv)
    if args.stations < 5 or args.duration < 1 or args.rounds < 1:
        parser.error("--stations must be at least 5, --duration and --rounds at least 1")
    if shutil.which("wrk") is None:
        print(
            "wrk (the HTTP load generator) is not installed. Install it with\n"
            "    apt-get install wrk        (Debian/Ubuntu, as root or with sudo)\n"
            "and run this again.",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGTERM, _stop_on_signal)
    print(
        f"cores: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.2f}; "
        f"API rate limit: {args.rate_limit}"
    )

    with tempfile.TemporaryDirectory(prefix="stationmap-bench-") as tmp:
        folder = Path(tmp)
        env = build_database(folder, args.stations, args.rate_limit)
        points = folder / "points.csv"
        write_points(points)
        # 2 sync workers on 127.0.0.1, stopped on exit whatever happens.
        server = runner.Gunicorn("wsgi_app:app", {**os.environ, **env}, folder / "gunicorn.log")
        try:
            server.wait_ready(TRIVIAL, timeout_s=60.0)
            started = time.perf_counter()
            answer_bytes = check_answers(server)
            print(
                f"gunicorn on {server.base} (2 sync workers); first nearest answer "
                f"{time.perf_counter() - started:.1f} s (index build), "
                f"{answer_bytes:,} bytes for k=5",
                flush=True,
            )
            # Each worker builds its own index on its first nearest request: warm both,
            # with a long timeout, before anything is measured.
            for endpoint in (ENDPOINTS[1], *ENDPOINTS):
                run_wrk(server.base, endpoint, points, args.warmup, timeout_s=60)
            # Endpoints take turns round by round, so load from elsewhere on the machine
            # falls on all of them alike.
            rounds: list[dict[str, WrkResult]] = []
            for number in range(1, args.rounds + 1):
                results: dict[str, WrkResult] = {}
                for endpoint in ENDPOINTS:
                    results[endpoint.name] = run_wrk(server.base, endpoint, points, args.duration)
                rounds.append(results)
                print(
                    f"  round {number}: "
                    + ", ".join(f"{n} {r.requests_per_s:,.0f}/s" for n, r in results.items()),
                    flush=True,
                )
            if server.process.poll() is not None:
                raise RuntimeError(f"gunicorn died during the run:\n{server.log_tail()}")
            if any(r.bad_responses for rs in rounds for r in rs.values()):
                status, body = server.get(f"{NEAREST}?lat=31.2304&lon=121.4737&k=5")
                print(f"non-2xx answers seen; a probe now gets HTTP {status}: {body[:200]!r}")
        finally:
            server.stop()
        print_results(rounds)
        print(f"load average after the runs: {os.getloadavg()[0]:.2f} (wrk itself takes some)")
        if args.profile:
            profile_requests(env, folder, args.profile, points)
    bad = sum(r.failures for rs in rounds for r in rs.values())
    if bad:
        print(f"\n{bad} failed responses or socket errors: figures are not trustworthy")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
