"""The national lunch peak at 1/100 scale: does docs/deployment.md's plan hold?

docs/deployment.md section 6 sizes the national deployment (186,000 stations, 1,000,000
couriers active in the lunch peak) from two things: what one courier's use of the page
asks of the server, and what each kind of request costs in CPU. This script checks both
on this machine, in one run:

1. **What a courier's page asks for** (measured, headless Chromium at 360x640 against the
   app serving bench/page.py's 150-station district, werkzeug in a thread, every request
   that reaches the server counted by path). Four actions a courier takes:

   * ``open``: the page opened on a fresh phone (empty cache), until the list, the map
     and its stations are shown and the service worker has taken control;
   * ``reopen``: the page opened again later in the same browser;
   * ``filter``: two amenity chips tapped (water, then toilet), then both cleared;
   * ``pan``: the map dragged by a third of its width (the list follows the centre).

   Requests are sorted by kind: ``page`` (HTML), ``nearest``, ``bbox`` (the stations of
   the visible area), ``districts``, ``other`` (everything else the app answers) and
   ``static`` (files under /static/, which nginx serves in the plan, section 2: counted,
   not sent to the app). The query strings the page really sent (k, limit, filters, the
   box's size) are kept as templates for step 3.

2. **The plan**: ACTIONS_PER_HOUR (an assumption, stated in the doc) times the measured
   requests per action gives the app requests per courier in the peak hour by kind; times
   COURIERS, times PEAK_FACTOR, over 3,600 s gives the design rate; 1/100 of that is the
   simulated rate. The plan's busy cores are those rates times PLAN_APP_CPU_MS, the
   per-request CPU the doc's table gives for each kind (the same numbers as the doc).

3. **The simulation**: ``--stations`` synthetic stations (bench/synthetic.py, default
   20,000: the per-request cost of a nearest or bbox answer grows with log N, and 186,000
   takes some 15 minutes to build; ``--stations 186000`` for the full size) on SQLite,
   and on PostGIS too with ``--postgres URL``; gunicorn with 2 sync workers
   (bench/load_wsgi.py). A client sends the request mix open-loop (Poisson arrivals at the
   simulated rate, so a slow answer does not slow the arrivals down; latency is counted
   from the scheduled time), each request at a fresh courier position near a city, built
   from the templates of step 1. Before the mix, each kind alone at the same rate gives
   its own CPU per request in this run (the baseline of the same run).

It prints the measured requests per action, the plan's rates and cores, and for the
simulation: achieved rate, p50/p99, failures, app (and database) CPU per request, busy
cores, against the plan's cores at 1/100. The plan holds when the simulation's busy
cores are at most HOLDS_MARGIN times the plan's (at 1/100), nothing failed, and p99 is
under P99_LIMIT_MS.

Run: ``.venv/bin/python bench/simulate.py [--stations 20000] [--duration 30]
[--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]``. About 5 minutes
(plus the dataset). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import collections
import logging
import math
import random
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import load as loadbench  # noqa: E402 - bench/load.py, beside this file
import page as pagebench  # noqa: E402 - bench/page.py, beside this file

# -- the plan (docs/deployment.md section 6; keep the two in step) ----------------------
COURIERS = 1_000_000  # active in the national lunch peak
PEAK_FACTOR = 2.0  # the busiest minutes against the peak hour's mean
SCALE = 100  # the simulation runs at 1/SCALE of the design rate
# What one courier does in the peak hour (assumed): opens the page four times (once with
# an empty cache, three times again later), filters twice and pans the map twice.
ACTIONS_PER_HOUR = {"open": 1.0, "reopen": 3.0, "filter": 2.0, "pan": 2.0}
# App CPU per request by kind, ms: the plan's figures (docs/deployment.md section 6),
# measured by this script's "each kind alone" step on 2026-12-06 (20,000 stations, idle
# machine), the costlier of SQLite and PostGIS for each kind. At 1/100 scale the rates
# are low, so these include the sync workers' idle wake-ups: on the safe side.
PLAN_APP_CPU_MS = {
    "page": 3.8,
    "nearest": 2.7,
    "bbox": 14.8,
    "districts": 7.1,
    "other": 1.5,
}
HOLDS_MARGIN = 1.25
P99_LIMIT_MS = 50.0
KINDS = ("page", "nearest", "bbox", "districts", "other")


def kind_of(path: str) -> str:
    if path.startswith("/static/"):
        return "static"
    if path == "/" or path.startswith("/en"):
        return "page"
    if path.startswith("/api/v1/stations/nearest"):
        return "nearest"
    if path.startswith("/api/v1/stations") and "bbox=" in path:
        return "bbox"
    if path.startswith("/api/v1/districts"):
        return "districts"
    return "other"


# -- 1. the courier's page, measured -----------------------------------------------------
class Recorder(pagebench.Counted):
    """bench/page.py's counter, keeping each request's path with its query string."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.full: list[str] = []

    def __call__(self, environ: Any, start_response: Any) -> Any:
        query = environ.get("QUERY_STRING", "")
        with self._lock:
            self.full.append(environ.get("PATH_INFO", "") + ("?" + query if query else ""))
        return super().__call__(environ, start_response)


