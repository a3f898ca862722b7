"""The plain data a printed district map is built from (:class:`MapStation`,
:class:`MapArea`, :class:`MapOptions`, the base-map hook) and the built map it returns
(:class:`DistrictMap`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from stationmap.geo.districts import DistrictShape
from stationmap.render.insets import Inset
from stationmap.render.labels import LabelBox
from stationmap.render.paper import PNG_DPI
from stationmap.render.projection import ScaleBar
from stationmap.render.sheet import pdf_bytes, png_bytes

BaseMapHook = Callable[[Axes, tuple[float, float, float, float], str], str | None]


@dataclass(frozen=True)
class MapStation:
    """One station as printed. Coordinates are WGS-84 degrees."""

    code: str
    name: str
    lat: float
    lon: float
    address: str = ""
    host_type: str = "other"
    amenities: tuple[str, ...] = ()
    opening_hours: str | None = None
    phone: str = ""
    is_demo: bool = False
    district_code: str | None = None


@dataclass(frozen=True)
class MapArea:
    """The district mapped, its child districts, its neighbours (same parent) and its
    parents (nearest first: city, province) for the locator."""

    district: DistrictShape
    children: tuple[DistrictShape, ...] = ()
    neighbours: tuple[DistrictShape, ...] = ()
    parents: tuple[DistrictShape, ...] = ()


@dataclass(frozen=True)
class MapOptions:
    paper: str = "A4"
    landscape: bool = False
    title: str | None = None
    amenities: tuple[str, ...] = ()
    data_date: date | None = None
    generated: date | None = None
    # Coverage overlays (WGS-84): the part of the district beyond ``uncovered_m`` of any
    # station, hatched, and planning grid cells, outlined.
    uncovered: Any = None
    uncovered_m: float | None = None
    grids: tuple[Any, ...] = ()


@dataclass
class DistrictMap:
    """A built district map: its pages and the geometry computed for them."""

    figures: list[Figure]
    crs: str
    scale_denominator: int
    scale_bar: ScaleBar
    stations: list[MapStation]  # in number order: number = index + 1
    labels: list[LabelBox]  # main map
    insets: list[Inset] = field(default_factory=list)  # enlarged cores, A, B ...
    points_mm: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # markers
    label_font_pt: float = 7.0  # main map
    unplaced: list[int] = field(default_factory=list)  # stations with no number: none
    title: str = ""

    @property
    def inset_labels(self) -> list[LabelBox]:
        return [lab for inset in self.insets for lab in inset.labels]

    @property
    def inset_members(self) -> list[int]:
        return sorted(i for inset in self.insets for i in inset.members)

    def pdf(self) -> bytes:
        return pdf_bytes(self.figures, title=self.title)

    def png(self, dpi: int = PNG_DPI) -> list[bytes]:
        return [png_bytes(fig, dpi) for fig in self.figures]
