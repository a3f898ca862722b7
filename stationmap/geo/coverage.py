"""District coverage: how much of a district, its demand and its grids lie within reach
of a matching open station.

Inputs are WGS-84, geometries in GeoJSON order ``(lon, lat)``; points are passed as
``lat, lon``. Areas are computed in the district's UTM zone (a projected metric CRS,
never degrees). A station's reach is a disc in that projection whose radius is the
asked distance times the projection's point scale at the station, so it matches the
geodesic circle to well under a metre; demand points are judged by geodesic distance.
Distances are straight lines: no road network is used (the answer says so).

geopandas is not needed here; shapely 2 and pyproj do the work with vectorised calls.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Proj, Transformer
from shapely.geometry import MultiPolygon, Polygon

from stationmap.geo.distance import ecef_m, geodesic_many
from stationmap.geo.hours import hours_state
from stationmap.geo.nearest import IndexedStation

Polygonal: TypeAlias = "Polygon | MultiPolygon"
FloatArray: TypeAlias = npt.NDArray[np.float64]

DEFAULT_RADII_M: tuple[float, ...] = (500.0, 1000.0, 2000.0)
DEFAULT_SPEED_KMH = 15.0
# Vertices per quarter circle of a reach disc: the 64-gon's area is 0.16 % short of
# the disc's.
QUAD_SEGS = 16
DISTANCE_BASIS = "straight_line"
DISTANCE_BASIS_ZH = "按直线距离计算（未配置道路网络）"
DISTANCE_BASIS_EN = "straight-line distance (no road network configured)"


class CoverageError(ValueError):
    """Input that coverage cannot use; ``message_zh`` names the field."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


# --- projection ---------------------------------------------------------------------


def utm_epsg(lat: float, lon: float) -> int:
    """The EPSG code of the WGS-84 UTM zone holding ``lat, lon`` (326zz north, 327zz
    south)."""
    zone = min(60, max(1, math.floor((lon + 180.0) / 6.0) + 1))
    return (32600 if lat >= 0 else 32700) + zone


@lru_cache(maxsize=16)
def _transformers(epsg: int) -> tuple[Transformer, Transformer, Proj]:
    crs = CRS.from_epsg(epsg)
    forward = Transformer.from_crs(4326, crs, always_xy=True)
    inverse = Transformer.from_crs(crs, 4326, always_xy=True)
    return forward, inverse, Proj(crs)


@dataclass(frozen=True)
class Projection:
    """A district's UTM zone: WGS-84 <-> metres."""

    epsg: int

    @classmethod
    def for_geometry(cls, geom: shapely.Geometry) -> Projection:
        centre = geom.centroid if not geom.is_empty else shapely.Point(0, 0)
        return cls(utm_epsg(float(centre.y), float(centre.x)))

    def xy(self, lats: npt.ArrayLike, lons: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Projected metres of WGS-84 points."""
        x, y = _transformers(self.epsg)[0].transform(
            np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
        )
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def latlon(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """WGS-84 ``lats, lons`` of projected points."""
        lon, lat = _transformers(self.epsg)[1].transform(
            np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        )
        return np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)

    def scale(self, lats: npt.ArrayLike, lons: npt.ArrayLike) -> FloatArray:
        """The projection's point scale (projected metres per ground metre)."""
        factors = _transformers(self.epsg)[2].get_factors(
            np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)
        )
        return np.asarray(factors.meridional_scale, dtype=np.float64)

    def to_projected(self, geom: Any) -> Any:
        fwd = _transformers(self.epsg)[0]
        return shapely.transform(
            geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1]))
        )

    def to_wgs84(self, geom: Any) -> Any:
        inv = _transformers(self.epsg)[1]
        return shapely.transform(
            geom, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1]))
        )

    def reach(
        self, lats: npt.ArrayLike, lons: npt.ArrayLike, radius_m: float
    ) -> npt.NDArray[np.object_]:
        """One disc per station, ``radius_m`` ground metres, in projected metres."""
        lats_a = np.asarray(lats, dtype=np.float64)
        lons_a = np.asarray(lons, dtype=np.float64)
        if lats_a.size == 0:
            return np.empty(0, dtype=object)
        x, y = self.xy(lats_a, lons_a)
        radii = radius_m * self.scale(lats_a, lons_a)
        return np.asarray(shapely.buffer(shapely.points(x, y), radii, quad_segs=QUAD_SEGS))


