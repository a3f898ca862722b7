"""Mainland China's land outline, where GCJ-02 applies.

The outline is ``geodata/china_outline.geojson``, never a rectangle: Seoul, Hanoi,
Ulaanbaatar, Tokyo, Hong Kong, Macau and Taipei lie outside it. :func:`in_china` tests
scalars or arrays; :func:`_in_china_scalar` answers the same for one point through a
cache of 0.25-degree cells.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape

from stationmap.paths import GEODATA_DIR


@cache
def _china_outline() -> shapely.Geometry:
    path = GEODATA_DIR / "china_outline.geojson"
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    geometry = data["features"][0]["geometry"] if data.get("type") == "FeatureCollection" else data
    outline = shape(geometry)
    shapely.prepare(outline)
    return outline


@overload
def in_china(lat: float, lon: float) -> bool: ...
@overload
def in_china(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]: ...
def in_china(lat: Any, lon: Any) -> Any:
    """True where (lat, lon) lies inside mainland China's land outline, where GCJ-02
    applies."""
    lat_a = np.asarray(lat, dtype=np.float64)
    lon_a = np.asarray(lon, dtype=np.float64)
    # Cheap rejection first: nothing outside this box can be inside the outline.
    box = (lon_a >= 73.4) & (lon_a <= 135.1) & (lat_a >= 18.1) & (lat_a <= 53.6)
    if lat_a.ndim == 0:
        return bool(box) and bool(shapely.contains_xy(_china_outline(), lon_a, lat_a))
    out = np.zeros(lat_a.shape, dtype=bool)
    if box.any():
        out[box] = shapely.contains_xy(_china_outline(), lon_a[box], lat_a[box])
    return out


# One point at a time (a query, a nearest answer's stations), the outline test is most
# of a conversion's cost. Cells of CELL_DEG degrees are classified once, when first
# asked about: wholly inside the outline, wholly outside, or on the border; only points
# in border cells are tested against the outline. Same answers as the test alone.
CELL_DEG = 0.25
_cells: dict[tuple[int, int], bool | None] = {}


def _cell_class(row: int, col: int) -> bool | None:
    outline = _china_outline()
    cell = shapely.box(col * CELL_DEG, row * CELL_DEG, (col + 1) * CELL_DEG, (row + 1) * CELL_DEG)
    if shapely.contains_properly(outline, cell):  # no point of the cell on the border
        return True
    if outline.disjoint(cell):
        return False
    return None


def _in_china_scalar(lat: float, lon: float) -> bool:
    if not (73.4 <= lon <= 135.1 and 18.1 <= lat <= 53.6):
        return False
    key = (math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG))
    if key in _cells:
        inside = _cells[key]
    else:
        inside = _cells[key] = _cell_class(*key)
    if inside is None:
        return bool(shapely.contains_xy(_china_outline(), lon, lat))
    return inside
