"""Number labels that never overlap: greedy placement around each marker, with leader
lines when a label has to move away from its point.

Everything here is in paper millimetres (x right, y up). A label is an axis-aligned box;
it may not overlap another label, another station's marker, an obstacle (north arrow,
scale bar, inset frame) or leave the frame. Points with the most neighbours are placed
first (they have the fewest free spots); each tries positions on rings of growing
radius in 8 to 16 directions, nearest first. A point whose label finds no spot within
``max_leader_mm`` stays unplaced: the map builder then shows it in an enlarged inset.

Cost: one vectorised pass over all markers, obstacles and placed labels picks those
that reach into the area a point's candidates span (a few hundred in a dense core);
only those are tested against the candidates, exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in mm


@dataclass(frozen=True)
class LabelBox:
    """Where one number label went, in paper millimetres.

    ``leader`` is True when the box does not touch its marker and a leader line joins
    them (from ``anchor`` to the nearest point of the box).
    """

    index: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    anchor_x: float
    anchor_y: float
    leader: bool

    @property
    def box(self) -> Box:
        return (self.x0, self.y0, self.x1, self.y1)


def label_size_mm(text: str, font_pt: float, pad_mm: float = 0.35) -> tuple[float, float]:
    """Width and height of a number label box: digits are about 0.56 em wide in
    WenQuanYi Micro Hei; the box is one line high plus padding."""
    em_mm = font_pt / 72.0 * 25.4
    return (0.58 * em_mm * len(text) + 2 * pad_mm, 0.95 * em_mm + 2 * pad_mm)


def boxes_overlap(a: Box, b: Box, tolerance: float = 1e-6) -> bool:
    return (
        a[0] < b[2] - tolerance
        and b[0] < a[2] - tolerance
        and a[1] < b[3] - tolerance
        and b[1] < a[3] - tolerance
    )


def _directions(count: int) -> npt.NDArray[np.float64]:
    # Cartographic preference: upper right, then right, upper left, ... (east first).
    order = [45.0, 0.0, 135.0, 315.0, 90.0, 180.0, 225.0, 270.0]
    if count > 8:
        order += [22.5, 67.5, 112.5, 157.5, 202.5, 247.5, 292.5, 337.5]
    return np.radians(np.array(order[:count], dtype=np.float64))


def place_labels(
    points: npt.ArrayLike,
    texts: list[str],
    font_pt: float,
    frame: Box,
    *,
    marker_r_mm: float,
    obstacles: list[Box] | None = None,
    max_leader_mm: float = 8.0,
    ring_step_mm: float = 1.2,
    max_unplaced: int | None = None,
) -> list[LabelBox | None]:
    """Place one label per point; ``None`` where no free spot was found.

    Parameters
    ----------
    points : array_like, shape (n, 2)
        Marker centres in paper millimetres.
    texts : list of str
        The label of each point (its number).
    font_pt : float
        Label font size in points.
    frame : (x0, y0, x1, y1)
        Labels must lie inside this box (mm).
    marker_r_mm : float
        Marker radius; labels keep clear of every marker.
    obstacles : list of boxes, optional
        Areas labels must avoid (mm).
    max_leader_mm : float
        How far from its marker a label may go before the point counts as unplaced.
    ring_step_mm : float
        Gap between the rings of candidate positions.
    max_unplaced : int, optional
        Give up once more points than this found no spot, leaving the points not yet
        tried unplaced too: for callers that would discard such a result anyway.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    n = len(pts)
    out: list[LabelBox | None] = [None] * n
    if n == 0:
        return out
    sizes = np.array([label_size_mm(t, font_pt) for t in texts], dtype=np.float64).reshape(-1, 2)
    r = marker_r_mm
    # What labels must keep off: every marker (its own included), the obstacles, and
    # the labels placed so far, appended as they are placed.
    fixed = np.array(obstacles or [], dtype=np.float64).reshape(-1, 4)
    blocked = np.concatenate(
        (
            np.column_stack((pts[:, 0] - r, pts[:, 1] - r, pts[:, 0] + r, pts[:, 1] + r)),
            fixed,
            np.empty((n, 4), dtype=np.float64),
        )
    )
    blocked_count = n + len(fixed)

    # Most crowded first: neighbours within 6 mm.
    from scipy.spatial import cKDTree

    tree = cKDTree(pts)
    crowd = np.array([len(c) for c in tree.query_ball_point(pts, 6.0)])
    order = sorted(range(n), key=lambda i: (-crowd[i], pts[i, 1] * -1, pts[i, 0]))
    rings = max(1, math.ceil(max_leader_mm / ring_step_mm)) + 1
    # Candidate boxes relative to a point, per label size, and the box they span.
    offsets: dict[tuple[float, float], npt.NDArray[np.float64]] = {}
    spans: dict[tuple[float, float], npt.NDArray[np.float64]] = {}
    failed = 0

    for i in order:
        px, py = pts[i]
        w, h = sizes[i]
        key = (float(w), float(h))
        if key not in offsets:
            offsets[key] = _candidate_offsets(w, h, r, rings, ring_step_mm)
            spans[key] = _span(offsets[key])
        origin = np.array((px, py, px, py))
        boxes = offsets[key] + origin
        inside = (
            (boxes[:, 0] >= frame[0])
            & (boxes[:, 1] >= frame[1])
            & (boxes[:, 2] <= frame[2])
            & (boxes[:, 3] <= frame[3])
        )
        others = _touching(blocked[:blocked_count], spans[key] + origin)
        j = _first_free(boxes, inside, others)
        if j < 0:
            failed += 1
            if max_unplaced is not None and failed > max_unplaced:
                break
            continue
        x0, y0, x1, y1 = (float(v) for v in boxes[j])
        blocked[blocked_count] = boxes[j]
        blocked_count += 1
        nearest_x = min(max(px, x0), x1)
        nearest_y = min(max(py, y0), y1)
        leader = math.hypot(nearest_x - px, nearest_y - py) > r + 0.9
        out[i] = LabelBox(i, texts[i], x0, y0, x1, y1, float(px), float(py), leader)
    return out


