"""The station table of a printed district map, flowing over as many pages as it needs.

Rows are laid out first (wrapped cells, row heights), then cut into pages, then drawn,
so each page can say "第 2 / 5 页". Units are paper millimetres. Pure: no Flask, no
database.

Speed: a page's cells are drawn as one :class:`~stationmap.render.textlines.TextLines`
artist, every line on its row's baseline grid, instead of one ``Text`` per cell (a
thousand-station table has about 7,000 cell lines; as ``Text`` objects, building and
measuring them took about as long as drawing their glyphs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from stationmap.render.sheet import (
    MUTED,
    PT_PER_MM,
    new_sheet,
    printable,
    wrap,
)
from stationmap.render.textlines import TextLines, line_box_em

# name, relative width, max lines. The name is the key to a numbered marker: up to 4
# lines, so a 60-character office name prints whole even on A4 portrait.
COLUMNS: tuple[tuple[str, float, int], ...] = (
    ("编号", 0.05, 1),
    ("名称", 0.21, 4),
    ("地址", 0.27, 2),
    ("开放时间", 0.17, 3),
    ("电话", 0.12, 1),
    ("主要设施", 0.18, 2),
)
FONT_PT = 7.0
LINE_MM = FONT_PT / PT_PER_MM * 1.3  # row height per line of its tallest cell
ROW_PAD_MM = 1.2
HEADER_MM = 6.0
CELL_PAD_MM = 0.8  # text from the column's left edge


def line_pitch_mm() -> float:
    """Baseline to baseline within a cell: 1.3 times the font's ascent, as matplotlib
    spaces the lines of a ``Text`` (the look of the table before it was drawn as one
    artist a page)."""
    return 1.3 * line_box_em()[1] * FONT_PT / PT_PER_MM


@dataclass(frozen=True)
class TableRow:
    number: str
    cells: tuple[str, str, str, str, str]  # name, address, hours, phone, amenities


@dataclass(frozen=True)
class TablePageSpec:
    """What every table page carries besides its rows."""

    title: str
    footer: str
    demo: bool


def _layout_rows(rows: Sequence[TableRow], widths_mm: list[float]) -> list[list[list[str]]]:
    em_mm = FONT_PT / PT_PER_MM
    out = []
    for row in rows:
        cells = [row.number, *row.cells]
        out.append(
            [
                wrap(printable(text), (width - 1.6) / em_mm, max_lines)
                for text, width, (_, _, max_lines) in zip(cells, widths_mm, COLUMNS, strict=True)
            ]
        )
    return out


def table_pages(
    rows: Sequence[TableRow],
    spec: TablePageSpec,
    page_mm: tuple[float, float],
    margin_mm: float,
    first_page_number: int,
    total_before: int,
) -> list[Figure]:
    """Draw ``rows`` on as many pages of size ``page_mm`` as needed.

    ``first_page_number`` is the number of the first table page in the document and
    ``total_before`` the number of pages before the table (the map sheet), so footers
    read "第 n / N 页".
    """
    width, height = page_mm
    usable_w = width - 2 * margin_mm
    widths = [usable_w * rel for _, rel, _ in COLUMNS]
    xs = [margin_mm + sum(widths[:i]) for i in range(len(widths))]
    laid = _layout_rows(rows, widths)
    heights = [max(len(cell) for cell in cells) * LINE_MM + ROW_PAD_MM for cells in laid]
    pitch = line_pitch_mm()
    ascent_mm = line_box_em()[1] * FONT_PT / PT_PER_MM
    top = height - margin_mm - 14.0
    bottom = margin_mm + 10.0
    pages: list[list[int]] = [[]]
    y = top - HEADER_MM
    for index, row_h in enumerate(heights):
        if y - row_h < bottom and pages[-1]:
            pages.append([])
            y = top - HEADER_MM
        pages[-1].append(index)
        y -= row_h
    total = total_before + len(pages)
    figures = []
    for page_index, indices in enumerate(pages):
        fig, paper = new_sheet(width, height)
        cont = "（续）" if page_index else ""
        paper.add_artist(
            TextLines([(margin_mm, height - margin_mm - 6)], [printable(spec.title) + cont], 13)
        )
        if spec.demo:
            paper.add_artist(
                TextLines(
                    [(width - margin_mm, height - margin_mm - 6)],
                    ["演示数据 demo data"],
                    9,
                    color="#b3261e",
                    ha="right",
                )
            )
        # Header row.
        paper.add_patch(
            Rectangle((margin_mm, top - HEADER_MM), usable_w, HEADER_MM, facecolor="#e8e4da")
        )
        paper.add_artist(
            TextLines(
                [(x + CELL_PAD_MM, top - HEADER_MM / 2) for x in xs],
                [name for name, _, _ in COLUMNS],
                FONT_PT,
                va="center",
            )
        )
        y = top - HEADER_MM
        stripes: list[tuple[float, float]] = []  # (bottom, height) of every other row
        rules: list[float] = []  # under each row
        anchors: list[tuple[float, float]] = []
        lines: list[str] = []
        for position, index in enumerate(indices):
            row_h = heights[index]
            if position % 2:
                stripes.append((y - row_h, row_h))
            rules.append(y - row_h)
            first = y - ROW_PAD_MM / 2 - ascent_mm
            for x, cell in zip(xs, laid[index], strict=True):
                for k, line in enumerate(cell):
                    anchors.append((x + CELL_PAD_MM, first - k * pitch))
                    lines.append(line)
            y -= row_h
        if stripes:
            x0, x1 = margin_mm, margin_mm + usable_w
            bands = Path.make_compound_path_from_polys(
                np.array([[(x0, b), (x1, b), (x1, b + h), (x0, b + h)] for b, h in stripes])
            )
            paper.add_artist(PathPatch(bands, facecolor="#f6f4ef", edgecolor="none", zorder=0))
        paper.add_collection(
            LineCollection(
                [[(margin_mm, r), (margin_mm + usable_w, r)] for r in rules],
                colors="#d5d0c4",
                linewidths=0.3,
            )
        )
        paper.add_artist(TextLines(anchors, lines, FONT_PT))
        number = first_page_number + page_index
        paper.add_artist(
            TextLines(
                [(margin_mm, margin_mm)], [printable(spec.footer)], 6.5, color=MUTED, va="bottom"
            )
        )
        paper.add_artist(
            TextLines(
                [(width - margin_mm, margin_mm)],
                [f"第 {number} / {total} 页"],
                7,
                color=MUTED,
                ha="right",
                va="bottom",
            )
        )
        figures.append(fig)
    return figures
