"""The app's own floor, and what a worker weighs.

1. **Floor.** The app's trivial endpoint (``/bench/trivial`` of ``bench/load_wsgi.py``:
   ``create_app()`` plus a view answering ``{"ok": true}``) against a bare Flask
   hello-world answering the same JSON at the same path (``bench/bare_wsgi.py``), both
   under the same gunicorn settings as ``bench/load.py`` (2 sync workers, 127.0.0.1)
   and ``wrk -t2 -c16``, taking turns ``--rounds`` times in one run. The app runs with
   its default rate limits (the API's 600 a minute, logins counted in the database):
   the trivial endpoint is outside the limited blueprints, as a page is. Prints
   requests/s (median of the rounds), the workers' CPU per request, and the ratio.
2. **Worker weight.** ``stationmap serve``'s way (``gunicorn --preload
   stationmap.wsgi:app``) with 1, 2 and 4 workers (``--workers``) on a database holding
   no station: each worker's RSS and PSS (``/proc/PID/smaps_rollup``) at start, after
   nearest queries, and after map pages (the courier page ``/`` for every shipped
   district, each rendered by folium once); the workers' CPU seconds for those pages.
   With ``--baseline DIR`` (another checkout of the code, e.g. ``git archive main``
   unpacked there) the same is measured on that code too, taking turns, in one run.

wrk, gunicorn and other work share this machine's cores: the figures depend on the
load, printed at the start and end; the ratio is what to compare.

Run: ``.venv/bin/python bench/floor.py [--duration 10] [--rounds 3] [--baseline DIR]``;
``--weight-only`` leaves the floor out.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from load import _cpu_of, _rss_mb, _spent, machine_busy  # noqa: E402 - beside this file
from runner import START_TIMEOUT_S, Gunicorn, run_wrk  # noqa: E402


def _environ(instance: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("STATIONMAP_API_RATE_LIMIT", "STATIONMAP_LOGIN_RATE_LIMIT", "REDIS_URL"):
        env.pop(name, None)  # the defaults, as deployed
    env.update(
        DATABASE_URL=f"sqlite:///{instance / 'floor.sqlite3'}",
        STATIONMAP_ENV="development",
        STATIONMAP_INSTANCE_PATH=str(instance),
    )
    return env


def _pss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _wrk(server: Gunicorn, duration_s: int) -> tuple[float, float, int]:
    """(requests/s, p99 ms, failures) of ``/bench/trivial``."""
    run = run_wrk(f"{server.base}/bench/trivial", duration_s, timeout_s=None)
    return run.requests_per_s, run.p99_ms, run.failures


def floor(instance: Path, duration_s: int, rounds: int) -> None:
    env = _environ(instance)
    servers = {
        "bare Flask hello-world": Gunicorn("bare_wsgi:app", env, instance / "bare.log"),
        "app /bench/trivial": Gunicorn("load_wsgi:app", env, instance / "app.log"),
    }
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name in servers}
    try:
        for server in servers.values():
            server.wait_ready("/bench/trivial")
        for server in servers.values():  # warm-up, not counted
            _wrk(server, 2)
        for _ in range(rounds):
            for name, server in servers.items():
                before = _cpu_of(server.workers())
                rps, p99, bad = _wrk(server, duration_s)
                cpu_s = _spent(before, _cpu_of(server.workers()))
                if bad:
                    raise RuntimeError(f"{name}: {bad} failed requests")
                figures[name].append((rps, p99, cpu_s * 1e6 / max(rps * duration_s, 1)))
    finally:
        for server in servers.values():
            server.stop()
    print(f"== floor: wrk -t2 -c16 -d{duration_s}s, 2 sync workers, median of {rounds} rounds ==")
    print(f"{'':28}{'requests/s':>12}{'p99 ms':>9}{'worker CPU us/req':>19}")
    medians = {}
    cpus = {}
    for name, rows in figures.items():
        rps = statistics.median(r[0] for r in rows)
        medians[name] = rps
        p99 = statistics.median(r[1] for r in rows)
        cpus[name] = cpu = statistics.median(r[2] for r in rows)
        print(f"{name:28}{rps:12,.0f}{p99:9.2f}{cpu:19.0f}")
    bare, app = medians.values()
    ratio = app / bare
    bare_cpu, app_cpu = cpus.values()
    print(f"bare / app worker CPU per request = {bare_cpu / app_cpu:.0%} (steadier under load)")
    print(
        f"app / bare = {ratio:.0%}  (target >= 85 %)  rounds: "
        + ", ".join(f"{a[0] / b[0]:.0%}" for b, a in zip(*figures.values(), strict=True))
    )


Sizes = list[tuple[float, float]]  # (RSS, PSS) MB per worker


def _sizes(pids: list[int]) -> Sizes:
    return [(_rss_mb(p), _pss_mb(p)) for p in pids]


def _district_codes(instance: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(instance / "floor.sqlite3")) as db:
        return [code for (code,) in db.execute("SELECT code FROM district ORDER BY code")]


def worker_weight(
    instance: Path, workers: int, source: Path | None
) -> tuple[float, list[tuple[str, Sizes]], float]:
    """(master RSS, each worker's sizes at each step, the workers' CPU seconds for the
    map pages) of ``stationmap.wsgi`` preloaded, from ``source`` when given."""
    env = _environ(instance)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    server = Gunicorn(
        "stationmap.wsgi:app", env, instance / "serve.log", workers=workers, extra=["--preload"]
    )
    try:
        server.wait_ready("/api/v1/amenities")
        deadline = time.monotonic() + START_TIMEOUT_S
        while len(server.workers()) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        measured = [("at start (after one API request)", _sizes(server.workers()))]
        for _ in range(2 * workers):  # every worker, most likely
            server.get("/api/v1/stations/nearest?lat=39.9&lon=116.4")
        measured.append(("after nearest queries", _sizes(server.workers())))
        before = _cpu_of(server.workers())
        for code in ["", *_district_codes(instance)] * workers:
            server.get(f"/?district={code}" if code else "/")
        pages_cpu_s = _spent(before, _cpu_of(server.workers()))
        measured.append(("after the map pages", _sizes(server.workers())))
        master_rss = _rss_mb(server.process.pid)
    finally:
        server.stop()
    return master_rss, measured, pages_cpu_s


def weights(instance: Path, sources: dict[str, Path | None], counts: list[int]) -> None:
    pages = len(_district_codes(instance)) + 1
    for workers in counts:
        results = {name: worker_weight(instance, workers, src) for name, src in sources.items()}
        print(
            f"== worker weight: gunicorn --preload stationmap.wsgi:app, {workers} "
            f"worker(s), no station; RSS / PSS MB per worker =="
        )
        for name, (master_rss, measured, pages_cpu_s) in results.items():
            print(
                f"[{name}] master RSS {master_rss:.0f} MB; {pages * workers} map pages "
                f"({pages} districts) took {pages_cpu_s:.2f} s worker CPU"
            )
            for label, values in measured:
                shown = ", ".join(f"{rss:.0f} / {pss:.0f}" for rss, pss in values)
                print(f"  {label:34} {shown}")
    print("target: a worker's RSS with an empty index <= 90 MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workers", default="1,2,4", help="worker counts for the weight, comma-separated"
    )
    parser.add_argument(
        "--baseline", type=Path, help="another checkout of the code to weigh beside this one"
    )
    parser.add_argument("--weight-only", action="store_true", help="leave the floor out")
    args = parser.parse_args(argv)
    if not args.weight_only and shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    print(f"machine busy before: {machine_busy():.0%} of {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="stationmap-floor-") as folder:
        instance = Path(folder)
        stationmap = Path(sys.executable).with_name("stationmap")
        subprocess.run(
            [str(stationmap), "init-db"], env=_environ(instance), check=True, capture_output=True
        )
        sources: dict[str, Path | None] = {"this code": None}
        if args.baseline is not None:
            sources = {f"baseline {args.baseline}": args.baseline.resolve(), **sources}
        weights(instance, sources, [int(n) for n in args.workers.split(",")])
        if not args.weight_only:
            floor(instance, args.duration, args.rounds)
    print(f"machine busy after: {machine_busy():.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