@dataclass
class Behaviour:
    per_action: dict[str, collections.Counter[str]] = field(default_factory=dict)
    templates: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))

    def per_hour(self) -> dict[str, float]:
        """App requests (static excluded) per courier in the peak hour, by kind."""
        out = dict.fromkeys(KINDS, 0.0)
        for action, times in ACTIONS_PER_HOUR.items():
            for kind, count in self.per_action[action].items():
                if kind != "static":
                    out[kind] += times * count
        return out


def _settled(recorder: Recorder) -> int:
    count = len(recorder.full)
    while True:
        time.sleep(0.7)
        if len(recorder.full) == count:
            return count
        count = len(recorder.full)


def _wait(page: Any, expression: str) -> None:
    # Polled with evaluate: the page's CSP forbids the eval that wait_for_function uses.
    deadline = time.monotonic() + 60
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the page never reached: {expression}")
        page.wait_for_timeout(50)


def _ready(page: Any) -> None:
    _wait(page, "document.body.dataset.listState === 'ready'")
    _wait(page, "['ready', 'zoom'].includes(document.body.dataset.mapState)")


def _tap_chip(page: Any, code: str) -> None:
    page.locator("label.chip", has=page.locator(f"input[value='{code}']")).tap()
    _ready(page)


def _drag(page: Any, dx: float) -> None:
    box = page.locator(".folium-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + dx * step / 10, y)
    page.mouse.up()


def measure_behaviour(folder: Path) -> Behaviour:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = pagebench._app(folder)
    recorder = Recorder(app.wsgi_app)
    app.wsgi_app = recorder
    server = make_server(pagebench.HOST, 0, app, threaded=True)
    base = f"http://{pagebench.HOST}:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    behaviour = Behaviour()
    lat, lon = pagebench.POINTS["集贤县"]

    def act(name: str, do: Any) -> None:
        before = _settled(recorder)
        do()
        after = _settled(recorder)
        paths = recorder.full[before:after]
        behaviour.per_action[name] = collections.Counter(kind_of(p) for p in paths)
        for p in paths:
            behaviour.templates[kind_of(p)].append(p)

    try:
        pagebench.warm_up(base, lat, lon)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=pagebench.CHROMIUM, args=pagebench.CHROMIUM_ARGS
            )
            try:
                context = pagebench._context(browser, lat, lon, [])
                page = context.new_page()

                def open_first() -> None:
                    page.goto(base + "/")
                    _ready(page)
                    _wait(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)")
                    page.wait_for_timeout(2500)

                def filter_twice() -> None:
                    _tap_chip(page, "water")
                    _tap_chip(page, "toilet")
                    _tap_chip(page, "toilet")
                    _tap_chip(page, "water")

                def pan() -> None:
                    width = page.locator(".folium-map").bounding_box()["width"]
                    _drag(page, -width / 3)
                    page.wait_for_timeout(1500)
                    _ready(page)

                def reopen() -> None:
                    again = context.new_page()
                    again.goto(base + "/")
                    _ready(again)
                    again.close()

                act("open", open_first)
                act("filter", filter_twice)
                act("pan", pan)
                act("reopen", reopen)
                context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=5)
    return behaviour


