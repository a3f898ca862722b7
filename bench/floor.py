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
   stationmap.wsgi:app``, 2 workers) on a database holding no station: each worker's
   RSS and PSS at start, after a nearest query, and after the courier page ``/``
   (which imports folium, and the pandas folium imports, at its first request).

wrk, gunicorn and other work share this machine's cores: the figures depend on the
load, printed at the start and end; the ratio is what to compare.

Run: ``.venv/bin/python bench/floor.py [--duration 10] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from load import (  # noqa: E402 - bench/load.py, beside this file
    _children,
    _cpu_of,
    _rss_mb,
    _spent,
    free_port,
    machine_busy,
    parse_wrk,
)

HOST = "127.0.0.1"
START_TIMEOUT_S = 120.0


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


class Server:
    """gunicorn in its own process group (stopped with it, and nothing else)."""

    def __init__(self, target: str, env: dict[str, str], log: Path, *extra: str) -> None:
        self.port = free_port()
        self._log = log.open("wb")
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"{HOST}:{self.port}",
                "--chdir",
                str(BENCH_DIR),
                "--log-level",
                "warning",
                "--timeout",
                "120",
                *extra,
                target,
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def get(self, path: str) -> int:
        with urllib.request.urlopen(f"http://{HOST}:{self.port}{path}", timeout=60) as response:
            response.read()
            return int(response.status)

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and self.process.poll() is None:
            with contextlib.suppress(OSError):
                if self.get(path) == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text(errors='replace')}")

    def workers(self) -> list[int]:
        return sorted(_children(self.process.pid))

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self._log.close()


def _wrk(server: Server, duration_s: int) -> tuple[float, float, int]:
    """(requests/s, p99 ms, failures) of ``/bench/trivial``, and the workers' CPU."""
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{duration_s}s",
            "--latency",
            f"http://{HOST}:{server.port}/bench/trivial",
        ],
        capture_output=True,
        text=True,
        timeout=duration_s + 60,
        check=True,
    )
    rps, _p50, p99, _total, bad = parse_wrk(result.stdout)
    return rps, p99, bad


def floor(instance: Path, duration_s: int, rounds: int) -> None:
    env = _environ(instance)
    servers = {
        "bare Flask hello-world": Server("bare_wsgi:app", env, instance / "bare.log"),
        "app /bench/trivial": Server("load_wsgi:app", env, instance / "app.log"),
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


def worker_weight(instance: Path) -> None:
    env = _environ(instance)
    server = Server("stationmap.wsgi:app", env, instance / "serve.log", "--preload")
    try:
        server.wait_ready("/api/v1/amenities")
        rows = [("at start (after one API request)", server.workers())]
        measured = [(label, [(_rss_mb(p), _pss_mb(p)) for p in pids]) for label, pids in rows]
        for _ in range(4):  # both workers, most likely
            server.get("/api/v1/stations/nearest?lat=39.9&lon=116.4")
        measured.append(
            ("after nearest queries", [(_rss_mb(p), _pss_mb(p)) for p in server.workers()])
        )
        for _ in range(4):
            server.get("/")
        measured.append(
            ("after the courier page /", [(_rss_mb(p), _pss_mb(p)) for p in server.workers()])
        )
        master = server.process.pid
        master_rss = _rss_mb(master)
    finally:
        server.stop()
    print("== worker weight: gunicorn --preload stationmap.wsgi:app, 2 workers, no station ==")
    print(f"master RSS {master_rss:.0f} MB")
    for label, values in measured:
        shown = ", ".join(f"RSS {rss:.0f} / PSS {pss:.0f} MB" for rss, pss in values)
        print(f"{label:34} {shown}")
    print("target: a worker's RSS with an empty index <= 90 MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    print(f"machine busy before: {machine_busy():.0%} of {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="stationmap-floor-") as folder:
        instance = Path(folder)
        stationmap = Path(sys.executable).with_name("stationmap")
        subprocess.run(
            [str(stationmap), "init-db"], env=_environ(instance), check=True, capture_output=True
        )
        worker_weight(instance)
        floor(instance, args.duration, args.rounds)
    print(f"machine busy after: {machine_busy():.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
