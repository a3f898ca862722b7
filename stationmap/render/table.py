"""The station table of a printed district map, flowing over as many pages as it needs.

Rows are laid out first (wrapped cells, row heights), then cut into pages, then drawn,
so each page can say "第 2 / 5 页". Units are paper millimetres. Pure: no Flask, no
database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from stationmap.render.sheet import INK, MUTED, PT_PER_MM, new_sheet, printable, wrap

# name, relative width, max lines
COLUMNS: tuple[tuple[str, float, int], ...] = (
    ("编号", 0.05, 1),
    ("名称", 0.21, 2),
    ("地址", 0.27, 2),
    ("开放时间", 0.17, 3),
    ("电话", 0.12, 1),
    ("主要设施", 0.18, 2),
)
FONT_PT = 7.0
LINE_MM = FONT_PT / PT_PER_MM * 1.3
ROW_PAD_MM = 1.2
HEADER_MM = 6.0


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
        paper.text(
            margin_mm, height - margin_mm - 6, printable(spec.title) + cont, fontsize=13, color=INK
        )
        if spec.demo:
            paper.text(
                width - margin_mm,
                height - margin_mm - 6,
                "演示数据 demo data",
                fontsize=9,
                color="#b3261e",
                ha="right",
            )
        # Header row.
        paper.add_patch(
            Rectangle((margin_mm, top - HEADER_MM), usable_w, HEADER_MM, facecolor="#e8e4da")
        )
        for x, (name, _, _) in zip(xs, COLUMNS, strict=True):
            paper.text(x + 0.8, top - HEADER_MM / 2, name, fontsize=FONT_PT, va="center")
        y = top - HEADER_MM
        stripes = []
        rules = []
        for position, index in enumerate(indices):
            row_h = heights[index]
            if position % 2:
                stripes.append(Rectangle((margin_mm, y - row_h), usable_w, row_h))
            rules.append(Rectangle((margin_mm, y - row_h), usable_w, 0.0))
            for x, cell in zip(xs, laid[index], strict=True):
                paper.text(
                    x + 0.8,
                    y - ROW_PAD_MM / 2,
                    "\n".join(cell),
                    fontsize=FONT_PT,
                    va="top",
                    linespacing=1.3,
                    color=INK,
                )
            y -= row_h
        paper.add_collection(
            PatchCollection(stripes, facecolor="#f6f4ef", edgecolor="none", zorder=0)
        )
        paper.add_collection(
            PatchCollection(rules, facecolor="none", edgecolor="#d5d0c4", linewidth=0.3)
        )
        number = first_page_number + page_index
        paper.text(
            margin_mm, margin_mm, printable(spec.footer), fontsize=6.5, color=MUTED, va="bottom"
        )
        paper.text(
            width - margin_mm,
            margin_mm,
            f"第 {number} / {total} 页",
            fontsize=7,
            color=MUTED,
            ha="right",
            va="bottom",
        )
        figures.append(fig)
    return figures
