"""Paper sizes and print resolution: what a command's options and a view's form offer,
kept apart from the drawing code so that listing them imports no matplotlib."""

from __future__ import annotations

from typing import Literal

Paper = Literal["A4", "A3"]
PAPERS: tuple[Paper, ...] = ("A4", "A3")
#: Width and height in millimetres, portrait.
PAPER_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
#: Dots per inch of a PNG sheet.
PNG_DPI = 300
