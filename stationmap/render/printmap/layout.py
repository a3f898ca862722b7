"""Where things stand on a printed map sheet (page boxes in millimetres) and the order
stations are numbered in."""

from __future__ import annotations

import math

import numpy as np


def layout(width: float, height: float, landscape: bool) -> dict[str, tuple[float, ...]]:
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


def reading_order(xy: np.ndarray, height_m: float) -> list[int]:
    """North to south in bands, west to east within a band: neighbouring numbers are
    neighbouring stations."""
    if not len(xy):
        return []
    band = max(height_m / 6.0, 1.0)
    top = xy[:, 1].max()
    keys = [(math.floor((top - y) / band), x) for x, y in xy]
    return sorted(range(len(xy)), key=lambda i: keys[i])
