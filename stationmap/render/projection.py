"""Projection and scale for printed maps: the local azimuthal equidistant CRS, shapely
to matplotlib paths, familiar scale denominators and the geodesic scale bar.

Pure: no Flask, no database. Units are metres in the projected CRS unless a name says
``_mm`` (paper millimetres).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from matplotlib.path import Path as MplPath
from pyproj import CRS, Transformer

from stationmap.geo.distance import geodesic_m

_NICE = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 8.0)


@dataclass(frozen=True)
class ScaleBar:
    """The scale bar as drawn. ``start_m``/``end_m`` are projected metres in ``crs``
    (a PROJ string); ``start_mm``/``end_mm`` are paper millimetres on the map sheet;
    ``stated_m`` is the distance the bar's label states and ``geodesic_m`` the WGS-84
    geodesic length between its ends."""

    stated_m: float
    label: str
    start_m: tuple[float, float]
    end_m: tuple[float, float]
    start_mm: tuple[float, float]
    end_mm: tuple[float, float]
    geodesic_m: float
    crs: str


def local_crs(lat: float, lon: float) -> str:
    """An azimuthal equidistant projection centred at (lat, lon), WGS-84, metres."""
    return f"+proj=aeqd +lat_0={lat:.6f} +lon_0={lon:.6f} +datum=WGS84 +units=m +no_defs"


def projector(crs: str) -> Callable[[shapely.Geometry], shapely.Geometry]:
    forward = Transformer.from_crs(CRS.from_epsg(4326), CRS.from_proj4(crs), always_xy=True)

    def project(geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, lambda xy: np.column_stack(forward.transform(*xy.T)))

    return project


def geom_path(geom: shapely.Geometry) -> MplPath:
    """A matplotlib path for a polygonal geometry (holes included)."""
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in shapely.get_parts(geom):
        if not isinstance(poly, shapely.Polygon):
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(ring_codes)
    if not verts:
        return MplPath(np.zeros((0, 2)))
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def nice_scale(metres_per_mm: float) -> int:
    """The smallest familiar scale denominator (1, 1.25, 1.5, 2, 2.5 ... x 10^k) at or
    above ``metres_per_mm * 1000``."""
    value = metres_per_mm * 1000.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (*_NICE, 10.0):
        if step * power >= value * (1 - 1e-9):
            return round(step * power)
    return round(10 * power)


def nice_length(max_m: float) -> float:
    power = 10.0 ** math.floor(math.log10(max_m))
    for step in (5.0, 2.0, 1.0):
        if step * power <= max_m:
            return step * power
    return power


def length_label(metres: float) -> str:
    return f"{metres / 1000:g} 千米 km" if metres >= 1000 else f"{metres:g} 米 m"


def scale_bar_geometry(
    crs: str, start_m: tuple[float, float], stated_m: float
) -> tuple[tuple[float, float], float]:
    """The east end of a bar starting at ``start_m`` (projected metres) whose geodesic
    length is ``stated_m``, and that geodesic length (converges to well under 1 mm)."""
    inverse = Transformer.from_crs(CRS.from_proj4(crs), CRS.from_epsg(4326), always_xy=True)
    x0, y0 = start_m
    lon0, lat0 = inverse.transform(x0, y0)
    length = stated_m
    true = stated_m
    for _ in range(4):
        lon1, lat1 = inverse.transform(x0 + length, y0)
        true = geodesic_m(lat0, lon0, lat1, lon1)
        if abs(true - stated_m) < 1e-4:
            break
        length *= stated_m / true
    return (x0 + length, y0), true