# --- which stations count ---------------------------------------------------------------


def matching_stations(
    stations: Iterable[IndexedStation],
    amenities: Iterable[str] = (),
    at: datetime | None = None,
    tz: ZoneInfo | None = None,
) -> list[IndexedStation]:
    """Stations offering every amenity in ``amenities`` and, if ``at`` is given, known to
    be open then by their opening hours and not temporarily closed; an amenity out of
    service at ``at`` does not count. Without ``at`` every station counts as open."""
    need = frozenset(amenities)
    if at is not None and tz is None:
        raise CoverageError("a time needs a time zone", "指定时间时须给出时区")
    when = at.timestamp() if at is not None else None
    chosen: list[IndexedStation] = []
    for s in stations:
        if need and not need <= set(s.amenities):
            continue
        if when is not None and need:
            down = {code for code, until in s.outages if until > when}
            if need & down:
                continue
        if at is not None and tz is not None:
            if s.closed_until_s is not None and s.closed_until_s > when:  # type: ignore[operator]
                continue
            if hours_state(s.opening_hours, at, tz).open is not True:
                continue
        chosen.append(s)
    return chosen


# --- results --------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """Coverage within one distance."""

    radius_m: float
    ebike_minutes: float
    covered_km2: float
    share: float  # of the district's area, 0..1
    demand_share: float | None  # of the demand weight, None without demand


@dataclass(frozen=True)
class GridCell:
    """A planning grid cell (网格) as imported: WGS-84 polygon, code and name."""

    code: str
    name: str
    geometry: Polygonal


@dataclass(frozen=True)
class GridCoverage:
    code: str
    name: str
    area_km2: float
    covered_share: float  # of the cell's area within reach, 0..1
    stations_inside: int
    in_reach: bool  # some matching station reaches some part of the cell
    demand: float


@dataclass(frozen=True)
class DemandPoint:
    lat: float
    lon: float
    weight: float = 1.0


@dataclass
class Coverage:
    """What :func:`district_coverage` answers. Geometries are WGS-84."""

    district_km2: float
    station_count: int
    speed_kmh: float
    utm_epsg: int
    bands: list[Band]
    grids: list[GridCoverage]
    demand_total: float
    distance_basis: str = DISTANCE_BASIS
    covered: dict[float, Polygonal] = field(default_factory=dict)
    uncovered: dict[float, Polygonal] = field(default_factory=dict)


def minutes_at(radius_m: float, speed_kmh: float) -> float:
    """Riding time in minutes over ``radius_m`` at ``speed_kmh``."""
    return radius_m / (speed_kmh * 1000.0 / 60.0)


def check_inputs(radii_m: Sequence[float], speed_kmh: float) -> None:
    for r in radii_m:
        if not (math.isfinite(r) and 0 < r <= 50_000):
            raise CoverageError(
                f"radius_m must be between 0 and 50000 metres, got {r}",
                f"radius_m（半径，米）须在 0 到 50000 之间，收到 {r}",
            )
    if not (math.isfinite(speed_kmh) and 0 < speed_kmh <= 60):
        raise CoverageError(
            f"speed_kmh must be between 0 and 60, got {speed_kmh}",
            f"speed_kmh（电动车速度，公里/小时）须在 0 到 60 之间，收到 {speed_kmh}",
        )