# -- 3. the simulation -------------------------------------------------------------------
class Requests:
    """Request paths of one kind: the page's own query strings, moved to a courier
    position near a city of the synthetic set."""

    def __init__(self, templates: dict[str, list[str]], dataset: loadbench.Dataset) -> None:
        self.templates = {k: v for k, v in templates.items() if k in KINDS and v}
        self.dataset = dataset
        self.rng = random.Random(20261205)
        self.cumulative = list(_cumsum(dataset.city_weights))

    def _courier(self) -> tuple[float, float]:
        d = self.dataset
        i = min(_bisect(self.cumulative, self.rng.random()), len(d.city_lats) - 1)
        sigma = d.city_sigma_km[i] / loadbench.KM_PER_DEG_LAT
        lat = d.city_lats[i] + self.rng.gauss(0, sigma)
        lon = d.city_lons[i] + self.rng.gauss(0, sigma / math.cos(math.radians(lat)))
        return lat, lon

    def path(self, kind: str) -> str:
        template = self.rng.choice(self.templates[kind])
        parts = urlsplit(template)
        query = dict(parse_qsl(parts.query))
        lat, lon = self._courier()
        if "lat" in query and "lon" in query:
            query["lat"], query["lon"] = f"{lat:.6f}", f"{lon:.6f}"
        if "bbox" in query:
            west, south, east, north = (float(v) for v in query["bbox"].split(","))
            half_w, half_h = (east - west) / 2, (north - south) / 2
            query["bbox"] = (
                f"{lon - half_w:.6f},{lat - half_h:.6f},{lon + half_w:.6f},{lat + half_h:.6f}"
            )
        return parts.path + ("?" + urlencode(query, safe=",") if query else "")


def _cumsum(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for value in values:
        total += value
        out.append(total)
    out[-1] = 1.0
    return out


def _bisect(cumulative: list[float], x: float) -> int:
    lo, hi = 0, len(cumulative)
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@dataclass
class Run:
    name: str
    sent: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    failures: int
    app_cpu_s: float
    db_cpu_s: float

    @property
    def rate(self) -> float:
        return self.sent / self.duration_s

    def per_request_ms(self, cpu_s: float) -> float:
        return 1000.0 * cpu_s / max(self.sent, 1)


def drive(
    server: loadbench.Gunicorn,
    requests: Requests,
    rates: dict[str, float],
    duration_s: float,
    db: loadbench.DbBackends | None,
    name: str,
) -> Run:
    """Open-loop: arrivals by a Poisson process of the summed rate, each arrival a kind
    drawn by its share; latency from the scheduled time, so queueing counts."""
    total = sum(rates.values())
    kinds = [k for k, r in rates.items() if r > 0]
    weights = [rates[k] / total for k in kinds]
    rng = random.Random(7)
    schedule: list[tuple[float, str]] = []
    at = 0.0
    while True:
        at += rng.expovariate(total)
        if at >= duration_s:
            break
        schedule.append((at, requests.path(rng.choices(kinds, weights)[0])))
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    base = f"http://{loadbench.HOST}:{server.port}"

    def send(scheduled: float, path: str, start: float) -> None:
        nonlocal failures
        ok = False
        try:
            with urllib.request.urlopen(base + path, timeout=10) as response:
                response.read()
                ok = response.status == 200
        except (urllib.error.URLError, OSError):
            ok = False
        elapsed = time.perf_counter() - start - scheduled
        with lock:
            latencies.append(elapsed * 1000.0)
            failures += 0 if ok else 1

    workers = server.workers()
    app_before = loadbench._cpu_of(workers)
    db_before = loadbench._cpu_of(db.pids()) if db else {}
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=48) as pool:
        for scheduled, path in schedule:
            delay = start + scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, scheduled, path, start)
    elapsed = max(time.perf_counter() - start, duration_s)
    app_spent = loadbench._spent(app_before, loadbench._cpu_of(server.workers()))
    db_spent = loadbench._spent(db_before, loadbench._cpu_of(db.pids())) if db else 0.0
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(int(p * len(latencies)), len(latencies) - 1)] if latencies else math.nan
        )

    return Run(name, len(schedule), elapsed, pct(0.5), pct(0.99), failures, app_spent, db_spent)


def simulate(
    backend: str,
    url: str,
    folder: Path,
    requests: Requests,
    rates: dict[str, float],
    duration_s: float,
    db: loadbench.DbBackends | None,
) -> tuple[dict[str, Run], Run]:
    server = loadbench.Gunicorn(url, folder, folder / f"gunicorn-{backend}.log", 2, "sync")
    try:
        server.wait_ready()
        drive(server, requests, rates, min(duration_s, 5.0), db, "warm-up")
        alone: dict[str, Run] = {}
        for kind, rate in rates.items():
            if rate <= 0:
                continue
            loadbench.wait_for_quiet(30)
            alone[kind] = drive(server, requests, {kind: rate}, min(duration_s, 10.0), db, kind)
        loadbench.wait_for_quiet(30)
        mix = drive(server, requests, rates, duration_s, db, "mix")
        return alone, mix
    finally:
        server.stop()


