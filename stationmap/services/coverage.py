"""District coverage and siting over what is stored: stations, the district's boundary,
its imported grids, demand points and candidate sites, and the couriers' "a station is
needed here" pins (open demand reports, weight 1 each).

One function per operation, used by the API, the CLI and the admin page alike.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from shapely.geometry import mapping
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from stationmap.geo.coverage import (
    DEFAULT_RADII_M,
    DEFAULT_SPEED_KMH,
    DISTANCE_BASIS_EN,
    DISTANCE_BASIS_ZH,
    Coverage,
    CoverageError,
    DemandPoint,
    GridCell,
    RedundantPair,
    district_coverage,
    matching_stations,
    redundant_pairs,
)
from stationmap.geo.datum import Datum, from_wgs84
from stationmap.geo.layer_files import LayerError, LayerKind, read_layer
from stationmap.geo.nearest import IndexedStation
from stationmap.geo.siting import Candidate, Site, suggest_sites
from stationmap.models import CoverageGrid, CoveragePoint, District, Report, Station

__all__ = [
    "CoverageError",
    "CoverageReport",
    "LayerError",
    "UnknownDistrict",
    "district_report",
    "import_layer",
    "layer_counts",
    "layers_file",
    "report_geojson",
    "report_summary",
    "write_layers",
]

# Pins still to be dealt with count as demand.
_OPEN_REPORT = ("new", "assigned", "in_progress")


class UnknownDistrict(LookupError):
    """No district with this code, or one without a boundary."""


@dataclass
class CoverageReport:
    district_code: str
    district_name: str
    radius_m: float  # the reach grids, demand and siting are judged at
    amenities: tuple[str, ...]
    at: datetime | None
    coverage: Coverage
    redundant: list[RedundantPair]
    sites: list[Site]
    station_points: list[tuple[int, float, float]] = field(default_factory=list)
    demand: list[DemandPoint] = field(default_factory=list)
    grid_shapes: dict[str, Any] = field(default_factory=dict)
    boundary: Any = None  # the district's polygon (WGS-84), for the layers
    distance_basis_zh: str = DISTANCE_BASIS_ZH
    distance_basis_en: str = DISTANCE_BASIS_EN


def _district(session: Session, code: str) -> tuple[District, Any]:
    row = session.get(District, code)
    if row is None or row.boundary_geojson is None:
        raise UnknownDistrict(code)
    return row, shapely.from_geojson(row.boundary_geojson)


def stations_around(session: Session, boundary: Any, margin_m: float) -> list[IndexedStation]:
    """Active stations inside the boundary's box widened by ``margin_m`` (those outside
    the district still cover the part of it they reach)."""
    minx, miny, maxx, maxy = boundary.bounds
    dlat = margin_m / 110_000.0 + 1e-4
    dlon = (
        margin_m / (110_000.0 * max(0.05, math.cos(math.radians(max(abs(miny), abs(maxy)))))) + 1e-4
    )
    rows = session.scalars(
        select(Station)
        .where(
            Station.deleted_at.is_(None),
            Station.status == "active",
            Station.lat.between(miny - dlat, maxy + dlat),
            Station.lon.between(minx - dlon, maxx + dlon),
        )
        .order_by(Station.id)
    )
    return [
        IndexedStation(
            s.id,
            s.lat,
            s.lon,
            tuple(s.amenities),
            s.host_type,
            tuple(s.worker_groups),
            s.opening_hours,
            s.closed_until.timestamp() if s.closed_until is not None else None,
            tuple((code, until.timestamp()) for code, until in s.outages),
        )
        for s in rows
    ]


def _grid_rows(session: Session, code: str) -> list[tuple[str, str, str]]:
    return [
        (g_code, name, geojson)
        for g_code, name, geojson in session.execute(
            select(CoverageGrid.code, CoverageGrid.name, CoverageGrid.geometry_geojson)
            .where(CoverageGrid.district_code == code)
            .order_by(CoverageGrid.code)
        )
    ]


def _grids(session: Session, code: str) -> list[GridCell]:
    return [GridCell(c, name, shapely.from_geojson(g)) for c, name, g in _grid_rows(session, code)]


def _points(session: Session, code: str, kind: str) -> list[CoveragePoint]:
    return list(
        session.scalars(
            select(CoveragePoint)
            .where(CoveragePoint.district_code == code, CoveragePoint.kind == kind)
            .order_by(CoveragePoint.id)
        )
    )


def _demand(session: Session, code: str) -> list[DemandPoint]:
    points = [DemandPoint(p.lat, p.lon, p.weight) for p in _points(session, code, "demand")]
    pins = session.execute(
        select(Report.lat, Report.lon).where(
            Report.district_code == code,
            Report.kind == "demand",
            Report.status.in_(_OPEN_REPORT),
            Report.lat.is_not(None),
            Report.lon.is_not(None),
        )
    )
    points.extend(
        DemandPoint(lat, lon, 1.0) for lat, lon in pins if lat is not None and lon is not None
    )
    return points


# Reports kept per process, keyed by everything they are computed from: a district's
# coverage costs about a second of CPU, and the admin page and the public API ask the
# same question again and again between two edits.
_KEPT_REPORTS = 16
_reports: OrderedDict[bytes, CoverageReport] = OrderedDict()
_reports_lock = threading.Lock()


def _fingerprint(*parts: object) -> bytes:
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.digest()


def district_report(
    session: Session,
    code: str,
    *,
    tz: ZoneInfo,
    radius_m: float | None = None,
    amenities: Iterable[str] = (),
    at: datetime | None = None,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    suggest: int = 0,
    redundancy_m: float = 300.0,
    layers: bool = False,
) -> CoverageReport:
    """Coverage of district ``code`` at 500 m, 1 km, 2 km (and ``radius_m`` if given,
    which is also the reach for grids, demand and siting; default 1 km), redundant
    pairs among the matching stations, and ``suggest`` proposed sites.

    The answer is kept while what it is computed from stays the same (the stations
    around the district, its boundary, grids, demand points and pins, candidate sites,
    and every argument): each is read at every call, the costly part is not redone. A
    kept report is shared: callers do not change it."""
    row, boundary = _district(session, code)
    reach = float(radius_m) if radius_m is not None else 1000.0
    radii = sorted(set(DEFAULT_RADII_M) | {reach})
    wanted = tuple(sorted(set(amenities)))
    demand = _demand(session, code)
    grid_rows = _grid_rows(session, code)
    supplied = _points(session, code, "candidate") if suggest else []
    stations = stations_around(session, boundary, max(radii))
    key = _fingerprint(
        code,
        row.name,
        row.boundary_geojson,
        reach,
        wanted,
        at.isoformat() if at is not None else None,
        tz.key,
        float(speed_kmh),
        int(suggest),
        float(redundancy_m),
        layers,
        stations,
        [(p.lat, p.lon, p.weight) for p in demand],
        grid_rows,
        [(p.lat, p.lon, p.label) for p in supplied],
    )
    with _reports_lock:
        kept = _reports.get(key)
        if kept is not None:
            _reports.move_to_end(key)
            return kept
    grids = [GridCell(c, name, shapely.from_geojson(g)) for c, name, g in grid_rows]
    coverage = district_coverage(
        boundary,
        stations,
        radii_m=radii,
        amenities=wanted,
        at=at,
        tz=tz,
        speed_kmh=speed_kmh,
        demand=demand,
        grids=grids,
        grid_radius_m=reach,
        layers=layers,
    )
    matched = matching_stations(stations, wanted, at, tz)
    inside = [s for s in matched if shapely.contains_xy(boundary, s.lon, s.lat)]
    sites: list[Site] = []
    if suggest:
        sites = suggest_sites(
            boundary,
            [s.lat for s in matched],
            [s.lon for s in matched],
            suggest,
            radius_m=reach,
            candidates=[Candidate(p.lat, p.lon, p.label) for p in supplied] or None,
            demand=demand,
            speed_kmh=speed_kmh,
        )
    report = CoverageReport(
        code,
        row.name,
        reach,
        wanted,
        at,
        coverage,
        redundant_pairs(inside, redundancy_m),
        sites,
        [(s.id, s.lat, s.lon) for s in matched],
        demand,
        {g.code: g.geometry for g in grids} if layers else {},
        boundary=boundary if layers else None,
    )
    with _reports_lock:
        _reports[key] = report
        while len(_reports) > _KEPT_REPORTS:
            _reports.popitem(last=False)
    return report


@dataclass(frozen=True)
class PrintOverlays:
    uncovered: Any = None  # WGS-84 polygon, or None
    grids: tuple[Any, ...] = ()


def print_overlays(
    session: Session,
    code: str,
    tz: ZoneInfo,
    uncovered_m: float | None,
    grids: bool,
    amenities: Iterable[str] = (),
) -> PrintOverlays:
    """What a printed district map adds: the part of district ``code`` beyond
    ``uncovered_m`` of a station (if given) and its grid cells (if ``grids``)."""
    if uncovered_m is None and not grids:
        return PrintOverlays()
    _row, boundary = _district(session, code)
    uncovered = None
    if uncovered_m is not None:
        result = district_coverage(
            boundary,
            stations_around(session, boundary, uncovered_m),
            radii_m=[uncovered_m],
            amenities=amenities,
            tz=tz,
            layers=True,
        )
        uncovered = result.uncovered[float(uncovered_m)]
    cells = tuple(g.geometry for g in _grids(session, code)) if grids else ()
    return PrintOverlays(uncovered, cells)


def import_layer(
    session: Session,
    code: str,
    kind: LayerKind,
    filename: str,
    data: bytes,
    datum: Datum = "wgs84",
) -> int:
    """Replace district ``code``'s grids, demand points or candidates with those in the
    file; the number stored. Raises :class:`LayerError` (nothing is changed)."""
    _district(session, code)
    features = read_layer(filename, data, kind, datum)
    now = datetime.now(UTC)
    if kind == "grid":
        session.execute(delete(CoverageGrid).where(CoverageGrid.district_code == code))
        session.add_all(
            CoverageGrid(
                district_code=code,
                code=cell.code[:60],
                name=cell.name[:200],
                geometry_geojson=json.dumps(mapping(cell.geometry)),
                imported_at=now,
            )
            for cell in features
            if isinstance(cell, GridCell)
        )
    else:
        session.execute(
            delete(CoveragePoint).where(
                CoveragePoint.district_code == code, CoveragePoint.kind == kind
            )
        )
        for p in features:
            if isinstance(p, DemandPoint):
                session.add(_point(code, kind, p.lat, p.lon, p.weight, "", now))
            elif isinstance(p, Candidate):
                session.add(_point(code, kind, p.lat, p.lon, 1.0, p.label[:200], now))
    session.flush()
    return len(features)


def _point(
    code: str, kind: str, lat: float, lon: float, weight: float, label: str, now: datetime
) -> CoveragePoint:
    return CoveragePoint(
        district_code=code, kind=kind, lat=lat, lon=lon, weight=weight, label=label, imported_at=now
    )


def layer_counts(session: Session, code: str) -> dict[str, int]:
    """How many grids, demand points and candidates district ``code`` has stored."""
    return {
        "grid": len(_grid_rows(session, code)),
        "demand": len(_points(session, code, "demand")),
        "candidate": len(_points(session, code, "candidate")),
    }


# --- plain data out -----------------------------------------------------------------------


def report_summary(report: CoverageReport) -> dict[str, Any]:
    """The report as JSON-ready data (no geometries)."""
    cov = report.coverage
    return {
        "district": {"code": report.district_code, "name": report.district_name},
        "area_km2": round(cov.district_km2, 4),
        "stations": cov.station_count,
        "amenities": list(report.amenities),
        "at": report.at.isoformat() if report.at is not None else None,
        "radius_m": report.radius_m,
        "speed_kmh": cov.speed_kmh,
        "distance_basis": cov.distance_basis,
        "distance_basis_text": {"zh": report.distance_basis_zh, "en": report.distance_basis_en},
        "crs_for_areas": f"EPSG:{cov.utm_epsg}",
        "demand_total": cov.demand_total,
        "bands": [
            {
                "radius_m": b.radius_m,
                "ebike_minutes": round(b.ebike_minutes, 2),
                "covered_km2": round(b.covered_km2, 4),
                "share": round(b.share, 6),
                "demand_share": None if b.demand_share is None else round(b.demand_share, 6),
            }
            for b in cov.bands
        ],
        "grids": [
            {
                "code": g.code,
                "name": g.name,
                "area_km2": round(g.area_km2, 4),
                "covered_share": round(g.covered_share, 6),
                "stations_inside": g.stations_inside,
                "in_reach": g.in_reach,
                "demand": g.demand,
            }
            for g in cov.grids
        ],
        "redundant_pairs": [
            {
                "station_ids": [p.first_id, p.second_id],
                "distance_m": round(p.distance_m, 1),
                "amenities": list(p.amenities),
            }
            for p in report.redundant
        ],
        "suggested_sites": [_site(s) for s in report.sites],
    }


def _site(s: Site) -> dict[str, Any]:
    return {
        "rank": s.rank,
        "lat": round(s.lat, 7),
        "lon": round(s.lon, 7),
        "label": s.label,
        "added_km2": round(s.added_km2, 4),
        "added_share": round(s.added_share, 6),
        "added_demand": s.added_demand,
        "added_demand_share": s.added_demand_share,
        "nearest_station_m": None if s.nearest_station_m is None else round(s.nearest_station_m),
        "reason": {"zh": s.reason_zh, "en": s.reason_en},
    }


def _shift_to(datum: Datum) -> Any:
    def convert(xy: Any) -> Any:
        lat, lon = from_wgs84(xy[:, 1], xy[:, 0], datum)
        return np.column_stack((lon, lat))

    return convert


def _features(report: CoverageReport, shift: Any = None) -> dict[str, list[dict[str, Any]]]:
    """Layer name -> GeoJSON features (WGS-84, or moved by ``shift``)."""
    cov = report.coverage
    out: dict[str, list[dict[str, Any]]] = {"district": [], "covered": [], "uncovered": []}
    if report.boundary is not None:
        out["district"].append(
            _feature(
                report.boundary, {"code": report.district_code, "name": report.district_name}, shift
            )
        )
    for radius, geom in cov.covered.items():
        out["covered"].append(_feature(geom, {"radius_m": radius}, shift))
    for radius, geom in cov.uncovered.items():
        out["uncovered"].append(_feature(geom, {"radius_m": radius}, shift))
    out["grids"] = [
        _feature(
            report.grid_shapes[g.code],
            {
                "code": g.code,
                "name": g.name,
                "covered_share": round(g.covered_share, 6),
                "stations_inside": g.stations_inside,
                "in_reach": g.in_reach,
                "demand": g.demand,
            },
            shift,
        )
        for g in cov.grids
        if g.code in report.grid_shapes
    ]
    out["demand"] = [
        _feature(shapely.Point(d.lon, d.lat), {"weight": d.weight}, shift) for d in report.demand
    ]
    out["stations"] = [
        _feature(shapely.Point(lon, lat), {"id": sid}, shift)
        for sid, lat, lon in report.station_points
    ]
    out["sites"] = [
        _feature(
            shapely.Point(s.lon, s.lat),
            {k: v for k, v in _site(s).items() if k != "reason"}
            | {"reason_zh": s.reason_zh, "reason_en": s.reason_en},
            shift,
        )
        for s in report.sites
    ]
    return out


def _feature(geom: Any, props: dict[str, Any], shift: Any = None) -> dict[str, Any]:
    if shift is not None:
        geom = shapely.transform(geom, shift)
    return {"type": "Feature", "geometry": mapping(geom), "properties": props}


def report_geojson(
    report: CoverageReport, datum: Datum = "wgs84", *, demand_points: bool = True
) -> dict[str, Any]:
    """One FeatureCollection with every layer (property ``layer`` names it) and the
    summary under ``coverage``; coordinates in WGS-84, or in ``datum`` to draw on a
    GCJ-02 or BD-09 base map (then said in the ``datum`` member). Without
    ``demand_points`` the demand layer is left out (order pick-ups and couriers' pins
    are for administrators; the public answer keeps only the shares)."""
    features = []
    shift = None if datum == "wgs84" else _shift_to(datum)
    for layer, items in _features(report, shift).items():
        if layer == "demand" and not demand_points:
            continue
        for f in items:
            f["properties"] = {"layer": layer, **f["properties"]}
            features.append(f)
    return {
        "type": "FeatureCollection",
        "datum": datum,
        "coverage": report_summary(report),
        "features": features,
    }


#: The layers' titles in KML folders and the Shapefile zip's notes.
LAYER_TITLES = {
    "district": "行政区 district",
    "covered": "覆盖区 covered",
    "uncovered": "未覆盖区 uncovered",
    "grids": "网格 grids",
    "demand": "需求点 demand",
    "stations": "驿站 stations",
    "sites": "建议新址 proposed sites",
}
#: Attribute names longer than a DBF's 10 characters, as a zipped Shapefile holds them.
SHAPEFILE_NAMES = {
    "covered_share": "cov_share",
    "stations_inside": "stations",
    "added_share": "add_share",
    "added_demand": "add_demand",
    "added_demand_share": "add_dem_sh",
    "nearest_station_m": "nearest_m",
}
#: The file name endings :func:`write_layers` and :func:`layers_file` accept.
LAYER_SUFFIXES = (".gpkg", ".geojson", ".json", ".zip", ".kml", ".kmz")


def layers_statement(datum: Datum) -> str:
    """What a layers file says about its coordinates, in Chinese and English."""
    from stationmap.tabular.gis_write import DATUM_TEXT

    return (
        f"驿站覆盖分析图层，坐标系：{DATUM_TEXT[datum]}；datum 字段注明每个要素的坐标系。"
        f" Coverage layers; coordinates in {datum} (see each feature's datum attribute)."
    )


def _datum_features(report: CoverageReport, datum: Datum) -> dict[str, list[dict[str, Any]]]:
    layers = _features(report, None if datum == "wgs84" else _shift_to(datum))
    for items in layers.values():
        for f in items:
            f["properties"] = {**f["properties"], "datum": datum}
    return layers


def layers_file(report: CoverageReport, suffix: str, datum: Datum = "wgs84") -> bytes:
    """The layers as a zipped Shapefile (``.zip``: one ``.shp`` per layer), KML or KMZ,
    coordinates in ``datum`` (stated in the file and in each feature's ``datum``)."""
    from stationmap.render.kml import kmz, layers_document
    from stationmap.tabular.gis_write import write_layers_shapefile

    layers = _datum_features(report, datum)
    if suffix == ".zip":
        notes = [layers_statement(datum), ""]
        notes += [f"{name}.shp\t{LAYER_TITLES[name]}" for name, items in layers.items() if items]
        notes += ["", *(f"{short}\t{name}" for name, short in SHAPEFILE_NAMES.items())]
        return write_layers_shapefile(layers, SHAPEFILE_NAMES, "\r\n".join(notes) + "\r\n")
    if suffix in (".kml", ".kmz"):
        document = layers_document(
            layers, LAYER_TITLES, datum, layers_statement(datum), f"{report.district_name} 覆盖分析"
        )
        return kmz(document) if suffix == ".kmz" else document
    raise CoverageError(f"cannot write {suffix} here", f"无法在此写出 {suffix}")


def write_layers(report: CoverageReport, path: str | Path, datum: Datum = "wgs84") -> list[str]:
    """Write the layers to ``path`` by its ending: a GeoPackage (one layer each,
    EPSG:4326), one GeoJSON FeatureCollection, a zipped Shapefile (``.zip``), KML or
    KMZ, coordinates in ``datum``; the layer names written."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix in (".geojson", ".json"):
        body = report_geojson(report, datum)
        target.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        return ["coverage"]
    if suffix not in LAYER_SUFFIXES:
        raise CoverageError(
            f"{target.name}: write .gpkg, .geojson, .zip (Shapefile), .kml or .kmz",
            f"{target.name}：输出文件须为 .gpkg、.geojson、.zip（Shapefile）、.kml 或 .kmz",
        )
    written = [name for name, items in _features(report).items() if items]
    if suffix != ".gpkg":
        target.write_bytes(layers_file(report, suffix, datum))
        return written
    import geopandas as gpd

    if target.exists():
        target.unlink()
    for layer, items in _datum_features(report, datum).items():
        if not items:
            continue
        frame = gpd.GeoDataFrame.from_features(items, crs="EPSG:4326")
        frame.to_file(
            target,
            layer=layer,
            driver="GPKG",
            engine="pyogrio",
            layer_options={"DESCRIPTION": layers_statement(datum)},
        )
    return written