def covered_area(
    proj: Projection, lats: FloatArray, lons: FloatArray, radius_m: float, district_xy: Any
) -> Any:
    """The part of the projected district within ``radius_m`` of a station."""
    if lats.size == 0:
        return Polygon()
    discs = proj.reach(lats, lons, radius_m)
    # Only discs that touch the district matter; union them, then clip.
    keep = shapely.intersects(discs, district_xy)
    if not keep.any():
        return Polygon()
    return shapely.intersection(shapely.union_all(discs[keep]), district_xy)


def demand_within(
    demand: Sequence[DemandPoint], lats: FloatArray, lons: FloatArray, radius_m: float
) -> npt.NDArray[np.bool_]:
    """For each demand point, whether a station lies within ``radius_m`` (geodesic)."""
    out = np.zeros(len(demand), dtype=bool)
    if not demand or lats.size == 0:
        return out
    from scipy.spatial import cKDTree  # scipy loaded by the first coverage asked for

    tree = cKDTree(ecef_m(lats, lons))
    d_lat = np.array([d.lat for d in demand])
    d_lon = np.array([d.lon for d in demand])
    # A chord is never longer than the geodesic: the chord-radius ball holds every
    # station within reach; the geodesic decides.
    hits = tree.query_ball_point(ecef_m(d_lat, d_lon), radius_m)
    for i, found in enumerate(hits):
        if found:
            dist = geodesic_many(float(d_lat[i]), float(d_lon[i]), lats[found], lons[found])
            out[i] = bool((dist <= radius_m).any())
    return out


def grid_coverage(
    proj: Projection,
    grids: Sequence[GridCell],
    covered_xy: Any,
    lats: FloatArray,
    lons: FloatArray,
    demand: Sequence[DemandPoint],
) -> list[GridCoverage]:
    """Per cell: covered share, stations inside, in reach, demand; cells no station
    reaches first (most demand first), then by covered share, least first."""
    if not grids:
        return []
    cells = np.asarray([proj.to_projected(g.geometry) for g in grids], dtype=object)
    areas = shapely.area(cells)
    shapely.prepare(covered_xy)
    inside = shapely.contains(covered_xy, cells) if not covered_xy.is_empty else None
    touching = (
        shapely.intersects(covered_xy, cells)
        if not covered_xy.is_empty
        else np.zeros(len(cells), dtype=bool)
    )
    share = np.zeros(len(cells))
    if inside is not None:
        share[inside] = 1.0
        partial = touching & ~inside
        if partial.any():
            share[partial] = shapely.area(
                shapely.intersection(cells[partial], covered_xy)
            ) / np.maximum(areas[partial], 1e-9)
    tree = shapely.STRtree(cells)
    counts = np.zeros(len(cells), dtype=np.int64)
    if lats.size:
        sx, sy = proj.xy(lats, lons)
        pairs = tree.query(shapely.points(sx, sy), predicate="intersects")
        # A station on a shared edge counts once, in the first cell.
        _, first = np.unique(pairs[0], return_index=True)
        np.add.at(counts, pairs[1][first], 1)
    weights = np.zeros(len(cells))
    if demand:
        dx, dy = proj.xy([d.lat for d in demand], [d.lon for d in demand])
        pairs = tree.query(shapely.points(dx, dy), predicate="intersects")
        _, first = np.unique(pairs[0], return_index=True)
        w = np.array([d.weight for d in demand])
        np.add.at(weights, pairs[1][first], w[pairs[0][first]])
    rows = [
        GridCoverage(
            g.code,
            g.name,
            float(areas[i]) / 1e6,
            float(min(1.0, share[i])),
            int(counts[i]),
            bool(touching[i] and share[i] > 0),
            float(weights[i]),
        )
        for i, g in enumerate(grids)
    ]
    rows.sort(key=lambda r: (r.in_reach, r.covered_share, -r.demand, r.code))
    return rows


