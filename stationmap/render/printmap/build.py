"""Build a district map: the map sheet (boundaries, numbered markers, framed cores,
furniture, title and footer), then the detail pages and the station table pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from pyproj import CRS, Transformer

from stationmap.catalog import AMENITY_BY_CODE
from stationmap.render.colours import HOST_COLOURS
from stationmap.render.furniture import (
    footer,
    legend,
    locator,
    north_arrow,
    scale_bar,
)
from stationmap.render.insets import (
    Inset,
    draw_labels,
    draw_markers,
    draw_panel,
    find_cores,
    fit_panel,
)
from stationmap.render.labels import Box
from stationmap.render.printmap import details
from stationmap.render.printmap.data import (
    BaseMapHook,
    DistrictMap,
    MapArea,
    MapOptions,
    MapStation,
)
from stationmap.render.printmap.layout import layout, reading_order
from stationmap.render.projection import (
    ScaleBar,
    geom_path,
    length_label,
    local_crs,
    nice_length,
    nice_scale,
    projector,
    scale_bar_geometry,
)
from stationmap.render.sheet import (
    ACCENT,
    INK,
    LAND,
    MUTED,
    PrintSettings,
    axes_mm,
    hours_zh,
    new_sheet,
    page_mm,
    printable,
    sheet_style,
)
from stationmap.render.table import TablePageSpec, TableRow, table_pages

DEFAULT_TITLE = "暖新驿站分布图"


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
    boxes = layout(width, height, options.landscape)
    margin = boxes["margin"][0]
    lon0, lat0, lon1, lat1 = district.geometry.bounds
    crs = local_crs((lat0 + lat1) / 2, (lon0 + lon1) / 2)
    project = projector(crs)
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
    order = reading_order(xy_m, by1 - by0)
    stations = [stations[i] for i in order]
    xy_m = xy_m[order] if len(order) else xy_m
    xy_mm = to_mm(xy_m[:, 0], xy_m[:, 1]) if len(xy_m) else np.zeros((0, 2))
    numbers = [str(i + 1) for i in range(len(stations))]

    fig, paper = new_sheet(width, height)
    ax = axes_mm(fig, (mx, my, mw, mh))
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
        ax.add_patch(PathPatch(geom_path(geom), facecolor="#efede8", edgecolor="#b9b4aa", lw=0.5))
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
        ax.add_patch(PathPatch(geom_path(simple), facecolor=LAND, edgecolor="none", zorder=1))
    for child in area.children:
        geom = project(child.geometry).simplify(tolerance)
        ax.add_patch(
            PathPatch(
                geom_path(geom),
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
    _coverage_overlays(ax, options, project, view, tolerance)
    ax.add_patch(PathPatch(geom_path(simple), facecolor="none", edgecolor=ACCENT, lw=1.4, zorder=3))

    # North arrow and scale bar, top left and bottom left inside the frame.
    north_box = (mx + 3, my + mh - 19, mx + 13, my + mh - 3)
    north_arrow(paper, north_box)
    bar_mm_max = mw * 0.28
    stated = nice_length(bar_mm_max * m_per_mm)
    start_mm = (mx + 5.0, my + 7.0)
    start_m = to_m(*start_mm)
    end_m, true_m = scale_bar_geometry(crs, start_m, stated)
    end_mm = (start_mm[0] + (end_m[0] - start_m[0]) / m_per_mm, start_mm[1])
    bar = ScaleBar(stated, length_label(stated), start_m, end_m, start_mm, end_mm, true_m, crs)
    scale_box = scale_bar(paper, bar, denominator)

    # Numbers: on the main map where they fit; dense cores enlarged in insets.
    font_pt = 6.5 if width * height < 80_000 else 7.0
    marker_r = 1.05
    frame: Box = (mx + 0.6, my + 0.6, mx + mw - 0.6, my + mh - 0.6)
    main_labels, insets = find_cores(
        xy_mm, numbers, font_pt, frame, [north_box, scale_box], marker_r
    )
    colours = [HOST_COLOURS.get(s.host_type, HOST_COLOURS["other"]) for s in stations]
    draw_markers(ax, xy_m, colours, marker_r)
    draw_labels(ax, main_labels, to_m, font_pt, marker_r)
    for inset in insets:
        core = inset.core
        ax.add_patch(
            Rectangle(
                to_m(core[0], core[1]),
                (core[2] - core[0]) * m_per_mm,
                (core[3] - core[1]) * m_per_mm,
                facecolor="none",
                edgecolor=INK,
                lw=0.7,
                zorder=12,
            )
        )
        ax.text(
            *to_m(core[0] + 0.5, core[3] - 0.4),
            inset.letter,
            fontsize=8,
            ha="left",
            va="top",
            zorder=12,
            color=INK,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
    shapes = [(shape_m, True)] + [(project(c.geometry), False) for c in area.children]

    def panel(target: Figure, page: Axes, inset: Inset, heading: Box) -> None:
        draw_panel(target, page, inset, heading, xy_mm, to_m, colours, shapes, tolerance, marker_r)

    detail_pages: list[Figure] = []
    on_sheet = False
    if len(insets) == 1:
        bx, by, bw, bh = boxes["inset"]
        on_sheet = fit_panel(
            insets[0],
            xy_mm,
            numbers,
            (bx, by, bx + bw, by + bh - 5.0),
            font_pt,
            marker_r,
            allow_list=False,
        )
        if on_sheet:
            panel(fig, paper, insets[0], (bx, by, bx + bw, by + bh))
    if insets and not on_sheet:
        detail_pages = details.detail_pages(
            insets, xy_mm, numbers, font_pt, marker_r, width, height, margin, district, panel
        )
    if on_sheet:
        inset_note = (
            "放大范围 A（见右下放大图）" if options.landscape else "放大范围 A（见左下放大图）"
        )
        legend_box, locator_box = boxes["legend"], boxes["locator"]
    else:
        letters = f"{insets[0].letter}–{insets[-1].letter}" if len(insets) > 1 else "A"
        inset_note = f"放大范围 {letters}（见第 2 页详图）" if insets else ""
        legend_box = boxes["legend_wide"]
        locator_box = boxes.get("locator_wide", boxes["locator"])
    locator(fig, paper, locator_box, area)
    legend(paper, legend_box, stations, area, inset_note)

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
    footer(paper, boxes["footer"], settings, options, district, crs, denominator, attribution)

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
    figures = [fig, *detail_pages]
    before = len(figures)
    if rows:
        figures += table_pages(rows, spec, (width, height), margin, before + 1, before)
    for number, page in enumerate(detail_pages, 2):
        details.page_footer(page, spec.footer, f"第 {number} / {len(figures)} 页", width, margin)
    return DistrictMap(
        figures=figures,
        crs=crs,
        scale_denominator=denominator,
        scale_bar=bar,
        stations=stations,
        labels=main_labels,
        insets=insets,
        points_mm=xy_mm,
        label_font_pt=font_pt,
        unplaced=[],
        title=title,
    )


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


def _coverage_overlays(
    ax: Axes,
    options: MapOptions,
    project: Callable[[Any], Any],
    view: Any,
    tolerance: float,
) -> None:
    """The uncovered part of the district (hatched red) and grid cells (grey outlines),
    under the district's outline and the stations, with a line saying what they are."""
    words = []
    for cell in options.grids:
        geom = shapely.make_valid(project(cell)).intersection(view).simplify(tolerance)
        if not geom.is_empty:
            ax.add_patch(
                PathPatch(
                    geom_path(geom),
                    facecolor="none",
                    edgecolor="#7a7a7a",
                    lw=0.3,
                    zorder=2,
                    gid="coverage-grid",
                )
            )
    if options.grids:
        words.append("灰线：网格")
    if options.uncovered is not None and not options.uncovered.is_empty:
        # A reprojected union may carry slivers that GEOS refuses: made valid first.
        geom = shapely.make_valid(project(options.uncovered)).intersection(view)
        geom = geom.simplify(tolerance)
        if not geom.is_empty:
            ax.add_patch(
                PathPatch(
                    geom_path(geom),
                    facecolor="#d7302740",
                    edgecolor="#d73027",
                    lw=0.4,
                    hatch="////",
                    zorder=2,
                    gid="coverage-uncovered",
                )
            )
        radius = f"{options.uncovered_m:,.0f} 米" if options.uncovered_m else ""
        words.append(f"红色斜线：{radius}内（直线距离）无驿站的区域")
    if words:
        ax.text(
            0.99,
            0.99,
            "；".join(words),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=7,
            color=INK,
            zorder=13,
            bbox={"boxstyle": "square,pad=0.3", "facecolor": "white", "edgecolor": "none"},
        )
