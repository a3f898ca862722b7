"""Map furniture for the printed district map: north arrow, scale bar, locator inset,
legend and footer. Units are paper millimetres on the sheet's full-page axes.

Pure: no Flask, no database.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Polygon, Rectangle

from stationmap.catalog import HOST_TYPES
from stationmap.geo.districts import DistrictShape
from stationmap.render.colours import HOST_COLOURS
from stationmap.render.labels import Box
from stationmap.render.projection import ScaleBar, geom_path, local_crs, projector
from stationmap.render.sheet import (
    ACCENT,
    INK,
    MUTED,
    PT_PER_MM,
    PrintSettings,
    axes_mm,
    draw_qr,
    printable,
)

if TYPE_CHECKING:
    from stationmap.render.printmap.data import MapArea, MapOptions, MapStation


def north_arrow(paper: Axes, box: Box) -> None:
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


def scale_bar(paper: Axes, bar: ScaleBar, denominator: int) -> Box:
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


def locator(fig: Figure, paper: Axes, box: tuple[float, ...], area: MapArea) -> None:
    bx, by, bw, bh = box
    paper.text(bx, by + bh - 0.5, "位置示意", fontsize=8, va="top", color=INK)
    if not area.parents:
        return
    outer = area.parents[-1]
    lon0, lat0, lon1, lat1 = outer.geometry.bounds
    project = projector(local_crs((lat0 + lat1) / 2, (lon0 + lon1) / 2))
    frame_w, frame_h = bw, bh - 9
    ax = axes_mm(fig, (bx, by + 4, frame_w, frame_h))
    ax.set_axis_off()
    outer_m = project(outer.geometry)
    tol = max(outer_m.bounds[2] - outer_m.bounds[0], outer_m.bounds[3] - outer_m.bounds[1]) / 400
    for index, parent in enumerate(reversed(area.parents)):
        geom = outer_m if index == 0 else project(parent.geometry)
        ax.add_patch(
            PathPatch(
                geom_path(geom.simplify(tol)),
                facecolor="#eeeeee" if index == 0 else "white",
                edgecolor="#9e9e9e",
                lw=0.5,
            )
        )
    ax.add_patch(
        PathPatch(
            geom_path(project(area.district.geometry).simplify(tol)),
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


def legend(
    paper: Axes,
    box: tuple[float, ...],
    stations: list[MapStation],
    area: MapArea,
    inset_note: str = "",
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
    rows = len(entries) + 2 + (1 if area.children else 0) + (1 if inset_note else 0)
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
    if inset_note:
        x, yy = slot()
        paper.add_patch(Rectangle((x, yy - 1.2), 4, 2.4, facecolor="none", edgecolor=INK, lw=0.7))
        paper.text(x + 5.5, yy, inset_note, fontsize=7, va="center")
    x, yy = slot()
    paper.add_patch(
        Rectangle((x + 0.5, yy - 1.2), 3.4, 2.4, facecolor="white", edgecolor="#9e9e9e", lw=0.3)
    )
    paper.text(x + 2.2, yy, "1", fontsize=5.5, ha="center", va="center_baseline")
    paper.text(x + 5.5, yy, "驿站编号（见驿站一览表）", fontsize=7, va="center")


def footer(
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
