"""Time printed output: the A3 district map (map sheet + station table, PDF) for 150 and
1,000 stations, and a 150-page poster batch, each beside a baseline from the same run:
matplotlib drawing 1,000 points with their names on one A3 page (no placement, no
table), and 150 pages of six text lines, each saved as a PDF.
Targets (issue 17): 3 s for the maps, 5 s for the posters. Each case prints its median
wall time and its median CPU time (this process's user + system): on a shared machine
the CPU time is the figure to judge by, and the load average is printed beside it.

Where the time went, and what changed (issue 17, measured with cProfile): matplotlib's
PDF ``draw_text`` laid out every line glyph by glyph through FreeType only to write one
string; :class:`stationmap.render.textlines.TextLines` now writes a table's lines as one
PDF text object. segno scored its eight QR masks module by module in Python;
:mod:`stationmap.render.qr_symbol` scores them at once with numpy (same symbols).

Stations are synthetic and deterministic: inside 赛罕区 (150105, shipped boundary), 80 %
in a dense urban core (sigma about 2.5 km) and 20 % spread over the district. The
database is not involved: reading 1,000 stations takes milliseconds next to rendering.

    python bench/print.py [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import shapely

from stationmap.geo.districts import parent_chain, shipped_districts
from stationmap.render.poster import PosterStation, posters_pdf
from stationmap.render.printmap import MapArea, MapOptions, MapStation, build_district_map
from stationmap.render.sheet import PrintSettings, pdf_bytes

CODE = "150105"
SETTINGS = PrintSettings(public_url="https://stationmap.example.cn")


def _area() -> MapArea:
    shapes = list(shipped_districts())
    chain = parent_chain(CODE, shapes)
    siblings = tuple(s for s in shapes if s.parent_code == chain[0].parent_code and s.code != CODE)
    return MapArea(chain[0], (), siblings, tuple(chain[1:]))


def _stations(area: MapArea, n: int) -> list[MapStation]:
    rng = np.random.default_rng(n)
    geom = area.district.geometry
    shapely.prepare(geom)
    lon0, lat0, lon1, lat1 = geom.bounds
    core = (40.82, 111.72)
    out: list[MapStation] = []
    while len(out) < n:
        if rng.random() < 0.8:
            lat = core[0] + rng.normal(0, 0.022)
            lon = core[1] + rng.normal(0, 0.03)
        else:
            lat, lon = rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)
        if not shapely.intersects_xy(geom, lon, lat):
            continue
        i = len(out) + 1
        out.append(
            MapStation(
                code=f"{CODE}-{i:04d}",
                name=f"赛罕区第{i}号户外劳动者服务站",
                lat=float(lat),
                lon=float(lon),
                address=f"内蒙古自治区呼和浩特市赛罕区大学东街{i}号",
                host_type=("community", "union", "pharmacy", "supermarket", "bank")[i % 5],
                amenities=("water", "toilet", "phone_charging", "microwave")[: 1 + i % 4],
                opening_hours="Mo-Fr 08:30-18:00; Sa,Su 09:00-17:00" if i % 3 else "24/7",
                phone=f"0471-{6500000 + i}",
            )
        )
    return out


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of ``fn`` over ``repeat`` runs, and its last result."""
    walls, cpus = [], []
    result: object = None
    for _ in range(repeat):
        cpu, start = time.process_time(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _plain_pdf(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """The baseline: matplotlib drawing each page's points with their names at the
    points (no placement, no table) on A3 pages saved as one PDF."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    out = io.BytesIO()
    with PdfPages(out) as pdf:
        for page in pages:
            figure = Figure(figsize=(16.54, 11.69))
            axes = figure.add_axes((0.02, 0.02, 0.96, 0.96))
            if page:
                axes.scatter([p[0] for p in page], [p[1] for p in page], s=4)
            for x, y, text in page:
                axes.text(x, y, text, fontsize=6, family="WenQuanYi Micro Hei")
            pdf.savefig(figure)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    area = _area()
    # Warm-up: font cache, projection set-up, first subsetting.
    pdf_bytes(build_district_map(area, _stations(area, 5), SETTINGS).figures)
    stations_1000 = _stations(area, 1000)
    base_page = [[(s.lon, s.lat, s.name) for s in stations_1000]]
    base_posters = [[(0.5, 0.9 - 0.1 * k, s.name) for k in range(6)] for s in stations_1000[:150]]
    _plain_pdf([[(0.0, 0.0, "预热")]])
    print(
        f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs; median of {args.repeat}"
    )
    one_wall, one_page, _ = _time(lambda: _plain_pdf(base_page), args.repeat)
    many_wall, many_pages, _ = _time(lambda: _plain_pdf(base_posters), args.repeat)
    print(
        "baseline (matplotlib, no placement), CPU (wall) s: A3 page of 1,000 named points "
        f"{one_page:.2f} ({one_wall:.2f}), 150 pages of 6 text lines "
        f"{many_pages:.2f} ({many_wall:.2f})"
    )
    print(
        f"{'case':38} {'CPU s':>6} {'wall s':>7} {'target':>7} {'CPU x base':>10} {'pages':>6}"
        f" {'bytes':>10}  notes"
    )
    for n, target in ((150, 3.0), (1000, 3.0)):
        stations = _stations(area, n)

        def run(stations: list[MapStation] = stations) -> tuple[object, bytes]:
            built = build_district_map(area, stations, SETTINGS, MapOptions(paper="A3"))
            return built, built.pdf()

        wall, seconds, result = _time(run, args.repeat)
        built, pdf = result  # type: ignore[misc]
        note = (
            f"insets {len(built.insets)} "  # type: ignore[attr-defined]
            f"(min {min((i.font_pt for i in built.insets), default=0):g} pt), "  # type: ignore[attr-defined]
            f"inset stations {len(built.inset_members)}, leaders "  # type: ignore[attr-defined]
            f"{sum(lab.leader for lab in built.labels + built.inset_labels)}, "  # type: ignore[attr-defined]
            f"unplaced {len(built.unplaced)}"  # type: ignore[attr-defined]
        )
        print(
            f"{f'A3 district map, {n} stations (PDF)':38} {seconds:6.2f} {wall:7.2f} "
            f"{_verdict(seconds, target):>7} {seconds / one_page:10.1f} "
            f"{len(built.figures):6d} {len(pdf):10,d}  {note}"  # type: ignore[attr-defined]
        )
    posters = [
        PosterStation(
            code=s.code,
            name=s.name,
            address=s.address,
            host_type=s.host_type,
            amenities=s.amenities,
            opening_hours=s.opening_hours,
            phone=s.phone,
            district_name="赛罕区",
        )
        for s in _stations(area, 150)
    ]
    wall, seconds, pdf = _time(lambda: posters_pdf(posters, SETTINGS), args.repeat)
    print(
        f"{'poster batch, 150 stations (PDF)':38} {seconds:6.2f} {wall:7.2f} "
        f"{_verdict(seconds, 5.0):>7} {seconds / many_pages:10.1f} {150:6d} "
        f"{len(pdf):10,d}"  # type: ignore[arg-type]
    )
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def _verdict(seconds: float, target: float) -> str:
    """``<=3 ok`` when CPU seconds meet the target, ``>3 NO`` when not."""
    return f"<={target:g} ok" if seconds <= target else f">{target:g} NO"


if __name__ == "__main__":
    main()