def _touching(
    boxes: npt.NDArray[np.float64], span: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The rows of ``boxes`` (x0, y0, x1, y1) that overlap the box ``span``."""
    touching: npt.NDArray[np.float64] = boxes[
        (boxes[:, 0] < span[2])
        & (boxes[:, 2] > span[0])
        & (boxes[:, 1] < span[3])
        & (boxes[:, 3] > span[1])
    ]
    return touching


def _first_free(
    boxes: npt.NDArray[np.float64], inside: npt.NDArray[np.bool_], others: npt.NDArray[np.float64]
) -> int:
    """Index of the first box inside the frame that overlaps none of ``others`` (the
    obstacles that reach into the area ``boxes`` span); -1 if none. The nearest boxes
    are tested first, so a label that fits close by costs little; the rest in one go."""
    for start, stop in ((0, _NEAREST), (_NEAREST, len(boxes))):
        chunk = boxes[start:stop]
        ok = inside[start:stop].copy()
        if not ok.any():
            continue
        if len(others):
            ok &= ~(
                (chunk[:, None, 0] < others[None, :, 2] - 1e-6)
                & (others[None, :, 0] < chunk[:, None, 2] - 1e-6)
                & (chunk[:, None, 1] < others[None, :, 3] - 1e-6)
                & (others[None, :, 1] < chunk[:, None, 3] - 1e-6)
            ).any(axis=1)
        free = np.flatnonzero(ok)
        if len(free):
            return start + int(free[0])
    return -1


def _span(boxes: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The box (x0, y0, x1, y1) that ``boxes`` span."""
    return np.concatenate((boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)))


_NEAREST = 40  # candidates on the first three rings


def _candidate_offsets(
    w: float, h: float, r: float, rings: int, ring_step_mm: float
) -> npt.NDArray[np.float64]:
    """Candidate boxes for a label of size ``w`` x ``h`` relative to its marker centre,
    nearest first: rings of growing gap, 8 directions on the first and 16 beyond, each
    box placed so that its nearest edge or corner is ``gap`` beyond the marker."""
    rows = []
    for k in range(rings):
        gap = 0.25 + k * ring_step_mm
        angles = _directions(8 if k == 0 else 16)
        c, s = np.cos(angles), np.sin(angles)
        cx = c * (r + gap) + np.where(c > 1e-9, w / 2, np.where(c < -1e-9, -w / 2, 0.0))
        cy = s * (r + gap) + np.where(s > 1e-9, h / 2, np.where(s < -1e-9, -h / 2, 0.0))
        rows.append(np.column_stack((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)))
    return np.concatenate(rows)
