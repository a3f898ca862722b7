"""Detail pages: the enlarged cores (insets) that do not fit on the map sheet, drawn on
pages after it, and the footer those pages carry."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from stationmap.geo.districts import DistrictShape
from stationmap.render.insets import Inset, fit_panel
from stationmap.render.labels import Box
from stationmap.render.sheet import INK, MUTED, new_sheet, printable


def detail_pages(
    insets: list[Inset],
    xy_mm: np.ndarray,
    numbers: list[str],
    font_pt: float,
    marker_r: float,
    width: float,
    height: float,
    margin: float,
    district: DistrictShape,
    panel: Callable[[Figure, Axes, Inset, Box], None],
) -> list[Figure]:
    """Pages after the map sheet with the enlarged cores, up to four panels a page
    (one column for two or fewer, two columns beyond), each panel as large as its cell.
    Sets each inset's page (figure index: the map sheet is 0)."""
    pages: list[Figure] = []
    per_page = 4
    for first in range(0, len(insets), per_page):
        chunk = insets[first : first + per_page]
        fig, paper = new_sheet(width, height)
        paper.text(
            margin,
            height - margin - 6,
            printable(
                f"{district.name} 核心区放大图（续图 {chunk[0].letter}"
                + (f"–{chunk[-1].letter}）" if len(chunk) > 1 else "）")
            ),
            fontsize=13,
            color=INK,
        )
        top, bottom = height - margin - 14.0, margin + 8.0
        columns = 1 if len(chunk) <= 2 else 2
        rows = math.ceil(len(chunk) / columns)
        cell_w = (width - 2 * margin - (columns - 1) * 6.0) / columns
        cell_h = (top - bottom - (rows - 1) * 6.0) / rows
        for k, inset in enumerate(chunk):
            row, col = divmod(k, columns)
            x0 = margin + col * (cell_w + 6.0)
            y1 = top - row * (cell_h + 6.0)
            # An odd last panel spans both columns.
            span = (
                cell_w * 2 + 6.0 if columns == 2 and k == len(chunk) - 1 and k % 2 == 0 else cell_w
            )
            cell = (x0, y1 - cell_h, x0 + span, y1)
            fit_panel(inset, xy_mm, numbers, (x0, cell[1], cell[2], y1 - 6.0), font_pt, marker_r)
            inset.page = len(pages) + 1
            panel(fig, paper, inset, cell)
        pages.append(fig)
    return pages


def page_footer(fig: Figure, text: str, page: str, width: float, margin: float) -> None:
    paper = fig.axes[0]
    paper.text(margin, margin, printable(text), fontsize=6.5, color=MUTED, va="bottom")
    paper.text(width - margin, margin, page, fontsize=7, color=MUTED, ha="right", va="bottom")