def district_coverage(
    district: Polygonal,
    stations: Sequence[IndexedStation],
    *,
    radii_m: Sequence[float] = DEFAULT_RADII_M,
    amenities: Iterable[str] = (),
    at: datetime | None = None,
    tz: ZoneInfo | None = None,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    demand: Sequence[DemandPoint] = (),
    grids: Sequence[GridCell] = (),
    grid_radius_m: float | None = None,
    layers: bool = False,
) -> Coverage:
    """The share of ``district`` (WGS-84 polygon) within each of ``radii_m`` of a
    matching open station, the weighted share of ``demand`` and per-grid figures.

    Stations outside the district count for the part of the district they reach.
    Per-grid figures use ``grid_radius_m`` (default: the middle of ``radii_m``).
    With ``layers`` the covered and uncovered parts are returned as WGS-84 geometries.
    """
    radii = sorted({float(r) for r in radii_m})
    check_inputs(radii, speed_kmh)
    if not radii:
        raise CoverageError("no radius given", "未给出半径 radius_m")
    matched = matching_stations(stations, amenities, at, tz)
    lats = np.array([s.lat for s in matched], dtype=np.float64)
    lons = np.array([s.lon for s in matched], dtype=np.float64)
    proj = Projection.for_geometry(district)
    district_xy = shapely.make_valid(proj.to_projected(district))
    district_m2 = float(district_xy.area)
    total = float(sum(d.weight for d in demand))
    d_lat = np.array([d.lat for d in demand])
    d_lon = np.array([d.lon for d in demand])
    in_district = shapely.contains_xy(district, d_lon, d_lat) if demand else np.zeros(0, dtype=bool)
    grid_r = grid_radius_m if grid_radius_m is not None else radii[len(radii) // 2]
    bands: list[Band] = []
    result = Coverage(district_m2 / 1e6, len(matched), speed_kmh, proj.epsg, bands, [], total)
    covered_at: dict[float, Any] = {}
    for r in sorted(set(radii) | {grid_r}):
        covered = covered_area(proj, lats, lons, r, district_xy)
        covered_at[r] = covered
        if r not in radii:
            continue
        demand_share: float | None = None
        if demand and total > 0:
            hit = demand_within(demand, lats, lons, r) & in_district
            demand_share = (
                float(sum(d.weight for d, h in zip(demand, hit, strict=True) if h)) / total
            )
        area = float(covered.area)
        bands.append(
            Band(
                r,
                minutes_at(r, speed_kmh),
                area / 1e6,
                area / district_m2 if district_m2 > 0 else 0.0,
                demand_share,
            )
        )
        if layers:
            result.covered[r] = shapely.make_valid(proj.to_wgs84(covered))
            result.uncovered[r] = shapely.make_valid(
                proj.to_wgs84(shapely.difference(district_xy, covered))
            )
    result.grids = grid_coverage(proj, grids, covered_at[grid_r], lats, lons, demand)
    return result


# --- redundancy -------------------------------------------------------------------------


@dataclass(frozen=True)
class RedundantPair:
    first_id: int
    second_id: int
    distance_m: float
    amenities: tuple[str, ...]


def redundant_pairs(
    stations: Sequence[IndexedStation], threshold_m: float = 300.0
) -> list[RedundantPair]:
    """Pairs of stations closer than ``threshold_m`` (geodesic) offering the same set of
    amenities, closest first."""
    if len(stations) < 2:
        return []
    lats = np.array([s.lat for s in stations])
    lons = np.array([s.lon for s in stations])
    from scipy.spatial import cKDTree  # scipy loaded by the first coverage asked for

    tree = cKDTree(ecef_m(lats, lons))
    out: list[RedundantPair] = []
    for i, j in sorted(tree.query_pairs(threshold_m)):
        a, b = stations[i], stations[j]
        if set(a.amenities) != set(b.amenities):
            continue
        dist = float(geodesic_many(a.lat, a.lon, [b.lat], [b.lon])[0])
        if dist < threshold_m:
            first, second = (a, b) if a.id < b.id else (b, a)
            out.append(RedundantPair(first.id, second.id, dist, tuple(sorted(set(a.amenities)))))
    out.sort(key=lambda p: (p.distance_m, p.first_id, p.second_id))
    return out
