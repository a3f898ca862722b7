"""Numbers that never overlap in dense cores: the cores get enlarged insets.

The strategy, which always ends with every station numbered once and no two number
boxes overlapping (all in paper millimetres):

1. **Main map.** :func:`find_cores` places every number around its marker
   (:func:`~stationmap.render.labels.place_labels`, leader lines up to 8 mm). Stations
   left without a spot, and crowds of stations pushed out on leader lines, are grouped
   by single linkage into at most :data:`MAX_CORES` dense cores. Each core is a framed
   rectangle (A, B, C ...) on the main map; its stations are shown there as markers
   only, and the numbers of the other stations are placed again around the rectangles.
   This repeats until every station outside a core has its number; each round moves at
   least one more station into a core, so it ends.
2. **Insets.** Each core is drawn again enlarged in a panel (:func:`fit_panel`): on the
   map sheet when there is one core that fits there, otherwise on detail pages that
   follow the map sheet. In its panel, a core's numbers are placed at the map's size,
   then smaller, down to :data:`MIN_LABEL_PT` (still legible in print).
3. **Last resort.** Numbers that still find no spot at the legible minimum stand in a
   grid beside the panel's map, in north-to-south order, each joined to its marker by
   a leader line. A grid column is a few millimetres wide, so a panel holds thousands.

Pure: no Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from stationmap.render.labels import Box, LabelBox, label_size_mm, place_labels
from stationmap.render.projection import geom_path
from stationmap.render.sheet import ACCENT, INK, LAND, PT_PER_MM, axes_mm
from stationmap.render.textlines import TextLines

MIN_LABEL_PT = 5.0
MAX_CORES = 6
LETTERS = "ABCDEFGHJK"
CORE_PAD_MM = 3.0
LINK_MM = 8.0
_GRID_GAP_MM = 0.5


@dataclass
class Inset:
    """One enlarged core as drawn.

    ``core`` is its rectangle on the main map and ``frame`` the panel's map frame on
    page ``page`` (figure index), both in that page's millimetres; ``labels`` are in the
    panel page's millimetres (``index`` is the station's index); ``listed`` are the
    stations whose numbers stand in the grid beside the panel."""

    letter: str
    core: Box
    members: list[int]
    page: int = 0
    frame: Box = (0.0, 0.0, 0.0, 0.0)
    zoom: float = 1.0
    font_pt: float = 0.0
    labels: list[LabelBox] = field(default_factory=list)
    listed: list[int] = field(default_factory=list)


# -- main map: cores ---------------------------------------------------------------------
def find_cores(
    xy_mm: np.ndarray,
    numbers: list[str],
    font_pt: float,
    frame: Box,
    obstacles: list[Box],
    marker_r: float,
) -> tuple[list[LabelBox], list[Inset]]:
    """Main-map labels for stations outside the dense cores, and the cores (members in
    index order, lettered north to south)."""
    n = len(xy_mm)
    labels = place_labels(xy_mm, numbers, font_pt, frame, marker_r_mm=marker_r, obstacles=obstacles)
    missing = {i for i, lab in enumerate(labels) if lab is None}
    leadered = [i for i, lab in enumerate(labels) if lab is not None and lab.leader]
    seeds = set(missing)
    if len(leadered) > max(6, 0.2 * n):
        # Crowds of leader lines read badly: their cores are enlarged too.
        groups = _groups(xy_mm, sorted(missing | set(leadered)), 10.0)
        seeds |= {i for g in groups if len(g) >= 6 for i in g}
    members = np.zeros(n, dtype=bool)
    cores: list[Box] = []
    while seeds:
        points = sorted(seeds | {int(i) for i in np.flatnonzero(members)})
        cores = _core_boxes(xy_mm, points, frame)
        members = _inside_any(xy_mm, cores)
        rest = np.flatnonzero(~members)
        sub = place_labels(
            xy_mm[rest],
            [numbers[i] for i in rest],
            font_pt,
            frame,
            marker_r_mm=marker_r,
            obstacles=[*obstacles, *cores],
        )
        labels = [None] * n
        seeds = set()
        for local, lab in enumerate(sub):
            i = int(rest[local])
            if lab is None:
                seeds.add(i)
            else:
                labels[i] = _reindex(lab, i)
    insets = []
    for k, core in enumerate(cores):
        inside = _inside_any(xy_mm, [core])
        insets.append(Inset(LETTERS[k], core, [int(i) for i in np.flatnonzero(inside)]))
    return [lab for lab in labels if lab is not None], insets


def _groups(xy: np.ndarray, indices: list[int], link_mm: float) -> list[list[int]]:
    """``indices`` in groups whose points chain together within ``link_mm``."""
    if len(indices) < 2:
        return [indices] if indices else []
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    tree = cKDTree(xy[indices])
    graph = tree.sparse_distance_matrix(tree, link_mm, output_type="coo_matrix")
    count, group = connected_components(graph, directed=False)
    out: list[list[int]] = [[] for _ in range(count)]
    for i, g in zip(indices, group, strict=True):
        out[g].append(i)
    return out


def _core_boxes(xy: np.ndarray, indices: list[int], frame: Box) -> list[Box]:
    """Padded boxes around groups of ``indices``; overlapping boxes merge, and the
    closest pairs merge until there are at most :data:`MAX_CORES`. North to south."""
    boxes: list[Box] = []
    for group in _groups(xy, indices, LINK_MM):
        pts = xy[group]
        boxes.append(
            (
                max(frame[0], float(pts[:, 0].min()) - CORE_PAD_MM),
                max(frame[1], float(pts[:, 1].min()) - CORE_PAD_MM),
                min(frame[2], float(pts[:, 0].max()) + CORE_PAD_MM),
                min(frame[3], float(pts[:, 1].max()) + CORE_PAD_MM),
            )
        )
    while True:
        pair = next(
            (
                (a, b)
                for a in range(len(boxes))
                for b in range(a + 1, len(boxes))
                if _touch(boxes[a], boxes[b])
            ),
            None,
        )
        if pair is None and len(boxes) > MAX_CORES:
            pair = _cheapest(boxes)
        if pair is None:
            break
        a, b = pair
        boxes[a] = _union(boxes[a], boxes[b])
        del boxes[b]
    return sorted(boxes, key=lambda b: (-round(b[3] / 20), b[0]))


def _touch(a: Box, b: Box, gap: float = 1.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _area(b: Box) -> float:
    return (b[2] - b[0]) * (b[3] - b[1])


def _cheapest(boxes: list[Box]) -> tuple[int, int]:
    """The pair whose union adds the least area."""
    pairs = (
        (_area(_union(boxes[a], boxes[b])) - _area(boxes[a]) - _area(boxes[b]), a, b)
        for a in range(len(boxes))
        for b in range(a + 1, len(boxes))
    )
    _, a, b = min(pairs)
    return a, b


def _inside_any(xy: np.ndarray, boxes: list[Box]) -> np.ndarray:
    inside = np.zeros(len(xy), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        inside |= (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    return inside


def _reindex(lab: LabelBox, index: int) -> LabelBox:
    return LabelBox(
        index, lab.text, lab.x0, lab.y0, lab.x1, lab.y1, lab.anchor_x, lab.anchor_y, lab.leader
    )


# -- panels ------------------------------------------------------------------------------
def _zoom(core: Box, box: Box) -> tuple[float, float, float]:
    """Zoom and offset that centre ``core`` (main-map mm) in ``box`` (x0, y0, x1, y1)."""
    cw, ch = max(core[2] - core[0], 1e-6), max(core[3] - core[1], 1e-6)
    bw, bh = box[2] - box[0], box[3] - box[1]
    zoom = min(bw / cw, bh / ch)
    ox = box[0] + (bw - cw * zoom) / 2 - core[0] * zoom
    oy = box[1] + (bh - ch * zoom) / 2 - core[1] * zoom
    return zoom, ox, oy


def _place_twice(
    pts: np.ndarray,
    texts: list[str],
    font_pt: float,
    frame: Box,
    marker_r: float,
    give_up: float = 1.0,
    *,
    complete: bool = False,
) -> list[LabelBox | None]:
    """Near the marker first; then anywhere free within 45 mm on a leader line, unless
    more than the fraction ``give_up`` is left (a smaller type size will do better).
    With ``complete``, the caller wants every number placed or none: placing stops at
    the first number that finds no spot in either pass."""
    placed = place_labels(
        pts,
        texts,
        font_pt,
        frame,
        marker_r_mm=marker_r,
        max_leader_mm=14.0,
        max_unplaced=math.floor(give_up * len(texts)) if give_up < 1.0 else None,
    )
    left = [k for k, lab in enumerate(placed) if lab is None]
    if left and len(left) <= give_up * len(placed):
        taken = [lab.box for lab in placed if lab is not None]
        taken += [(x - marker_r, y - marker_r, x + marker_r, y + marker_r) for x, y in pts]
        again = place_labels(
            pts[left],
            [texts[k] for k in left],
            font_pt,
            frame,
            marker_r_mm=marker_r,
            obstacles=taken,
            max_leader_mm=45.0,
            ring_step_mm=1.5,
            max_unplaced=0 if complete else None,
        )
        for k, lab in zip(left, again, strict=True):
            if lab is not None:
                placed[k] = _reindex(lab, k)
    return placed


def _too_crowded(
    pts: np.ndarray, texts: list[str], font_pt: float, frame: Box, marker_r: float
) -> bool:
    """True if the numbers cannot all fit in ``frame`` whatever their places: their
    boxes, which overlap neither each other nor any marker, would need more room than
    the frame has beside the markers."""
    labels = sum(math.prod(label_size_mm(text, font_pt)) for text in texts)
    markers = shapely.union_all(
        shapely.box(
            pts[:, 0] - marker_r, pts[:, 1] - marker_r, pts[:, 0] + marker_r, pts[:, 1] + marker_r
        )
    )
    room = shapely.box(*frame)
    return labels > room.area - markers.intersection(room).area


def fit_panel(
    inset: Inset,
    xy_mm: np.ndarray,
    numbers: list[str],
    box: Box,
    font_pt: float,
    marker_r: float,
    *,
    allow_list: bool = True,
) -> bool:
    """Fit ``inset``'s core into the panel ``box`` (x0, y0, x1, y1 on its page): set its
    zoom, frame, font and labels. False (nothing set) if some number found no spot and
    ``allow_list`` is False; with it, such numbers stand in a grid beside the map."""
    texts = [numbers[i] for i in inset.members]
    fonts = sorted(
        {font_pt, max(MIN_LABEL_PT, (font_pt + MIN_LABEL_PT) / 2), MIN_LABEL_PT}, reverse=True
    )
    for size in fonts:
        zoom, ox, oy = _zoom(inset.core, box)
        pts = xy_mm[inset.members] * zoom + np.array([ox, oy])
        frame = (box[0] + 0.6, box[1] + 0.6, box[2] - 0.6, box[3] - 0.6)
        if not allow_list and _too_crowded(pts, texts, size, frame, marker_r):
            continue
        placed = _place_twice(
            pts,
            texts,
            size,
            frame,
            marker_r,
            give_up=1.0 if size == fonts[-1] else 0.15,
            complete=not allow_list,
        )
        if all(lab is not None for lab in placed):
            _settle(inset, box, zoom, size, placed, [])
            return True
    if not allow_list:
        return False
    # Last resort: a grid of numbers beside the map, on leader lines.
    cell_w, cell_h = (
        label_size_mm(max(texts, key=len), MIN_LABEL_PT)[0] + _GRID_GAP_MM,
        label_size_mm("0", MIN_LABEL_PT)[1] + _GRID_GAP_MM,
    )
    rows = max(1, int((box[3] - box[1] - 1.2) // cell_h))
    missing = sum(lab is None for lab in placed)
    columns = max(1, math.ceil(missing / rows))
    while True:
        strip_w = min(columns * cell_w + 3.0, (box[2] - box[0]) * 0.8)
        map_box = (box[0], box[1], box[2] - strip_w, box[3])
        zoom, ox, oy = _zoom(inset.core, map_box)
        pts = xy_mm[inset.members] * zoom + np.array([ox, oy])
        frame = (map_box[0] + 0.6, map_box[1] + 0.6, map_box[2] - 0.6, map_box[3] - 0.6)
        placed = _place_twice(pts, texts, MIN_LABEL_PT, frame, marker_r)
        left = [k for k, lab in enumerate(placed) if lab is None]
        capacity = rows * max(1, int((strip_w - 3.0) // cell_w))
        if len(left) <= capacity or strip_w >= (box[2] - box[0]) * 0.8:
            break
        columns = math.ceil(len(left) / rows)
    if len(left) > capacity:
        # Everything in the grid (coincident points by the thousand): still no overlap.
        left = list(range(len(placed)))
        placed = [None] * len(placed)
    # North to south, then west to east: leader lines cross little.
    left.sort(key=lambda k: (-pts[k, 1], pts[k, 0]))
    gx0 = map_box[2] + 2.5
    for slot, k in enumerate(left):
        col, row = divmod(slot, rows)
        w, h = label_size_mm(texts[k], MIN_LABEL_PT)
        x0 = gx0 + col * cell_w
        y1 = box[3] - 0.6 - row * cell_h
        px, py = pts[k]
        placed[k] = LabelBox(k, texts[k], x0, y1 - h, x0 + w, y1, float(px), float(py), True)
    _settle(inset, map_box, zoom, MIN_LABEL_PT, placed, [inset.members[k] for k in left])
    return True


def _settle(
    inset: Inset,
    frame: Box,
    zoom: float,
    font_pt: float,
    placed: list[LabelBox | None],
    listed: list[int],
) -> None:
    inset.frame = frame
    inset.zoom = zoom
    inset.font_pt = font_pt
    inset.listed = listed
    inset.labels = [
        _reindex(lab, inset.members[k]) for k, lab in enumerate(placed) if lab is not None
    ]


# -- drawing -----------------------------------------------------------------------------
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
