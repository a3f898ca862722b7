"""Fitting a core into its panel: zoom, a legible type size, and as a last resort a
grid of numbers beside the map on leader lines."""

from __future__ import annotations

import math

import numpy as np
import shapely

from stationmap.render.insets.cores import Inset, reindex
from stationmap.render.labels import Box, LabelBox, label_size_mm, place_labels

MIN_LABEL_PT = 5.0
_GRID_GAP_MM = 0.5


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
                placed[k] = reindex(lab, k)
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
    return bool(labels > room.area - markers.intersection(room).area)


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
        reindex(lab, inset.members[k]) for k, lab in enumerate(placed) if lab is not None
    ]
