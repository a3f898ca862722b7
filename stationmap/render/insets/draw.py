"""Drawing numbered markers, their number boxes and leader lines, and inset panels."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from stationmap.render.insets.cores import Inset
from stationmap.render.labels import Box, LabelBox
from stationmap.render.projection import geom_path
from stationmap.render.sheet import ACCENT, INK, LAND, PT_PER_MM, axes_mm
from stationmap.render.textlines import TextLines


def draw_markers(ax: Axes, xy_m: np.ndarray, colours: list[str], radius_mm: float) -> None:
    if not len(xy_m):
        return
    size = (2 * radius_mm * PT_PER_MM) ** 2
    ax.scatter(
        xy_m[:, 0], xy_m[:, 1], s=size, c=colours, edgecolors="white", linewidths=0.4, zorder=9
    )


def draw_labels(
    ax: Axes,
    labels: list[LabelBox],
    to_m: Callable[[float, float], tuple[float, float]],
    font_pt: float,
    radius_mm: float,
) -> None:
    """Number boxes, their numbers and leader lines. ``to_m`` maps the labels' paper
    millimetres to ``ax``'s data units."""
    if not labels:
        return
    corners = []
    leaders = []
    for lab in labels:
        x0, y0 = to_m(lab.x0, lab.y0)
        x1, y1 = to_m(lab.x1, lab.y1)
        corners.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        if lab.leader:
            nx = min(max(lab.anchor_x, lab.x0), lab.x1)
            ny = min(max(lab.anchor_y, lab.y0), lab.y1)
            dist = max(math.hypot(nx - lab.anchor_x, ny - lab.anchor_y), 1e-9)
            sx = lab.anchor_x + (nx - lab.anchor_x) * radius_mm / dist
            sy = lab.anchor_y + (ny - lab.anchor_y) * radius_mm / dist
            leaders.append([to_m(sx, sy), to_m(nx, ny)])
    boxes = np.array(corners)
    # One path for all boxes (they never overlap): a single artist to build and draw.
    ax.add_artist(
        PathPatch(
            Path.make_compound_path_from_polys(boxes),
            facecolor="white",
            edgecolor="#9e9e9e",
            linewidth=0.3,
            alpha=0.92,
            zorder=10,
            clip_on=False,
        )
    )
    ax.add_artist(
        TextLines(
            boxes.mean(axis=1),
            [lab.text for lab in labels],
            font_pt,
            ha="center",
            va="center_baseline",
            zorder=11,
        )
    )
    if leaders:
        ax.add_collection(
            LineCollection(leaders, colors="#616161", linewidths=0.35, zorder=8, clip_on=False)
        )


def draw_panel(
    fig: Figure,
    paper: Axes,
    inset: Inset,
    heading_box: Box,
    xy_mm: np.ndarray,
    to_m: Callable[[float, float], tuple[float, float]],
    colours: list[str],
    shapes: list[tuple[shapely.Geometry, bool]],
    tolerance_m: float,
    marker_r: float,
) -> None:
    """Draw ``inset`` (already fitted) on ``paper``: heading, map frame with the district
    (``shapes``: projected geometry and whether it is the district itself rather than a
    child), markers, numbers and the grid of listed numbers."""
    bx0, by0, bx1, by1 = inset.frame
    zoom = inset.zoom
    core = inset.core
    # Panel mm -> main-map mm -> projected metres.
    ox = (bx0 + bx1) / 2 - (core[0] + core[2]) / 2 * zoom
    oy = (by0 + by1) / 2 - (core[1] + core[3]) / 2 * zoom

    def panel_to_m(px: float, py: float) -> tuple[float, float]:
        return to_m((px - ox) / zoom, (py - oy) / zoom)

    listed = f"；{len(inset.listed)} 个编号列于右侧" if inset.listed else ""
    paper.text(
        heading_box[0],
        heading_box[3] - 0.5,
        f"{inset.letter}  核心区放大图（放大 {zoom:.1f} 倍，{len(inset.members)} 个驿站{listed}）",
        fontsize=8,
        va="top",
        color=INK,
    )
    ax = axes_mm(fig, (bx0, by0, bx1 - bx0, by1 - by0))
    (x0, y0), (x1, y1) = panel_to_m(bx0, by0), panel_to_m(bx1, by1)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#e9e7e2")
    view = shapely.box(x0, y0, x1, y1).buffer(10 * (x1 - x0) / max(bx1 - bx0, 1e-9))
    for geom, is_district in shapes:
        part = geom.intersection(view).simplify(tolerance_m / zoom)
        if is_district:
            ax.add_patch(PathPatch(geom_path(part), facecolor=LAND, edgecolor=ACCENT, lw=1.0))
        else:
            ax.add_patch(
                PathPatch(
                    geom_path(part),
                    facecolor="none",
                    edgecolor="#8d6e63",
                    lw=0.6,
                    linestyle=(0, (4, 2)),
                )
            )
    members = inset.members
    pts = xy_mm[members] * zoom + np.array([ox, oy])
    members_m = np.array([panel_to_m(*p) for p in pts]).reshape(-1, 2)
    draw_markers(ax, members_m, [colours[i] for i in members], marker_r)
    on_map = [lab for lab in inset.labels if lab.index not in set(inset.listed)]
    draw_labels(ax, on_map, panel_to_m, inset.font_pt, marker_r)
    if inset.listed:
        chosen = set(inset.listed)
        draw_labels(
            paper,
            [lab for lab in inset.labels if lab.index in chosen],
            lambda x, y: (x, y),
            inset.font_pt,
            marker_r,
        )
