"""Printed district maps: a map sheet and a station table, as PDF pages or PNG.

Pure builder: it takes plain data (:class:`MapArea`, :class:`MapStation`,
:class:`~stationmap.render.sheet.PrintSettings`) and returns matplotlib figures and the
geometry it computed (:class:`DistrictMap`), so tests can check the scale bar and the
labels without reading pixels.

* **Projection.** The map is drawn in an azimuthal equidistant projection centred on
  the district (WGS-84 ellipsoid, metres; distances from the centre are true and scale
  errs by under 0.01 % across a county), so shapes are not stretched as they are in
  plate carrée. Grid north is true north at the centre.
* **Scale.** The map scale is rounded to a familiar 1:n. The scale bar states a round
  distance and is drawn as long as the projected segment whose geodesic length (WGS-84,
  Karney) is that distance at the bar's position.
* **Labels.** Each station is a numbered marker; numbers are placed by
  :func:`~stationmap.render.labels.place_labels` and never overlap. Where a dense core
  leaves some without a spot, the core is shown again enlarged in an inset (A).
* **Base map.** None by default: a plain land background. ``basemap`` is a hook that
  may draw raster tiles into the map axes and return their attribution.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from pyproj import CRS, Transformer

from stationmap.catalog import AMENITY_BY_CODE, HOST_TYPES
from stationmap.geo.distance import geodesic_m
from stationmap.geo.districts import DistrictShape
from stationmap.render.labels import Box, LabelBox, label_size_mm, place_labels
from stationmap.render.sheet import (
    ACCENT,
    INK,
    LAND,
    MUTED,
    PNG_DPI,
    PT_PER_MM,
    PrintSettings,
    axes_mm,
    draw_qr,
    hours_zh,
    new_sheet,
    page_mm,
    pdf_bytes,
    png_bytes,
    printable,
    sheet_style,
)
from stationmap.render.table import TablePageSpec, TableRow, table_pages

DEFAULT_TITLE = "暖新驿站分布图"
BaseMapHook = Callable[[Axes, tuple[float, float, float, float], str], str | None]
HOST_COLOURS: dict[str, str] = {
    "community": "#c62828",
    "union": "#1565c0",
    "pharmacy": "#2e7d32",
    "supermarket": "#ef6c00",
    "post_express": "#6a1b9a",
    "bank": "#00838f",
    "business_district": "#ad1457",
    "other": "#616161",
}
_NICE = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 8.0)


@dataclass(frozen=True)
class MapStation:
    """One station as printed. Coordinates are WGS-84 degrees."""

    code: str
    name: str
    lat: float
    lon: float
    address: str = ""
    host_type: str = "other"
    amenities: tuple[str, ...] = ()
    opening_hours: str | None = None
    phone: str = ""
    is_demo: bool = False
    district_code: str | None = None


@dataclass(frozen=True)
class MapArea:
    """The district mapped, its child districts, its neighbours (same parent) and its
    parents (nearest first: city, province) for the locator."""

    district: DistrictShape
    children: tuple[DistrictShape, ...] = ()
    neighbours: tuple[DistrictShape, ...] = ()
    parents: tuple[DistrictShape, ...] = ()


@dataclass(frozen=True)
class MapOptions:
    paper: str = "A4"
    landscape: bool = False
    title: str | None = None
    amenities: tuple[str, ...] = ()
    data_date: date | None = None
    generated: date | None = None


@dataclass(frozen=True)
class ScaleBar:
    """The scale bar as drawn. ``start_m``/``end_m`` are projected metres in ``crs``
    (a PROJ string); ``start_mm``/``end_mm`` are paper millimetres on the map sheet;
    ``stated_m`` is the distance the bar's label states and ``geodesic_m`` the WGS-84
    geodesic length between its ends."""

    stated_m: float
    label: str
    start_m: tuple[float, float]
    end_m: tuple[float, float]
    start_mm: tuple[float, float]
    end_mm: tuple[float, float]
    geodesic_m: float
    crs: str


@dataclass
class DistrictMap:
    """A built district map: its pages and the geometry computed for them."""

    figures: list[Figure]
    crs: str
    scale_denominator: int
    scale_bar: ScaleBar
    stations: list[MapStation]  # in number order: number = index + 1
    labels: list[LabelBox]  # main map
    inset_labels: list[LabelBox] = field(default_factory=list)
    inset_members: list[int] = field(default_factory=list)
    unplaced: list[int] = field(default_factory=list)  # indices forced into place
    title: str = ""

    def pdf(self) -> bytes:
        return pdf_bytes(self.figures, title=self.title)

    def png(self, dpi: int = PNG_DPI) -> list[bytes]:
        return [png_bytes(fig, dpi) for fig in self.figures]


# -- geometry ------------------------------------------------------------------------
def local_crs(lat: float, lon: float) -> str:
    """An azimuthal equidistant projection centred at (lat, lon), WGS-84, metres."""
    return f"+proj=aeqd +lat_0={lat:.6f} +lon_0={lon:.6f} +datum=WGS84 +units=m +no_defs"


def _projector(crs: str) -> Callable[[shapely.Geometry], shapely.Geometry]:
    forward = Transformer.from_crs(CRS.from_epsg(4326), CRS.from_proj4(crs), always_xy=True)

    def project(geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, lambda xy: np.column_stack(forward.transform(*xy.T)))

    return project


def _geom_path(geom: shapely.Geometry) -> MplPath:
    """A matplotlib path for a polygonal geometry (holes included)."""
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in shapely.get_parts(geom):
        if not isinstance(poly, shapely.Polygon):
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(ring_codes)
    if not verts:
        return MplPath(np.zeros((0, 2)))
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def nice_scale(metres_per_mm: float) -> int:
    """The smallest familiar scale denominator (1, 1.25, 1.5, 2, 2.5 ... x 10^k) at or
    above ``metres_per_mm * 1000``."""
    value = metres_per_mm * 1000.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (*_NICE, 10.0):
        if step * power >= value * (1 - 1e-9):
            return round(step * power)
    return round(10 * power)


def _nice_length(max_m: float) -> float:
    power = 10.0 ** math.floor(math.log10(max_m))
    for step in (5.0, 2.0, 1.0):
        if step * power <= max_m:
            return step * power
    return power


def _length_label(metres: float) -> str:
    return f"{metres / 1000:g} 千米 km" if metres >= 1000 else f"{metres:g} 米 m"


def scale_bar_geometry(
    crs: str, start_m: tuple[float, float], stated_m: float
) -> tuple[tuple[float, float], float]:
    """The east end of a bar starting at ``start_m`` (projected metres) whose geodesic
    length is ``stated_m``, and that geodesic length (converges to well under 1 mm)."""
    inverse = Transformer.from_crs(CRS.from_proj4(crs), CRS.from_epsg(4326), always_xy=True)
    x0, y0 = start_m
    lon0, lat0 = inverse.transform(x0, y0)
    length = stated_m
    true = stated_m
    for _ in range(4):
        lon1, lat1 = inverse.transform(x0 + length, y0)
        true = geodesic_m(lat0, lon0, lat1, lon1)
        if abs(true - stated_m) < 1e-4:
            break
        length *= stated_m / true
    return (x0 + length, y0), true


# -- layout --------------------------------------------------------------------------
def _layout(width: float, height: float, landscape: bool) -> dict[str, tuple[float, ...]]:
    m = 10.0 if width * height < 80_000 else 13.0
    footer_h = 24.0 if width < 300 and height < 300 else 28.0
    title_h = 20.0
    boxes: dict[str, tuple[float, ...]] = {"margin": (m,)}
    boxes["title"] = (m, height - m - title_h, width - 2 * m, title_h)
    boxes["footer"] = (m, m, width - 2 * m, footer_h)
    top = height - m - title_h - 2
    bottom = m + footer_h + 4
    if landscape:
        side_w = (width - 2 * m) * 0.3
        map_w = width - 2 * m - side_w - 5
        boxes["map"] = (m, bottom, map_w, top - bottom)
        side_x = m + map_w + 5
        col_h = top - bottom
        boxes["locator"] = (side_x, top - col_h * 0.3, side_w, col_h * 0.3)
        boxes["inset"] = (side_x, top - col_h * 0.72, side_w, col_h * 0.4)
        boxes["legend"] = (side_x, bottom, side_w, col_h * 0.26)
        boxes["legend_wide"] = (side_x, bottom, side_w, col_h * 0.68)
    else:
        band_h = height * 0.21
        usable = width - 2 * m
        boxes["map"] = (m, bottom + band_h + 4, usable, top - bottom - band_h - 4)
        inset_w = usable * 0.42
        loc_w = usable * 0.26
        boxes["inset"] = (m, bottom, inset_w, band_h)
        boxes["locator"] = (m + inset_w + 4, bottom, loc_w, band_h)
        boxes["legend"] = (m + inset_w + loc_w + 8, bottom, usable - inset_w - loc_w - 8, band_h)
        boxes["legend_wide"] = (m + loc_w + 4, bottom, usable - loc_w - 4, band_h)
        boxes["locator_wide"] = (m, bottom, loc_w, band_h)
    return boxes


def _reading_order(xy: np.ndarray, height_m: float) -> list[int]:
    """North to south in bands, west to east within a band: neighbouring numbers are
    neighbouring stations."""
    if not len(xy):
        return []
    band = max(height_m / 6.0, 1.0)
    top = xy[:, 1].max()
    keys = [(math.floor((top - y) / band), x) for x, y in xy]
    return sorted(range(len(xy)), key=lambda i: keys[i])


# -- the builder ---------------------------------------------------------------------
def build_district_map(
    area: MapArea,
    stations: Sequence[MapStation],
    settings: PrintSettings,
    options: MapOptions | None = None,
    basemap: BaseMapHook | None = None,
) -> DistrictMap:
    """Build the map sheet and the table pages for ``area`` and its ``stations``.

    Parameters
    ----------
    area : MapArea
        The district (WGS-84 boundary) and its children, neighbours and parents.
    stations : sequence of MapStation
        The stations to print (WGS-84); numbered here in reading order.
    settings : PrintSettings
        Public URL for the QR code, base-map source and approval number, data source.
    options : MapOptions
        Paper (``"A4"``/``"A3"``), orientation, title, amenity filter, dates.
    basemap : callable, optional
        ``basemap(ax, (xmin, ymin, xmax, ymax), crs)`` draws a raster base map in the
        map axes (projected metres in ``crs``) and returns its attribution, or None.

    Raises
    ------
    stationmap.render.sheet.FontMissingError
        If no CJK font is installed.
    """
    options = options or MapOptions()
    with sheet_style():
        return _build(area, list(stations), settings, options, basemap)


def _build(
    area: MapArea,
    stations: list[MapStation],
    settings: PrintSettings,
    options: MapOptions,
    basemap: BaseMapHook | None,
) -> DistrictMap:
    district = area.district
    width, height = page_mm(options.paper, options.landscape)
    boxes = _layout(width, height, options.landscape)
    margin = boxes["margin"][0]
    lon0, lat0, lon1, lat1 = district.geometry.bounds
    crs = local_crs((lat0 + lat1) / 2, (lon0 + lon1) / 2)
    project = _projector(crs)
    shape_m = project(district.geometry)

    # Extent and scale: the district with a margin, at a familiar 1:n.
    mx, my, mw, mh = boxes["map"]
    bx0, by0, bx1, by1 = shape_m.bounds
    need = max((bx1 - bx0) * 1.06 / mw, (by1 - by0) * 1.06 / mh)
    denominator = nice_scale(need)
    m_per_mm = denominator / 1000.0
    cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
    extent = (cx - mw * m_per_mm / 2, cy - mh * m_per_mm / 2)

    def to_mm(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.column_stack((mx + (x - extent[0]) / m_per_mm, my + (y - extent[1]) / m_per_mm))

    def to_m(px: float, py: float) -> tuple[float, float]:
        return (extent[0] + (px - mx) * m_per_mm, extent[1] + (py - my) * m_per_mm)

    # Stations: project, number in reading order.
    lats = np.array([s.lat for s in stations], dtype=np.float64)
    lons = np.array([s.lon for s in stations], dtype=np.float64)
    forward = Transformer.from_crs(CRS.from_epsg(4326), CRS.from_proj4(crs), always_xy=True)
    sx, sy = (np.asarray(v) for v in forward.transform(lons, lats)) if stations else ([], [])
    xy_m = np.column_stack((np.asarray(sx, float), np.asarray(sy, float))).reshape(-1, 2)
    order = _reading_order(xy_m, by1 - by0)
    stations = [stations[i] for i in order]
    xy_m = xy_m[order] if len(order) else xy_m
    xy_mm = to_mm(xy_m[:, 0], xy_m[:, 1]) if len(xy_m) else np.zeros((0, 2))
    numbers = [str(i + 1) for i in range(len(stations))]

    fig, paper = new_sheet(width, height)
    ax = axes_mm(fig, boxes["map"])
    ax.set_xlim(extent[0], extent[0] + mw * m_per_mm)
    ax.set_ylim(extent[1], extent[1] + mh * m_per_mm)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color(INK)
    (vx0, vx1), (vy0, vy1) = ax.get_xlim(), ax.get_ylim()
    view = shapely.box(vx0, vy0, vx1, vy1).buffer(mw * m_per_mm)
    tolerance = 0.15 * m_per_mm
    attribution = basemap(ax, (vx0, vy0, vx1, vy1), crs) if basemap else None
    ax.set_facecolor("#e9e7e2")
    for other in area.neighbours:
        geom = project(other.geometry).intersection(view).simplify(tolerance)
        ax.add_patch(PathPatch(_geom_path(geom), facecolor="#efede8", edgecolor="#b9b4aa", lw=0.5))
        point = geom.representative_point() if not geom.is_empty else None
        if point is not None and _inside(ax, point.x, point.y, 12 * m_per_mm):
            ax.text(
                point.x,
                point.y,
                printable(other.name),
                color="#9a958b",
                fontsize=7,
                ha="center",
                va="center",
                clip_on=True,
            )
    simple = shape_m.simplify(tolerance)
    if attribution is None:
        ax.add_patch(PathPatch(_geom_path(simple), facecolor=LAND, edgecolor="none", zorder=1))
    for child in area.children:
        geom = project(child.geometry).simplify(tolerance)
        ax.add_patch(
            PathPatch(
                _geom_path(geom),
                facecolor="none",
                edgecolor="#8d6e63",
                lw=0.6,
                linestyle=(0, (4, 2)),
                zorder=2,
            )
        )
        point = geom.representative_point()
        ax.text(
            point.x,
            point.y,
            printable(child.name),
            color="#8d6e63",
            fontsize=8,
            ha="center",
            va="center",
            zorder=2,
            alpha=0.9,
        )
    ax.add_patch(
        PathPatch(_geom_path(simple), facecolor="none", edgecolor=ACCENT, lw=1.4, zorder=3)
    )

    # North arrow and scale bar, top left and bottom left inside the frame.
    north_box = (mx + 3, my + mh - 19, mx + 13, my + mh - 3)
    _north_arrow(paper, north_box)
    bar_mm_max = mw * 0.28
    stated = _nice_length(bar_mm_max * m_per_mm)
    start_mm = (mx + 5.0, my + 7.0)
    start_m = to_m(*start_mm)
    end_m, true_m = scale_bar_geometry(crs, start_m, stated)
    end_mm = (start_mm[0] + (end_m[0] - start_m[0]) / m_per_mm, start_mm[1])
    bar = ScaleBar(stated, _length_label(stated), start_m, end_m, start_mm, end_mm, true_m, crs)
    scale_box = _scale_bar(paper, bar, denominator)

    # Labels: main map first; what does not fit goes to the enlarged inset.
    font_pt = 6.5 if width * height < 80_000 else 7.0
    marker_r = 1.05
    frame: Box = (mx + 0.6, my + 0.6, mx + mw - 0.6, my + mh - 0.6)
    obstacles: list[Box] = [north_box, scale_box]
    labels = place_labels(xy_mm, numbers, font_pt, frame, marker_r_mm=marker_r, obstacles=obstacles)
    members: list[int] = []
    core: Box | None = None
    # A dense core: labels that found no spot, or many pushed out on leader lines.
    leadered = [i for i, lab in enumerate(labels) if lab is not None and lab.leader]
    crowded = len(leadered) > max(6, 0.2 * len(stations))
    for attempt in range(4):
        missing = [i for i, lab in enumerate(labels) if lab is None and i not in members]
        if attempt == 0 and crowded:
            missing = _densest_group(xy_mm, sorted(set(missing) | set(leadered)))
        if not missing:
            break
        group = np.array(sorted(set(members) | set(missing)))
        pts = xy_mm[group]
        core = (
            float(pts[:, 0].min()) - 3,
            float(pts[:, 1].min()) - 3,
            float(pts[:, 0].max()) + 3,
            float(pts[:, 1].max()) + 3,
        )
        inside = (
            (xy_mm[:, 0] >= core[0])
            & (xy_mm[:, 0] <= core[2])
            & (xy_mm[:, 1] >= core[1])
            & (xy_mm[:, 1] <= core[3])
        )
        members = [int(i) for i in np.flatnonzero(inside)]
        rest = np.flatnonzero(~inside)
        sub = place_labels(
            xy_mm[rest],
            [numbers[i] for i in rest],
            font_pt,
            frame,
            marker_r_mm=marker_r,
            obstacles=[*obstacles, core],
        )
        labels = [None] * len(stations)
        for local, lab in enumerate(sub):
            if lab is not None:
                i = int(rest[local])
                labels[i] = LabelBox(
                    i,
                    lab.text,
                    lab.x0,
                    lab.y0,
                    lab.x1,
                    lab.y1,
                    lab.anchor_x,
                    lab.anchor_y,
                    lab.leader,
                )
    main_labels = [lab for lab in labels if lab is not None]
    unplaced = [i for i, lab in enumerate(labels) if lab is None and i not in members]
    colours = [HOST_COLOURS.get(s.host_type, HOST_COLOURS["other"]) for s in stations]
    _draw_markers(ax, xy_m, colours, marker_r)
    _draw_labels(ax, main_labels, to_m, font_pt, marker_r)

    inset_labels: list[LabelBox] = []
    if core is not None and members:
        ax.add_patch(
            Rectangle(
                to_m(core[0], core[1]),
                (core[2] - core[0]) * m_per_mm,
                (core[3] - core[1]) * m_per_mm,
                facecolor="none",
                edgecolor=INK,
                lw=0.7,
                zorder=7,
            )
        )
        ax.text(
            *to_m(core[0] + 0.8, core[3] - 0.6),
            "A",
            fontsize=8,
            ha="left",
            va="top",
            zorder=8,
            color=INK,
        )
        inset_labels, forced = _inset(
            fig,
            paper,
            boxes["inset"],
            core,
            members,
            xy_mm,
            to_m,
            numbers,
            colours,
            area,
            project,
            tolerance,
            font_pt,
            marker_r,
            m_per_mm,
        )
        unplaced += forced
        legend_box = boxes["legend"]
        locator_box = boxes["locator"]
    else:
        legend_box = boxes["legend_wide"]
        locator_box = boxes.get("locator_wide", boxes["locator"])
    _locator(fig, paper, locator_box, area)
    _legend(paper, legend_box, stations, area, core is not None and bool(members))

    # Title, subtitle, footer.
    title = options.title or f"{district.name}{DEFAULT_TITLE}"
    tx, ty, tw, th = boxes["title"]
    paper.text(
        tx, ty + th - 1, printable(title), fontsize=20 if width > 250 else 17, va="top", color=INK
    )
    parts = [
        f"数据截至 {options.data_date.isoformat()}" if options.data_date else "暂无数据日期",
        f"共 {len(stations)} 个驿站",
    ]
    if options.amenities:
        names = "、".join(AMENITY_BY_CODE[a].zh for a in options.amenities if a in AMENITY_BY_CODE)
        parts.append(f"仅含设施：{names}")
    if any(s.is_demo for s in stations):
        parts.append("演示数据 demo data")
    paper.text(tx, ty + 2, "　·　".join(parts), fontsize=9, color=MUTED, va="bottom")
    paper.plot([tx, tx + tw], [ty, ty], color=ACCENT, lw=1.2)
    _footer(paper, boxes["footer"], settings, options, district, crs, denominator, attribution)

    generated = options.generated.isoformat() if options.generated else ""
    all_demo = all(s.is_demo for s in stations)
    prefixes = [p.name for p in reversed(area.parents)] + [district.name]
    rows = [
        TableRow(
            str(i + 1),
            (
                s.name + ("（演示）" if s.is_demo and not all_demo else ""),
                _short_address(s.address, prefixes),
                hours_zh(s.opening_hours),
                s.phone,
                "、".join(AMENITY_BY_CODE[a].zh for a in s.amenities[:5] if a in AMENITY_BY_CODE),
            ),
        )
        for i, s in enumerate(stations)
    ]
    spec = TablePageSpec(
        title=f"{district.name} 驿站一览",
        footer=f"{title} · 数据来源：{settings.data_source} · 生成于 {generated}",
        demo=any(s.is_demo for s in stations),
    )
    figures = [fig]
    if rows:
        figures += table_pages(rows, spec, (width, height), margin, 2, 1)
    return DistrictMap(
        figures=figures,
        crs=crs,
        scale_denominator=denominator,
        scale_bar=bar,
        stations=stations,
        labels=main_labels,
        inset_labels=inset_labels,
        inset_members=members,
        unplaced=sorted(unplaced),
        title=title,
    )


def _densest_group(points: np.ndarray, indices: list[int], link_mm: float = 10.0) -> list[int]:
    """The largest group of ``indices`` whose points chain together within
    ``link_mm`` (single linkage), so the inset shows one core, not the whole map."""
    if len(indices) < 2:
        return indices
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    tree = cKDTree(points[indices])
    graph = tree.sparse_distance_matrix(tree, link_mm, output_type="coo_matrix")
    _, group = connected_components(graph, directed=False)
    biggest = np.bincount(group).argmax()
    return [i for i, g in zip(indices, group, strict=True) if g == biggest]


def _short_address(address: str, prefixes: list[str]) -> str:
    """The address without the province, city and district the whole sheet is about."""
    rest = address.strip()
    for name in prefixes:
        if rest.startswith(name) and len(rest) > len(name):
            rest = rest[len(name) :]
    return rest


def _inside(ax: Axes, x: float, y: float, inset: float = 0.0) -> bool:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    return x0 + inset <= x <= x1 - inset and y0 + inset <= y <= y1 - inset


def _draw_markers(ax: Axes, xy_m: np.ndarray, colours: list[str], radius_mm: float) -> None:
    if not len(xy_m):
        return
    size = (2 * radius_mm * PT_PER_MM) ** 2
    ax.scatter(
        xy_m[:, 0], xy_m[:, 1], s=size, c=colours, edgecolors="white", linewidths=0.4, zorder=9
    )


def _draw_labels(
    ax: Axes,
    labels: list[LabelBox],
    to_m: Callable[[float, float], tuple[float, float]],
    font_pt: float,
    radius_mm: float,
) -> None:
    boxes = []
    leaders = []
    for lab in labels:
        x0, y0 = to_m(lab.x0, lab.y0)
        x1, y1 = to_m(lab.x1, lab.y1)
        boxes.append(Rectangle((x0, y0), x1 - x0, y1 - y0))
        if lab.leader:
            nx = min(max(lab.anchor_x, lab.x0), lab.x1)
            ny = min(max(lab.anchor_y, lab.y0), lab.y1)
            dist = math.hypot(nx - lab.anchor_x, ny - lab.anchor_y)
            sx = lab.anchor_x + (nx - lab.anchor_x) * radius_mm / dist
            sy = lab.anchor_y + (ny - lab.anchor_y) * radius_mm / dist
            leaders.append([to_m(sx, sy), to_m(nx, ny)])
        ax.text(
            (x0 + x1) / 2,
            (y0 + y1) / 2,
            lab.text,
            fontsize=font_pt,
            ha="center",
            va="center_baseline",
            color=INK,
            zorder=11,
        )
    ax.add_collection(
        PatchCollection(
            boxes, facecolor="white", edgecolor="#9e9e9e", linewidth=0.3, alpha=0.92, zorder=10
        )
    )
    if leaders:
        ax.add_collection(LineCollection(leaders, colors="#616161", linewidths=0.35, zorder=8))


def _north_arrow(paper: Axes, box: Box) -> None:
    x0, y0, x1, y1 = box
    cx = (x0 + x1) / 2
    paper.add_patch(
        Rectangle(
            (x0, y0), x1 - x0, y1 - y0, facecolor="white", alpha=0.85, edgecolor="none", zorder=20
        )
    )
    paper.add_patch(
        Polygon(
            [(cx, y1 - 1), (cx - 2.6, y0 + 5), (cx, y0 + 6.5)],
            facecolor=INK,
            edgecolor=INK,
            lw=0.4,
            zorder=21,
        )
    )
    paper.add_patch(
        Polygon(
            [(cx, y1 - 1), (cx + 2.6, y0 + 5), (cx, y0 + 6.5)],
            facecolor="white",
            edgecolor=INK,
            lw=0.4,
            zorder=21,
        )
    )
    paper.text(cx, y0 + 2.6, "北 N", fontsize=7, ha="center", va="center", zorder=21)


def _scale_bar(paper: Axes, bar: ScaleBar, denominator: int) -> Box:
    (x0, y), (x1, _) = bar.start_mm, bar.end_mm
    box: Box = (x0 - 3, y - 4.5, x1 + 17, y + 6.5)
    paper.add_patch(
        Rectangle(
            (box[0], box[1]),
            box[2] - box[0],
            box[3] - box[1],
            facecolor="white",
            alpha=0.85,
            edgecolor="none",
            zorder=20,
        )
    )
    segment = (x1 - x0) / 4
    for k in range(4):
        paper.add_patch(
            Rectangle(
                (x0 + k * segment, y),
                segment,
                1.2,
                lw=0.4,
                zorder=21,
                facecolor=INK if k % 2 == 0 else "white",
                edgecolor=INK,
            )
        )
    paper.text(x0, y + 1.9, "0", fontsize=6.5, ha="center", va="bottom", zorder=21)
    half = bar.stated_m / 2
    paper.text(
        x0 + 2 * segment,
        y + 1.9,
        f"{half / 1000:g}" if bar.stated_m >= 1000 else f"{half:g}",
        fontsize=6.5,
        ha="center",
        va="bottom",
        zorder=21,
    )
    paper.text(x1, y + 1.9, bar.label, fontsize=6.5, ha="left", va="bottom", zorder=21)
    paper.text(
        x0,
        y - 1.0,
        f"比例尺 1:{denominator:,}".replace(",", " "),
        fontsize=6.5,
        ha="left",
        va="top",
        zorder=21,
        color=MUTED,
    )
    return box


def _inset(
    fig: Figure,
    paper: Axes,
    box: tuple[float, ...],
    core: Box,
    members: list[int],
    xy_mm: np.ndarray,
    to_m: Callable[[float, float], tuple[float, float]],
    numbers: list[str],
    colours: list[str],
    area: MapArea,
    project: Callable[[shapely.Geometry], shapely.Geometry],
    tolerance: float,
    font_pt: float,
    marker_r: float,
    m_per_mm: float,
) -> tuple[list[LabelBox], list[int]]:
    """The enlarged core (A): its stations' labels in the inset's own paper space."""
    bx, by, bw, bh = box
    head = 5.0
    frame_h = bh - head
    cw, ch = core[2] - core[0], core[3] - core[1]
    zoom = min(bw / cw, frame_h / ch)
    # Centre the core in the inset frame at that zoom.
    ox = bx + (bw - cw * zoom) / 2 - core[0] * zoom
    oy = by + (frame_h - ch * zoom) / 2 - core[1] * zoom
    pts = xy_mm[members] * zoom + np.array([ox, oy])
    paper.text(
        bx, by + bh - 0.5, f"A  核心区放大图（放大 {zoom:.1f} 倍）", fontsize=8, va="top", color=INK
    )

    def inset_to_m(px: float, py: float) -> tuple[float, float]:
        return to_m((px - ox) / zoom, (py - oy) / zoom)

    ax = axes_mm(fig, (bx, by, bw, frame_h))
    (x0, y0), (x1, y1) = inset_to_m(bx, by), inset_to_m(bx + bw, by + frame_h)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#e9e7e2")
    view = shapely.box(ax.get_xlim()[0], ax.get_ylim()[0], ax.get_xlim()[1], ax.get_ylim()[1])
    geom = project(area.district.geometry).intersection(view.buffer(10 * m_per_mm))
    ax.add_patch(
        PathPatch(
            _geom_path(geom.simplify(tolerance / zoom)), facecolor=LAND, edgecolor=ACCENT, lw=1.0
        )
    )
    for child in area.children:
        cgeom = project(child.geometry).intersection(view.buffer(10 * m_per_mm))
        ax.add_patch(
            PathPatch(
                _geom_path(cgeom.simplify(tolerance / zoom)),
                facecolor="none",
                edgecolor="#8d6e63",
                lw=0.6,
                linestyle=(0, (4, 2)),
            )
        )
    frame: Box = (bx + 0.6, by + 0.6, bx + bw - 0.6, by + frame_h - 0.6)
    texts = [numbers[i] for i in members]
    placed = place_labels(pts, texts, font_pt, frame, marker_r_mm=marker_r, max_leader_mm=14.0)
    left = [k for k, lab in enumerate(placed) if lab is None]
    if left:
        # Second pass: anywhere free in the inset, on a longer leader line.
        taken = [lab.box for lab in placed if lab is not None]
        taken += [(px - marker_r, py - marker_r, px + marker_r, py + marker_r) for px, py in pts]
        again = place_labels(
            pts[left],
            [texts[k] for k in left],
            font_pt,
            frame,
            marker_r_mm=marker_r,
            obstacles=taken,
            max_leader_mm=45.0,
            ring_step_mm=1.0,
        )
        for k, lab in zip(left, again, strict=True):
            if lab is not None:
                placed[k] = LabelBox(
                    k,
                    lab.text,
                    lab.x0,
                    lab.y0,
                    lab.x1,
                    lab.y1,
                    lab.anchor_x,
                    lab.anchor_y,
                    lab.leader,
                )
    forced: list[int] = []
    out: list[LabelBox] = []
    for local, lab in enumerate(placed):
        i = members[local]
        if lab is None:
            forced.append(i)
            w, h = label_size_mm(texts[local], font_pt)
            px, py = pts[local]
            lab = LabelBox(
                local,
                texts[local],
                px + marker_r,
                py + marker_r,
                px + marker_r + w,
                py + marker_r + h,
                float(px),
                float(py),
                False,
            )
        out.append(
            LabelBox(
                i, lab.text, lab.x0, lab.y0, lab.x1, lab.y1, lab.anchor_x, lab.anchor_y, lab.leader
            )
        )

    members_m = np.array([inset_to_m(*p) for p in pts]).reshape(-1, 2)
    _draw_markers(ax, members_m, [colours[i] for i in members], marker_r)
    # Labels in the inset: convert inset-paper mm to main-map metres for the axes.
    _draw_labels(ax, out, inset_to_m, font_pt, marker_r)
    return out, forced


def _locator(fig: Figure, paper: Axes, box: tuple[float, ...], area: MapArea) -> None:
    bx, by, bw, bh = box
    paper.text(bx, by + bh - 0.5, "位置示意", fontsize=8, va="top", color=INK)
    if not area.parents:
        return
    outer = area.parents[-1]
    lon0, lat0, lon1, lat1 = outer.geometry.bounds
    project = _projector(local_crs((lat0 + lat1) / 2, (lon0 + lon1) / 2))
    frame_w, frame_h = bw, bh - 9
    ax = axes_mm(fig, (bx, by + 4, frame_w, frame_h))
    ax.set_axis_off()
    outer_m = project(outer.geometry)
    tol = max(outer_m.bounds[2] - outer_m.bounds[0], outer_m.bounds[3] - outer_m.bounds[1]) / 400
    for index, parent in enumerate(reversed(area.parents)):
        geom = outer_m if index == 0 else project(parent.geometry)
        ax.add_patch(
            PathPatch(
                _geom_path(geom.simplify(tol)),
                facecolor="#eeeeee" if index == 0 else "white",
                edgecolor="#9e9e9e",
                lw=0.5,
            )
        )
    ax.add_patch(
        PathPatch(
            _geom_path(project(area.district.geometry).simplify(tol)),
            facecolor=ACCENT,
            edgecolor=ACCENT,
            lw=0.6,
        )
    )
    x0, y0, x1, y1 = outer_m.bounds
    per_mm = max((x1 - x0) / frame_w, (y1 - y0) / frame_h)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - frame_w * per_mm / 2, cx + frame_w * per_mm / 2)
    ax.set_ylim(cy - frame_h * per_mm / 2, cy + frame_h * per_mm / 2)
    names = " › ".join(p.name for p in reversed(area.parents))
    paper.text(bx, by, printable(names), fontsize=6.5, color=MUTED, va="bottom")


def _legend(
    paper: Axes, box: tuple[float, ...], stations: list[MapStation], area: MapArea, inset: bool
) -> None:
    bx, by, bw, bh = box
    paper.text(bx, by + bh - 0.5, "图例", fontsize=8, va="top", color=INK)
    counts: dict[str, int] = {}
    for s in stations:
        counts[s.host_type] = counts.get(s.host_type, 0) + 1
    entries: list[tuple[str, str]] = [
        (term.code, f"{term.zh}（{counts[term.code]}）")
        for term in HOST_TYPES
        if term.code in counts
    ]
    rows = len(entries) + 2 + (1 if area.children else 0) + (1 if inset else 0)
    step = min(4.6, (bh - 7) / max(rows, 1))
    columns = 2 if step < 3.2 and bw > 70 else 1
    if columns == 2:
        step = min(4.6, (bh - 7) / math.ceil(rows / 2))
    col_w = bw / columns
    y = by + bh - 7.5
    position = 0

    def slot() -> tuple[float, float]:
        nonlocal position
        col, row = divmod(position, math.ceil(rows / columns))
        position += 1
        return bx + col * col_w, y - row * step

    for code, text in entries:
        x, yy = slot()
        paper.scatter(
            [x + 2],
            [yy],
            s=(2.1 * PT_PER_MM) ** 2,
            c=HOST_COLOURS.get(code, HOST_COLOURS["other"]),
            edgecolors="white",
            linewidths=0.4,
        )
        paper.text(x + 4.5, yy, text, fontsize=7, va="center")
    x, yy = slot()
    paper.plot([x, x + 4], [yy, yy], color=ACCENT, lw=1.4)
    paper.text(x + 5.5, yy, "本区界线", fontsize=7, va="center")
    if area.children:
        x, yy = slot()
        paper.plot([x, x + 4], [yy, yy], color="#8d6e63", lw=0.6, linestyle=(0, (4, 2)))
        paper.text(x + 5.5, yy, "下级区界", fontsize=7, va="center")
    if inset:
        x, yy = slot()
        paper.add_patch(Rectangle((x, yy - 1.2), 4, 2.4, facecolor="none", edgecolor=INK, lw=0.7))
        paper.text(x + 5.5, yy, "放大范围 A", fontsize=7, va="center")
    x, yy = slot()
    paper.add_patch(
        Rectangle((x + 0.5, yy - 1.2), 3.4, 2.4, facecolor="white", edgecolor="#9e9e9e", lw=0.3)
    )
    paper.text(x + 2.2, yy, "1", fontsize=5.5, ha="center", va="center_baseline")
    paper.text(x + 5.5, yy, "驿站编号（见驿站一览表）", fontsize=7, va="center")


def _footer(
    paper: Axes,
    box: tuple[float, ...],
    settings: PrintSettings,
    options: MapOptions,
    district: DistrictShape,
    crs: str,
    denominator: int,
    attribution: str | None,
) -> None:
    bx, by, bw, bh = box
    url = settings.district_url(district.code)
    draw_qr(paper, url, bx + bw - bh, by, bh)
    source = settings.basemap_source or attribution
    lines = [
        f"数据来源：{settings.data_source}"
        + (f"（数据截至 {options.data_date.isoformat()}）" if options.data_date else ""),
        f"底图：{source}"
        + (
            f"　审图号：{settings.basemap_approval}"
            if settings.basemap_approval
            else "　审图号：未配置"
        )
        if source
        else "底图：无（素色底图）；行政区界线仅供示意，不作为权属争议依据",
        "坐标系：WGS-84 / CGCS2000；投影：方位等距投影，中心 "
        + _centre_text(crs)
        + f"；比例尺 1:{denominator:,}".replace(",", " "),
        f"制图：stationmap　生成日期：{options.generated.isoformat() if options.generated else ''}"
        f"　在线地图：{url}",
    ]
    paper.plot([bx, bx + bw], [by + bh + 1.5, by + bh + 1.5], color="#d5d0c4", lw=0.5)
    for k, line in enumerate(lines):
        paper.text(
            bx, by + bh - 1.5 - k * 4.2, printable(line), fontsize=6.8, color=MUTED, va="top"
        )
    paper.text(
        bx + bw - bh - 2,
        by + 2,
        "扫码打开在线地图",
        fontsize=6.5,
        color=MUTED,
        ha="right",
        va="bottom",
    )


def _centre_text(crs: str) -> str:
    parts = dict(p.lstrip("+").split("=", 1) for p in crs.split() if "=" in p)
    lat, lon = float(parts.get("lat_0", 0)), float(parts.get("lon_0", 0))
    return f"{'E' if lon >= 0 else 'W'}{abs(lon):.2f}° {'N' if lat >= 0 else 'S'}{abs(lat):.2f}°"
