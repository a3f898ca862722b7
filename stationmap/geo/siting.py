"""Where the next stations should go: greedy maximal covering.

The district is sampled by a square lattice of area elements (projected metres, the
district's UTM zone); each candidate site covers the elements and the demand points
within the reach radius. The greedy rule adds, k times, the candidate that covers the
most still-uncovered weight (demand when there is demand, else area), which is within
a factor 1 - 1/e of the best k-set. The area each chosen site adds is then measured
exactly on polygons, not on the lattice.

Inputs are WGS-84 ``lat, lon``; distances are straight lines (no road network).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import shapely

if TYPE_CHECKING:
    from scipy import sparse

from stationmap.geo.coverage import (
    CoverageError,
    DemandPoint,
    Polygonal,
    Projection,
    check_inputs,
    covered_area,
    demand_within,
)
from stationmap.geo.distance import geodesic_many

# At most this many lattice elements and generated candidates.
MAX_ELEMENTS = 120_000
MAX_CANDIDATES = 4_000


@dataclass(frozen=True)
class Candidate:
    lat: float
    lon: float
    label: str = ""


@dataclass(frozen=True)
class Site:
    """One proposed site and what it adds to the sites before it."""

    rank: int
    lat: float
    lon: float
    label: str
    added_km2: float
    added_share: float  # of the district's area
    added_demand: float
    added_demand_share: float | None
    nearest_station_m: float | None
    reason_zh: str
    reason_en: str


def lattice(district_xy: Polygonal, spacing_m: float) -> tuple[npt.NDArray[np.float64], ...]:
    """Centres of a square lattice of ``spacing_m`` inside the projected district."""
    minx, miny, maxx, maxy = district_xy.bounds
    xs = np.arange(minx + spacing_m / 2, maxx, spacing_m)
    ys = np.arange(miny + spacing_m / 2, maxy, spacing_m)
    mx, my = np.meshgrid(xs, ys)
    gx, gy = mx.ravel(), my.ravel()
    shapely.prepare(district_xy)
    inside = shapely.contains_xy(district_xy, gx, gy)
    return gx[inside], gy[inside]


def _spacing(area_m2: float, limit: int, floor_m: float) -> float:
    return max(floor_m, float(np.sqrt(max(area_m2, 1.0) / limit)))


def suggest_sites(
    district: Polygonal,
    station_lats: npt.ArrayLike,
    station_lons: npt.ArrayLike,
    k: int,
    *,
    radius_m: float = 1000.0,
    candidates: Sequence[Candidate] | None = None,
    demand: Sequence[DemandPoint] = (),
    objective: Literal["auto", "area", "demand"] = "auto",
    speed_kmh: float = 15.0,
) -> list[Site]:
    """Up to ``k`` new sites inside ``district`` (WGS-84) that add the most coverage
    within ``radius_m`` to the existing ``station_lats, station_lons`` (the matching
    stations). ``candidates`` default to a lattice over the district; supplied ones
    outside the district are not used. Sites that add nothing are not proposed."""
    check_inputs([radius_m], speed_kmh)
    if not 0 <= k <= 100:
        raise CoverageError(
            f"k must be 0..100, got {k}", f"建议数量 k 须在 0 到 100 之间，收到 {k}"
        )
    lats = np.asarray(station_lats, dtype=np.float64)
    lons = np.asarray(station_lons, dtype=np.float64)
    proj = Projection.for_geometry(district)
    district_xy = shapely.make_valid(proj.to_projected(district))
    area_m2 = float(district_xy.area)
    if k == 0 or area_m2 <= 0:
        return []
    # Area elements, and which are already covered.
    step = _spacing(area_m2, MAX_ELEMENTS, radius_m / 20)
    ex, ey = lattice(district_xy, step)
    if ex.size == 0:
        centre = district_xy.representative_point()
        ex, ey = np.array([centre.x]), np.array([centre.y])
    covered = covered_area(proj, lats, lons, radius_m, district_xy)
    shapely.prepare(covered)
    e_open = (
        ~shapely.contains_xy(covered, ex, ey) if not covered.is_empty else np.ones(ex.size, bool)
    )
    # Demand points inside the district, and which are already covered (geodesic).
    d_in = [d for d in demand if shapely.contains_xy(district, d.lon, d.lat)]
    total_demand = float(sum(d.weight for d in d_in))
    if d_in:
        dx, dy = proj.xy([d.lat for d in d_in], [d.lon for d in d_in])
        dw = np.array([d.weight for d in d_in])
        d_open = ~demand_within(d_in, lats, lons, radius_m)
    else:
        dx = dy = dw = np.zeros(0)
        d_open = np.zeros(0, dtype=bool)
    use_demand = objective == "demand" or (objective == "auto" and total_demand > 0)
    # Candidates in projected metres.
    if candidates is None:
        cstep = _spacing(area_m2, MAX_CANDIDATES, radius_m / 4)
        cx, cy = lattice(district_xy, cstep)
        c_lat, c_lon = proj.latlon(cx, cy)
        labels = [""] * cx.size
    else:
        c_lat = np.array([c.lat for c in candidates], dtype=np.float64)
        c_lon = np.array([c.lon for c in candidates], dtype=np.float64)
        inside = shapely.contains_xy(district, c_lon, c_lat) if c_lat.size else np.zeros(0, bool)
        c_lat, c_lon = c_lat[inside], c_lon[inside]
        labels = [c.label for c, ok in zip(candidates, inside, strict=True) if ok]
        cx, cy = proj.xy(c_lat, c_lon)
    if cx.size == 0:
        return []
    scale = float(proj.scale([c_lat.mean()], [c_lon.mean()])[0])
    reach = radius_m * scale
    c_pts = np.column_stack((cx, cy))
    element_cover = _cover_matrix(c_pts, np.column_stack((ex, ey)), reach)
    demand_cover = _cover_matrix(c_pts, np.column_stack((dx, dy)), reach) if dx.size else None
    e_weight = e_open.astype(np.float64)
    d_weight = np.where(d_open, dw, 0.0)
    chosen: list[Site] = []
    taken: list[tuple[float, float]] = []
    covered_now = covered
    for rank in range(1, k + 1):
        area_gain = element_cover @ e_weight
        if use_demand and demand_cover is not None:
            gain = demand_cover @ d_weight
            # Ties (often zero) broken by area.
            score = gain * (area_gain.max() + 1.0) + area_gain
        else:
            gain = area_gain
            score = area_gain
        best = int(np.argmax(score))
        if score[best] <= 0:
            break
        disc = shapely.buffer(shapely.Point(cx[best], cy[best]), reach, quad_segs=16)
        disc = shapely.intersection(disc, district_xy)
        added = float(shapely.difference(disc, covered_now).area)
        covered_now = shapely.union(covered_now, disc)
        added_demand = 0.0
        if demand_cover is not None:
            row = demand_cover.getrow(best)
            added_demand = float(d_weight[row.indices].sum())
            d_weight[row.indices] = 0.0
        e_weight[element_cover.getrow(best).indices] = 0.0
        near = _nearest_m(float(c_lat[best]), float(c_lon[best]), lats, lons, taken)
        taken.append((float(c_lat[best]), float(c_lon[best])))
        demand_share = added_demand / total_demand if total_demand > 0 else None
        zh, en = explain(
            rank,
            radius_m,
            speed_kmh,
            added / 1e6,
            added / area_m2,
            added_demand,
            demand_share,
            near,
            labels[best],
        )
        chosen.append(
            Site(
                rank,
                float(c_lat[best]),
                float(c_lon[best]),
                labels[best],
                added / 1e6,
                added / area_m2,
                added_demand,
                demand_share,
                near,
                zh,
                en,
            )
        )
    return chosen


def _cover_matrix(
    centres: npt.NDArray[np.float64], points: npt.NDArray[np.float64], reach: float
) -> sparse.csr_matrix:
    """Candidates x points: 1 where the point lies within ``reach`` of the candidate
    (pairs found by the trees in compiled code)."""
    from scipy.spatial import cKDTree  # scipy loaded by the first coverage asked for

    pairs = cKDTree(centres).sparse_distance_matrix(cKDTree(points), reach, output_type="ndarray")
    ones = np.ones(pairs.size, dtype=np.float64)
    from scipy import sparse

    return sparse.csr_matrix((ones, (pairs["i"], pairs["j"])), shape=(len(centres), len(points)))


def _nearest_m(
    lat: float,
    lon: float,
    lats: npt.NDArray[np.float64],
    lons: npt.NDArray[np.float64],
    taken: list[tuple[float, float]],
) -> float | None:
    all_lat = np.concatenate((lats, [t[0] for t in taken]))
    all_lon = np.concatenate((lons, [t[1] for t in taken]))
    if all_lat.size == 0:
        return None
    return float(geodesic_many(lat, lon, all_lat, all_lon).min())


def explain(
    rank: int,
    radius_m: float,
    speed_kmh: float,
    added_km2: float,
    added_share: float,
    added_demand: float,
    demand_share: float | None,
    nearest_m: float | None,
    label: str,
) -> tuple[str, str]:
    """One sentence in Chinese and one in English saying why a site is proposed."""
    minutes = radius_m / (speed_kmh * 1000 / 60)
    where_zh = f"候选点“{label}”" if label else f"第 {rank} 个建议点"
    where_en = f"candidate “{label}”" if label else f"suggestion {rank}"
    near_zh = (
        f"距最近的驿站（含前面的建议点）{nearest_m:,.0f} 米"
        if nearest_m is not None
        else "附近尚无驿站"
    )
    near_en = (
        f"the nearest station (or earlier suggestion) is {nearest_m:,.0f} m away"
        if nearest_m is not None
        else "no station exists nearby"
    )
    demand_zh = (
        f"，新增覆盖需求 {added_demand:,.0f}（占 {demand_share:.1%}）"
        if demand_share is not None
        else ""
    )
    demand_en = (
        f" and {added_demand:,.0f} of demand ({demand_share:.1%})"
        if demand_share is not None
        else ""
    )
    zh = (
        f"{where_zh}：在此新设驿站，可使辖区内 {radius_m:,.0f} 米"
        f"（电动车约 {minutes:.0f} 分钟，直线距离）范围覆盖的面积增加 {added_km2:.2f} 平方公里"
        f"（占辖区 {added_share:.1%}）{demand_zh}；{near_zh}。"
    )
    en = (
        f"{where_en[0].upper()}{where_en[1:]}: a station here adds {added_km2:.2f} km² "
        f"({added_share:.1%} of the district) within {radius_m:,.0f} m (about {minutes:.0f} "
        f"min by e-bike, straight line){demand_en}; {near_en}."
    )
    return zh, en
