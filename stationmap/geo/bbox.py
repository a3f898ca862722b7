"""One bounding box type, so no caller has to remember an axis order.

Boxes reach us in two orders: GeoJSON, shapely's ``bounds`` and the API's ``bbox``
parameter are ``(min_lon, min_lat, max_lon, max_lat)``; Leaflet's ``fitBounds`` wants
corners ``[[min_lat, min_lon], [max_lat, max_lon]]``. :class:`BBox` names its fields and
converts at those edges only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BBox:
    """A box in WGS-84 degrees (or in the datum the caller says)."""

    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    @classmethod
    def from_lonlat(cls, bounds: Sequence[float]) -> BBox:
        """From ``(min_lon, min_lat, max_lon, max_lat)``: GeoJSON, shapely, the API."""
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in bounds)
        return cls(min_lat=min_lat, min_lon=min_lon, max_lat=max_lat, max_lon=max_lon)

    def lonlat(self) -> tuple[float, float, float, float]:
        """``(min_lon, min_lat, max_lon, max_lat)``: GeoJSON, shapely, the API."""
        return self.min_lon, self.min_lat, self.max_lon, self.max_lat

    def corners(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """``((min_lat, min_lon), (max_lat, max_lon))``: south-west and north-east
        corners as Leaflet's ``fitBounds`` takes them."""
        return (self.min_lat, self.min_lon), (self.max_lat, self.max_lon)
