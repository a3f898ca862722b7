"""Dense cores on the main map: number what fits, frame the rest in lettered cores
(:class:`Inset`), at most :data:`MAX_CORES` of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stationmap.render.labels import Box, LabelBox, place_labels

MAX_CORES = 6
LETTERS = "ABCDEFGHJK"
CORE_PAD_MM = 3.0
LINK_MM = 8.0


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
                labels[i] = reindex(lab, i)
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


def reindex(lab: LabelBox, index: int) -> LabelBox:
    return LabelBox(
        index, lab.text, lab.x0, lab.y0, lab.x1, lab.y1, lab.anchor_x, lab.anchor_y, lab.leader
    )
