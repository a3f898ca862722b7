"""The station table of a printed district map, flowing over as many pages as it needs.

Rows are laid out first (wrapped cells, row heights), then cut into pages, then drawn,
so each page can say "第 2 / 5 页". Units are paper millimetres. Pure: no Flask, no
database.

Speed: from matplotlib 3.11 on, every text object is shaped by libraqm, which costs
milliseconds per object with a large CJK font whatever its length. There, each column of
a page is one multi-line text (3.11 spaces the lines of a text evenly, from the font's
metrics, so a column's lines stay level with its neighbours'), and rows are a whole
number of lines high. Before 3.11 a line's height depends on its glyphs, so each cell is
its own text (cheap there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import matplotlib
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from stationmap.render.sheet import (
    INK,
    MUTED,
    PT_PER_MM,
    cjk_font_path,
    new_sheet,
    printable,
    wrap,
)

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
COLUMN_LINESPACING = 1.45


def _version() -> tuple[int, int]:
    major, minor = matplotlib.__version__.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


@cache
def column_pitch_mm() -> float | None:
    """The distance between lines of a multi-line table column, or None where
    matplotlib does not space lines evenly (before 3.11): then each cell is a text.

    matplotlib 3.11 spaces lines by ``linespacing`` x (ascender + descender) of the
    font's OS/2 table (hhea if none)."""
    if _version() < (3, 11):
        return None
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(cjk_font_path()))
    em = font.get_sfnt_table("head")["unitsPerEm"]
    table = font.get_sfnt_table("OS/2")
    if table is not None:
        ascent, descent = table["sTypoAscender"], -table["sTypoDescender"]
    else:
        hhea = font.get_sfnt_table("hhea")
        ascent, descent = hhea["ascent"], -hhea["descent"]
    return COLUMN_LINESPACING * (ascent + descent) / em * FONT_PT / PT_PER_MM


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
    pitch = column_pitch_mm()
    if pitch is None:
        heights = [max(len(cell) for cell in cells) * LINE_MM + ROW_PAD_MM for cells in laid]
    else:
        heights = [max(len(cell) for cell in cells) * pitch for cells in laid]
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
            if pitch is None:
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
        if pitch is not None and indices:
            # One text per column: each cell padded to its row's number of lines.
            for column, x in enumerate(xs):
                lines: list[str] = []
                for index in indices:
                    cell = laid[index][column]
                    count = round(heights[index] / pitch)
                    lines += cell + [""] * (count - len(cell))
                paper.text(
                    x + 0.8,
                    top - HEADER_MM,
                    "\n".join(lines),
                    fontsize=FONT_PT,
                    va="top",
                    linespacing=COLUMN_LINESPACING,
                    color=INK,
                )
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
