"""Worker memory, time to the first answer and time for an edit to show, at 200,000
stations, beside the same figures for an empty database in the same run.

1. Builds a national SQLite dataset (``--stations``, default 200,000; bench/load.py's
   generator and loader) and an empty database (``stationmap init-db`` only).
2. For 1, 2 and 4 workers and each database, starts ``stationmap serve`` (gunicorn,
   the app and its nearest index built once in the master before the port opens),
   and prints:

   * the seconds from launch until the port accepts, and from then until the first
     nearest answer (target: <= 1 s);
   * each worker's RSS and PSS (``/proc/PID/smaps_rollup``) after 50 nearest requests;
     PSS divides shared pages among the processes sharing them;
   * per worker count, the mean RSS at 200,000 stations minus the mean RSS with the
     empty index (target: <= 120 MB).

3. With 2 workers at 200,000 stations: renames a station through the data version's
   protocol (the station's id recorded with the bump, as the editor does) and asks for
   it until 20 answers in a row show the new name: the seconds until the first answer
   showing it and until the last one that did not (the documented check interval is
   0.5 s, so within a second).

Everything runs on 127.0.0.1; the temporary folder and the servers are removed on exit.
Run: ``.venv/bin/python bench/memory.py [--stations 200000]``. Not part of the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import load  # noqa: E402 - bench/load.py, beside this file
import runner  # noqa: E402

from stationmap import create_app  # noqa: E402
from stationmap.app_state import state  # noqa: E402
from stationmap.models import Station  # noqa: E402
from stationmap.services.dataset import bump_data_version  # noqa: E402

HOST = "127.0.0.1"
TARGET_EXTRA_MB = 120.0
TARGET_FIRST_S = 1.0


def _smaps(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if parts and parts[0] in ("Rss:", "Pss:"):
            values[parts[0]] = int(parts[1]) / 1024
    return values["Rss:"], values["Pss:"]


def _nearest(port: int, lat: float, lon: float) -> dict:  # type: ignore[type-arg]
    url = f"http://{HOST}:{port}/api/v1/stations/nearest?lat={lat}&lon={lon}&k=1"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


class Served:
    """``stationmap serve`` in its own process group."""

    def __init__(self, url: str, folder: Path, workers: int) -> None:
        self.port = runner.free_port()
        self.log = (folder / f"serve-{self.port}.log").open("wb")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [*load._stationmap(), "serve", "--port", str(self.port), "--workers", str(workers)],
            env=load._cli_env(url, folder),
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_open(self, timeout_s: float = 300.0) -> float:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("stationmap serve exited")
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 0.5):
                return time.perf_counter()
            time.sleep(0.005)
        raise RuntimeError("the port did not open")

    def workers(self) -> list[int]:
        return runner.children(self.process.pid)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.log.close()


def measure(
    url: str, folder: Path, workers: int, points: list[tuple[float, float]]
) -> tuple[float, float, list[tuple[float, float]]]:
    """(seconds to open the port, seconds from then to the first answer, (RSS, PSS) per
    worker)."""
    served = Served(url, folder, workers)
    try:
        opened = served.wait_open()
        _nearest(served.port, *points[0])
        first = time.perf_counter() - opened
        for lat, lon in points[:50]:
            _nearest(served.port, lat, lon)
        return opened - served.started, first, [_smaps(pid) for pid in served.workers()]
    finally:
        served.stop()


def edit_visible(url: str, folder: Path) -> tuple[float, float]:
    """Seconds from an edit's commit until the first answer that shows it, and until the
    last answer that did not (then 20 in a row show it), with 2 workers."""
    served = Served(url, folder, 2)
    app = create_app({"DATABASE_URL": url, "STATIONMAP_ENV": "development"})
    try:
        served.wait_open()
        database = state(app).db
        with database.session() as session:
            station = session.get(Station, 1000)
            assert station is not None
            lat, lon = station.lat, station.lon
        before = _nearest(served.port, lat, lon)["features"][0]["properties"]["name"]
        with database.write_session() as session:
            station = session.get(Station, 1000)
            assert station is not None
            station.name = before + "（改）"
            bump_data_version(session, [station.id])
        committed = time.perf_counter()
        first = last_old = 0.0
        in_a_row = 0
        while in_a_row < 20 and time.perf_counter() - committed < 30:
            name = _nearest(served.port, lat, lon)["features"][0]["properties"]["name"]
            if name == before + "（改）":
                first = first or time.perf_counter() - committed
                in_a_row += 1
            else:
                last_old = time.perf_counter() - committed
                in_a_row = 0
            time.sleep(0.01)
        return first, last_old
    finally:
        state(app).db.dispose()
        served.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--stations", type=int, default=200_000)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, load._raise_exit)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    dataset = load.national_dataset(args.stations)
    points = [
        (lat + 0.01 * (i % 7), lon - 0.01 * (i % 5))
        for i, (lat, lon) in enumerate(zip(dataset.city_lats, dataset.city_lons, strict=True))
    ]
    with contextlib.ExitStack() as cleanup:
        folder = Path(tempfile.mkdtemp(prefix="stationmap-memory-"))
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        full = f"sqlite:///{folder / 'full.sqlite3'}"
        empty = f"sqlite:///{folder / 'empty.sqlite3'}"
        print(f"full: {load.load(full, dataset.inputs, folder)}", flush=True)
        print(f"empty: {load.load(empty, [], folder)}", flush=True)
        ok = True
        for workers in (1, 2, 4):
            means = {}
            for name, url in (("empty", empty), (f"{args.stations:,}", full)):
                opened_s, first_s, sizes = measure(url, folder, workers, points)
                rss = ", ".join(f"{r:.0f}" for r, _ in sizes)
                pss = ", ".join(f"{p:.0f}" for _, p in sizes)
                means[name] = sum(r for r, _ in sizes) / len(sizes)
                print(
                    f"{workers} worker(s), {name} stations: port open after {opened_s:.2f} s, "
                    f"first nearest answer {first_s:.3f} s after; per worker RSS {rss} MB, "
                    f"PSS {pss} MB",
                    flush=True,
                )
                ok = ok and first_s <= TARGET_FIRST_S
            extra = means[f"{args.stations:,}"] - means["empty"]
            ok = ok and extra <= TARGET_EXTRA_MB
            print(
                f"  {workers} worker(s): a worker holding {args.stations:,} stations uses "
                f"{extra:+.0f} MB RSS beyond one with an empty index (target <= "
                f"{TARGET_EXTRA_MB:.0f})",
                flush=True,
            )
        first, last_old = edit_visible(full, folder)
        print(
            f"edit at {args.stations:,} stations, 2 workers: first answer showing it "
            f"{first:.2f} s after commit, last answer without it {last_old:.2f} s after "
            f"(then 20 in a row showed it; documented: within 1 s)"
        )
        ok = ok and 0 < first <= 1.0 and last_old <= 1.0
    print(f"targets {'met' if ok else 'NOT met'}; load average now {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