# -- report ------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=20_000)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--postgres", default=None, help="also simulate on PostGIS here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-simulate-") as tmp:
        root = Path(tmp)
        print("1. the courier's page in Chromium (150-station district)", flush=True)
        (root / "district").mkdir()
        pagebench.build_district(root / "district")
        behaviour = measure_behaviour(root / "district")
        print(f"   {'action':8} " + " ".join(f"{k:>9}" for k in (*KINDS, "static")))
        for action, counts in behaviour.per_action.items():
            print(f"   {action:8} " + " ".join(f"{counts[k]:>9}" for k in (*KINDS, "static")))

        per_hour = behaviour.per_hour()
        design = {k: COURIERS * PEAK_FACTOR * v / 3600.0 for k, v in per_hour.items()}
        rates = {k: v / SCALE for k, v in design.items()}
        plan_cores = {k: design[k] * PLAN_APP_CPU_MS[k] / 1000.0 for k in KINDS}
        print("\n2. the plan: " + ", ".join(f"{a} {n:g}/h" for a, n in ACTIONS_PER_HOUR.items()))
        print(
            f"   {'kind':10} {'req/courier/h':>14} {'design req/s':>13} {'1/100 req/s':>12} "
            f"{'plan ms':>8} {'plan cores':>11}"
        )
        for kind in KINDS:
            print(
                f"   {kind:10} {per_hour[kind]:>14.1f} {design[kind]:>13,.0f} "
                f"{rates[kind]:>12.1f} {PLAN_APP_CPU_MS[kind]:>8.2f} {plan_cores[kind]:>11.1f}"
            )
        total_cores = sum(plan_cores.values())
        print(
            f"   {'total':10} {sum(per_hour.values()):>14.1f} {sum(design.values()):>13,.0f} "
            f"{sum(rates.values()):>12.1f} {'':>8} {total_cores:>11.1f}"
        )

        print(f"\n3. simulation at 1/{SCALE}: {args.stations:,} synthetic stations", flush=True)
        dataset = loadbench.national_dataset(args.stations)
        requests = Requests(behaviour.templates, dataset)
        backends = [("SQLite", f"sqlite:///{root / 'sim.sqlite3'}", None)]
        if args.postgres:
            database = loadbench.create_database(args.postgres)
            backends.append(
                (
                    "PostGIS",
                    database,
                    loadbench.DbBackends(args.postgres, str(loadbench.make_url(database).database)),
                )
            )
        holds = True
        try:
            for name, url, db in backends:
                folder = root / name
                folder.mkdir()
                print(f"   {name}: " + loadbench.load(url, dataset.inputs, folder), flush=True)
                alone, mix = simulate(name, url, folder, requests, rates, args.duration, db)
                print(
                    f"   {name}, each kind alone at its rate in the mix "
                    "(this run's cost per request):"
                )
                for kind, run in alone.items():
                    print(
                        f"     {kind:10} app {run.per_request_ms(run.app_cpu_s):5.2f} ms"
                        + (f"  db {run.per_request_ms(run.db_cpu_s):5.2f} ms" if db else "")
                        + f"  (plan {PLAN_APP_CPU_MS[kind]:.2f})  p99 {run.p99_ms:6.1f} ms"
                    )
                cores = mix.app_cpu_s / mix.duration_s
                db_cores = mix.db_cpu_s / mix.duration_s
                plan = total_cores / SCALE
                ok = (
                    cores <= HOLDS_MARGIN * plan
                    and mix.failures == 0
                    and mix.p99_ms <= P99_LIMIT_MS
                    and mix.rate >= 0.95 * sum(rates.values())
                )
                holds = holds and ok
                print(
                    f"   {name}, the mix: {mix.rate:.1f} req/s sent over {mix.duration_s:.0f} s, "
                    f"p50 {mix.p50_ms:.1f} ms, p99 {mix.p99_ms:.1f} ms, {mix.failures} failed"
                )
                print(
                    f"     app {mix.per_request_ms(mix.app_cpu_s):.2f} ms/request = "
                    f"{cores:.3f} busy cores against the plan's {plan:.3f} at 1/{SCALE}"
                    + (f"; database {db_cores:.3f} busy cores" if db else "")
                )
                print(
                    f"     {'HOLDS' if ok else 'DOES NOT HOLD'} "
                    f"(busy cores <= {HOLDS_MARGIN} x plan, "
                    f"no failures, p99 <= {P99_LIMIT_MS:.0f} ms)",
                    flush=True,
                )
        finally:
            for _name, url, db in backends:
                if db is not None:
                    db.close()
                    loadbench.drop_database(args.postgres, url)
    return 0 if holds else 1


if __name__ == "__main__":
    raise SystemExit(main())
